"""Mean-field theory of signal propagation in wide random networks (Poole et al. 2016).

In a wide layer with independent zero-mean weights of variance σ_w²/width and biases of variance
σ_b², the pre-activations are Gaussian with a variance q that follows the recursion

    q^{l+1} = σ_w² · E_z[φ(√q^l z)²] + σ_b²,        z ~ N(0, 1),

and a gradient's mean square is multiplied by σ_w² · E_z[φ′(√q^l z)²] per layer (χ₁ at the fixed
point q*; χ₁ = 1 is the edge of chaos).

Gaussian expectations use piecewise Gauss–Legendre quadrature in z, with breakpoints at the kink
z = 0 of ReLU-like φ and at |√q z| = 12, where every φ here has become linear or constant. Plain
Gauss–Hermite (``hermegauss``) cannot do this job: at the q ≈ 500 of a tanh net with N(0, 1)
weights, φ′(√q z)² is a spike narrower than the node spacing, and 200 nodes give E[φ′²] ≈ 1.3e-4
instead of 0.024; and for ReLU, E[φ] converges only like 1/nodes. The panels are exact to ~1e-14
for all q.

Initializers whose weights do not have mean zero (``ones``, ``constant(value=0.5)``, ``identity``,
``random_normal(mean=0.1)``) break the assumption: every unit then sees the same sum of its
inputs, units become correlated and the recursion says nothing. Their prediction is NaN. ``zeros``
is covered exactly: σ_w² = 0, so q = σ_b² in every layer.
"""

import functools
import math

import numpy as np
import pandas as pd
from numpy.polynomial.legendre import leggauss

from .activations import get_activation
from .initializers import theory

_NODES = 64                 # Gauss–Legendre nodes per panel
_LINEAR_BEYOND = 12.0       # |x| beyond which every activation is linear or constant
Z_MAX = 12.0               # the Gaussian mass beyond 12 standard deviations is ~1e-33
Q_MIN, Q_MAX = 1e-200, 1e12
"""Variances searched for a fixed point: below Q_MIN it is 0, above Q_MAX the variance diverges."""
_MAX_STEPS = 100            # Newton or bisection steps in log q


@functools.cache
def _legendre(n):
    return leggauss(n)


def knots(centre, scale):
    """The z where ``centre + scale·z`` is −12, 0 or 12, where activations change form: (..., 3)."""
    levels = np.array([-_LINEAR_BEYOND, 0.0, _LINEAR_BEYOND])
    return (levels - np.asarray(centre)[..., None]) / np.maximum(scale, 1e-300)[..., None]


def gauss_nodes(cuts, n=_NODES, z_max=Z_MAX):
    """Nodes z and weights of E[h(z)], z ~ N(0, 1), piecewise Gauss–Legendre between `cuts`.

    `cuts` (..., k) are breakpoints in z, clipped to ±`z_max`; returns two arrays
    (..., (k + 1)·n).
    """
    t, w = _legendre(n)
    inner = np.sort(np.clip(cuts, -z_max, z_max), axis=-1)
    ends = np.full((*inner.shape[:-1], 1), z_max)
    edges = np.concatenate([-ends, inner, ends], axis=-1)
    mid, half = (edges[..., 1:] + edges[..., :-1]) / 2, (edges[..., 1:] - edges[..., :-1]) / 2
    z = mid[..., None] + half[..., None] * t
    weights = np.exp(-z * z / 2) / math.sqrt(2 * math.pi) * half[..., None] * w
    return z.reshape(*z.shape[:-2], -1), weights.reshape(*z.shape[:-2], -1)


def gaussian_mean(f, q):
    """E[f(√q z)] for z ~ N(0, 1), by quadrature; `q` may be an array of variances."""
    q = np.asarray(q, dtype=float)
    with np.errstate(all="ignore"):
        root = np.sqrt(q)
        z, weights = gauss_nodes(knots(np.zeros_like(q), root))
        return (f(root[..., None] * z) * weights).sum(axis=-1)


def limit(q):
    """`q` clipped to [Q_MIN, Q_MAX]: slopes at q* = 0 or ∞ are their limits q → 0⁺ or ∞.

    A net in the ordered phase approaches q* = 0 without reaching it (where ReLU's slope would be
    the ill-defined φ′(0)), and one whose variance diverges is described by its large-q slopes.
    """
    return np.clip(q, Q_MIN, Q_MAX)


def weight_variance(spec, width, flavor="keras"):
    """σ_w² = width · Var(W) of `spec` on a square `width` × `width` layer; NaN if E[W] ≠ 0."""
    law = theory(spec, (width, width), flavor)
    return width * law.std**2 if law.mean == 0 else math.nan


def next_variance(activation, q, sigma_w2, sigma_b2=0.0):
    """One step of the variance map: σ_w² · E[φ(√q z)²] + σ_b²."""
    phi = get_activation(activation).forward
    with np.errstate(all="ignore"):
        return sigma_w2 * gaussian_mean(lambda x: phi(x) ** 2, q) + sigma_b2


def chi1(activation, sigma_w2, q):
    """χ₁ = σ_w² · E[φ′(√q z)²]: the factor by which a gradient's mean square grows per layer."""
    dphi = get_activation(activation).derivative
    with np.errstate(all="ignore"):
        return sigma_w2 * gaussian_mean(lambda x: dphi(x) ** 2, limit(q))


def _variance_and_slope(act, q, sigma_w2, sigma_b2):
    """q^{l+1} and ∂q^{l+1}/∂q^l at q^l = `q`, from one set of quadrature nodes."""
    q = limit(q)

    def both(x):
        phi = act.forward(x)
        return np.stack([phi * phi, phi * act.derivative(x) * x])

    with np.errstate(all="ignore"):
        square, cross = gaussian_mean(both, q)
        return sigma_w2 * square + sigma_b2, sigma_w2 * cross / q


def variance_slope(activation, sigma_w2, q):
    """∂q^{l+1}/∂q^l = χ₁ + σ_w² · E[φ φ″] (Schoenholz et al. 2017, eq. 6), at variance `q`.

    Computed without φ″, as σ_w² · E[φ(x) φ′(x) x] / q with x = √q z (Gaussian integration by
    parts), so that ReLU's kink needs no special case.
    """
    return _variance_and_slope(get_activation(activation), q, sigma_w2, 0.0)[1]


def fixed_point(activation, sigma_w2, sigma_b2=0.0, q0=1.0):
    """The fixed point q* that iterating the variance map from `q0` approaches.

    The map is increasing in q, so its iteration moves monotonically towards the nearest fixed
    point on the side where q^{l+1} − q^l points. That point is bracketed between `q0` and Q_MIN
    or Q_MAX and found by Newton's method in log q, falling back to bisection whenever a step
    would leave the bracket. Broadcasts over arrays of `sigma_w2`, `sigma_b2` and `q0`.

    Returns
    -------
    float or numpy.ndarray
        q*: 0 where the signal dies out, inf where its variance grows past Q_MAX, NaN for NaN
        input.
    """
    act = get_activation(activation)
    sigma_w2, sigma_b2, q0 = np.broadcast_arrays(*(np.asarray(v, dtype=float)
                                                   for v in (sigma_w2, sigma_b2, q0)))

    def gap(log_q):    # q^{l+1} − q^l and its derivative in log q
        q = np.exp(log_q)
        new, slope = _variance_and_slope(act, q, sigma_w2, sigma_b2)
        return new - q, q * (slope - 1)

    start = gap(np.log(q0))
    up = start[0] > 0
    low, high = np.log(q0), np.where(up, math.log(Q_MAX), math.log(Q_MIN))
    far = gap(high)[0] / np.exp(high)
    crossed = np.where(up, far < -1e-12, far > 1e-12)   # clearly, not by rounding (σ_w² = 1, tanh)
    s, (g, dg) = low, start
    with np.errstate(all="ignore"):
        for _ in range(_MAX_STEPS):
            newton = s - g / dg
            inside = ((newton - low) * (newton - high) <= 0) | (np.abs(newton - s) < 1e-13)
            step = np.where(inside, newton, (low + high) / 2) - s
            s = s + step
            g, dg = gap(s)
            same = (g > 0) == up
            low, high = np.where(same, s, low), np.where(same, high, s)
            if np.all(~crossed | (np.abs(step) < 1e-10)):   # the next step: ~1e-20
                break
    q = np.where(crossed, np.exp(s), np.where(up, math.inf, 0.0))
    q = np.where(np.abs(start[0]) <= 1e-12 * q0, q0, q)   # q0 is itself fixed (ReLU at σ_w² = 2)
    return np.where(np.isnan(start[0]), math.nan, q)[()]


def predict(activation, depth, sigma_w2, sigma_b2=0.0):
    """Mean-field prediction for a net fed unit-Gaussian input, per layer 1..depth.

    The top layer receives a unit-Gaussian gradient with respect to its activations, as in
    `initviz.propagate`.

    Parameters
    ----------
    activation : str or Activation
    depth : int
    sigma_w2 : float
        width · Var(W); NaN gives NaN everywhere.
    sigma_b2 : float
        Variance of the biases.

    Returns
    -------
    dict of numpy.ndarray
        ``preact_std``, ``act_std`` and ``grad_std`` (of the gradient with respect to the
        pre-activations), each of length `depth`.
    """
    act = get_activation(activation)
    if math.isnan(sigma_w2):
        return {name: np.full(depth, math.nan) for name in ("preact_std", "act_std", "grad_std")}
    q = np.empty(depth)
    q[0] = sigma_w2 + sigma_b2    # the input has E[x²] = 1
    for layer in range(1, depth):
        q[layer] = next_variance(act, q[layer - 1], sigma_w2, sigma_b2)
    with np.errstate(all="ignore"):
        mean = gaussian_mean(act.forward, q)
        act_var = gaussian_mean(lambda x: act.forward(x) ** 2, q) - mean**2
        slope2 = gaussian_mean(lambda x: act.derivative(x) ** 2, q)
        # E[δ_top²] = E[φ′²]; one layer down multiplies by σ_w² · E[φ′²] of that layer.
        below = np.cumprod((sigma_w2 * slope2)[::-1])[::-1]
        grad2 = slope2 * np.append(below[1:], 1.0)
        return {
            "preact_std": np.sqrt(q),
            "act_std": np.sqrt(np.maximum(act_var, 0.0)),
            "grad_std": np.sqrt(grad2),
        }


def criticality(specs, activation, width, flavor="keras", bias_std=0.0):
    """Where each initializer puts a wide net: σ_w², the fixed point q* and χ₁ there.

    Returns
    -------
    pandas.DataFrame
        One row per spec: ``initializer``, ``sigma_w2``, ``q_star``, ``chi1``. χ₁ < 1: gradients
        vanish with depth (ordered phase); χ₁ > 1: they explode (chaotic phase).
    """
    act = get_activation(activation)
    rows = []
    for spec in specs:
        sigma_w2 = weight_variance(spec, width, flavor)
        q_star = fixed_point(act, sigma_w2, bias_std**2) if math.isfinite(sigma_w2) else math.nan
        rows.append({"initializer": spec, "sigma_w2": sigma_w2, "q_star": q_star,
                     "chi1": float(chi1(act, sigma_w2, q_star))})
    return pd.DataFrame(rows)
