"""The Keras flavour: Keras' own test assertions, translated, and its 1-D fans.

Upstream: keras-team/keras keras/src/initializers/random_initializers_test.py and
``compute_fans`` in keras/src/initializers/random_initializers.py (a 1-D shape (n,) has
fan_in = fan_out = n).
"""

import math

import numpy as np
import pytest

import initviz as iv

KERAS = "keras"


def test_random_normal():
    w = iv.sample("random_normal(mean=0, stddev=1)", (25, 20), seed=1234, flavor=KERAS)
    assert w.shape == (25, 20) and abs(w.std() - 1) < 0.1
    np.testing.assert_array_equal(w, iv.sample("random_normal(stddev=1)", (25, 20), seed=1234))


def test_random_uniform():
    w = iv.sample("random_uniform(minval=-1, maxval=1)", (5, 5), seed=1234, flavor=KERAS)
    assert w.min() >= -1 and w.max() < 1


@pytest.mark.parametrize(("mode", "n"), [("fan_in", 25), ("fan_out", 20)])
def test_variance_scaling(mode, n):
    w = iv.sample(f"variance_scaling(scale=2, mode={mode})", (25, 20), seed=1234, flavor=KERAS)
    assert abs(w.std() - math.sqrt(2 / n)) < 0.1


def test_orthogonal_initializer():
    w = iv.sample("orthogonal(gain=2)", (5, 5), seed=1234, flavor=KERAS)
    for column in w.T:
        assert np.linalg.norm(column) == pytest.approx(2.0)
    for i in range(5):
        for j in range(i + 1, 5):
            assert np.dot(w[:, i], w[:, j]) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize(("spec", "message"), [
    ("variance_scaling(scale=-1)", "scale must be between"),
    ("variance_scaling(mode=invalid_mode)", "Unknown mode"),
    ("variance_scaling(distribution=invalid_dist)", "Unknown distribution"),
    ("variance_scaling(in_axis=0)", "In keras: variance_scaling has no argument 'in_axis'"),
])
def test_variance_scaling_invalid_arguments(spec, message):
    with pytest.raises(iv.InputError, match=message):
        iv.sample(spec, (5, 5), flavor=KERAS)


@pytest.mark.parametrize(("spec", "std"), [
    ("glorot_uniform", lambda n: math.sqrt(1 / n)), ("he_normal", lambda n: math.sqrt(2 / n)),
    ("lecun_uniform", lambda n: math.sqrt(1 / n)),
    ("variance_scaling(scale=3, mode=fan_out, distribution=uniform)", lambda n: math.sqrt(3 / n)),
])
def test_1d_fans_are_n_and_n(spec, std):
    """compute_fans: len(shape) == 1 gives fan_in = fan_out = shape[0]."""
    th = iv.theory(spec, (400,), KERAS)
    assert th.std == pytest.approx(std(400), rel=1e-12)
    w = iv.sample(spec, (40_000,), seed=0, flavor=KERAS)
    assert w.std() == pytest.approx(std(40_000), rel=0.02)


@pytest.mark.parametrize("flavor", iv.FLAVORS)
def test_orthogonal_refuses_a_vector_in_every_flavour(flavor):
    with pytest.raises(iv.InputError, match="at least 2 dimensions"):
        iv.sample("orthogonal", (5,), flavor=flavor)


@pytest.mark.parametrize("spec", ["zeros", "constant(value=2)", "random_normal",
                                  "truncated_normal"])
def test_shape_free_laws_take_a_vector(spec):
    assert iv.sample(spec, (5,), flavor=KERAS).shape == (5,)
