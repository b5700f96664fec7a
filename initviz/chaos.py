"""Order and chaos in wide random networks: the correlation map, depth scales, the phase diagram.

Two inputs with pre-activations of variance q and correlation c at layer l have, one layer up
(Poole et al. 2016, "Exponential expressivity in deep neural networks through transient chaos";
Schoenholz et al. 2017, "Deep Information Propagation"),

    q^{l+1} c^{l+1} = σ_w² · E[φ(u₁) φ(u₂)] + σ_b²,
    u₁ = √q z₁,  u₂ = √q (c z₁ + √(1 − c²) z₂),  z₁, z₂ ~ N(0, 1) independent.

At the variance's fixed point q*, c = 1 is always a fixed point, with slope χ₁ = σ_w² E[φ′(u)²]:
stable when χ₁ < 1 (ordered phase: all inputs end up alike), unstable when χ₁ > 1 (chaotic phase:
correlations fall to a c* < 1 and nearby inputs decorrelate). Correlations approach c* like
exp(−l/ξ_c) with ξ_c = −1/ln χ_c, χ_c = σ_w² E[φ′(u₁) φ′(u₂)] at c*, which diverges on the critical
line χ₁ = 1. Schoenholz et al. find that a net trains only when its depth is below about 6 ξ_c.

The 2-D expectations are nested piecewise Gauss–Legendre quadratures (`meanfield.gauss_nodes`):
over z₁ cut where u₁ or c√q z₁ crosses a kink or saturates, and for each z₁ node over z₂ cut
where u₂ does, so that ReLU's kink and tanh's near-step at large q lie on panel edges.
"""

import math

import numpy as np
import pandas as pd

from . import meanfield
from .activations import get_activation
from .errors import InputError, check_float, check_int

PAIR_NODES = 12            # Gauss–Legendre nodes per panel: ~1e-8, ~1e-6 at worst
NEWTON_STEPS = 40          # at most, for c*; each halves the digits wrong or better
CRITICAL_TOL = 1e-10       # |χ₁ − 1| below which a point counts as critical
SIGMA_W2 = np.linspace(0.25, 4.0, 31)
SIGMA_B2 = np.linspace(0.0, 0.5, 21)
"""The default (σ_w², σ_b²) grid of `phase_diagram`: 31 × 21 points, steps of 0.125 and 0.025."""
_LEVELS = np.array([-12.0, -3.0, 0.0, 3.0, 12.0])   # kinks (0), bends (±3), flat or linear (±12)
_SPREAD = 4.0               # |z₂| within which the Gaussian blurs a kink
_PAIR_Z = 8.0               # |z| covered: the mass beyond is ~1e-15
CRITICAL_SCAN = np.geomspace(1e-2, 1e4, 37)
"""σ_w² scanned for the critical line: 6 points a decade."""
ILLINOIS_STEPS = 60
MAX_GRID_POINTS = 10_000
CURVE_C = np.linspace(0.0, 1.0, 51)
"""The correlations at which `correlation_curve` draws the map."""
MAX_CORRELATION_DEPTH = 1_000


def _cuts(centre, scale, levels):
    """z where ``centre + scale·z`` equals each of `levels` (for the points of arrays)."""
    return (levels - centre[..., None]) / np.maximum(scale, 1e-300)[..., None]


def pair_means(activation, q, c):
    """E[φ(u₁) φ(u₂)] and E[φ′(u₁) φ′(u₂)] for the pair (u₁, u₂) above; broadcasts q and c."""
    act = get_activation(activation)
    q, c = np.broadcast_arrays(np.asarray(q, dtype=float), np.clip(c, -1.0, 1.0))
    with np.errstate(all="ignore"):
        root, rest = np.sqrt(q), np.sqrt(1 - c * c)
        zero = np.zeros_like(q)
        # over z₁: where u₁ or c√q z₁ changes form, and the width over which z₂ blurs a kink
        blur = _SPREAD * rest / np.abs(c)
        z1, w1 = meanfield.gauss_nodes(np.concatenate(
            [_cuts(zero, root, _LEVELS), _cuts(zero, root * np.abs(c), _LEVELS[[0, -1]]),
             blur[..., None] * np.array([-1.0, 1.0])], axis=-1),
            PAIR_NODES, _PAIR_Z)
        centre = (root * c)[..., None] * z1                       # (..., outer nodes)
        scale = np.broadcast_to((root * rest)[..., None], centre.shape)
        z2, w2 = meanfield.gauss_nodes(np.concatenate(                # and at z₂ = 0
            [_cuts(centre, scale, _LEVELS), np.zeros((*centre.shape, 1))], axis=-1),
            PAIR_NODES, _PAIR_Z)
        u1, u2 = root[..., None] * z1, centre[..., None] + scale[..., None] * z2
        inner = np.stack([(act.forward(u2) * w2).sum(-1), (act.derivative(u2) * w2).sum(-1)])
        outer = np.stack([act.forward(u1), act.derivative(u1)]) * w1
        return (outer * inner).sum(-1)


def correlation_step(activation, sigma_w2, sigma_b2, q, c):
    """c^{l+1} from the variance q and correlation c of layer l (both inputs of variance q)."""
    both, _ = pair_means(activation, q, c)
    return (sigma_w2 * both + sigma_b2) / meanfield.next_variance(activation, q, sigma_w2, sigma_b2)


def correlation_map(activation, sigma_w2, sigma_b2, c, depth):
    """Correlation of two inputs' pre-activations at layers 1..depth of a wide random net.

    The inputs have unit mean square and correlation `c`, as `initviz.propagate` feeds its nets,
    so layer 1 has q¹ = σ_w² + σ_b² and c¹ = (σ_w² c + σ_b²) / q¹; above it both q^l and c^l
    follow the mean-field maps (q^l need not have reached q*).

    Parameters
    ----------
    activation : str or Activation
    sigma_w2, sigma_b2 : float
        width · Var(W) and Var(b).
    c : float
        Correlation of the two inputs, in [-1, 1].
    depth : int
        Number of layers.

    Returns
    -------
    numpy.ndarray
        c^1..c^depth, shape (depth,).
    """
    act = get_activation(activation)
    sigma_w2 = check_float("σ_w²", sigma_w2, 0.0, 1e6)
    sigma_b2 = check_float("σ_b²", sigma_b2, 0.0, 1e6)
    c = check_float("input correlation", c, -1.0, 1.0)
    depth = check_int("depth", depth, 1, MAX_CORRELATION_DEPTH)
    if sigma_w2 + sigma_b2 == 0:
        raise InputError("σ_w² and σ_b² are both 0: every pre-activation is 0.")
    q = sigma_w2 + sigma_b2
    out = np.empty(depth)
    out[0] = (sigma_w2 * c + sigma_b2) / q
    for layer in range(1, depth):
        out[layer] = correlation_step(act, sigma_w2, sigma_b2, q, out[layer - 1])
        q = float(meanfield.next_variance(act, q, sigma_w2, sigma_b2))
    return out


def correlation_curve(activation, sigma_w2, sigma_b2, c_in=CURVE_C):
    """The correlation map at the variance's fixed point q*: c^{l+1} for each c^l of `c_in`.

    Its crossings of the diagonal are the fixed points (c = 1 always; c* < 1 in the chaotic
    phase), its slope at c = 1 is χ₁ (Poole et al. 2016). A q* of 0 or inf is taken at
    its limit (`meanfield.limit`).

    Returns
    -------
    pandas.DataFrame
        Columns ``c_in``, ``c_out``.
    """
    act = get_activation(activation)
    sigma_w2 = check_float("σ_w²", sigma_w2, 0.0, 1e6)
    sigma_b2 = check_float("σ_b²", sigma_b2, 0.0, 1e6)
    q_star = meanfield.limit(meanfield.fixed_point(act, sigma_w2, sigma_b2))
    c_in = np.asarray(c_in, dtype=float)
    return pd.DataFrame({"c_in": c_in,
                         "c_out": correlation_step(act, sigma_w2, sigma_b2, q_star, c_in)})


def _correlation_fixed_point(act, sigma_w2, sigma_b2, q_star):
    """c* < 1 of the chaotic phase and χ_c there, by Newton's method from c = 0 (arrays).

    c^{l+1}(c) has a power series in c with non-negative coefficients (Mehler's expansion), so
    it is convex on [0, 1], and Newton's method from c = 0 rises monotonically to c*.
    """
    c, chi_c = np.zeros_like(q_star), np.zeros_like(q_star)
    active = np.ones(q_star.shape, dtype=bool)
    for _ in range(NEWTON_STEPS):
        both, slopes = pair_means(act, q_star[active], c[active])
        gap = (sigma_w2[active] * both + sigma_b2[active]) / q_star[active] - c[active]
        chi_c[active] = sigma_w2[active] * slopes
        step = gap / (1 - chi_c[active])
        c[active] = np.clip(c[active] + step, 0.0, 1.0)
        active[active] = np.abs(step) > 1e-7     # the last step's error is ~ its square
        if not active.any():
            break
    return c, chi_c


def _depth_scale(chi):
    """−1/ln χ for a rate of convergence χ < 1; inf within CRITICAL_TOL of 1, NaN above."""
    with np.errstate(all="ignore"):
        scale = np.where(chi < 1, -1 / np.log(chi), math.nan)
        return np.where(np.abs(chi - 1) <= CRITICAL_TOL, math.inf, scale)


def _phase(chi1, q_star):
    critical = np.abs(chi1 - 1) <= CRITICAL_TOL
    phase = np.where(critical, "critical", np.where(chi1 < 1, "ordered", "chaotic"))
    phase = np.where(np.isinf(q_star), "exploding", phase)
    return np.where(np.isnan(chi1), None, phase).astype(object)


def _scales(act, sigma_w2, sigma_b2):
    """Every column of the phase diagram on broadcast arrays of σ_w² and σ_b²."""
    sigma_w2, sigma_b2 = np.broadcast_arrays(np.asarray(sigma_w2, float),
                                             np.asarray(sigma_b2, float))
    q_star = np.asarray(meanfield.fixed_point(act, sigma_w2, sigma_b2), dtype=float)
    chi1 = np.asarray(meanfield.chi1(act, sigma_w2, q_star), dtype=float)
    phase = _phase(chi1, q_star)
    c_star, chi_c = np.ones_like(q_star), chi1.copy()
    chaotic = phase == "chaotic"
    if chaotic.any():
        c_star[chaotic], chi_c[chaotic] = _correlation_fixed_point(
            act, sigma_w2[chaotic], sigma_b2[chaotic], q_star[chaotic])
        # Within ~1e-4 of χ₁ = 1, c* is within ~1e-4 of 1 and the map's gap c^{l+1} − c^l
        # nears the quadrature's ~1e-8 error: ξ_c is good to ~3e3 layers, beyond that it is
        # only "large" (and inf where χ_c comes out ≥ 1).
        chi_c[chaotic] = np.minimum(chi_c[chaotic], 1.0)
    finite = np.isfinite(q_star)
    chi_c = np.where(phase == "critical", 1.0, chi_c)
    xi_q = _depth_scale(np.asarray(meanfield.variance_slope(act, sigma_w2, q_star), float))
    return {
        "q_star": q_star, "chi1": chi1,
        "c_star": np.where(finite, c_star, math.nan), "chi_c": np.where(finite, chi_c, math.nan),
        "xi_q": np.where(finite, xi_q, math.nan),
        "xi_c": np.where(finite, _depth_scale(chi_c), math.nan), "phase": phase,
    }


def _chi1_excess(act, sigma_w2, sigma_b2):
    return meanfield.chi1(act, sigma_w2, meanfield.fixed_point(act, sigma_w2, sigma_b2)) - 1


def critical_line(activation, sigma_b2):
    """σ_w² where χ₁ = 1 (at q*) for each σ_b² of an array: the edge of chaos.

    The first crossing of χ₁ = 1 on a log scan of σ_w² over `CRITICAL_SCAN`, refined by the
    Illinois variant of regula falsi (exact in one step where χ₁ is linear in σ_w², as for ReLU).

    Returns
    -------
    numpy.ndarray
        σ_w², NaN where χ₁ does not cross 1 within the scan.
    """
    act = get_activation(activation)
    b = np.atleast_1d(np.asarray(sigma_b2, dtype=float))
    excess = _chi1_excess(act, CRITICAL_SCAN[:, None], b[None, :])
    crossing = (excess[:-1] < 0) & (excess[1:] >= 0)
    found, first, cols = crossing.any(axis=0), crossing.argmax(axis=0), np.arange(b.size)
    low, high = CRITICAL_SCAN[first], CRITICAL_SCAN[first + 1]
    f_low, f_high = excess[first, cols], excess[first + 1, cols]
    kept = np.zeros(b.size)          # +1: `high` was kept last step, −1: `low` was
    w = high
    for _ in range(ILLINOIS_STEPS):
        w = (low * f_high - high * f_low) / (f_high - f_low)
        f = np.where(found, _chi1_excess(act, w, b), 0.0)
        below = f < 0
        f_high = np.where(below & (kept == 1), f_high / 2, f_high)
        f_low = np.where(~below & (kept == -1), f_low / 2, f_low)
        low, f_low = np.where(below, w, low), np.where(below, f, f_low)
        high, f_high = np.where(below, high, w), np.where(below, f_high, f)
        kept = np.where(below, 1, -1)
        if np.all((np.abs(f) < 1e-14) | (high - low < 1e-15 * high)):
            break
    return np.where(found, w, math.nan)


def critical_weight_variance(activation, sigma_b2=0.0):
    """The σ_w² at which χ₁ = 1 for `activation` and bias variance `sigma_b2`.

    tanh: 1 at σ_b² = 0 and ≈ 1.76 at σ_b² = 0.05 (Schoenholz et al. 2017, Sec. 5); ReLU: 2.

    Parameters
    ----------
    activation : str or Activation
    sigma_b2 : float
        Var(b).

    Returns
    -------
    float
        σ_w², NaN where the activation has no transition at this σ_b².
    """
    sigma_b2 = check_float("σ_b²", sigma_b2, 0.0, 1e6)
    return float(critical_line(activation, sigma_b2)[0])


def depth_scales(activation, sigma_w2, sigma_b2=0.0):
    """Where (σ_w², σ_b²) puts a wide net, and over how many layers it forgets its input.

    Parameters
    ----------
    activation : str or Activation
    sigma_w2, sigma_b2 : float
        width · Var(W) and Var(b).

    Returns
    -------
    dict
        ``q_star`` (fixed point of the variance; 0 if the signal dies, inf if it diverges),
        ``chi1``, ``c_star`` (1 in the ordered phase), ``chi_c``, and the depth scales ``xi_q``
        = −1/ln(∂q^{l+1}/∂q^l) and ``xi_c`` = −1/ln χ_c of Schoenholz et al. 2017 (eqs. 6, 9),
        inf at criticality; the last four are NaN where q* is infinite (no fixed point).
    """
    act = get_activation(activation)
    sigma_w2 = check_float("σ_w²", sigma_w2, 0.0, 1e6)
    sigma_b2 = check_float("σ_b²", sigma_b2, 0.0, 1e6)
    scales = _scales(act, sigma_w2, sigma_b2)
    del scales["phase"]
    return {name: float(value) for name, value in scales.items()}


def phase_diagram(activation, sigma_w2=SIGMA_W2, sigma_b2=SIGMA_B2):
    """The mean-field phase of every (σ_w², σ_b²) pair of a grid.

    Parameters
    ----------
    activation : str or Activation
    sigma_w2, sigma_b2 : array_like
        Grid values (non-negative); the default grid is `SIGMA_W2` × `SIGMA_B2`.

    Returns
    -------
    pandas.DataFrame
        One row per pair, σ_b² varying fastest: ``sigma_w2``, ``sigma_b2``, ``q_star``, ``chi1``,
        ``c_star``, ``xi_c`` (see `depth_scales`) and ``phase``: "ordered" (χ₁ < 1), "critical",
        "chaotic" (χ₁ > 1) or "exploding" (q* infinite: the variance grows without bound).
    """
    act = get_activation(activation)
    w, b = (np.unique(np.asarray(v, dtype=float).ravel()) for v in (sigma_w2, sigma_b2))
    if not (w.size and b.size and np.isfinite(w).all() and np.isfinite(b).all()
            and w.min() >= 0 and b.min() >= 0):
        raise InputError("The σ_w² and σ_b² grids must be non-empty, finite and non-negative.")
    if w.size * b.size > MAX_GRID_POINTS:
        raise InputError(f"A phase diagram of {w.size * b.size:,} points is over the demo's "
                         f"{MAX_GRID_POINTS:,}: use a coarser grid.")
    scales = _scales(act, w[:, None], b[None, :])
    grid_w, grid_b = np.meshgrid(w, b, indexing="ij")
    columns = {"sigma_w2": grid_w, "sigma_b2": grid_b} | {
        name: scales[name] for name in ("q_star", "chi1", "c_star", "xi_c", "phase")}
    return pd.DataFrame({name: values.ravel() for name, values in columns.items()})
