"""Initializers against closed-form theory: std, bounds, distribution shape, flavours, seeds."""

import math

import numpy as np
import pytest
from scipy import stats

import initviz as iv
from initviz.laws import TRUNCATED_STD

DENSE = (400, 300)
CONV = (3, 3, 64, 96)  # fan_in 576, fan_out 864


def fan(shape, mode):
    """Fans written out independently of iv.fans."""
    rf = math.prod(shape[:-2]) if len(shape) > 2 else 1
    fin, fout = shape[-2] * rf, shape[-1] * rf
    return {"fan_in": fin, "fan_out": fout, "fan_avg": (fin + fout) / 2}[mode]


# (spec, flavour, expected std as a closed form of the shape, expected kind)
CASES = [
    ("glorot_uniform", "keras", lambda s: math.sqrt(2 / (2 * fan(s, "fan_avg"))), "uniform"),
    ("glorot_normal", "keras", lambda s: math.sqrt(1 / fan(s, "fan_avg")), "truncated_normal"),
    ("glorot_normal", "pytorch", lambda s: math.sqrt(1 / fan(s, "fan_avg")), "normal"),
    ("glorot_normal", "jax", lambda s: math.sqrt(1 / fan(s, "fan_avg")), "truncated_normal"),
    ("he_uniform", "pytorch", lambda s: math.sqrt(2 / fan(s, "fan_in")), "uniform"),
    ("he_normal", "keras", lambda s: math.sqrt(2 / fan(s, "fan_in")), "truncated_normal"),
    ("he_normal", "pytorch", lambda s: math.sqrt(2 / fan(s, "fan_in")), "normal"),
    ("lecun_uniform", "jax", lambda s: math.sqrt(1 / fan(s, "fan_in")), "uniform"),
    ("lecun_normal", "keras", lambda s: math.sqrt(1 / fan(s, "fan_in")), "truncated_normal"),
    ("variance_scaling(scale=2, mode=fan_out, distribution=uniform)", "keras",
     lambda s: math.sqrt(2 / fan(s, "fan_out")), "uniform"),
    ("variance_scaling(scale=3, mode=fan_avg, distribution=untruncated_normal)", "jax",
     lambda s: math.sqrt(3 / fan(s, "fan_avg")), "normal"),
    ("variance_scaling(distribution=normal)", "jax", lambda s: math.sqrt(1 / fan(s, "fan_in")),
     "normal"),
    ("variance_scaling(distribution=normal)", "keras", lambda s: math.sqrt(1 / fan(s, "fan_in")),
     "truncated_normal"),
    ("random_normal(stddev=0.02, mean=0.1)", "keras", lambda s: 0.02, "normal"),
    ("random_uniform(minval=-0.3, maxval=0.1)", "pytorch", lambda s: 0.4 / 12**0.5, "uniform"),
    ("truncated_normal(stddev=0.1)", "keras", lambda s: 0.1 * 0.8796256610342398,
     "truncated_normal"),
    ("orthogonal(gain=2)", "keras", lambda s: 2 / math.sqrt(max(math.prod(s[:-1]), s[-1])),
     "orthogonal"),
    ("pytorch_default", "pytorch", lambda s: 1 / math.sqrt(3 * fan(s, "fan_in")), "uniform"),
    ("sklearn_default", "keras", lambda s: math.sqrt(2 / (2 * fan(s, "fan_avg"))), "uniform"),
    ("sklearn_default(activation=logistic)", "keras",
     lambda s: math.sqrt(2 / (6 * fan(s, "fan_avg"))), "uniform"),
    ("flax_default", "pytorch", lambda s: math.sqrt(1 / fan(s, "fan_in")), "truncated_normal"),
]


@pytest.mark.parametrize("shape", [DENSE, CONV], ids=["dense", "conv"])
@pytest.mark.parametrize(("spec", "flavor", "std", "kind"), CASES, ids=lambda v: str(v))
def test_std_matches_closed_form_within_2_percent(spec, flavor, std, kind, shape):
    expected = std(shape)
    th = iv.theory(spec, shape, flavor)
    w = iv.sample(spec, shape, seed=1, flavor=flavor)
    assert th.kind == kind
    assert w.shape == shape and w.dtype == np.float64
    assert th.std == pytest.approx(expected, rel=1e-12)
    assert w.std() == pytest.approx(expected, rel=0.02)
    assert th.low <= w.min() and w.max() <= th.high


@pytest.mark.parametrize(("spec", "flavor", "std", "kind"), CASES, ids=lambda v: str(v))
def test_samples_follow_the_theoretical_cdf(spec, flavor, std, kind):
    th = iv.theory(spec, DENSE, flavor)
    w = iv.sample(spec, DENSE, seed=2, flavor=flavor).ravel()[::37]  # ~3000 draws
    assert stats.kstest(w, th.cdf).pvalue > 1e-3


def test_truncated_normal_correction_constant_is_the_std_of_a_cut_normal():
    assert stats.truncnorm(-2, 2).std() == pytest.approx(TRUNCATED_STD, rel=1e-12)


def test_keras_he_normal_is_cut_at_two_sigma_and_pytorch_is_not():
    shape = (500, 400)
    sigma = math.sqrt(2 / 500) / TRUNCATED_STD
    keras = iv.sample("he_normal", shape, seed=0, flavor="keras")
    torch = iv.sample("he_normal", shape, seed=0, flavor="pytorch")
    assert np.abs(keras).max() <= 2 * sigma
    assert np.abs(torch).max() > 2 * sigma  # 200k plain normal draws pass 2.27 std
    assert keras.std() == pytest.approx(torch.std(), rel=0.02)


@pytest.mark.parametrize("shape", [(300, 200), (200, 300), (3, 3, 16, 8)])
@pytest.mark.parametrize("gain", [1.0, 2.5])
def test_orthogonal_is_orthonormal_times_gain(shape, gain):
    w = iv.sample(f"orthogonal(gain={gain})", shape, seed=3).reshape(-1, shape[-1])
    gram = w.T @ w if w.shape[0] >= w.shape[1] else w @ w.T
    np.testing.assert_allclose(gram, gain**2 * np.eye(len(gram)), atol=1e-10)


def test_identity_and_constants():
    np.testing.assert_array_equal(iv.sample("identity(gain=3)", (4, 6)), 3 * np.eye(4, 6))
    assert np.all(iv.sample("constant(value=0.5)", (3, 4)) == 0.5)
    assert np.all(iv.sample("zeros", (3, 4)) == 0) and np.all(iv.sample("ones", (2, 2)) == 1)
    th = iv.theory("identity", (4, 6))
    w = np.eye(4, 6)
    assert (th.mean, th.std) == pytest.approx((w.mean(), w.std()))
    with pytest.raises(iv.InputError, match="2-D"):
        iv.sample("identity", (3, 3, 4, 4))


def test_same_seed_same_weights_other_seed_other_weights():
    a = iv.sample("glorot_normal", (50, 40), seed=7)
    np.testing.assert_array_equal(a, iv.sample("glorot_normal", (50, 40), seed=7))
    assert not np.array_equal(a, iv.sample("glorot_normal", (50, 40), seed=8))


CONV_ONLY = ("dirac", "delta_orthogonal")  # PyTorch's dirac_, JAX's delta_orthogonal


def test_every_name_answers_in_every_flavour_that_defines_it():
    for name in iv.list_initializers():
        for flavor in iv.FLAVORS:
            shape = (3, 3, 20, 20) if name in CONV_ONLY else (20, 20)
            if name == "lsuv":                  # data-dependent: weights only in a net
                with pytest.raises(iv.InputError, match="needs data"):
                    iv.sample(name, shape, flavor=flavor)
            elif flavor in iv.resolve(name).entry.flavors:
                w = iv.sample(name, shape, flavor=flavor)
                assert w.shape == shape and np.isfinite(w).all()
            else:
                with pytest.raises(iv.InputError, match="is in: "):
                    iv.sample(name, shape, flavor=flavor)


@pytest.mark.parametrize(
    ("shape", "expected"),
    [((7,), (7, 7)), ((30, 20), (30, 20)), ((3, 3, 16, 32), (144, 288)), ((5, 4, 8), (20, 40)),
     ((2, 3, 4, 5, 6), (120, 144))],
)
def test_fans(shape, expected):
    assert iv.fans(shape) == expected


@pytest.mark.parametrize(
    ("name", "param", "expected"),
    [("linear", None, 1), ("conv2d", None, 1), ("sigmoid", None, 1), ("tanh", None, 5 / 3),
     ("relu", None, math.sqrt(2)), ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
     ("leaky_relu", 0.2, math.sqrt(2 / 1.04)), ("selu", None, 0.75)],
)
def test_gain_matches_torch_calculate_gain(name, param, expected):
    assert iv.gain(name, param) == pytest.approx(expected)


def test_unknown_gain_lists_the_choices():
    with pytest.raises(ValueError, match="tanh"):
        iv.gain("softsign")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("he_norml", "Unknown initializer 'he_norml'"),
        ("random_normal(stdev=0.1)", "no argument 'stdev'; its arguments: mean, stddev"),
        ("random_normal(stddev=-1)", "stddev must be between 0 and"),
        ("random_normal(stddev=abc)", "stddev must be a number"),
        ("random_normal(stddev=inf)", "stddev must be a number"),
        ("random_normal(stddev=1e400)", "finite"),
        ("random_normal(stddev=0.1", "Cannot read the spec"),
        ("random_normal(0.1)", "key=value"),
        ("random_normal(stddev=1, stddev=2)", "given twice"),
        ("variance_scaling(mode=fan_sideways)", "mode.*fan_in, fan_out, fan_avg"),
        ("random_uniform(minval=1, maxval=0)", "minval <= maxval"),
        ("glorot_uniform(gain=2)", "its arguments: none"),
        ("__import__('os')", "Cannot read"),
        ("x" * 500, "at most"),
        ("", "Cannot read the spec"),
    ],
)
def test_bad_specs_say_what_is_wrong(spec, message):
    with pytest.raises(iv.InputError, match=message):
        iv.sample(spec, (10, 10))


def test_spec_labels_are_canonical():
    assert iv.resolve(" random_normal( stddev = 0.010 ) ").label == "random_normal(stddev=0.01)"
    assert iv.resolve("xavier_uniform").label == "glorot_uniform"
    assert iv.resolve("random_normal(stddev=1, mean=2)").label == "random_normal(mean=2, stddev=1)"
    assert iv.resolve("variance_scaling(mode='fan_out')").values["mode"] == "fan_out"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shape": (3000, 3000)}, "cap"),
        ({"shape": (0, 5)}, "between 1"),
        ({"shape": (-3, 5)}, "between 1"),
        ({"shape": (2.5, 5)}, "whole number"),
        ({"shape": "abc"}, "whole number"),
        ({"shape": 5}, "sequence"),
        ({"shape": (10, 10), "seed": -1}, "seed"),
        ({"shape": (10, 10), "flavor": "caffe"}, "keras, pytorch, jax"),
    ],
)
def test_bad_shapes_seeds_and_flavours_are_refused(kwargs, message):
    with pytest.raises(iv.InputError, match=message):
        iv.sample("he_normal", **kwargs)
