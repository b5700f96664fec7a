"""Which depths train: accuracy over σ_w² × depth beside the depth scale 6·ξ_c.

Schoenholz et al. 2017 ("Deep Information Propagation", Fig. 5) train nets of many depths at many
σ_w² (σ_b² = 0.05) and find that a net trains only if its depth is below about 6 ξ_c: far from
the critical line, inputs become indistinguishable (ordered) or decorrelate (chaotic) within a few
ξ_c layers and gradients vanish or explode. This is that experiment on a toy dataset, every run
of one depth trained at once by `initviz.train`.

The grid is one experiment with its own compute budget, `limits.MAX_EXPERIMENT_SECONDS` over all
its depths (estimated by `initviz.cost` before any work), instead of `initviz.train`'s budget per
request: the default grid's deepest call alone is over that.
"""

import math
import sys

import numpy as np
import pandas as pd

from . import chaos, cost, training
from .activations import get_activation
from .datasets import DATASETS, Dataset, load_dataset
from .errors import InputError, check_choice, check_float, check_int
from .limits import MAX_EXPERIMENT_SECONDS

SIGMA_W2 = (1.0, 1.25, 1.5, 1.76, 2.0, 2.5, 3.0, 3.5, 4.0)
DEPTHS = (2, 5, 10, 20, 30, 40)
"""The default grid: σ_w² around tanh's critical 1.76 at σ_b² = 0.05, depths up to 40."""
TRAINABLE_DEPTH = 6
"""Schoenholz et al.: nets train up to depth ≈ 6 ξ_c."""
MAX_SIGMA_W2_VALUES = 24
MAX_DEPTHS = 16
MAX_DEPTH = 100
MAX_SEEDS = 4
WEIGHT_TAG = 104_729   # separates these weight streams from the library's initializers


def weight_spec(sigma_w2):
    """The initializer spec whose weights have variance σ_w²/fan_in (untruncated normal)."""
    return f"variance_scaling(scale={sigma_w2:g}, mode=fan_in, distribution=untruncated_normal)"


def initial_weights(sizes, sigma_w2, sigma_b2, seed):
    """``[(W, b), ...]`` with W ~ N(0, σ_w²/fan_in) and b ~ N(0, σ_b²), float64.

    The draws depend on `seed` and the layer only, so every σ_w² of one seed scales the same
    numbers: the grid compares variances, not luck.
    """
    weights = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        rng = np.random.default_rng([WEIGHT_TAG, seed, layer])
        weights.append((rng.standard_normal((n_in, n_out)) * math.sqrt(sigma_w2 / n_in),
                        rng.standard_normal(n_out) * math.sqrt(sigma_b2)))
    return weights


def _values(name, values, most, low, high, kind):
    values = [values] if np.isscalar(values) else list(values)
    if not 1 <= len(values) <= most or len(set(values)) != len(values):
        raise InputError(f"Give between 1 and {most} distinct {name}, got {len(values)}.")
    return [kind(name, v, low, high) for v in values]


def _grid_seconds(dataset, specs, seeds, hidden, epochs, optimizer, lr, batch_size, activation):
    """Estimated compute (`initviz.cost`) of one `train` call per hidden-layer list of `hidden`,
    each validated as `train` validates it (sizes, runs), the cost left to the grid's check."""
    return sum(cost.training_seconds(
        training._plan(dataset, specs, seeds, layers, activation, optimizer, lr, 0.9, epochs,
                       batch_size, "keras", "float32", None, max_seconds=sys.float_info.max)[0],
        training.GRID_SIZE**2) for layers in hidden)


def _check_budget(seconds_of, epochs):
    """Refuse a grid estimated over `limits.MAX_EXPERIMENT_SECONDS`, naming the most epochs that
    fit; `seconds_of(epochs)` estimates the grid at that many epochs."""
    seconds = seconds_of(epochs)
    if seconds <= MAX_EXPERIMENT_SECONDS:
        return seconds
    fit = cost.largest(lambda e: seconds_of(e) <= MAX_EXPERIMENT_SECONDS, 1, epochs - 1)
    hint = f"use at most {fit:,} epochs" if fit else "use fewer depths or units"
    raise InputError(
        f"This grid needs about {seconds:.0f} s of compute, over the demo's "
        f"{MAX_EXPERIMENT_SECONDS:g} s per experiment: {hint}, or fewer σ_w² values, seeds, "
        "depths or layers.")


def trainability(dataset="circles", activation="tanh", sigma_w2=SIGMA_W2, depths=DEPTHS,
                 sigma_b2=0.05, width=32, epochs=300, seeds=(0,), optimizer="sgd", lr=0.1,
                 batch_size=None, on_progress=None):
    """Train a net for every (σ_w², depth, seed) and report how far each got.

    Parameters
    ----------
    dataset : str or Dataset
        A name from `DATASETS` or a Dataset from `load_dataset`.
    activation : str
        Hidden activation.
    sigma_w2 : sequence of float
        Weight variances σ_w² (W ~ N(0, σ_w²/fan_in) in every layer).
    depths : sequence of int
        Numbers of hidden layers, each `width` units wide.
    sigma_b2 : float
        Bias variance (b ~ N(0, σ_b²)).
    width : int
        Units per hidden layer.
    epochs : int
        The fixed training budget.
    seeds : sequence of int
        Seeds of the weights (and of the minibatch order).
    optimizer, lr, batch_size
        As for `initviz.train`.
    on_progress : callable or None
        Called as ``on_progress(done, total)`` in epochs over the whole grid, between chunks of
        each training; an exception it raises stops the work and propagates.

    Returns
    -------
    pandas.DataFrame
        One row per run: ``sigma_w2``, ``depth``, ``seed``, ``train_accuracy`` and ``train_loss``
        after `epochs` (NaN for a run that diverged), ``xi_c`` (mean-field depth scale at
        (σ_w², σ_b²), `initviz.depth_scales`).
    """
    if isinstance(dataset, str):
        dataset = load_dataset(check_choice("dataset", dataset, DATASETS))
    if not isinstance(dataset, Dataset):
        raise InputError("dataset must be a dataset name or a Dataset from load_dataset.")
    act = get_activation(activation)
    sigma_w2 = _values("σ_w² values", sigma_w2, MAX_SIGMA_W2_VALUES, 0.01, 100.0, check_float)
    depths = sorted(_values("depths", depths, MAX_DEPTHS, 1, MAX_DEPTH, check_int))
    seeds = _values("seeds", seeds, MAX_SEEDS, 0, 2**32 - 1, check_int)
    sigma_b2 = check_float("σ_b²", sigma_b2, 0.0, 10.0)
    width = check_int("width", width, 1, 256)
    epochs = check_int("epochs", epochs, 1, 2_000)

    specs, hidden = [weight_spec(w) for w in sigma_w2], [[width] * depth for depth in depths]
    _check_budget(lambda e: _grid_seconds(dataset, specs, seeds, hidden, e, optimizer, lr,
                                          batch_size, act.label), epochs)
    xi_c = {w: chaos.depth_scales(act, w, sigma_b2)["xi_c"] for w in sigma_w2}
    total, frames = len(depths) * epochs, []
    for done, (depth, layers) in enumerate(zip(depths, hidden, strict=True)):
        def progress(epoch, _, before=done * epochs):
            if on_progress is not None:
                on_progress(before + epoch, total)

        sizes = (dataset.n_features, *layers, dataset.n_outputs)
        result = training.train(
            dataset, specs, seeds, hidden=layers, activation=act.label, optimizer=optimizer, lr=lr,
            epochs=epochs, batch_size=batch_size, on_progress=progress,
            initial_weights=[initial_weights(sizes, w, sigma_b2, s) for w in sigma_w2
                             for s in seeds],
            max_seconds=MAX_EXPERIMENT_SECONDS)
        h = result.history
        last = h[(h["epoch"] == epochs) & (h["split"] == "train")].sort_values("run")
        frames.append(pd.DataFrame({
            "sigma_w2": np.repeat(sigma_w2, len(seeds)), "depth": depth,
            "seed": np.tile(seeds, len(sigma_w2)),
            "train_accuracy": last["accuracy"].to_numpy(float),
            "train_loss": last["loss"].to_numpy(float),
            "xi_c": np.repeat([xi_c[w] for w in sigma_w2], len(seeds)),
        }))
    return pd.concat(frames, ignore_index=True)
