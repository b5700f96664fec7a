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

import math

import numpy as np
import pandas as pd
from numpy.polynomial.legendre import leggauss

from .activations import get_activation
from .initializers import theory

_T, _W = leggauss(64)       # nodes and weights on [-1, 1], used on each of four panels
_LINEAR_BEYOND = 12.0       # |x| beyond which every activation is linear or constant
_Z_MAX = 12.0               # the Gaussian mass beyond 12 standard deviations is ~1e-33


def gaussian_mean(f, q):
    """E[f(√q z)] for z ~ N(0, 1), by quadrature; `q` may be an array of variances."""
    q = np.asarray(q, dtype=float)
    with np.errstate(all="ignore"):
        a = np.minimum(_LINEAR_BEYOND / np.sqrt(q), _Z_MAX)[..., None]
        zero = np.zeros_like(a)
        cuts = np.concatenate([zero - _Z_MAX, -a, zero, a, zero + _Z_MAX], axis=-1)
        mid, half = (cuts[..., 1:] + cuts[..., :-1]) / 2, (cuts[..., 1:] - cuts[..., :-1]) / 2
        z = mid[..., None] + half[..., None] * _T
        density = np.exp(-z * z / 2) / math.sqrt(2 * math.pi)
        values = f(np.sqrt(q)[..., None, None] * z) * density
        return (values * half[..., None] * _W).sum(axis=(-1, -2))


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
        return sigma_w2 * gaussian_mean(lambda x: dphi(x) ** 2, q)


def fixed_point(activation, sigma_w2, sigma_b2=0.0, q0=1.0, tol=1e-12, max_iter=1_000):
    """The fixed point q* reached by iterating the variance map from `q0` (inf if it diverges)."""
    q = q0
    for _ in range(max_iter):
        new = float(next_variance(activation, q, sigma_w2, sigma_b2))
        if not math.isfinite(new):
            return math.inf
        if abs(new - q) <= tol * max(1.0, q):
            return new
        q = new
    return q


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
