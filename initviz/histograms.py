"""Sampled weights against theory: histograms as density, the pdf, rules, a stats table.

Samples never leave this module: they are binned in numpy, so a chart gets a few hundred rows
whatever the layer size.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .errors import check_int
from .fans import check_shape
from .initializers import resolve, sample, theory
from .scaling import scaled_std, scaling

MIN_BINS, MAX_BINS = 5, 400
PDF_POINTS = 301
FINE_BINS = 3600
"""Bins of the histogram kept per sample; divisible by 10, 20, 30, 40, 50, 60, 75, 100, ..."""
KS_SAMPLES = 20_000
"""KS uses the first this-many weights: iid draws, and the test stays fast and meaningful."""

FAN_IN_RANGE = (10, 4096)
FAN_IN_CURVES = {
    "Glorot": "glorot_uniform",
    "He": "he_uniform",
    "LeCun": "lecun_uniform",
    "PyTorch default": "pytorch_default",
}
"""The std-vs-fan_in curves: each preset's std depends on the fans only."""


@dataclass(frozen=True)
class Histograms:
    """Tidy results for one or more (initializer, flavour) pairs.

    Every frame has the columns `initializer` (canonical spec) and `flavor`.
    `bins`: left, right, count, density. `pdf`: x, pdf (empty for discrete laws).
    `rules`: rule ("mean − std", "mean + std", "lower bound", "upper bound"), x.
    `stats`: one row per pair, see `STATS_COLUMNS`.
    """

    bins: pd.DataFrame
    pdf: pd.DataFrame
    rules: pd.DataFrame
    stats: pd.DataFrame


STATS_COLUMNS = [
    "initializer", "flavor", "kind", "n", "mean", "theory_mean", "std", "theory_std",
    "std_rel_error", "min", "max", "theory_low", "theory_high", "ks_stat", "ks_pvalue",
]


@dataclass(frozen=True)
class Measurement:
    """One sample reduced to what the charts and table need: a fine histogram and its stats.

    Re-binning it to any number of bins needs no new sample, so a bins slider costs nothing.
    """

    initializer: str
    flavor: str
    law: object
    fine_edges: np.ndarray
    fine_counts: np.ndarray
    stats: dict


def measure(spec, shape, seed=0, flavor="keras"):
    """Sample `spec` for `shape` as `flavor` does and reduce the weights to a `Measurement`.

    Parameters
    ----------
    spec : str
        Initializer spec, e.g. ``"he_normal"``.
    shape : tuple of int
        ``(fan_in, fan_out)`` or ``(kh, kw, in, out)``.
    seed : int
        Seed of the sample (same weights as ``iv.sample``).
    flavor : {"keras", "pytorch", "jax"}

    Returns
    -------
    Measurement
    """
    label = resolve(spec).label
    shape = check_shape(shape)
    law = theory(label, shape, flavor)
    weights = sample(label, shape, seed, flavor).reshape(-1)
    stats_row = _stats(weights, law)
    binned = _beside_point_mass(weights, law)
    counts, edges = np.histogram(binned, FINE_BINS, (binned.min(), binned.max()))
    return Measurement(label, flavor, law, edges, counts, stats_row)


def summarize(measurement, bins=60):
    """Tidy `Histograms` of one `Measurement` with `bins` bins.

    Bin edges are the fine edges nearest to an even split of the sample's range, so bins are
    equal in width to within 1/`FINE_BINS` of the range (exactly equal when `bins` divides it).
    A point mass (std 0, e.g. zeros) has no density: no bins, and an "all weights" rule. A law
    with exact zeros beside a density (sparse, delta_orthogonal) bins only the other weights, so
    the bars meet its pdf, and marks the zeros with a "point mass at 0" rule.
    """
    bins = check_int("bins", bins, MIN_BINS, MAX_BINS)
    m = measurement
    cuts = np.round(np.linspace(0, FINE_BINS, bins + 1)).astype(int)
    counts = np.add.reduceat(m.fine_counts, cuts[:-1])
    edges = m.fine_edges[cuts]
    key = {"initializer": m.initializer, "flavor": m.flavor}
    binned = pd.DataFrame({
        "left": edges[:-1], "right": edges[1:], "count": counts,
        "density": counts / (m.stats["n"] * np.diff(edges)),
    })
    if m.law.std == 0:
        binned = binned.iloc[:0]
    return Histograms(
        bins=_tag(binned, key),
        pdf=_tag(_pdf_curve(m.law), key),
        rules=_tag(_rules(m.law), key),
        stats=pd.DataFrame([key | m.stats], columns=STATS_COLUMNS),
    )


def histogram(spec, shape, seed=0, flavor="keras", bins=60):
    """Sample `spec` for `shape` and summarise the weights against theory in `bins` bins.

    The parameters are those of `measure`, plus `bins`; returns `Histograms`.
    """
    return summarize(measure(spec, shape, seed, flavor), bins)


def combine(results):
    """Concatenate `Histograms` field by field, in order."""
    results = list(results)
    if not results:
        return Histograms(*(pd.DataFrame() for _ in range(4)))
    return Histograms(*(
        pd.concat([getattr(r, f) for r in results], ignore_index=True)
        for f in ("bins", "pdf", "rules", "stats")
    ))


def histograms(specs, shape, seed=0, flavors=("keras",), bins=60):
    """`histogram` for every spec in every flavour, combined (flavour varies fastest)."""
    return combine(histogram(s, shape, seed, f, bins) for s in specs for f in flavors)


def _tag(frame, key):
    """Put the identifying columns first."""
    return pd.concat([pd.DataFrame(key, index=frame.index), frame], axis=1)


def _beside_point_mass(weights, law):
    """The weights that are not the law's point mass at 0 (all of them if it has none)."""
    if law.zero_mass == 0 or law.nonzero is None:
        return weights
    return weights[weights != 0]


def _pdf_curve(law):
    """Theoretical density on a grid covering the law, with the jumps at its bounds kept sharp."""
    if not law.has_density:
        return pd.DataFrame({"x": [], "pdf": []})
    part = law.nonzero or law
    low = max(part.low, part.mean - 5 * part.std)
    high = min(part.high, part.mean + 5 * part.std)
    pad = 0.04 * (high - low)
    grid = np.linspace(low - pad, high + pad, PDF_POINTS)
    edges = [b for b in (law.low, law.high) if math.isfinite(b)]
    jumps = [np.nextafter(b, side) for b in edges for side in (-np.inf, np.inf)]
    x = np.unique(np.concatenate([grid, edges, jumps]))
    return pd.DataFrame({"x": x, "pdf": law.pdf(x)})


def _rules(law):
    """Positions of mean ± std, and of the hard bounds where the law has them."""
    rows = [("all weights", law.mean)] if law.std == 0 else []
    if law.std > 0:
        rows += [("mean − std", law.mean - law.std), ("mean + std", law.mean + law.std)]
    if law.kind in ("uniform", "truncated_normal"):
        rows += [("lower bound", law.low), ("upper bound", law.high)]
    if law.zero_mass > 0 and law.std > 0:
        rows.append(("point mass at 0", 0.0))
    return pd.DataFrame(rows, columns=["rule", "x"])


def _stats(weights, law):
    """Empirical moments and range against theory, with a KS test where there is a density.

    Beside a point mass at 0, KS tests the other weights against the law of the nonzero ones.
    """
    std = float(weights.std())
    rel_error = (std - law.std) / law.std if law.std > 0 else math.nan
    ks_stat = ks_pvalue = math.nan
    tested = law if law.continuous else law.nonzero
    if tested is not None and tested.continuous:
        ks = stats.kstest(_beside_point_mass(weights, law)[:KS_SAMPLES], tested.cdf)
        ks_stat, ks_pvalue = float(ks.statistic), float(ks.pvalue)
    return {
        "kind": law.kind, "n": weights.size,
        "mean": float(weights.mean()), "theory_mean": law.mean,
        "std": std, "theory_std": law.std, "std_rel_error": rel_error,
        "min": float(weights.min()), "max": float(weights.max()),
        "theory_low": law.low, "theory_high": law.high,
        "ks_stat": ks_stat, "ks_pvalue": ks_pvalue,
    }


def std_vs_fan_in(fan_out, fan_in=None, n_points=49):
    """Theoretical std of Glorot, He, LeCun and the PyTorch default as fan_in varies.

    Parameters
    ----------
    fan_out : int
        Held fixed (it matters for Glorot only).
    fan_in : int, optional
        The current layer's fan_in: the grid is widened to include it and it is a grid point.
    n_points : int
        Grid points, log-spaced over `FAN_IN_RANGE`.

    Returns
    -------
    pandas.DataFrame
        Columns initializer (Glorot, He, …), fan_in, std, current (whether fan_in is the layer's).
    """
    marks = [] if fan_in is None else [check_int("fan_in", fan_in, 1, 10**12)]
    low, high = min([FAN_IN_RANGE[0], *marks]), max([FAN_IN_RANGE[1], *marks])
    grid = np.unique(np.concatenate([np.geomspace(low, high, n_points).round(), marks]))
    rows = [
        (name, int(n), scaled_std(*scaling(spec), int(n), fan_out), int(n) in marks)
        for name, spec in FAN_IN_CURVES.items()
        for n in grid
    ]
    return pd.DataFrame(rows, columns=["initializer", "fan_in", "std", "current"])
