"""Your own data: iv.load_dataset(frame, target=...) detects the task, standardizes and splits
like the built-in datasets, and refuses bad frames with a message that names the problem."""

import numpy as np
import pandas as pd
import pytest

import initviz as iv
from initviz.datasets import preview_frame
from initviz.limits import MAX_CLASSES, MAX_FEATURES, MAX_TRAIN_SAMPLES


def frame(n=200, seed=0, **targets):
    rng = np.random.default_rng(seed)
    data = pd.DataFrame({"a": rng.normal(5, 3, n), "b": rng.uniform(-1, 1, n)})
    return data.assign(**{name: values[:n] if hasattr(values, "__len__") else values
                          for name, values in targets.items()})


@pytest.mark.parametrize(("target", "task", "n_classes", "classes"), [
    (np.tile(["no", "yes"], 100), "binary", 2, ("no", "yes")),
    (np.tile([True, False], 100), "binary", 2, ("False", "True")),
    (np.tile([3, 1, 2], 70), "multiclass", 3, ("1", "2", "3")),
    (np.tile(["setosa", "virginica", "versicolor"], 70), "multiclass", 3,
     ("setosa", "versicolor", "virginica")),
    (np.linspace(0, 7, 200), "regression", 0, ()),
    (np.arange(200), "regression", 0, ()),     # more whole numbers than MAX_CLASSES
])
def test_the_task_is_detected_from_the_target(target, task, n_classes, classes):
    ds = iv.load_dataset(frame(y=target), target="y")
    assert (ds.task, ds.n_classes, ds.classes, ds.n_features) == (task, n_classes, classes, 2)


def test_features_are_standardized_and_split_like_the_built_in_sets():
    data = frame(y=np.tile(["no", "yes"], 100))
    ds = iv.load_dataset(data, target="y", seed=3)
    assert (len(ds.X_train), len(ds.X_val)) == (140, 60)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1)
    assert np.bincount(ds.y_train).tolist() == [70, 70]         # stratified
    again = iv.load_dataset(data, target="y", seed=3)
    np.testing.assert_array_equal(ds.X_train, again.X_train)
    assert not np.array_equal(ds.X_train, iv.load_dataset(data, target="y", seed=4).X_train)


def test_a_regression_target_is_standardized_too():
    ds = iv.load_dataset(frame(y=np.linspace(100, 300, 200)), target="y")
    assert ds.y_train.mean() == pytest.approx(0, abs=1e-9) and ds.y_train.std() == pytest.approx(1)


def test_the_task_can_be_given():
    ds = iv.load_dataset(frame(y=np.tile([1, 2, 3, 4], 50)), target="y", task="regression")
    assert ds.task == "regression"


def test_a_frame_trains_and_previews():
    ds = iv.load_dataset(frame(y=np.tile(["no", "yes"], 100)), target="y")
    result = iv.train(ds, ["he_normal"], seeds=[0], hidden=(4,), epochs=3)
    assert result.history["loss"].notna().all()
    one = iv.load_dataset(frame(y=np.tile(["no", "yes"], 100)).drop(columns="b"), target="y")
    preview, axes = preview_frame(one)
    assert preview.shape == (200, 4) and "one feature" in axes


@pytest.mark.parametrize(("data", "target", "message"), [
    (frame(y=1), "z", "no column 'z' to predict; the columns are 'a', 'b', 'y'"),
    (frame(y=7), "y", "single value (7.0): there is nothing to learn"),
    (frame(y=np.tile(["a", "b"], 100)).assign(c="text"), "y", "Features must be numbers; 'c'"),
    (frame(y=np.tile([0, 1], 100)).assign(a=np.nan), "y", "missing (or infinite) in 'a'"),
    (frame(y=np.tile([0.0, np.nan], 100)), "y", "'y' has 100 missing values"),
    (frame(n=10, y=np.tile([0, 1], 5)), "y", "10 rows; use 20 to 5,000"),
    (frame(n=MAX_TRAIN_SAMPLES + 1, y=0.5), "y", "5,001 rows; use 20 to 5,000"),
    (pd.DataFrame(np.ones((30, MAX_FEATURES + 2))).rename(columns=str), "0",
     f"{MAX_FEATURES + 1} feature columns besides the target; use 1 to {MAX_FEATURES}"),
    (frame(y=np.tile([f"c{i}" for i in range(MAX_CLASSES + 1)], 10)), "y",
     f"{MAX_CLASSES + 1} classes; at most {MAX_CLASSES}"),
    (frame(y=np.r_[["x"], np.tile(["a", "b"], 100)][:200]), "y", "Class 'x' of 'y' has 1 row"),
    (frame(n=20, y=np.repeat([f"c{i}" for i in range(10)], 2)), "y",
     "20 rows are too few for 10 classes"),
    (pd.DataFrame(np.ones((30, 3)), columns=["a", "a", "y"]), "y", "'a' appear more than once"),
])
def test_a_bad_frame_is_refused_with_what_is_wrong_and_the_limit(data, target, message):
    with pytest.raises(iv.InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        iv.load_dataset(data, target=target)
