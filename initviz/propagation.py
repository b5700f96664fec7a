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
threads share the nets when two nets fit in the memory cap, each with a one-thread BLAS, so that
sampling, QR and the elementwise work run in parallel too.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import meanfield
from .activations import Activation, get_activation
from .errors import InputError, check_float, check_int
from .initializers import check_flavor, resolve, sample, theory
from .limits import (
    MAX_DEPTH,
    MAX_HISTOGRAM_LAYERS,
    MAX_PROPAGATION_MEMORY,
    MAX_PROPAGATION_SAMPLES,
    MAX_PROPAGATION_WORK,
    MAX_SEED,
    MAX_SPECS,
    MAX_WIDTH,
)

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

    @property
    def floats(self):
        """Floats one net keeps while it is measured: weights and activation slopes."""
        return self.depth * self.width * (self.n_samples + self.width)


def check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std):
    """Validate a request and enforce the size caps; return a Net or raise InputError."""
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
        check_float("bias std", bias_std, 0.0, 10.0),
    )
    for label in labels:
        theory(label, (width, width), net.flavor)   # raises if the flavour lacks it
    if net.floats > MAX_PROPAGATION_MEMORY or len(labels) * net.floats > MAX_PROPAGATION_WORK:
        raise InputError(
            f"{len(labels)} initializer(s) × {depth} layers × {width} units × {n_samples} samples "
            "is more than this demo computes at once; use fewer layers, units, samples or "
            "initializers."
        )
    return net


def _inputs(net):
    """The input, top gradient and biases every net of the request shares."""
    rng = np.random.default_rng([net.seed, 1])
    x = rng.standard_normal((net.n_samples, net.width))
    grad = rng.standard_normal((net.n_samples, net.width))
    biases = net.bias_std * rng.standard_normal((net.depth, net.width))
    return x, grad, biases


def _weights(net, spec, depth):
    """The weights of the first `depth` layers of the net `spec` builds."""
    return [sample(spec, (net.width,) * 2, net.seed + i, net.flavor) for i in range(depth)]


def _forward(net, weights, x, biases):
    """Yield (z, a) layer by layer: pre-activations and activations."""
    h = x
    for w, b in zip(weights, biases, strict=True):
        z = h @ w
        if net.bias_std:
            z += b
        h = net.activation.forward(z)
        yield z, h


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


def _measure(net, weights, x, grad, biases, layers, dtype):
    """One net: per-layer statistics, forward then backpropagated, and the activations of
    `layers` for their histograms; None if a float32 std leaves `FLOAT32_RANGE`."""
    act = net.activation
    weights = [w.astype(dtype, copy=False) for w in weights]
    x, grad, biases = (v.astype(dtype, copy=False) for v in (x, grad, biases))
    checked = dtype == np.float32
    rows, slopes, kept = [], [], []
    for layer, (z, a) in enumerate(_forward(net, weights, x, biases), 1):
        row = {"preact_std": _std(z), "act_mean": float(np.mean(a)), "act_std": _std(a),
               "saturated_frac": float(np.mean(act.saturated(a))),
               "dead_frac": float(np.mean(act.dead(a)))}
        if checked and not _representable(row["preact_std"], row["act_std"]):
            return None
        rows.append(row)
        slopes.append(_slope(act, z, a))
        if layer in layers:
            kept.append(a)
    g = grad
    for row, w in zip(reversed(rows), reversed(weights), strict=True):
        delta = g * slopes.pop()
        row["grad_std"] = _std(delta)
        if checked and not _representable(row["grad_std"]):
            return None
        g = delta @ w.T
    return rows, kept


def _representable(*stds):
    low, high = FLOAT32_RANGE
    return all(low <= s <= high for s in stds)


def _measure_fast(net, spec, x, grad, biases, layers):
    """`_measure` in float32, or in float64 where float32 would lose the numbers."""
    weights = _weights(net, spec, net.depth)
    return (_measure(net, weights, x, grad, biases, layers, np.float32)
            or _measure(net, weights, x, grad, biases, layers, np.float64))


def _theory(net, spec):
    sigma_w2 = meanfield.weight_variance(spec, net.width, net.flavor)
    predicted = meanfield.predict(net.activation, net.depth, sigma_w2, net.bias_std**2)
    return {f"theory_{name}": values for name, values in predicted.items()}


def _threads(net):
    """Two threads when two nets fit in the memory cap of one, and there are two to compute."""
    fits = 2 * net.floats <= MAX_PROPAGATION_MEMORY
    return min(len(net.specs), os.cpu_count() or 1, 2 if fits else 1)


def _run(net, layers, bins):
    """The table of every net and the histograms of `layers` of its activations."""
    x, grad, biases = _inputs(net)

    def one(spec):
        with np.errstate(all="ignore"):   # numpy's error state is per thread
            rows, kept = _measure_fast(net, spec, x, grad, biases, layers)
            table = pd.DataFrame(rows).assign(initializer=spec, layer=np.arange(1, net.depth + 1),
                                              **_theory(net, spec))
            return table[COLUMNS], _histograms(net, spec, layers, kept, bins)

    threads = _threads(net)
    with threadpool_limits(1 if threads > 1 else None), ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(one, net.specs))
    tables, histograms = zip(*results, strict=True)
    return pd.concat(tables, ignore_index=True), pd.concat(histograms, ignore_index=True)


def propagate(specs, activation, depth, width, n_samples=1000, seed=0, flavor="keras",
              bias_std=0.0):
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

    Returns
    -------
    pandas.DataFrame
        One row per (initializer, layer 1..depth): ``preact_std``, ``act_mean``, ``act_std``;
        ``grad_std``, the std of the gradient with respect to the layer's pre-activations;
        ``saturated_frac`` (tanh |a| > 0.99, sigmoid within 0.01 of 0 or 1) and ``dead_frac``
        (ReLU output exactly 0); the mean-field predictions ``theory_preact_std``,
        ``theory_act_std`` and ``theory_grad_std`` (NaN for nonzero-mean weights, see
        `initviz.meanfield`).
    """
    net = check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std)
    return _run(net, (), 0)[0]


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


def propagation_report(specs, activation, depth, width, layers=None, bins=41, n_samples=1000,
                       seed=0, flavor="keras", bias_std=0.0):
    """`propagate`'s table and `activation_histograms`' histograms from one pass over the nets.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The table, then the histograms, exactly as the two functions return them.
    """
    net = check_net(specs, activation, depth, width, n_samples, seed, flavor, bias_std)
    layers = _check_layers(default_layers(net.depth) if layers is None else layers, net.depth)
    return _run(net, layers, check_int("bins", bins, 5, 200))


def activation_histograms(specs, activation, depth, width, layers=None, bins=41, n_samples=1000,
                          seed=0, flavor="keras", bias_std=0.0):
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
                              flavor, bias_std)[1]
