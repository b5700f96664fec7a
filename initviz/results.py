"""What training records, and the tidy frames built from it: history, runs, summaries."""

import sys
from dataclasses import dataclass

import numpy as np
import pandas as pd

SPLITS = ("train", "val")
GRAD_NORM_EPOCHS = 200
"""Epochs (evenly spread, the last included) at which `grad_norms` keeps the norms: its chart
draws at most 150 points per curve."""


def grad_norm_epochs(epochs):
    """The epochs (1-based) at which `TrainResult.grad_norms` keeps the norms."""
    return np.unique(np.linspace(1, epochs, GRAD_NORM_EPOCHS).round()).astype(np.int32)


class Records:
    """Arrays filled during training, indexed by epoch and run."""

    def __init__(self, k, epochs, layers, frames, outputs, grid_points):
        self.loss = {s: np.full((epochs + 1, k), np.nan) for s in SPLITS}
        self.accuracy = {s: np.full((epochs + 1, k), np.nan) for s in SPLITS}
        self.grad_norm = np.zeros((epochs, k, layers))   # Σ over an epoch's steps
        self.diverged = np.full(k, -1)
        self.grid = np.full((frames, k, outputs, grid_points), np.nan, dtype=np.float32)



@dataclass(frozen=True)
class Boundaries:
    """Predicted probabilities on a grid over 2-D data at a few epochs.

    `proba` (float32) has shape (epochs, runs, outputs, len(ys) * len(xs)): P(class 1) for
    binary data, the softmax for multiclass data; points run row-major over (y, x).
    """

    xs: np.ndarray
    ys: np.ndarray
    epochs: tuple
    proba: np.ndarray


@dataclass(frozen=True)
class TrainResult:
    """Everything `train` measured; see DESIGN.md for the columns.

    Kept compact: numbers of the frames in the training's precision (float32 by default) and
    the smallest integer types that hold them; final weights in that precision too.
    """

    history: pd.DataFrame      # run, initializer, seed, epoch, split, loss, accuracy
    runs: pd.DataFrame         # run, initializer, seed, diverged_epoch
    grad_norms: pd.DataFrame   # run, initializer, seed, epoch, layer, grad_norm (thinned)
    boundaries: Boundaries | None
    initial_weights: list      # per run [(W, b), ...], (W, b, gate) for ReZero's blocks
    weights: list              # per run, after training (zeros for a diverged run)
    dataset: object
    epochs: int

    @property
    def nbytes(self):
        """Bytes this result holds: frames (each distinct text once), arrays, weights, data."""
        frames = (self.history, self.runs, self.grad_norms)
        texts = {v for f in frames for c in f.columns if f[c].dtype == object for v in f[c]}
        arrays = [W for run in (*self.initial_weights, *self.weights) for layer in run
                  for W in layer]
        if self.boundaries is not None:
            arrays += [self.boundaries.proba, self.boundaries.xs, self.boundaries.ys]
        d = self.dataset
        arrays += [d.X_train, d.y_train, d.X_val, d.y_val]
        return (sum(int(f.memory_usage(deep=False).sum()) for f in frames)
                + sum(sys.getsizeof(t) for t in texts) + sum(a.nbytes for a in arrays))

    @classmethod
    def build(cls, plan, records, steps, starts, weights, boundaries):
        """Assemble the frames; values from a run's diverged epoch on become NaN. `starts` and
        `weights` are per run ``[(W, b), ...]`` (with a gate for ReZero's blocks)."""
        k, epochs, dtype = plan.k, plan.epochs, plan.dtype
        diverged = np.where(records.diverged >= 0, records.diverged, epochs + 1)
        runs = pd.DataFrame({
            "run": np.arange(k), "initializer": list(plan.labels), "seed": list(plan.seeds),
            "diverged_epoch": pd.array(np.where(records.diverged >= 0, records.diverged, None),
                                       dtype="Int64"),
        })
        after = np.arange(epochs + 1)[:, None] >= diverged
        every = np.arange(epochs + 1, dtype=np.int32)
        history = pd.concat([
            _tidy(runs, every, split=s,
                  loss=np.where(after, np.nan, records.loss[s]).astype(dtype),
                  accuracy=np.where(after, np.nan, records.accuracy[s]).astype(dtype))
            for s in SPLITS
        ], ignore_index=True)
        norms = (records.grad_norm / steps).astype(dtype)
        norms[after[1:]] = np.nan
        kept = grad_norm_epochs(epochs)
        layers = norms.shape[2]
        grad_norms = _tidy(runs, kept, grad_norm=norms[kept - 1].reshape(len(kept), -1),
                           repeat=layers,
                           layer=np.tile(np.arange(1, layers + 1, dtype=np.int16), k))
        return cls(history, runs, grad_norms, boundaries,
                   [[tuple(np.asarray(v, float) for v in layer) for layer in run]
                    for run in starts], weights, plan.dataset, epochs)


def _tidy(runs, epochs, repeat=1, **columns):
    """Long frame from (epochs, runs·repeat) arrays and constant or per-column values."""
    arrays = {k: v for k, v in columns.items() if isinstance(v, np.ndarray) and v.ndim == 2}
    n_epochs, width = next(iter(arrays.values())).shape
    frame = {
        "run": np.tile(np.repeat(runs["run"].to_numpy(np.int32), repeat), n_epochs),
        "initializer": np.tile(np.repeat(runs["initializer"].to_numpy(), repeat), n_epochs),
        "seed": np.tile(np.repeat(runs["seed"].to_numpy(), repeat), n_epochs),
        "epoch": np.repeat(epochs, width),
    }
    for name, value in columns.items():
        if name in arrays:
            frame[name] = value.ravel()
        elif isinstance(value, np.ndarray):
            frame[name] = np.tile(value, n_epochs)
        else:
            frame[name] = value
    return pd.DataFrame(frame)


def curves(frame, metric="loss", by=("initializer", "split"), max_points=150):
    """Mean, min, max and std across seeds of `metric` per group `by` and epoch.

    Epochs are thinned to at most `max_points` per curve; diverged runs drop out of the
    statistics from their diverged epoch on (`n` counts the runs left).
    """
    epochs = frame["epoch"].agg(["min", "max"])
    keep = np.unique(np.linspace(epochs["min"], epochs["max"], max_points).round())
    rows = frame[frame["epoch"].isin(keep)]
    stats = rows.groupby([*by, "epoch"], sort=False)[metric].agg(
        ["mean", "min", "max", "std", "count"]
    )
    return stats.rename(columns={"count": "n"}).reset_index()


def divergences(history, metric="loss"):
    """Where runs diverged: initializer, seed, split, epoch and the last finite `metric` before.

    Empty when no run diverged.
    """
    finite = history[history[metric].notna()]
    last = finite.loc[finite.groupby(["run", "split"])["epoch"].idxmax()]
    last = last[last["epoch"] < history["epoch"].max()]
    return pd.DataFrame({
        "initializer": last["initializer"], "seed": last["seed"], "split": last["split"],
        "epoch": last["epoch"] + 1, "value": last[metric],
    }).reset_index(drop=True)


def summarize(result, target_loss=None):
    """One row per initializer: final losses and accuracy (mean and std), divergence, speed.

    Parameters
    ----------
    result : TrainResult
    target_loss : float or None
        If given, `epochs_to_target` is the mean over runs of the first epoch whose training
        loss is at most this, and `reached_target` counts the runs that got there.

    Returns
    -------
    pandas.DataFrame
    """
    history, last = result.history, result.epochs
    final = history[history["epoch"] == last].pivot(
        index="run", columns="split", values=["loss", "accuracy"])
    final.columns = [f"final_{split}_{metric}" for metric, split in final.columns]
    runs = result.runs.join(final, on="run")
    runs["diverged"] = runs["diverged_epoch"].notna()
    stats = {"runs": ("run", "count"), "diverged": ("diverged", "sum")}
    for column in ("final_train_loss", "final_val_loss", "final_val_accuracy"):
        stats[f"{column}_mean"] = (column, "mean")
        stats[f"{column}_std"] = (column, "std")
    if target_loss is not None:
        train = history[(history["split"] == "train") & (history["loss"] <= target_loss)]
        runs = runs.join(train.groupby("run")["epoch"].min().rename("epochs_to_target"), on="run")
        stats["epochs_to_target"] = ("epochs_to_target", "mean")
        stats["reached_target"] = ("epochs_to_target", "count")
    return runs.groupby("initializer", sort=False).agg(**stats).reset_index()


def boundary_frame(result, epoch, seed):
    """Tidy grid predictions of the runs with `seed` at `epoch` (one of `boundaries.epochs`).

    Columns: initializer, x, y, probability (of class 1, or of the predicted class when there
    are more than two), predicted (class index).
    """
    b = result.boundaries
    runs = result.runs[result.runs["seed"] == seed]
    proba = b.proba[b.epochs.index(epoch)][runs["run"].to_numpy()]
    if proba.shape[-2] == 1:
        probability = proba[..., 0, :]
        predicted = (probability > 0.5).astype(int)
    else:
        probability, predicted = proba.max(axis=-2), proba.argmax(axis=-2)
    gx, gy = np.meshgrid(b.xs, b.ys)
    n = len(runs)
    return pd.DataFrame({
        "initializer": np.repeat(runs["initializer"].to_numpy(), gx.size),
        "x": np.tile(gx.ravel(), n), "y": np.tile(gy.ravel(), n),
        "probability": probability.ravel(), "predicted": predicted.ravel(),
    })
