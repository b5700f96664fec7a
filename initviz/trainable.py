"""Which depths train: accuracy over σ_w² × depth beside the depth scale 6·ξ_c.

Schoenholz et al. 2017 ("Deep Information Propagation", Fig. 5) train nets of many depths at many
σ_w² (σ_b² = 0.05) and find that a net trains only if its depth is below about 6 ξ_c: far from
the critical line, inputs become indistinguishable (ordered) or decorrelate (chaotic) within a few
ξ_c layers and gradients vanish or explode. This is that experiment on a toy dataset, every run
of one depth trained at once by `initviz.train`.
"""

import math

import numpy as np
import pandas as pd

from . import chaos
from .activations import get_activation
from .datasets import DATASETS, Dataset, load_dataset
from .errors import InputError, check_choice, check_float, check_int
from .training import train

SIGMA_W2 = (1.0, 1.25, 1.5, 1.76, 2.0, 2.5, 3.0, 3.5, 4.0)
DEPTHS = (2, 5, 10, 20, 30, 40)
"""The default grid: σ_w² around tanh's critical 1.76 at σ_b² = 0.05, depths up to 40."""
TRAINABLE_DEPTH = 6
"""Schoenholz et al.: nets train up to depth ≈ 6 ξ_c."""
MAX_SIGMA_W2_VALUES = 24
MAX_DEPTHS = 16
MAX_DEPTH = 100
MAX_SEEDS = 4
MAX_WORK = 2e11
"""runs × epochs × training samples × weights, summed over depths: twice the default grid's."""
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


def _check_work(n_train, sizes_of, runs, epochs, depths):
    """Refuse a grid over MAX_WORK, naming the most epochs that would fit."""
    per_epoch = sum(runs * n_train * sum(a * b for a, b in zip(s[:-1], s[1:], strict=True))
                    for s in map(sizes_of, depths))
    if per_epoch * epochs > MAX_WORK:
        fit = int(MAX_WORK // per_epoch)
        hint = (f"use at most {fit:,} epochs" if fit >= 1 else "use fewer depths or units")
        raise InputError(
            f"This grid is too large for the demo ({per_epoch * epochs:.2g} > {MAX_WORK:.2g} "
            f"runs × epochs × samples × weights): {hint}, or fewer σ_w² values, seeds or "
            "layers.")


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

    def sizes_of(depth):
        return (dataset.n_features, *[width] * depth, dataset.n_outputs)

    runs = len(sigma_w2) * len(seeds)
    _check_work(len(dataset.X_train), sizes_of, runs, epochs, depths)
    xi_c = {w: chaos.depth_scales(act, w, sigma_b2)["xi_c"] for w in sigma_w2}
    total, frames = len(depths) * epochs, []
    for done, depth in enumerate(depths):
        def progress(epoch, _, before=done * epochs):
            if on_progress is not None:
                on_progress(before + epoch, total)

        sizes = sizes_of(depth)
        result = train(dataset, [weight_spec(w) for w in sigma_w2], seeds, hidden=[width] * depth,
                       activation=act.label, optimizer=optimizer, lr=lr, epochs=epochs,
                       batch_size=batch_size, on_progress=progress,
                       initial_weights=[initial_weights(sizes, w, sigma_b2, s)
                                        for w in sigma_w2 for s in seeds])
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
