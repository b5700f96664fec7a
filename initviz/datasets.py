"""Toy datasets from scikit-learn, standardized and split the same way for every run.

Features are standardized with the training split's mean and std (and so is a regression
target), classification splits are stratified, and everything is seeded.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import datasets as skd
from sklearn.model_selection import train_test_split

from .errors import InputError, check_choice, check_float, check_int
from .limits import MAX_SEED, MAX_TRAIN_SAMPLES

VAL_FRACTION = 0.3


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


def load_dataset(name, n_samples=500, noise=None, seed=0):
    """Load a toy dataset, split 70/30 (stratified for classification), standardized.

    Parameters
    ----------
    name : str
        One of `DATASETS`, e.g. ``"moons"``, ``"digits"`` or ``"diabetes"``.
    n_samples : int
        Points to generate (train + validation); ignored by fixed datasets such as iris.
    noise : float or None
        The generator's noise (see `SOURCES`), 0 to the source's `max_noise`; None takes the
        dataset's default.
    seed : int
        Seed of the generator and of the split.

    Returns
    -------
    Dataset
    """
    source = SOURCES[check_choice("dataset", name, DATASETS)]
    n_samples = check_int("Number of samples", n_samples, 20, MAX_TRAIN_SAMPLES)
    seed = check_int("seed", seed, 0, MAX_SEED)
    if noise is None or source.noise is None:
        noise = source.noise
    else:
        noise = check_float("noise", noise, 0.0, source.max_noise)
    X, y = source.load(n_samples, noise, seed)
    X = np.asarray(X, dtype=float)
    if len(X) > MAX_TRAIN_SAMPLES:
        raise InputError(f"{name} has more than {MAX_TRAIN_SAMPLES:,} samples.")
    classify = source.task != "regression"
    X_tr, X_va, y_tr, y_va = train_test_split(
        X, y, test_size=VAL_FRACTION, random_state=seed, stratify=y if classify else None
    )
    mean, std = X_tr.mean(axis=0), _safe_std(X_tr)
    X_tr, X_va = (X_tr - mean) / std, (X_va - mean) / std
    if classify:
        return Dataset(name, source.task, X_tr, y_tr.astype(int), X_va, y_va.astype(int),
                       int(np.max(y)) + 1)
    y_mean, y_std = y_tr.mean(), _safe_std(y_tr)
    return Dataset(name, source.task, X_tr, (y_tr - y_mean) / y_std, X_va, (y_va - y_mean) / y_std,
                   0)


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
    if dataset.n_features != 2:
        X = X @ np.linalg.svd(dataset.X_train, full_matrices=False)[2][:2].T
        note = f"top two principal components of {dataset.n_features} features"
    frame = pd.DataFrame({
        "x": X[:, 0], "y": X[:, 1],
        "split": ["train"] * len(dataset.X_train) + ["val"] * len(dataset.X_val),
        "target": np.concatenate([dataset.y_train, dataset.y_val]),
    })
    return frame, note
