"""A signal and a gradient through a deep net of square layers, measured layer by layer.

Each initializer gets its own net of `depth` layers ``z = h @ W + b``, ``h' = φ(z)``, all
``width`` × ``width``. Layer l's weights are ``iv.sample(spec, (width, width), seed + l - 1,
flavor)``, the very weights the library gives for that seed. Every net sees the same input
``x`` (n_samples × width, unit Gaussian), the same top gradient ``g`` (unit Gaussian, the gradient
of the loss ``sum(g * h_depth)`` with respect to the last activations) and the same biases
(N(0, bias_std²)), drawn in that order from ``numpy.random.default_rng([seed, 1])``.

A net is computed in float32 as long as every std it measures lies in `FLOAT32_RANGE`, where
float32 gives them to about six digits, and again in float64 from the start once one does not,
so a vanishing signal never underflows to 0 early and an exploding one reports huge numbers,
then inf or NaN; nothing raises on overflow. Each net is computed on its own (numpy's stacked
(K, n, width) matmul measured no faster than K plain ones, see `benchmarks/propagation.py`); two
threads share the nets when two nets fit in the memory cap. BLAS always runs on one thread: on
the demo's two shared cores a two-thread BLAS made these products up to 40 times slower
(``benchmarks/cost.py``), and with two nets sampling, QR and the elementwise work run in
parallel too.

A net is computed in chunks of layers, its weights sampled as it goes up. The calling thread
hands the chunks to the threads round by round and calls ``on_progress(done, total)`` (layers
passed up and down, over all nets) between rounds, so an exception there stops the work within
a chunk. A request whose estimated cost (`initviz.cost`) is over the demo's budget is refused
before any work.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import cost, lsuv, meanfield, residual
from .activations import Activation, get_activation
from .errors import InputError, check_float, check_int
from .initializers import check_flavor, resolve, sample, theory
from .limits import (
    MAX_DEPTH,
    MAX_HISTOGRAM_LAYERS,
    MAX_PROPAGATION_MEMORY,
    MAX_PROPAGATION_SAMPLES,
    MAX_SEED,
    MAX_SPECS,
    MAX_WIDTH,
)
from .residual import Branch, check_residual
from .rounds import Rounds

COLUMNS = [
    "initializer", "layer", "preact_std", "act_mean", "act_std", "grad_std",
    "saturated_frac", "dead_frac", "theory_preact_std", "theory_act_std", "theory_grad_std",
]
FLOAT32_RANGE = (1e-30, 1e30)
"""Stds that float32 (normal from 1.2e-38 to 3.4e38) measures as well as float64."""
HISTOGRAM_COLUMNS = ["initializer", "layer", "bin_start", "bin_end", "fraction"]
BOUNDED_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0)}


@dataclass(frozen=True)
class Net:
    """A validated propagation request: what to build and what to feed it."""

    specs: tuple
    activation: Activation
    depth: int
    width: int
    n_samples: int
    seed: int
    flavor: str
    bias_std: float
    residual: str | None = None
    """The branch scaling of a residual net (`initviz.residual`), None for a plain stack."""

    @property
    def floats(self):
        """Floats one net keeps while it is measured: weights and activation slopes."""
        return self.depth * self.width * (self.n_samples + self.width)


def check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std,
              residual=None):
    """Validate a request and enforce the size and memory caps; return a Net or raise
    InputError. The cost is checked by `check_cost`."""
    if isinstance(specs, str):
        specs = [specs]
    specs = list(specs)
    if not specs:
        raise InputError("Pick at least one initializer.")
    if len(specs) > MAX_SPECS:
        raise InputError(f"Compare at most {MAX_SPECS} initializers at once, got {len(specs)}.")
    labels = list(dict.fromkeys(resolve(spec).label for spec in specs))
    depth = check_int("depth", depth, 1, MAX_DEPTH)
    width = check_int("width", width, 1, MAX_WIDTH)
    n_samples = check_int("samples", n_samples, 2, MAX_PROPAGATION_SAMPLES)
    net = Net(
        tuple(labels), get_activation(activation), depth, width, n_samples,
        check_int("seed", seed, 0, MAX_SEED - MAX_DEPTH), check_flavor(flavor),
        check_float("bias std", bias_std, 0.0, 10.0), check_residual(residual),
    )
    for label in labels:
        theory(label, (width, width), net.flavor)   # raises if the flavour lacks it
        lsuv.check_plain(label, net.residual)
    if net.floats > MAX_PROPAGATION_MEMORY:
        def fits(d, w):
            return d * w * (n_samples + w) <= MAX_PROPAGATION_MEMORY

        nearest = [f"at most {n} {what}" for n, what in (
            (cost.largest(lambda d: fits(d, width), 1, depth), "layers"),
            (cost.largest(lambda w: fits(depth, w), 1, width), "units")) if n]
        raise InputError(
            f"{depth} layers × {width} units × {n_samples} samples is more than this demo holds "
            f"in memory at once: use {' or '.join(nearest) or 'fewer samples'}."
        )
    return net


def seconds(net, histogram_layers=0):
    """Estimated compute of `net` with `histogram_layers` layers binned (see `initviz.cost`)."""
    return cost.propagation_seconds(net, histogram_layers, _threads(net))


def _allowed(net, histogram_layers):
    return not cost.over_budget(seconds(net, histogram_layers))


def check_cost(net, histogram_layers=0):
    """Raise InputError if `net` is over the demo's budget, naming the largest number of
    samples, of layers and of initializers that are not."""
    if _allowed(net, histogram_layers):
        return
    alternatives = []
    samples = cost.largest(lambda n: _allowed(replace(net, n_samples=n), histogram_layers),
                           2, net.n_samples - 1)
    if samples:
        alternatives.append(f"at most {samples:,} samples")
    depth = cost.largest(lambda d: _allowed(replace(net, depth=d), min(histogram_layers, d)),
                         1, net.depth - 1)
    if depth:
        alternatives.append(f"at most {depth} layers")
    fewer = cost.largest(lambda m: _allowed(replace(net, specs=net.specs[:m]), histogram_layers),
                         1, len(net.specs) - 1)
    if fewer:
        alternatives.append(f"at most {fewer} initializers")
    raise cost.refusal(seconds(net, histogram_layers), alternatives)


def _inputs(net):
    """The input, top gradient and biases every net of the request shares."""
    rng = np.random.default_rng([net.seed, 1])
    x = rng.standard_normal((net.n_samples, net.width))
    grad = rng.standard_normal((net.n_samples, net.width))
    biases = net.bias_std * rng.standard_normal((net.depth, net.width))
    return x, grad, biases


def _weights(net, spec, depth):
    """The weights of the first `depth` layers of the net `spec` builds."""
    return [_layer_weights(net, spec, i) for i in range(depth)]


def _layer_weights(net, spec, layer):
    """The weights of layer `layer` (0-based) of the net `spec` builds."""
    return sample(spec, (net.width,) * 2, net.seed + layer, net.flavor)


def _drawn(net, spec, weights, layer):
    """Layer `layer`'s float64 weights from `weights`, drawn into it now if not yet there."""
    if layer == len(weights):
        weights.append(_layer_weights(net, spec, layer))
    return weights[layer]


def _slope(act, z, a):
    """φ′(z), from a = φ(z) where that saves a transcendental function."""
    if act.name == "tanh":
        return 1.0 - a * a
    if act.name == "sigmoid":
        return a * (1.0 - a)
    return act.derivative(z)


def _std(x):
    """Standard deviation, finite for values up to the float64 maximum; float32 values whose
    squares near float32's limits are summed in float64."""
    s = np.std(x)
    if x.dtype == np.float32 and not 1e-15 < s < 1e15:
        s = np.std(x, dtype=np.float64)
    if np.isinf(s):
        top = np.max(np.abs(x))
        if np.isfinite(top):
            s = np.std(x / top) * top
    return float(s)


def _measure(net, spec, weights, x, grad, biases, layers, dtype):
    """One net, step by step: yields the layers passed (1..2·depth, up then down) after each,
    and returns per-layer statistics and the activations of `layers` for their histograms;
    None if a float32 std leaves `FLOAT32_RANGE`. `weights` holds the float64 samples of the
    layers drawn so far, and gets the others as they are drawn."""
    act = net.activation
    x, grad, biases = (v.astype(dtype, copy=False) for v in (x, grad, biases))
    checked = dtype == np.float32
    rows, slopes, kept, cast = [], [], [], []
    h = x
    for layer in range(net.depth):
        cast.append(_drawn(net, spec, weights, layer).astype(dtype, copy=False))
        z = h @ cast[layer]
        if net.bias_std:
            z += biases[layer]
        h = act.forward(z)
        row = {"preact_std": _std(z), "act_mean": float(np.mean(h)), "act_std": _std(h),
               "saturated_frac": float(np.mean(act.saturated(h))),
               "dead_frac": float(np.mean(act.dead(h)))}
        if checked and not _representable(row["preact_std"], row["act_std"]):
            return None
        rows.append(row)
        slopes.append(_slope(act, z, h))
        if layer + 1 in layers:
            kept.append(h)
        yield layer + 1
    g = grad
    for layer in reversed(range(net.depth)):
        delta = g * slopes.pop()
        rows[layer]["grad_std"] = _std(delta)
        if checked and not _representable(rows[layer]["grad_std"]):
            return None
        g = delta @ cast[layer].T
        yield 2 * net.depth - layer
    return rows, kept


def _measure_residual(net, spec, weights, x, grad, biases, layers, dtype):
    """`_measure` for a residual net (`initviz.residual`): per block, the std of the branch's
    output α·F added to the stream as ``preact_std``, the stream x_l's mean and std, the
    saturated and dead shares of the branch's activation φ(x_{l−1}), and the std of ∂L/∂x_l
    as ``grad_std``; `layers` keeps the stream."""
    act, branch = net.activation, Branch(net.residual, net.depth)
    x, grad, biases = (v.astype(dtype, copy=False) for v in (x, grad, biases))
    checked = dtype == np.float32
    rows, slopes, kept, cast = [], [], [], []
    h = x
    for layer in range(net.depth):
        cast.append((branch.weight * _drawn(net, spec, weights, layer)).astype(dtype,
                                                                             copy=False))
        a = act.forward(h)
        z = a @ cast[layer]
        if net.bias_std:
            z += branch.bias * biases[layer]
        added = branch.alpha * z
        slopes.append(_slope(act, h, a))
        h = h + added
        row = {"preact_std": _std(added), "act_mean": float(np.mean(h)), "act_std": _std(h),
               "saturated_frac": float(np.mean(act.saturated(a))),
               "dead_frac": float(np.mean(act.dead(a)))}
        if checked and not _representable(row["act_std"]):
            return None
        rows.append(row)
        if layer + 1 in layers:
            kept.append(h)
        yield layer + 1
    g = grad
    for layer in reversed(range(net.depth)):
        rows[layer]["grad_std"] = _std(g)
        if checked and not _representable(rows[layer]["grad_std"]):
            return None
        g = g + branch.alpha * (g @ cast[layer].T) * slopes[layer]
        yield 2 * net.depth - layer
    return rows, kept


def _representable(*stds):
    low, high = FLOAT32_RANGE
    return all(low <= s <= high for s in stds)


def _steps(net, spec, x, grad, biases, layers, bins):
    """One net in float32, or again in float64 where float32 would lose the numbers: yields
    its progress as `_measure` does, returns its table and histograms."""
    weights = _lsuv_weights(net, spec, x, biases) if lsuv.is_lsuv(spec) else []
    measure = _measure if net.residual is None else _measure_residual
    measured = yield from measure(net, spec, weights, x, grad, biases, layers, np.float32)
    if measured is None:
        measured = yield from measure(net, spec, weights, x, grad, biases, layers, np.float64)
    rows, kept = measured
    table = pd.DataFrame(rows).assign(initializer=spec, layer=np.arange(1, net.depth + 1),
                                      **_theory(net, spec))
    return table[COLUMNS], _histograms(net, spec, layers, kept, bins)


def _lsuv_weights(net, spec, x, biases):
    """The weights of an LSUV net (`initviz.lsuv`): orthonormal, fitted on the input `x`."""
    start = [(_layer_weights(net, lsuv.START, i), biases[i] if net.bias_std else 0.0)
             for i in range(net.depth)]
    return lsuv.fit(start, x, net.activation.label, *lsuv.settings(spec))[0]


def _theory(net, spec):
    sigma_w2 = meanfield.weight_variance(spec, net.width, net.flavor)
    if net.residual is None:
        predicted = meanfield.predict(net.activation, net.depth, sigma_w2, net.bias_std**2)
    else:
        predicted = residual.predict(net.activation, net.depth, sigma_w2, net.bias_std**2,
                                     net.residual)
    return {f"theory_{name}": values for name, values in predicted.items()}


def _threads(net):
    """Two threads when two nets fit in the memory cap of one, and there are two to compute."""
    fits = 2 * net.floats <= MAX_PROPAGATION_MEMORY
    return min(len(net.specs), os.cpu_count() or 1, 2 if fits else 1)


def _run(net, layers, bins, on_progress):
    """The table of every net and the histograms of `layers` of its activations."""
    threads = _threads(net)
    x, grad, biases = _inputs(net)
    jobs = [_steps(net, spec, x, grad, biases, layers, bins) for spec in net.specs]
    nets = Rounds(jobs, 2 * net.depth * len(net.specs), threads)
    with threadpool_limits(1), ThreadPoolExecutor(threads) as pool:   # see the module doc
        results = nets.run(pool, on_progress)
    tables, histograms = zip(*results, strict=True)
    return Report(pd.concat(tables, ignore_index=True), pd.concat(histograms, ignore_index=True))


def propagate(specs, activation, depth, width, n_samples=1000, seed=0, flavor="keras",
              bias_std=0.0, on_progress=None, residual=None):
    """Measure how activations and gradients evolve through a deep net, per initializer.

    Parameters
    ----------
    specs : str or list of str
        Initializer specs, e.g. ``["random_normal(stddev=0.01)", "glorot_normal"]``.
    activation : str
        ``"tanh"``, ``"relu"``, ``"leaky_relu(slope=0.2)"``, ... (see `initviz.activations`).
    depth, width : int
        Number of layers and units per layer (all layers square).
    n_samples : int
        Rows of the unit-Gaussian input.
    seed : int
        Layer l uses ``seed + l - 1``; input, top gradient and biases use ``[seed, 1]``.
    flavor : {"keras", "pytorch", "jax"}
    bias_std : float
        Std of the Gaussian biases (0: no bias).
    on_progress : callable or None
        Called from the calling thread as ``on_progress(done, total)`` (layers passed up and
        down, over all nets) between chunks of the work; an exception it raises stops the work
        and propagates.
    residual : {None, "none", "sqrt_depth", "gpt2", "rezero", "fixup"}
        None: a plain stack. Otherwise a residual net of `depth` blocks
        ``x_l = x_{l−1} + α·F(x_{l−1})`` with one-layer pre-activation branches scaled as
        `initviz.residual` describes (same weights, then scaled); its rows are per block (see
        Returns).

    Returns
    -------
    pandas.DataFrame
        One row per (initializer, layer 1..depth): ``preact_std``, ``act_mean``, ``act_std``;
        ``grad_std``, the std of the gradient with respect to the layer's pre-activations;
        ``saturated_frac`` (tanh |a| > 0.99, sigmoid within 0.01 of 0 or 1) and ``dead_frac``
        (ReLU output exactly 0); the mean-field predictions ``theory_preact_std``,
        ``theory_act_std`` and ``theory_grad_std`` (NaN for nonzero-mean weights, see
        `initviz.meanfield`). For a residual net: ``preact_std`` of the branch's output α·F
        added to the stream, ``act_mean`` and ``act_std`` of the stream x_l, ``grad_std`` of
        ∂L/∂x_l, the fractions of the branch's activations φ(x_{l−1}), and the predictions of
        `initviz.residual.predict`.
    """
    net = check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std,
                    residual)
    check_cost(net)
    return _run(net, (), 0, on_progress).table


def default_layers(depth, count=6):
    """Up to `count` layers spread evenly from the first to the last."""
    return sorted({int(round(v)) for v in np.linspace(1, depth, min(count, depth))})


def _check_layers(layers, depth):
    layers = sorted({check_int("layer", layer, 1, depth) for layer in layers})
    if not layers:
        raise InputError("Pick at least one layer to show.")
    if len(layers) > MAX_HISTOGRAM_LAYERS:
        raise InputError(f"Show at most {MAX_HISTOGRAM_LAYERS} layers, got {len(layers)}.")
    return layers


def _edges(act, arrays, bins):
    """Bin edges shared by all the layers of one net, so that their spreads compare."""
    if act.name in BOUNDED_RANGE:
        return np.linspace(*BOUNDED_RANGE[act.name], bins + 1)
    finite = [a[np.isfinite(a)] for a in arrays]
    values = [v for v in finite if v.size]
    if not values:
        return np.linspace(-1.0, 1.0, bins + 1)
    low = min(float(v.min()) for v in values)
    high = max(float(v.max()) for v in values)
    if not np.isfinite(high - low) or high == low:
        low, high = low - 0.5, high + 0.5
    return np.linspace(low, high, bins + 1)


def _histograms(net, spec, layers, kept, bins):
    """Tidy histograms of one net's activations `kept` at `layers`, on shared edges."""
    if not layers:
        return pd.DataFrame(columns=HISTOGRAM_COLUMNS)
    edges = _edges(net.activation, kept, bins)
    frames = []
    for layer, a in zip(layers, kept, strict=True):
        counts, _ = np.histogram(a[np.isfinite(a)], bins=edges)
        frames.append(pd.DataFrame({
            "initializer": spec, "layer": layer, "bin_start": edges[:-1], "bin_end": edges[1:],
            "fraction": counts / a.size,
        }))
    return pd.concat(frames, ignore_index=True)


class Report(NamedTuple):
    """`propagation_report`'s result: a (table, histograms) pair that knows its size."""

    table: pd.DataFrame
    histograms: pd.DataFrame

    @property
    def nbytes(self):
        """Bytes held by both frames, their text included."""
        return sum(int(frame.memory_usage(deep=True).sum()) for frame in self)


def propagation_report(specs, activation, depth, width, layers=None, bins=41, n_samples=1000,
                       seed=0, flavor="keras", bias_std=0.0, on_progress=None, residual=None):
    """`propagate`'s table and `activation_histograms`' histograms from one pass over the nets
    (for a residual net: of the stream x_l).

    Returns
    -------
    Report
        The pair (table, histograms), exactly as the two functions return them, with `nbytes`.
    """
    net = check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std,
                    residual)
    layers = _check_layers(default_layers(net.depth) if layers is None else layers, net.depth)
    bins = check_int("bins", bins, 5, 200)
    check_cost(net, len(layers))
    return _run(net, layers, bins, on_progress)


def fit_samples(specs, activation, depth, width, n_samples=1000, layers=None, seed=0,
                flavor="keras", bias_std=0.0):
    """The largest number of samples, at most `n_samples`, that brings `propagation_report` of
    this request within the demo's memory cap and compute budget; None if no number does.

    The arguments are `propagation_report`'s. Raises InputError for an invalid request.
    """
    n_samples = check_int("samples", n_samples, 2, MAX_PROPAGATION_SAMPLES)
    net = check_net(specs, activation, depth, width, 2, seed, flavor, bias_std)
    layers = _check_layers(default_layers(net.depth) if layers is None else layers, net.depth)

    def allowed(n):
        fewer = replace(net, n_samples=n)
        return fewer.floats <= MAX_PROPAGATION_MEMORY and _allowed(fewer, len(layers))

    return cost.largest(allowed, 2, n_samples)


def activation_histograms(specs, activation, depth, width, layers=None, bins=41, n_samples=1000,
                          seed=0, flavor="keras", bias_std=0.0, on_progress=None):
    """Histograms of the activations of chosen layers, pre-binned for charting.

    The same nets as `propagate` (same arguments, same seed). Within one initializer all layers
    share their bin edges: ``[-1, 1]`` for tanh, ``[0, 1]`` for sigmoid, otherwise the range of
    the finite values of the chosen layers.

    Parameters
    ----------
    layers : list of int, optional
        Layers (1..depth) to bin; by default up to six spread from first to last.
    bins : int
        Number of bins, 5 to 200; odd, 0 is the centre of a bin of a symmetric range.

    Returns
    -------
    pandas.DataFrame
        One row per (initializer, layer, bin): ``bin_start``, ``bin_end``, ``fraction`` of the
        layer's n_samples × width activations in the bin (non-finite values fall in none).
    """
    return propagation_report(specs, activation, depth, width, layers, bins, n_samples, seed,
                              flavor, bias_std, on_progress).histograms
