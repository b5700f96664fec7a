"""The distributions weights are drawn from: their moments, bounds, pdf, and one sampler."""

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .errors import InputError

TRUNCATED_STD = 0.87962566103423978
"""Std of a standard normal truncated to (-2, 2)."""


@dataclass(frozen=True)
class Theory:
    """What theory says of an initializer's weights for one shape.

    `kind` is constant, normal, uniform, truncated_normal, orthogonal or identity. `low`/`high`
    are hard bounds (infinite for a normal). `scale` is the std of the normal before truncation
    (truncated_normal) or the gain (orthogonal, identity); `n` is the length of the orthonormal
    vectors (orthogonal).
    """

    kind: str
    mean: float
    std: float
    low: float
    high: float
    scale: float = math.nan
    n: int = 0

    @property
    def continuous(self):
        """Whether the weights have a density (constants and identities do not)."""
        return self._dist() is not None

    def _dist(self):
        if self.kind == "normal" and self.std > 0:
            return stats.norm(self.mean, self.std)
        if self.kind == "uniform" and self.high > self.low:
            return stats.uniform(self.low, self.high - self.low)
        if self.kind == "truncated_normal" and self.scale > 0:
            a, b = (self.low - self.mean) / self.scale, (self.high - self.mean) / self.scale
            return stats.truncnorm(a, b, loc=self.mean, scale=self.scale)
        if self.kind == "orthogonal" and self.n >= 2 and self.scale != 0:
            # An orthonormal vector is uniform on the sphere: (x+1)/2 ~ Beta((n-1)/2, (n-1)/2).
            half = (self.n - 1) / 2
            g = abs(self.scale)
            return stats.beta(half, half, loc=-g, scale=2 * g)
        return None

    def pdf(self, x):
        """Density at `x`; NaN everywhere for discrete kinds."""
        dist = self._dist()
        x = np.asarray(x, dtype=float)
        return np.full_like(x, np.nan) if dist is None else dist.pdf(x)

    def cdf(self, x):
        """Cumulative distribution at `x`; NaN everywhere for discrete kinds."""
        dist = self._dist()
        x = np.asarray(x, dtype=float)
        return np.full_like(x, np.nan) if dist is None else dist.cdf(x)


def constant(value):
    return Theory("constant", value, 0.0, value, value)


def normal(mean, std):
    return Theory("normal", mean, std, -math.inf, math.inf)


def uniform(low, high):
    return Theory("uniform", (low + high) / 2, (high - low) / math.sqrt(12), low, high)


def truncated_normal(mean, sigma):
    """N(mean, sigma^2) cut at mean +- 2 sigma, as Keras, JAX and variance scaling do."""
    return Theory(
        "truncated_normal", mean, sigma * TRUNCATED_STD, mean - 2 * sigma, mean + 2 * sigma, sigma
    )


def _matrix_shape(shape):
    return math.prod(shape[:-1]), shape[-1]


def orthogonal(gain, shape):
    n = max(_matrix_shape(shape))
    g = abs(gain)
    return Theory("orthogonal", 0.0, g / math.sqrt(n), -g, g, gain, n)


def identity(gain, shape):
    if len(shape) != 2:
        raise InputError(f"identity needs a 2-D (fan_in, fan_out) shape, got {tuple(shape)}.")
    share = min(shape) / math.prod(shape)
    return Theory(
        "identity", gain * share, abs(gain) * math.sqrt(share * (1 - share)),
        min(0.0, gain), max(0.0, gain), gain,
    )


def draw(theory, shape, rng):
    """Sample an array of `shape` (float64) from `theory` with the Generator `rng`."""
    kind = theory.kind
    if kind == "constant":
        return np.full(shape, theory.mean, dtype=float)
    if kind == "normal":
        return rng.normal(theory.mean, theory.std, size=shape)
    if kind == "uniform":
        return rng.uniform(theory.low, theory.high, size=shape)
    if kind == "truncated_normal":
        return theory.mean + theory.scale * _standard_truncated(rng, shape)
    if kind == "orthogonal":
        return theory.scale * _orthonormal(rng, shape)
    if kind == "identity":
        return theory.scale * np.eye(*shape)
    raise AssertionError(f"unknown kind {kind}")


def _standard_truncated(rng, shape):
    """Standard normal cut at +-2 by redrawing the rejects (about 5% per round)."""
    z = rng.standard_normal(shape)
    outside = np.flatnonzero(np.abs(z) > 2)
    flat = z.reshape(-1)
    while outside.size:
        flat[outside] = rng.standard_normal(outside.size)
        outside = outside[np.abs(flat[outside]) > 2]
    return z


def _orthonormal(rng, shape):
    """Keras/PyTorch orthogonal: QR of a Gaussian, signs fixed so Q is Haar distributed."""
    rows, cols = _matrix_shape(shape)
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q.reshape(shape)
