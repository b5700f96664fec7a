"""The distributions weights are drawn from: their moments, bounds, pdf, and one sampler."""

import math
from dataclasses import dataclass

import numpy as np
from scipy import special, stats

from .errors import InputError

TRUNCATED_STD = 0.87962566103423978
"""Std of a standard normal truncated to (-2, 2)."""


@dataclass(frozen=True)
class Theory:
    """What theory says of an initializer's weights for one shape.

    `kind` is constant, normal, uniform, truncated_normal, orthogonal, identity, dirac, sparse,
    delta_orthogonal or data-dependent (LSUV: mean NaN, std None, drawn by `initviz.lsuv`).
    `low`/`high` are hard bounds (infinite for a normal). `scale` is the std
    of the normal before truncation (truncated_normal, sparse) or the gain (orthogonal, identity,
    dirac, delta_orthogonal); `loc` the mean before truncation; `n` the length of the orthonormal
    vectors; `axis` the axis whose vectors are orthonormal; `groups` the dirac groups.
    `zero_mass` is the share of weights that are exactly 0 besides the law `nonzero` of the rest
    (sparse, delta_orthogonal).
    """

    kind: str
    mean: float
    std: float
    low: float
    high: float
    scale: float = math.nan
    loc: float = math.nan
    n: int = 0
    axis: int = -1
    groups: int = 1
    zero_mass: float = 0.0
    nonzero: "Theory | None" = None

    @property
    def has_density(self):
        """Whether some weights have a density (all but constants, identities and diracs)."""
        return self._dist() is not None

    @property
    def continuous(self):
        """Whether the weights have a density and no point mass: a KS test applies."""
        return self.has_density and self.zero_mass == 0

    def _dist(self):
        if self.nonzero is not None:
            return self.nonzero._dist()
        if self.kind == "normal" and self.std > 0:
            return stats.norm(self.mean, self.std)
        if self.kind == "uniform" and self.high > self.low:
            return stats.uniform(self.low, self.high - self.low)
        if self.kind == "truncated_normal" and self.scale > 0:
            a, b = (self.low - self.loc) / self.scale, (self.high - self.loc) / self.scale
            return stats.truncnorm(a, b, loc=self.loc, scale=self.scale)
        if self.kind == "orthogonal" and self.n >= 2 and self.scale != 0:
            # An orthonormal vector is uniform on the sphere: (x+1)/2 ~ Beta((n-1)/2, (n-1)/2).
            half = (self.n - 1) / 2
            g = abs(self.scale)
            return stats.beta(half, half, loc=-g, scale=2 * g)
        return None

    def pdf(self, x):
        """Density at `x` (of the weights that are not a point mass); NaN if there is none."""
        dist = self._dist()
        x = np.asarray(x, dtype=float)
        return np.full_like(x, np.nan) if dist is None else (1 - self.zero_mass) * dist.pdf(x)

    def cdf(self, x):
        """Cumulative distribution at `x`, point mass included; NaN if there is no density."""
        dist = self._dist()
        x = np.asarray(x, dtype=float)
        if dist is None:
            return np.full_like(x, np.nan)
        return (1 - self.zero_mass) * dist.cdf(x) + self.zero_mass * (x >= 0)


def constant(value):
    return Theory("constant", value, 0.0, value, value)


def normal(mean, std):
    return Theory("normal", mean, std, -math.inf, math.inf)


def uniform(low, high):
    return Theory("uniform", (low + high) / 2, (high - low) / math.sqrt(12), low, high)


def truncated_normal(mean, sigma):
    """N(mean, sigma^2) cut at mean +- 2 sigma, as Keras, JAX and variance scaling do."""
    return Theory("truncated_normal", mean, sigma * TRUNCATED_STD, mean - 2 * sigma,
                  mean + 2 * sigma, sigma, mean)


def truncated_between(loc, sigma, low, high):
    """N(loc, sigma^2) cut to the absolute bounds [low, high], as PyTorch's trunc_normal_."""
    if not low < high:
        raise InputError(f"A truncated normal needs its lower bound below its upper, got "
                         f"{low:g} and {high:g}.")
    if not sigma > 0:
        raise InputError("A truncated normal needs a positive std.")
    cut = stats.truncnorm((low - loc) / sigma, (high - loc) / sigma, loc=loc, scale=sigma)
    mean, std = float(cut.mean()), float(cut.std())
    if not (math.isfinite(mean) and math.isfinite(std)):
        raise InputError("The truncation bounds are too far out in the tail of the normal.")
    return Theory("truncated_normal", mean, std, low, high, sigma, loc)


def cut_at_two_sigma(law):
    """Whether a truncated normal is cut at loc ± 2·scale (drawn by redrawing the rejects)."""
    return (law.low, law.high) == (law.loc - 2 * law.scale, law.loc + 2 * law.scale)


def matrix_shape(shape, axis=-1):
    """(rows, cols) of the matrix whose columns run along `axis`, as orthogonal sees `shape`."""
    cols = shape[axis]
    return math.prod(shape) // cols, cols


def _require_matrix(name, shape):
    if len(shape) < 2:
        raise InputError(f"{name} needs a shape of at least 2 dimensions (Keras, PyTorch and JAX "
                         f"all refuse a vector), got {tuple(shape)}.")


def orthogonal(gain, shape, axis=-1):
    """Gain times orthonormal rows or columns; columns run along `axis` (JAX's column_axis)."""
    _require_matrix("orthogonal", shape)
    n = max(matrix_shape(shape, axis))
    g = abs(gain)
    return Theory("orthogonal", 0.0, g / math.sqrt(n), -g, g, gain, n=n, axis=axis)


def _two_point(kind, gain, share, **fields):
    """`gain` on a `share` of the weights, 0 elsewhere."""
    return Theory(kind, gain * share, abs(gain) * math.sqrt(share * (1 - share)),
                  min(0.0, gain), max(0.0, gain), gain, **fields)


def identity(gain, shape):
    if len(shape) != 2:
        raise InputError(f"identity needs a 2-D (fan_in, fan_out) shape, got {tuple(shape)}.")
    return _two_point("identity", gain, min(shape) / math.prod(shape))


def dirac(groups, shape):
    """PyTorch's dirac_: each group's first min(out/groups, in) channels pass straight through."""
    if len(shape) not in (3, 4, 5):
        raise InputError(f"dirac needs a conv kernel of 3, 4 or 5 dimensions (PyTorch's rule), "
                         f"got {tuple(shape)}.")
    if shape[-1] % groups:
        raise InputError(f"dirac: the {shape[-1]} out channels must split into {groups} groups.")
    ones = groups * min(shape[-1] // groups, shape[-2])
    return _two_point("dirac", 1.0, ones / math.prod(shape), groups=groups)


def with_zeros(kind, part, zero_mass):
    """A mixture: exact zeros with probability `zero_mass`, the law `part` otherwise."""
    keep = 1 - zero_mass
    mean = keep * part.mean
    std = math.sqrt(max(keep * (part.std**2 + part.mean**2) - mean**2, 0.0))
    if zero_mass == 1:
        return Theory(kind, 0.0, 0.0, 0.0, 0.0, part.scale, zero_mass=1.0)
    return Theory(kind, mean, std, min(0.0, part.low), max(0.0, part.high), part.scale,
                  part.loc, part.n, part.axis, zero_mass=zero_mass, nonzero=part)


def sparse(sparsity, std, shape):
    """PyTorch's sparse_ (Martens 2010): N(0, std²) with ceil(sparsity·out) zeros per input."""
    if len(shape) != 2:
        raise InputError(f"sparse needs a 2-D (fan_in, fan_out) shape, got {tuple(shape)}.")
    zeros = math.ceil(sparsity * shape[1])
    return with_zeros("sparse", Theory("normal", 0.0, std, -math.inf, math.inf, std),
                      zeros / shape[1])


def delta_orthogonal(gain, shape):
    """JAX's delta_orthogonal (Xiao et al. 2018): an orthogonal (in, out) matrix at the kernel's
    centre, zeros elsewhere."""
    if len(shape) not in (3, 4, 5):
        raise InputError(f"delta_orthogonal needs a conv kernel of 3, 4 or 5 dimensions, got "
                         f"{tuple(shape)}.")
    if shape[-1] < shape[-2]:
        raise InputError(f"delta_orthogonal needs in channels <= out channels, got "
                         f"{shape[-2]} > {shape[-1]}.")
    centre = orthogonal(gain, shape[-2:])
    return with_zeros("delta_orthogonal", centre, 1 - 1 / math.prod(shape[:-2]))


def data_dependent():
    """The law of an initializer that needs data (LSUV): no moments known before the data."""
    return Theory("data-dependent", math.nan, None, math.nan, math.nan)


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
        if cut_at_two_sigma(theory):
            return theory.loc + theory.scale * _standard_truncated(rng, shape)
        a, b = ((bound - theory.loc) / theory.scale for bound in (theory.low, theory.high))
        return np.clip(theory.loc + theory.scale * standard_between(rng, shape, a, b),
                       theory.low, theory.high)
    if kind == "orthogonal":
        return theory.scale * _orthonormal(rng, shape, theory.axis)
    if kind == "identity":
        return theory.scale * np.eye(*shape)
    if kind == "dirac":
        return _dirac(shape, theory.groups)
    if kind == "sparse":
        return _sparse(rng, shape, theory.scale, round(theory.zero_mass * shape[1]))
    if kind == "delta_orthogonal":
        w = np.zeros(shape)
        w[tuple((k - 1) // 2 for k in shape[:-2])] = theory.scale * _orthonormal(rng, shape[-2:])
        return w
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


def standard_between(rng, shape, a, b):
    """Standard normal on [a, b] by the inverse cdf in log space, so far tails stay exact."""
    flip = a > 0  # work in the lower half, where log Φ keeps its precision
    if flip:
        a, b = -b, -a
    log_a, log_b = special.log_ndtr(a), special.log_ndtr(b)
    ratio = math.exp(log_a - log_b)
    z = np.clip(special.ndtri_exp(log_b + np.log(ratio + rng.random(shape) * (1 - ratio))), a, b)
    return -z if flip else z


def _orthonormal(rng, shape, axis=-1):
    """Keras/PyTorch/JAX orthogonal: QR of a Gaussian, signs fixed so Q is Haar distributed.

    Columns run along `axis`: JAX's column_axis; -1 for Keras and PyTorch.
    """
    rows, cols = matrix_shape(shape, axis)
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    moved = (*np.delete(shape, axis), shape[axis])
    return np.moveaxis(q.reshape(moved), -1, axis)


def dirac_indices(shape, groups):
    """Index arrays (kernel centre, in channel, out channel) of the ones of PyTorch's dirac_."""
    per_group = shape[-1] // groups
    d = np.tile(np.arange(min(per_group, shape[-2])), groups)
    out = d + np.repeat(np.arange(groups) * per_group, min(per_group, shape[-2]))
    return (*(k // 2 for k in shape[:-2]), d, out)


def _dirac(shape, groups):
    w = np.zeros(shape)
    w[dirac_indices(shape, groups)] = 1.0
    return w


def _sparse(rng, shape, std, zeros):
    """N(0, std²), then `zeros` random entries of each row (one input unit) set to 0."""
    w = rng.normal(0.0, std, size=shape)
    np.put_along_axis(w, np.argsort(rng.random(shape), axis=1)[:, :zeros], 0.0, axis=1)
    return w
