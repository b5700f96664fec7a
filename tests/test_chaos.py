"""Edge of chaos: critical line, correlation map and depth scales against independent numbers."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

import initviz as iv
from initviz import chaos
from initviz.activations import ACTIVATIONS, get_activation


def _mean(f, q):
    """E[f(√q z)] by adaptive quadrature: an independent reference."""
    s = math.sqrt(q)
    return integrate.quad(lambda x: f(x) * stats.norm.pdf(x, scale=s), -12 * s, 12 * s,
                          points=[0.0], limit=400, epsabs=1e-14)[0]


def _critical_tanh(sigma_b2):
    """σ_w² with χ₁ = 1 for tanh: q* and the crossing by scipy's brentq on adaptive quadrature."""
    def q_star(w):
        return optimize.brentq(lambda q: w * _mean(lambda x: np.tanh(x) ** 2, q) + sigma_b2 - q,
                               1e-6, 100.0, xtol=1e-14)

    def excess(w):
        return w * _mean(lambda x: (1 - np.tanh(x) ** 2) ** 2, q_star(w)) - 1

    return optimize.brentq(excess, 1.01, 10.0, xtol=1e-12)


@pytest.mark.parametrize("sigma_b2", [0.01, 0.05, 0.1, 0.3, 1.0])
def test_tanh_critical_line_matches_an_independent_computation(sigma_b2):
    assert iv.critical_weight_variance("tanh", sigma_b2) == pytest.approx(
        _critical_tanh(sigma_b2), rel=1e-8)


def test_critical_values_of_the_papers():
    assert iv.critical_weight_variance("tanh") == pytest.approx(1.0, abs=1e-12)
    # Schoenholz et al. 2017, Sec. 5: "σ_w² ≈ 1.76" at σ_b² = 0.05.
    assert iv.critical_weight_variance("tanh", 0.05) == pytest.approx(1.76, abs=0.005)
    for sigma_b2 in (0.0, 0.1):
        assert iv.critical_weight_variance("relu", sigma_b2) == pytest.approx(2.0, rel=1e-12)
    # leaky ReLU: χ₁ = σ_w² (1 + slope²) / 2 at every q.
    assert iv.critical_weight_variance("leaky_relu(slope=0.2)") == pytest.approx(2 / 1.04)


def _wide_net(activation, sigma_w2, sigma_b2, x, depth, seed):
    """Pre-activations of `x` (n × width) at layers 1..depth of one random square net."""
    act, rng, width = get_activation(activation), np.random.default_rng(seed), x.shape[1]
    zs, h = [], x
    for _ in range(depth):
        w = rng.standard_normal((width, width)) * math.sqrt(sigma_w2 / width)
        z = h @ w + rng.standard_normal(width) * math.sqrt(sigma_b2)
        zs.append(z)
        h = act.forward(z)
    return zs


@pytest.mark.parametrize(("activation", "sigma_w2", "sigma_b2"),
                         [("tanh", 2.5, 0.1), ("relu", 1.5, 0.2), ("selu", 1.0, 0.0)])
def test_variance_fixed_point_matches_a_wide_net(activation, sigma_w2, sigma_b2):
    # One net's q^l fluctuates by a few % per layer at width 1000: average layers and nets.
    x = np.random.default_rng(1).standard_normal((50, 1000))
    measured = np.mean([np.mean(z**2) for seed in range(3)
                        for z in _wide_net(activation, sigma_w2, sigma_b2, x, 30, seed)[10:]])
    assert measured == pytest.approx(iv.depth_scales(activation, sigma_w2, sigma_b2)["q_star"],
                                     rel=0.04)


def _correlated_pair(c, width, rng):
    a, b = rng.standard_normal((2, width))
    x = np.stack([a, c * a + math.sqrt(1 - c * c) * b])
    return x / np.sqrt(np.mean(x**2, axis=1, keepdims=True))        # unit mean square


@pytest.mark.parametrize(("activation", "sigma_w2", "sigma_b2", "c"),
                         [("tanh", 3.0, 0.05, 0.9), ("tanh", 1.2, 0.05, 0.2),
                          ("relu", 2.0, 0.1, 0.0), ("elu", 1.5, 0.05, 0.6)])
def test_correlation_map_matches_a_wide_net(activation, sigma_w2, sigma_b2, c):
    depth, rng = 12, np.random.default_rng(3)
    measured = []
    for seed in range(4):
        x = _correlated_pair(c, 1500, rng)
        zs = _wide_net(activation, sigma_w2, sigma_b2, x, depth, seed)
        measured.append([np.mean(z[0] * z[1]) / math.sqrt(np.mean(z[0]**2) * np.mean(z[1]**2))
                         for z in zs])
    predicted = iv.correlation_map(activation, sigma_w2, sigma_b2, c, depth)
    np.testing.assert_allclose(np.mean(measured, axis=0), predicted, atol=0.03)


def test_pair_means_match_two_dimensional_adaptive_quadrature():
    for activation, q, c in (("tanh", 2.0, 0.7), ("relu", 1.0, 0.3), ("tanh", 40.0, 0.95)):
        act = get_activation(activation)
        s = math.sqrt(q)
        cov = q * np.array([[1, c], [c, 1]])

        def expect(f, cov=cov, s=s):
            density = stats.multivariate_normal(cov=cov).pdf
            return integrate.dblquad(lambda y, x: f(np.asarray(x)) * f(np.asarray(y))
                                     * density([x, y]),
                                     -9 * s, 9 * s, -9 * s, 9 * s, epsabs=1e-10)[0]

        both, slopes = chaos.pair_means(act, q, c)
        assert both == pytest.approx(expect(act.forward), abs=1e-6)
        assert slopes == pytest.approx(expect(act.derivative), abs=1e-6)


def test_relu_correlation_step_is_the_arc_cosine_kernel():
    # Cho & Saul 2009: E[relu(u₁) relu(u₂)] = q (sin θ + (π − θ) cos θ) / 2π, cos θ = c.
    c = np.linspace(-0.9, 0.99, 12)
    theta = np.arccos(c)
    expected = (np.sin(theta) + (np.pi - theta) * c) / np.pi      # σ_w² = 2, q = 1
    np.testing.assert_allclose(chaos.correlation_step("relu", 2.0, 0.0, 1.0, c), expected,
                               atol=1e-7)


@pytest.mark.parametrize("side", [-1, 1])
def test_xi_c_grows_without_bound_at_the_critical_line(side):
    critical = iv.critical_weight_variance("tanh", 0.05)
    xi = [iv.depth_scales("tanh", critical * (1 + side * 10.0**-k), 0.05)["xi_c"]
          for k in (1, 2, 3)]
    assert all(b > 5 * a for a, b in zip(xi[:-1], xi[1:], strict=True))
    assert xi[-1] > 1e3
    assert iv.depth_scales("tanh", critical, 0.05)["xi_c"] > 1e6


def test_depth_scales_in_each_phase():
    ordered = iv.depth_scales("tanh", 1.0, 0.05)
    assert ordered["c_star"] == 1.0
    assert ordered["chi_c"] == ordered["chi1"] < 1
    assert ordered["xi_c"] == pytest.approx(-1 / math.log(ordered["chi1"]))
    chaotic = iv.depth_scales("tanh", 3.0)        # odd φ, no bias: c* = 0
    assert chaotic["chi1"] > 1
    assert chaotic["c_star"] == pytest.approx(0.0, abs=1e-12)
    assert chaotic["chi_c"] < 1 and math.isfinite(chaotic["xi_c"])
    he = iv.depth_scales("relu", 2.0)
    assert he["chi1"] == pytest.approx(1.0) and he["xi_c"] == math.inf
    assert set(he) == {"q_star", "chi1", "c_star", "chi_c", "xi_q", "xi_c"}
    exploding = iv.depth_scales("relu", 3.0, 0.1)
    assert exploding["q_star"] == math.inf and math.isnan(exploding["xi_c"])


def test_xi_q_is_the_slope_of_the_variance_map():
    scales = iv.depth_scales("tanh", 2.5, 0.1)
    q, h = scales["q_star"], 1e-4

    def step(v):
        return 2.5 * _mean(lambda x: np.tanh(x) ** 2, v) + 0.1

    slope = (step(q + h) - step(q - h)) / (2 * h)
    assert scales["xi_q"] == pytest.approx(-1 / math.log(slope), rel=1e-6)


def test_phase_diagram_covers_every_activation():
    w, b = np.linspace(0.5, 4, 8), np.linspace(0, 0.4, 5)
    for name in ACTIVATIONS:
        table = iv.phase_diagram(name, w, b)
        assert list(table.columns) == ["sigma_w2", "sigma_b2", "q_star", "chi1", "c_star",
                                       "xi_c", "phase"]
        assert len(table) == 40
        assert set(table.phase) <= {"ordered", "critical", "chaotic", "exploding"}
        assert table.chi1.notna().all()
        assert table.loc[table.phase == "exploding", "xi_c"].isna().all()
        assert (table.loc[table.phase == "ordered", "c_star"] == 1).all()


def test_phase_diagram_agrees_with_depth_scales_and_relu_never_chaotic():
    table = iv.phase_diagram("relu", [1.0, 2.0, 3.0], [0.0, 0.1])
    assert "chaotic" not in set(table.phase)
    assert table.set_index(["sigma_w2", "sigma_b2"]).loc[(3.0, 0.1), "phase"] == "exploding"
    tanh = iv.phase_diagram("tanh", [2.5], [0.05]).iloc[0]
    assert tanh.xi_c == pytest.approx(iv.depth_scales("tanh", 2.5, 0.05)["xi_c"])


def test_bad_requests_are_refused_clearly():
    with pytest.raises(iv.InputError, match="coarser grid"):
        iv.phase_diagram("tanh", np.linspace(0, 4, 200), np.linspace(0, 1, 100))
    with pytest.raises(iv.InputError, match="non-negative"):
        iv.phase_diagram("tanh", [-1.0], [0.0])
    with pytest.raises(iv.InputError):
        iv.correlation_map("tanh", 1.0, 0.0, 1.5, 10)
    with pytest.raises(iv.InputError):
        iv.depth_scales("nope", 1.0)


def test_chart_specs_are_valid_vega_lite():
    import pandas as pd
    from altair.utils.schemapi import validate_jsonschema
    from altair.vegalite.v6.schema import load_schema

    from initviz.charts import chaos as charts

    w, b = np.linspace(0.5, 4, 8), np.linspace(0, 0.4, 5)
    critical = pd.DataFrame({"sigma_b2": b, "sigma_w2": chaos.critical_line("tanh", b)})
    points = pd.DataFrame({"initializer": ["he_normal", "glorot_normal", "random_normal(stddev=1)"],
                           "sigma_w2": [2.0, 1.0, 500.0], "sigma_b2": 0.0})
    c = np.linspace(0, 1, 11)
    curves = pd.DataFrame({"c_in": c, "c_out": chaos.correlation_step("tanh", 3.0, 0.05, 1.0, c),
                           "label": "σ_w² = 3"})
    depth = pd.DataFrame({"layer": np.arange(1, 11), "source": "mean field", "label": "σ_w² = 3",
                          "correlation": iv.correlation_map("tanh", 3.0, 0.05, 0.9, 10)})
    runs = pd.DataFrame({"sigma_w2": np.repeat([1.0, 2.0], 3), "depth": np.tile([2, 10, 30], 2),
                         "seed": 0, "train_accuracy": np.linspace(0.5, 1, 6), "train_loss": 0.1,
                         "xi_c": np.repeat([3.6, np.inf], 3)})
    for chart in (charts.phase_chart(iv.phase_diagram("tanh", w, b), critical, points),
                  charts.correlation_map_chart(curves), charts.correlation_depth_chart(depth),
                  charts.trainability_chart(runs)):
        validate_jsonschema(chart.to_dict(), load_schema())


def test_the_correlation_curve_meets_the_diagonal_at_c_star_with_slope_chi1_at_one():
    scales = iv.depth_scales("tanh", 4.0, 0.05)
    curve = chaos.correlation_curve("tanh", 4.0, 0.05, np.linspace(0, 1, 2001))
    gap = curve.c_out - curve.c_in
    crossing = curve.c_in[(gap.shift() > 0) & (gap <= 0)].iloc[0]
    assert crossing == pytest.approx(scales["c_star"], abs=1e-3)
    near_one = curve.tail(2)
    slope = near_one.c_out.diff().iloc[-1] / near_one.c_in.diff().iloc[-1]
    assert slope == pytest.approx(scales["chi1"], rel=0.01)
    assert curve.c_out.iloc[-1] == pytest.approx(1, abs=1e-6)
