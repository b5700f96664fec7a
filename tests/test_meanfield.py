import math

import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, stats

from initviz import meanfield as mf
from initviz.activations import SELU_ALPHA, SELU_LAMBDA


def _quad(f, q):
    """E[f(√q z)] by adaptive quadrature on x = √q z: slow, independent reference."""
    s = math.sqrt(q)
    return integrate.quad(lambda x: f(x) * stats.norm.pdf(x, scale=s), -12 * s, 12 * s,
                          points=[0.0], limit=500, epsabs=1e-15)[0]


@pytest.mark.parametrize("q", [1e-6, 0.3, 1.0, 7.0, 500.0, 1e6])
def test_gaussian_mean_matches_closed_forms(q):
    assert mf.gaussian_mean(lambda x: x**2, q) == pytest.approx(q, rel=1e-12)
    assert mf.gaussian_mean(lambda x: np.maximum(x, 0), q) == pytest.approx(
        math.sqrt(q / (2 * math.pi)), rel=1e-12)
    assert mf.gaussian_mean(np.abs, q) == pytest.approx(math.sqrt(2 * q / math.pi), rel=1e-12)


@pytest.mark.parametrize("q", [0.01, 1.0, 500.0, 1e5])
def test_gaussian_mean_of_saturating_slopes_matches_adaptive_quadrature(q):
    # tanh′² at large q is a spike much narrower than √q: what plain Gauss–Hermite gets wrong.
    slope2 = lambda x: (1 - np.tanh(x) ** 2) ** 2  # noqa: E731
    assert mf.gaussian_mean(slope2, q) == pytest.approx(_quad(slope2, q), rel=1e-9)


def test_gaussian_mean_agrees_with_gauss_hermite_where_that_converges():
    nodes, weights = hermegauss(200)
    weights = weights / math.sqrt(2 * math.pi)
    for f in (lambda x: np.tanh(x) ** 2, lambda x: x * stats.norm.cdf(x), np.cos):
        assert mf.gaussian_mean(f, 1.0) == pytest.approx(f(nodes) @ weights, rel=1e-12)


def test_gaussian_mean_broadcasts_over_an_array_of_variances():
    q = np.array([[0.5, 1.0], [2.0, 4.0]])
    np.testing.assert_allclose(mf.gaussian_mean(lambda x: x**2, q), q, rtol=1e-12)


@pytest.mark.parametrize("q", [0.01, 1.0, 100.0])
def test_relu_is_critical_at_sigma_w2_two(q):
    assert mf.chi1("relu", 2.0, q) == pytest.approx(1.0, abs=1e-12)
    assert mf.chi1("relu", 1.0, q) == pytest.approx(0.5, abs=1e-12)
    assert mf.next_variance("relu", q, 2.0) == pytest.approx(q, rel=1e-12)  # every q is fixed


def test_tanh_is_critical_at_sigma_w2_one():
    assert mf.chi1("tanh", 1.0, 0.0) == pytest.approx(1.0, abs=1e-12)
    # Ordered phase: the signal dies (q* = 0) and gradients vanish.
    assert mf.fixed_point("tanh", 0.8) < 1e-10
    assert mf.chi1("tanh", 0.8, mf.fixed_point("tanh", 0.8)) == pytest.approx(0.8)
    # Chaotic phase: a nonzero fixed point where gradients grow.
    q_star = mf.fixed_point("tanh", 1.5)
    assert q_star > 0.1
    assert mf.next_variance("tanh", q_star, 1.5) == pytest.approx(q_star, rel=1e-9)
    assert mf.chi1("tanh", 1.5, q_star) > 1.0


def test_selu_fixed_point_is_mean_zero_variance_one():
    assert mf.fixed_point("selu", 1.0, q0=3.0) == pytest.approx(1.0, abs=1e-9)
    selu = lambda x: SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0)))  # noqa: E731
    assert mf.gaussian_mean(selu, 1.0) == pytest.approx(0.0, abs=1e-12)


def test_weight_variance_of_initializers_on_a_square_layer():
    assert mf.weight_variance("he_normal", 256) == pytest.approx(2.0)
    assert mf.weight_variance("glorot_uniform", 256) == pytest.approx(1.0)
    assert mf.weight_variance("random_normal(stddev=0.01)", 500) == pytest.approx(0.05)
    assert mf.weight_variance("orthogonal(gain=2)", 64) == pytest.approx(4.0)
    assert mf.weight_variance("zeros", 64) == 0.0
    for nonzero_mean in ("ones", "constant(value=0.5)", "identity", "random_normal(mean=0.1)"):
        assert math.isnan(mf.weight_variance(nonzero_mean, 64))


def test_predict_he_relu_is_flat():
    p = mf.predict("relu", 5, 2.0)
    np.testing.assert_allclose(p["preact_std"], math.sqrt(2.0), rtol=1e-12)
    # z ~ N(0, 2): E[a²] = 1, E[a] = 1/√π, so std = √(1 - 1/π) ≈ 0.826.
    np.testing.assert_allclose(p["act_std"], math.sqrt(1 - 1 / math.pi), rtol=1e-12)
    np.testing.assert_allclose(p["grad_std"], math.sqrt(0.5), rtol=1e-12)


def test_predict_cs231n_small_weights_vanish_geometrically():
    p = mf.predict("tanh", 10, 500 * 0.01**2)
    assert p["act_std"][:3] == pytest.approx([0.2135, 0.0476, 0.01065], rel=2e-3)
    assert p["preact_std"][-1] / p["preact_std"][-2] == pytest.approx(math.sqrt(0.05), rel=1e-6)
    # Backward: the top gradient passes tanh′(≈0) = 1, then shrinks by √0.05 per layer down.
    assert p["grad_std"][-1] == pytest.approx(1.0, rel=1e-3)
    assert p["grad_std"][-2] / p["grad_std"][-1] == pytest.approx(math.sqrt(0.05), rel=1e-3)


def test_predict_zeros_with_bias_is_the_bias_alone():
    p = mf.predict("tanh", 4, 0.0, sigma_b2=0.25)
    np.testing.assert_allclose(p["preact_std"], 0.5)
    np.testing.assert_allclose(p["grad_std"][:-1], 0.0)


def test_predict_nan_for_nonzero_mean_weights():
    p = mf.predict("relu", 3, math.nan)
    assert all(np.isnan(values).all() for values in p.values())


def test_criticality_table():
    table = mf.criticality(["he_normal", "lecun_normal", "ones"], "relu", 128)
    assert list(table.columns) == ["initializer", "sigma_w2", "q_star", "chi1"]
    assert table.chi1.tolist()[:2] == pytest.approx([1.0, 0.5])
    assert math.isnan(table.chi1.iloc[2])
