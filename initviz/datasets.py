"""Toy datasets from scikit-learn, or a user's DataFrame, standardized and split the same way.

Features are standardized with the training split's mean and std (and so is a regression
target), classification splits are stratified, and everything is seeded.
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from .errors import InputError, check_choice, check_float, check_int
from .limits import MAX_CLASSES, MAX_FEATURES, MAX_SEED, MAX_TRAIN_SAMPLES

VAL_FRACTION = 0.3
MIN_SAMPLES = 20
TASKS = ("binary", "multiclass", "regression")


def _xor(n_samples, noise, random_state):
    """Uniform points in [-1, 1]², label 1 where x·y > 0, Gaussian jitter of std `noise`."""
    rng = np.random.default_rng(random_state)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    return X + noise * rng.standard_normal(X.shape), y


def _generated(maker, noise_kw="noise", **fixed):
    """Wrap a sklearn generator as (n_samples, noise, seed) -> (X, y)."""

    def load(n_samples, noise, seed):
        kwargs = dict(fixed, n_samples=n_samples, random_state=seed)
        if noise_kw:
            kwargs[noise_kw] = noise
        return maker(**kwargs)

    return load


def _classification(n_samples, noise, seed):
    return skd.make_classification(
        n_samples=n_samples, n_features=2, n_redundant=0, n_informative=2,
        n_clusters_per_class=1, flip_y=noise, class_sep=1.0, random_state=seed,
    )


def _loaded(loader):
    def load(n_samples, noise, seed):
        return loader(return_X_y=True)

    return load


@dataclass(frozen=True)
class Source:
    """How to make one dataset and what it is."""

    load: object          # (n_samples, noise, seed) -> (X, y)
    task: str             # "binary" | "multiclass" | "regression"
    summary: str
    noise: float | None   # default noise; None: the dataset has no noise parameter
    sized: bool = True    # False: fixed size, n_samples is ignored
    max_noise: float = 100.0


SOURCES = {
    "moons": Source(_generated(skd.make_moons), "binary", "two interleaving half circles", 0.2),
    "circles": Source(_generated(skd.make_circles, factor=0.5), "binary",
                      "a circle inside a ring", 0.1),
    "xor": Source(_xor, "binary", "four quadrants, opposite corners share a class", 0.05),
    "gaussian_quantiles": Source(
        _generated(skd.make_gaussian_quantiles, noise_kw=None, n_features=2, n_classes=2),
        "binary", "a Gaussian blob inside a Gaussian ring", None),
    "classification": Source(_classification, "binary",
                             "two Gaussian clusters, `noise` = fraction of flipped labels", 0.01,
                             max_noise=1.0),
    "blobs": Source(_generated(skd.make_blobs, noise_kw="cluster_std", centers=3), "multiclass",
                    "three Gaussian blobs, `noise` = cluster std", 1.0),
    "iris": Source(_loaded(skd.load_iris), "multiclass", "150 flowers, 4 features, 3 species",
                   None, sized=False),
    "wine": Source(_loaded(skd.load_wine), "multiclass", "178 wines, 13 features, 3 cultivars",
                   None, sized=False),
    "breast_cancer": Source(_loaded(skd.load_breast_cancer), "binary",
                            "569 tumours, 30 features, benign or malignant", None, sized=False),
    "digits": Source(_loaded(skd.load_digits), "multiclass",
                     "1797 8×8 images of digits, 64 features, 10 classes", None, sized=False),
    "regression": Source(
        _generated(skd.make_regression, n_features=2, n_informative=2), "regression",
        "a noisy linear function of 2 features", 10.0),
    "friedman1": Source(_generated(skd.make_friedman1, n_features=5), "regression",
                        "Friedman #1: sin, square and linear terms of 5 features", 1.0),
    "diabetes": Source(_loaded(skd.load_diabetes), "regression",
                       "442 patients, 10 features, disease progression", None, sized=False),
}
DATASETS = tuple(SOURCES)


@dataclass(frozen=True)
class Dataset:
    """A standardized train/validation split.

    ``y`` holds class indices (int) for classification and standardized floats for regression.
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    n_classes: int   # 0 for regression
    classes: tuple = ()
    """Class names of a DataFrame's target, in the order of the class indices."""

    @property
    def n_features(self):
        return self.X_train.shape[1]

    @property
    def n_outputs(self):
        """Units of the output layer: 1 for binary and regression, n_classes for multiclass."""
        return self.n_classes if self.task == "multiclass" else 1

    def targets(self, y):
        """Float targets of shape (n, n_outputs): 0/1, one-hot, or the regression value."""
        if self.task == "multiclass":
            return np.eye(self.n_classes)[y]
        return np.asarray(y, dtype=float).reshape(-1, 1)


def load_dataset(name, n_samples=500, noise=None, seed=0, *, target=None, task=None):
    """Load a toy dataset or a DataFrame, split 70/30 (stratified for classification),
    standardized.

    Parameters
    ----------
    name : str or pandas.DataFrame
        One of `DATASETS`, e.g. ``"moons"``, ``"digits"`` or ``"diabetes"``; or a DataFrame
        of numeric feature columns and a `target` column (see `frame_dataset`).
    n_samples : int
        Points to generate (train + validation); ignored by fixed datasets such as iris and
        by a DataFrame.
    noise : float or None
        The generator's noise (see `SOURCES`), 0 to the source's `max_noise`; None takes the
        dataset's default. Ignored by a DataFrame.
    seed : int
        Seed of the generator and of the split.
    target : str, optional
        A DataFrame's column to predict.
    task : str, optional
        A DataFrame's task, one of `TASKS`; detected when None.

    Returns
    -------
    Dataset
    """
    if isinstance(name, pd.DataFrame):
        return frame_dataset(name, target, seed=seed, task=task)
    source = SOURCES[check_choice("dataset", name, DATASETS)]
    n_samples = check_int("Number of samples", n_samples, MIN_SAMPLES, MAX_TRAIN_SAMPLES)
    seed = check_int("seed", seed, 0, MAX_SEED)
    if noise is None or source.noise is None:
        noise = source.noise
    else:
        noise = check_float("noise", noise, 0.0, source.max_noise)
    X, y = source.load(n_samples, noise, seed)
    X = np.asarray(X, dtype=float)
    if len(X) > MAX_TRAIN_SAMPLES:
        raise InputError(f"{name} has more than {MAX_TRAIN_SAMPLES:,} samples.")
    return _split(name, source.task, X, y, seed)


def frame_dataset(frame, target, seed=0, task=None, name="your data"):
    """A DataFrame as a Dataset: every column but `target` is a numeric feature.

    The task is detected unless given: a target of text, booleans or at most `MAX_CLASSES`
    distinct whole numbers holds classes (indexed in sorted order), any other numbers are a
    regression target. Every refusal is an InputError that names the problem and the limit.

    Parameters
    ----------
    frame : pandas.DataFrame
        `MIN_SAMPLES` to `MAX_TRAIN_SAMPLES` rows, at most `MAX_FEATURES` features, no missing
        or infinite values.
    target : str
        The column to predict.
    seed : int
        Seed of the split.
    task : str, optional
        One of `TASKS`, to override the detected one.
    name : str
        The dataset's name.

    Returns
    -------
    Dataset
    """
    seed = check_int("seed", seed, 0, MAX_SEED)
    columns = [str(c) for c in frame.columns]
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InputError(f"Column names must be unique; {_listed(twice)} appear more than once.")
    if target not in frame.columns:
        raise InputError(f"There is no column {target!r} to predict; the columns are "
                         f"{_listed(columns)}.")
    if not MIN_SAMPLES <= len(frame) <= MAX_TRAIN_SAMPLES:
        raise InputError(f"The data has {len(frame):,} rows; use {MIN_SAMPLES} to "
                         f"{MAX_TRAIN_SAMPLES:,}.")
    features = frame.drop(columns=[target])
    if not 1 <= features.shape[1] <= MAX_FEATURES:
        raise InputError(f"The data has {features.shape[1]:,} feature columns besides the "
                         f"target; use 1 to {MAX_FEATURES}.")
    text = [str(c) for c, kind in features.dtypes.items()
            if not pd.api.types.is_numeric_dtype(kind)]
    if text:
        raise InputError(f"Features must be numbers; {_listed(text)} hold other values. "
                         "Remove those columns or encode them as numbers.")
    X = features.to_numpy(dtype=float)
    bad = [str(c) for c, ok in zip(features.columns, np.isfinite(X).all(axis=0), strict=True)
           if not ok]
    if bad:
        raise InputError(f"Values are missing (or infinite) in {_listed(bad)}; fill or drop "
                         "those rows.")
    y, task, classes = _target(frame[target], task)
    return _split(name, task, X, y, seed, classes)


def _listed(names, most=5):
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _target(column, task):
    """(y, task, class names) of a target column: class indices, or floats for regression."""
    name = column.name
    if column.isna().any():
        raise InputError(f"The target {name!r} has {int(column.isna().sum())} missing values; "
                         "fill or drop those rows.")
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    values = column.to_numpy(dtype=float) if numeric else column.astype(str).to_numpy()
    if numeric and not np.isfinite(values).all():
        raise InputError(f"The target {name!r} has infinite values.")
    distinct = np.unique(values)
    if len(distinct) < 2:
        raise InputError(f"The target {name!r} has a single value ({distinct[0]}): there is "
                         "nothing to learn. Pick another column.")
    if task is None:
        classes = not numeric or (bool(np.all(distinct == np.round(distinct)))
                                  and len(distinct) <= MAX_CLASSES)
        task = ("binary" if len(distinct) == 2 else "multiclass") if classes else "regression"
    check_choice("task", task, TASKS)
    if task == "regression":
        if not numeric:
            raise InputError(f"A regression target must be numbers; {name!r} holds text.")
        return values, task, ()
    if len(distinct) > MAX_CLASSES:
        raise InputError(f"The target {name!r} has {len(distinct):,} classes; at most "
                         f"{MAX_CLASSES}.")
    if task == "binary" and len(distinct) != 2:
        raise InputError(f"A binary target has 2 classes; {name!r} has {len(distinct)}.")
    y = np.searchsorted(distinct, values)
    labels = tuple(f"{c:g}" if numeric else c for c in distinct)
    counts = np.bincount(y)
    if counts.min() < 2:
        raise InputError(f"Class {labels[counts.argmin()]!r} of {name!r} has 1 row; every class "
                         "needs at least 2 for the stratified train/validation split.")
    n_val = math.ceil(VAL_FRACTION * len(y))
    if min(n_val, len(y) - n_val) < len(distinct):
        raise InputError(f"{len(y)} rows are too few for {len(distinct)} classes: each split "
                         "needs a row of every class.")
    return y, task, labels


def _split(name, task, X, y, seed, classes=()):
    """The Dataset: a seeded 70/30 split (stratified for classes), standardized on train."""
    classify = task != "regression"
    X_tr, X_va, y_tr, y_va = train_test_split(
        X, y, test_size=VAL_FRACTION, random_state=seed, stratify=y if classify else None
    )
    mean, std = X_tr.mean(axis=0), _safe_std(X_tr)
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
    if classify:
        return Dataset(name, task, X_tr, y_tr.astype(int), X_va, y_va.astype(int),
                       int(np.max(y)) + 1, classes)
    y_mean, y_std = y_tr.mean(), _safe_std(y_tr)
    return Dataset(name, task, X_tr, (y_tr - y_mean) / y_std, X_va, (y_va - y_mean) / y_std, 0)


def _safe_std(a):
    std = np.std(a, axis=0)
    return np.where(std > 0, std, 1.0)


def preview_frame(dataset):
    """The data in 2-D for a scatter plot, and what its axes are.

    Two features are shown as they are; more are projected on their top two principal
    components (of the training split).

    Returns
    -------
    (pandas.DataFrame, str)
        Columns x, y, split ("train" | "val"), target; and a note on the axes.
    """
    X = np.vstack([dataset.X_train, dataset.X_val])
    note = "the two features"
    if dataset.n_features == 1:
        X, note = np.column_stack([X[:, 0], np.zeros(len(X))]), "the one feature (y: none)"
    elif dataset.n_features != 2:
        X = X @ np.linalg.svd(dataset.X_train, full_matrices=False)[2][:2].T
        note = f"top two principal components of {dataset.n_features} features"
    frame = pd.DataFrame({
        "x": X[:, 0], "y": X[:, 1],
        "split": ["train"] * len(dataset.X_train) + ["val"] * len(dataset.X_val),
        "target": np.concatenate([dataset.y_train, dataset.y_val]),
    })
    return frame, note
