"""Initial biases as the frameworks make them, against their documented rules.

PyTorch: nn.Linear.reset_parameters / _ConvNd.reset_parameters draw the bias from
U(-1/√fan_in, 1/√fan_in); scikit-learn: MLP._init_coef draws intercepts from the weights' own
U(±√(factor/(fan_in+fan_out))), factor 2 for logistic and 6 otherwise; Keras Dense/Conv and
flax.linen.Dense default to zeros.
"""

import math

import numpy as np
import pytest
from scipy import stats

import initviz as iv
from initviz.biases import BIAS_RULES, bias_theory, initial_bias


@pytest.mark.parametrize(("spec", "flavor", "bound"), [
    (None, "pytorch", lambda i, o: 1 / math.sqrt(i)),
    ("he_normal", "pytorch", lambda i, o: 1 / math.sqrt(i)),
    ("pytorch_default", "keras", lambda i, o: 1 / math.sqrt(i)),
    ("sklearn_default", "keras", lambda i, o: math.sqrt(6 / (i + o))),
    ("sklearn_default(activation=logistic)", "pytorch", lambda i, o: math.sqrt(2 / (i + o))),
])
@pytest.mark.parametrize("shape", [(400, 3000), (3, 3, 16, 2000)])
def test_uniform_framework_biases(spec, flavor, bound, shape):
    rf = math.prod(shape[:-2])
    i, o = shape[-2] * rf, shape[-1] * rf
    b = initial_bias(shape, "framework", spec=spec, flavor=flavor, seed=3)
    assert b.shape == (shape[-1],) and b.dtype == np.float64
    limit = bound(i, o)
    assert -limit <= b.min() and b.max() <= limit
    assert stats.kstest(b, "uniform", args=(-limit, 2 * limit)).pvalue > 1e-3
    assert bias_theory(shape, "framework", spec=spec, flavor=flavor).high == pytest.approx(limit)


@pytest.mark.parametrize(("spec", "flavor"), [(None, "keras"), (None, "jax"), ("glorot_uniform",
                                              "jax"), ("keras_default", "pytorch"),
                                              ("flax_default", "pytorch")])
def test_zero_framework_biases(spec, flavor):
    np.testing.assert_array_equal(initial_bias((20, 7), "framework", spec=spec, flavor=flavor),
                                  np.zeros(7))


def test_zeros_and_constant():
    np.testing.assert_array_equal(initial_bias((5, 4)), np.zeros(4))
    np.testing.assert_array_equal(initial_bias((5, 4), "constant", value=0.1), np.full(4, 0.1))
    assert BIAS_RULES == ("zeros", "constant", "framework")


def test_seeded():
    a = initial_bias((50, 40), "framework", flavor="pytorch", seed=1)
    np.testing.assert_array_equal(a, initial_bias((50, 40), "framework", flavor="pytorch", seed=1))
    assert not np.array_equal(a, initial_bias((50, 40), "framework", flavor="pytorch", seed=2))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"rule": "random"}, "bias rule"), ({"rule": "constant", "value": math.inf}, "finite"),
    ({"rule": "framework", "flavor": "caffe"}, "flavour"), ({"seed": -1}, "seed"),
    ({"rule": "framework", "spec": "he_norml"}, "Unknown initializer"),
])
def test_bad_input(kwargs, message):
    with pytest.raises(iv.InputError, match=message):
        initial_bias((5, 4), **kwargs)


def test_torch_linear_bias_bound():
    torch = pytest.importorskip("torch", reason="torch is not installed: cross-check skipped")
    layer = torch.nn.Linear(400, 3000)
    b = layer.bias.detach().numpy()
    limit = bias_theory((400, 3000), "framework", flavor="pytorch").high
    assert np.abs(b).max() <= limit and np.abs(b).max() > 0.99 * limit
