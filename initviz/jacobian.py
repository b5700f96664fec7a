"""The singular values of a deep net's input–output Jacobian: dynamical isometry.

For the plain stacks of `initviz.propagate` (``z = h @ W``, ``h' = φ(z)``, no bias, layer l's
weights ``iv.sample(spec, (width, width), seed + l - 1, flavor)``), the Jacobian of the last
activations with respect to the input at an input x is

    J = W_1 D_1 W_2 D_2 ⋯ W_L D_L,        D_l = diag φ′(z_l),

in the row convention ``dh_L = dh_0 @ J``. Its singular values say how the net stretches each
direction: all equal to 1 is an isometry (Saxe et al. 2013, Pennington et al. 2017). The inputs
are unit-Gaussian rows drawn from ``numpy.random.default_rng([seed, 2])``.

The product is formed in float64, one matrix product per layer and input, rescaled at every
layer (its log scale kept apart) so that it neither overflows nor underflows; singular values
below `FLOOR` times the largest are beneath float64's resolution of the product and count as
≈ 0 (ReLU's are exactly 0: each D_l zeroes about half the directions). Nets go to two threads
as in `initviz.propagation`, a chunk of layers at a time, cancellable between chunks.
"""

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import cost, meanfield
from .activations import Activation, get_activation
from .errors import InputError, check_int
from .initializers import check_flavor, resolve, sample, theory
from .limits import (
    MAX_DEPTH,
    MAX_JACOBIAN_DEPTHS,
    MAX_JACOBIAN_INPUTS,
    MAX_JACOBIAN_MEMORY,
    MAX_SEED,
    MAX_SPECS,
    MAX_WIDTH,
)
from .rounds import Rounds

COLUMNS = ["initializer", "input", "singular_value"]
HISTOGRAM_COLUMNS = ["initializer", "bin_start", "bin_end", "fraction"]
SUMMARY_COLUMNS = ["initializer", "depth", "mean_sq", "theory_mean_sq", "s_max", "s_median",
                   "s_min", "spread", "zero_frac"]
FLOOR = 1e-12
"""Singular values below FLOOR × the largest are ≈ 0 to float64 (the product's resolution)."""


@dataclass(frozen=True)
class Request:
    """A validated Jacobian request."""

    specs: tuple
    activation: Activation
    depth: int
    width: int
    n_inputs: int
    seed: int
    flavor: str
    depths: tuple
    """Depths at which the spectrum is summarized (the last is `depth`)."""


def default_depths(depth, count=8):
    """Up to `count` depths spread from 1 to `depth`, roughly evenly on a log scale."""
    return tuple(sorted({int(round(v)) for v in np.geomspace(1, depth, min(count, depth))}))


def check_request(specs, activation, depth, width, n_inputs=1, seed=0, flavor="keras",
                  depths=None):
    """Validate a request and its memory cap; return a Request or raise InputError."""
    specs = [specs] if isinstance(specs, str) else list(specs)
    if not 1 <= len(specs) <= MAX_SPECS:
        raise InputError(f"Compare between 1 and {MAX_SPECS} initializers.")
    labels = tuple(dict.fromkeys(resolve(spec).label for spec in specs))
    depth = check_int("depth", depth, 1, MAX_DEPTH)
    width = check_int("width", width, 1, MAX_WIDTH)
    n_inputs = check_int("inputs", n_inputs, 1, MAX_JACOBIAN_INPUTS)
    depths = default_depths(depth) if depths is None else depths
    depths = tuple(sorted({check_int("depth summarized", d, 1, depth) for d in depths}
                          | {depth}))
    if len(depths) > MAX_JACOBIAN_DEPTHS:
        raise InputError(f"Summarize at most {MAX_JACOBIAN_DEPTHS} depths, got {len(depths)}.")
    request = Request(labels, get_activation(activation), depth, width, n_inputs,
                      check_int("seed", seed, 0, MAX_SEED - MAX_DEPTH), check_flavor(flavor),
                      depths)
    for label in labels:
        theory(label, (width, width), request.flavor)   # raises if the flavour lacks it
    if n_inputs * width * width > MAX_JACOBIAN_MEMORY:
        raise InputError(f"{n_inputs} inputs × {width} × {width} Jacobians are more than this "
                         "demo holds at once; use fewer inputs or units.")
    return request


def threads(request):
    """Two threads when there are two nets (and two cores)."""
    return min(len(request.specs), os.cpu_count() or 1, 2)


def seconds(request):
    """Estimated compute of `request` (see `initviz.cost`)."""
    return cost.jacobian_seconds(request, threads(request))


def _allowed(request):
    return not cost.over_budget(seconds(request))


def check_cost(request):
    """Raise InputError if `request` is over the budget, naming the largest number of layers,
    of inputs, of units and of initializers that is not."""
    if _allowed(request):
        return

    def deep(d):
        return replace(request, depth=d, depths=tuple(x for x in request.depths if x < d) + (d,))

    options = [
        ("layers", lambda d: deep(d), 1, request.depth - 1),
        ("inputs", lambda n: replace(request, n_inputs=n), 1, request.n_inputs - 1),
        ("units", lambda w: replace(request, width=w), 1, request.width - 1),
        ("initializers", lambda m: replace(request, specs=request.specs[:m]), 1,
         len(request.specs) - 1),
    ]
    alternatives = []
    for name, smaller, low, high in options:
        best = cost.largest(lambda v, smaller=smaller: _allowed(smaller(v)), low, high)
        if best:
            alternatives.append(f"at most {best:,} {name}")
    raise cost.refusal(seconds(request), alternatives)


def inputs(request):
    """The unit-Gaussian inputs every net of `request` sees: (n_inputs, width)."""
    return np.random.default_rng([request.seed, 2]).standard_normal(
        (request.n_inputs, request.width))


def _summary(values, log_scale):
    """Statistics of the singular values `values` (inputs, width) of the rescaled Jacobians,
    whose true scale is exp(`log_scale`) per input."""
    top = values.max(axis=1, keepdims=True)
    middle = np.maximum(np.median(values, axis=1, keepdims=True), FLOOR * top)
    with np.errstate(all="ignore"):
        scale = np.exp(log_scale)[:, None]
        s = values * scale
        return {
            "mean_sq": float(np.mean(np.mean(values**2, axis=1) * scale[:, 0] ** 2)),
            "s_max": float(np.mean(s.max(axis=1))),
            "s_median": float(np.mean(np.median(s, axis=1))),
            "s_min": float(np.mean(s.min(axis=1))),
            "spread": float(np.mean(np.log10(top / middle))) if np.all(top > 0) else math.nan,
            "zero_frac": float(np.mean(values < FLOOR * top)) if np.all(top > 0) else 1.0,
        }


def _jacobian(request, spec, x):
    """One net's Jacobians, layer by layer: yields the layers passed, returns the singular
    values at the last layer (inputs, width) and a summary row per depth of `request.depths`."""
    act, width = request.activation, request.width
    product = np.broadcast_to(np.eye(width), (len(x), width, width)).copy()
    log_scale = np.zeros(len(x))
    h, rows = x, []
    for layer in range(request.depth):
        w = sample(spec, (width, width), request.seed + layer, request.flavor)
        z = h @ w
        slope = act.derivative(z)
        h = act.forward(z)
        product = product @ w
        product *= slope[:, None, :]
        norm = np.sqrt(np.einsum("nij,nij->n", product, product) / width)
        product /= np.where(norm > 0, norm, 1.0)[:, None, None]
        log_scale += np.log(norm)
        if layer + 1 in request.depths:
            values = np.linalg.svd(product, compute_uv=False)
            rows.append({"depth": layer + 1, **_summary(values, log_scale)})
        yield layer + 1
    return values * np.exp(log_scale)[:, None], rows


def theory_mean_sq(request, spec):
    """Mean-field mean squared singular value at each depth 1..depth: ∏ σ_w² E[φ′(√q_l z)²]."""
    sigma_w2 = meanfield.weight_variance(spec, request.width, request.flavor)
    if math.isnan(sigma_w2):
        return np.full(request.depth, math.nan)
    act = request.activation
    q = meanfield.predict(act, request.depth, sigma_w2)["preact_std"] ** 2
    with np.errstate(all="ignore"):
        slope2 = meanfield.gaussian_mean(lambda v: act.derivative(v) ** 2, meanfield.limit(q))
        return np.cumprod(sigma_w2 * slope2)


class Report(NamedTuple):
    """`jacobian_report`'s result."""

    spectrum: pd.DataFrame
    """One row per (initializer, input, singular value) at the full depth."""
    summary: pd.DataFrame
    """One row per (initializer, depth summarized)."""


def _frames(request, spec, values, rows):
    spectrum = pd.DataFrame({
        "initializer": spec, "input": np.repeat(np.arange(request.n_inputs), request.width),
        "singular_value": values.ravel(),
    })
    summary = pd.DataFrame(rows).assign(initializer=spec)
    summary["theory_mean_sq"] = theory_mean_sq(request, spec)[summary["depth"] - 1]
    return spectrum, summary[SUMMARY_COLUMNS]


def jacobian_report(specs, activation, depth, width, n_inputs=1, seed=0, flavor="keras",
                    depths=None, on_progress=None):
    """The singular values of each initializer's input–output Jacobian, and their summary.

    Parameters
    ----------
    specs : str or list of str
        Initializer specs, one net each.
    activation : str
        ``"linear"``, ``"tanh"``, ``"relu"``, ... (see `initviz.activations`).
    depth, width : int
        Layers and units per layer (all layers square), as in `initviz.propagate`.
    n_inputs : int
        Inputs at which each net's Jacobian is taken (1 to `limits.MAX_JACOBIAN_INPUTS`).
    seed : int
        Layer l uses ``seed + l - 1``; the inputs use ``[seed, 2]``.
    flavor : {"keras", "pytorch", "jax"}
    depths : list of int, optional
        Depths at which the spectrum is summarized; by default up to 8 spread on a log scale.
        `depth` is always one.
    on_progress : callable or None
        Called from the calling thread as ``on_progress(done, total)`` (layers passed, over
        all nets) between chunks; an exception it raises stops the work and propagates.

    Returns
    -------
    Report
        ``spectrum``: one row per (initializer, input, singular value) at `depth`, columns
        ``initializer``, ``input``, ``singular_value``. ``summary``: one row per (initializer,
        depth), columns ``mean_sq`` (mean of s² over singular values and inputs),
        ``theory_mean_sq`` (mean field, ∏ σ_w² E[φ′²]; NaN for nonzero-mean weights),
        ``s_max``, ``s_median``, ``s_min`` (means over inputs), ``spread`` (decades from the
        median singular value up to the largest, log10(s_max / s_median), with a median below
        `FLOOR` × the largest taken at that floor: 0 for an isometry, at most 12; NaN when J is
        0) and ``zero_frac`` (the share of singular values ≈ 0, below that floor).
    """
    request = check_request(specs, activation, depth, width, n_inputs, seed, flavor, depths)
    check_cost(request)
    x = inputs(request)
    jobs = [_jacobian(request, spec, x) for spec in request.specs]
    nets = Rounds(jobs, request.depth * len(jobs), threads(request))
    with threadpool_limits(1), ThreadPoolExecutor(nets.threads) as pool:
        results = nets.run(pool, on_progress)
    spectra, summaries = zip(*(_frames(request, spec, *result)
                               for spec, result in zip(request.specs, results, strict=True)),
                             strict=True)
    return Report(pd.concat(spectra, ignore_index=True), pd.concat(summaries, ignore_index=True))


def jacobian_spectrum(specs, activation, depth, width, n_inputs=1, seed=0, flavor="keras",
                      on_progress=None):
    """The singular values of each initializer's input–output Jacobian at `depth`.

    The arguments are `jacobian_report`'s.

    Returns
    -------
    pandas.DataFrame
        One row per (initializer, input, singular value): ``initializer``, ``input``,
        ``singular_value``.
    """
    return jacobian_report(specs, activation, depth, width, n_inputs, seed, flavor, (depth,),
                           on_progress).spectrum


def histogram(spectrum, bins=48):
    """`spectrum` binned on a log scale shared by all its initializers, for charting.

    Singular values ≈ 0 (below `FLOOR` × the largest of their Jacobian) and non-finite ones
    fall in no bin; the edges span the others.

    Returns
    -------
    pandas.DataFrame
        One row per (initializer, bin): ``bin_start``, ``bin_end``, ``fraction`` of the
        initializer's singular values (over all inputs) in the bin.
    """
    bins = check_int("bins", bins, 5, 200)
    s = spectrum["singular_value"].to_numpy()
    top = spectrum.groupby(["initializer", "input"], sort=False)["singular_value"].transform("max")
    with np.errstate(all="ignore"):
        logs = np.log10(s)
        kept = np.isfinite(logs) & (s >= FLOOR * top.to_numpy())
    low, high = (logs[kept].min(), logs[kept].max()) if kept.any() else (-1.0, 1.0)
    if high - low < 0.2:                          # an isometry: a spike in a readable range
        low, high = low - 0.1, high + 0.1
    edges = np.linspace(low, high, bins + 1)
    frames = []
    for label, rows in spectrum.groupby("initializer", sort=False):
        counts, _ = np.histogram(logs[rows.index][kept[rows.index]], bins=edges)
        frames.append(pd.DataFrame({"initializer": label, "bin_start": 10 ** edges[:-1],
                                    "bin_end": 10 ** edges[1:], "fraction": counts / len(rows)}))
    return pd.concat(frames, ignore_index=True)[HISTOGRAM_COLUMNS]
