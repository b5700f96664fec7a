import numpy as np
import pytest

import initviz as iv
from initviz.datasets import SOURCES, preview_frame

FIXED_SIZES = {"iris": 150, "wine": 178, "breast_cancer": 569, "digits": 1797, "diabetes": 442}
CLASSES = {"iris": 3, "wine": 3, "digits": 10, "blobs": 3}


@pytest.mark.parametrize("name", iv.DATASETS)
def test_every_dataset_loads_standardized_with_its_task_and_shapes(name):
    ds = iv.load_dataset(name, n_samples=200, seed=1)
    n = FIXED_SIZES.get(name, 200)
    assert len(ds.X_train) + len(ds.X_val) == n
    assert len(ds.X_val) == pytest.approx(0.3 * n, abs=1)
    assert ds.task == SOURCES[name].task
    assert ds.X_train.shape[1] == ds.X_val.shape[1] == ds.n_features
    assert ds.y_train.shape == (len(ds.X_train),)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-9)
    std = ds.X_train.std(axis=0)
    assert np.all((np.abs(std - 1) < 1e-9) | (std == 0))
    if ds.task == "regression":
        assert ds.n_classes == 0 and ds.n_outputs == 1
        assert ds.y_train.mean() == pytest.approx(0, abs=1e-9)
        assert ds.y_train.std() == pytest.approx(1)
    else:
        assert ds.n_classes == CLASSES.get(name, 2)
        assert ds.y_train.dtype.kind == "i"
        assert set(np.unique(ds.y_train)) == set(range(ds.n_classes))
        assert ds.n_outputs == (1 if ds.task == "binary" else ds.n_classes)


def test_split_is_stratified():
    ds = iv.load_dataset("blobs", n_samples=300)
    train = np.bincount(ds.y_train) / len(ds.y_train)
    val = np.bincount(ds.y_val) / len(ds.y_val)
    np.testing.assert_allclose(train, val, atol=0.02)


def test_seed_reproduces_and_changes_the_data():
    a, b = iv.load_dataset("moons", seed=3), iv.load_dataset("moons", seed=3)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    assert not np.array_equal(a.X_train, iv.load_dataset("moons", seed=4).X_train)


def test_noise_changes_the_data_and_defaults_apply():
    quiet = iv.load_dataset("moons", noise=0.0)
    assert not np.array_equal(quiet.X_train, iv.load_dataset("moons").X_train)
    np.testing.assert_array_equal(iv.load_dataset("moons").X_train,
                                  iv.load_dataset("moons", noise=0.2).X_train)


def test_targets_are_one_hot_for_multiclass_and_columns_otherwise():
    ds = iv.load_dataset("iris")
    t = ds.targets(ds.y_train)
    assert t.shape == (len(ds.y_train), 3)
    np.testing.assert_array_equal(t.argmax(axis=1), ds.y_train)
    moons = iv.load_dataset("moons")
    assert moons.targets(moons.y_train).shape == (len(moons.y_train), 1)


@pytest.mark.parametrize("name", ["moons", "digits"])
def test_preview_is_two_dimensional_with_every_point(name):
    ds = iv.load_dataset(name)
    frame, note = preview_frame(ds)
    assert len(frame) == len(ds.X_train) + len(ds.X_val)
    assert (frame["split"] == "val").sum() == len(ds.X_val)
    assert frame[["x", "y"]].notna().all().all() and note


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "mnist"}, "Unknown dataset"),
        ({"name": "moons", "n_samples": 10**7}, "between"),
        ({"name": "moons", "n_samples": 2.5}, "whole number"),
        ({"name": "moons", "noise": float("nan")}, "finite"),
        ({"name": "moons", "seed": -1}, "between"),
        ({"name": "moons", "noise": -1e-9}, "between 0 and 100"),
        ({"name": "classification", "noise": 1.5}, "between 0 and 1"),
    ],
)
def test_bad_requests_raise_input_error(kwargs, message):
    with pytest.raises(iv.InputError, match=message):
        iv.load_dataset(**kwargs)


@pytest.mark.parametrize("name", [n for n, source in SOURCES.items() if source.noise is not None])
@pytest.mark.parametrize("noise", [-0.0, 5e-324, 0.0])
def test_negative_zero_and_subnormal_noise_are_zero_noise(name, noise):
    # /training?noise=-0 crashed: numpy refuses a scale of -0.0
    data = iv.load_dataset(name, n_samples=60, noise=noise)
    np.testing.assert_array_equal(data.X_train, iv.load_dataset(name, 60, 0.0).X_train)


@pytest.mark.parametrize("name", [n for n, source in SOURCES.items() if source.noise is not None])
def test_the_largest_noise_loads(name):
    data = iv.load_dataset(name, n_samples=20, noise=SOURCES[name].max_noise)
    assert np.isfinite(data.X_train).all()
