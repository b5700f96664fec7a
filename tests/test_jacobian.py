"""The input–output Jacobian's singular values against exact facts, finite differences and
mean-field theory."""

import math

import numpy as np
import pytest

import initviz as iv
from initviz import jacobian
from initviz.activations import get_activation


def finite_difference_jacobian(spec, activation, depth, width, seed, x, step=1e-6):
    """∂h_L/∂x by central differences on the net `iv.propagate` builds (no bias)."""
    act = get_activation(activation)
    weights = [iv.sample(spec, (width, width), seed + layer) for layer in range(depth)]

    def net(v):
        for w in weights:
            v = act.forward(v @ w)
        return v

    rows = [(net(x + step * e) - net(x - step * e)) / (2 * step) for e in np.eye(width)]
    return np.array(rows)     # row i: how h_L moves with x_i (the row convention of the core)


@pytest.mark.parametrize("activation", ["tanh", "linear", "sigmoid"])
def test_the_spectrum_is_the_finite_difference_jacobians(activation):
    width, depth, seed = 12, 5, 3
    request = jacobian.check_request(["glorot_normal"], activation, depth, width, 2, seed)
    x = jacobian.inputs(request)
    spectrum = iv.jacobian_spectrum("glorot_normal", activation, depth, width, n_inputs=2,
                                    seed=seed)
    for i in range(2):
        numeric = finite_difference_jacobian("glorot_normal", activation, depth, width, seed,
                                             x[i])
        expected = np.linalg.svd(numeric, compute_uv=False)
        got = spectrum[spectrum["input"] == i]["singular_value"].to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-9)


def test_deep_linear_orthogonal_nets_are_exact_isometries():
    spectrum = iv.jacobian_spectrum(["orthogonal", "orthogonal(gain=1.01)"], "linear", 100, 64)
    for spec, gain in (("orthogonal", 1.0), ("orthogonal(gain=1.01)", 1.01)):
        s = spectrum[spectrum["initializer"] == spec]["singular_value"].to_numpy()
        np.testing.assert_allclose(s, gain**100, rtol=1e-8)


def test_gaussian_weights_spread_the_spectrum_more_and_more_with_depth():
    summary = iv.jacobian_report(["glorot_normal", "orthogonal"], "linear", 40, 64,
                                 depths=[1, 5, 10, 20, 40]).summary.set_index(
                                     ["initializer", "depth"])
    spread = summary.loc["glorot_normal", "spread"]
    assert spread.is_monotonic_increasing and spread[1] > 0.3 and spread[40] > 5
    assert summary.loc["orthogonal", "spread"].max() < 1e-12


def test_relu_is_never_an_isometry_even_with_orthogonal_weights():
    summary = iv.jacobian_report(["orthogonal(gain=1.41421)", "he_normal"], "relu", 20, 128,
                                 n_inputs=2).summary
    assert (summary["zero_frac"] > 0.4).all()     # each D_l zeroes about half the directions
    assert (summary[summary["depth"] > 1]["spread"] > 3).all()


def test_orthogonal_tanh_near_criticality_keeps_a_narrow_spectrum():
    last = iv.jacobian_report(["orthogonal", "glorot_normal"], "tanh", 100, 128,
                              depths=[100]).summary.set_index("initializer")
    assert last.loc["orthogonal", "spread"] < 1 and last.loc["orthogonal", "zero_frac"] == 0
    assert last.loc["glorot_normal", "spread"] > 6


@pytest.mark.parametrize(("spec", "activation"), [
    ("glorot_normal", "linear"), ("random_normal(stddev=0.07)", "linear"),
    ("he_normal", "relu"), ("glorot_normal", "tanh"), ("orthogonal", "tanh"),
])
def test_the_mean_squared_singular_value_follows_mean_field(spec, activation):
    summary = iv.jacobian_report(spec, activation, 8, 512, n_inputs=4, depths=[2, 4, 8]).summary
    np.testing.assert_allclose(summary["mean_sq"], summary["theory_mean_sq"], rtol=0.06)


def test_linear_theory_is_sigma_w_to_the_2L():
    request = jacobian.check_request("random_normal(stddev=0.07)", "linear", 10, 100)
    np.testing.assert_allclose(jacobian.theory_mean_sq(request, "random_normal(stddev=0.07)"),
                               (100 * 0.07**2) ** np.arange(1, 11), rtol=1e-12)


def test_exploding_and_vanishing_nets_keep_their_scale_apart_from_the_product():
    s = iv.jacobian_spectrum(["random_normal(stddev=1)", "random_normal(stddev=0.01)"],
                             "linear", 60, 32)
    big = s[s["initializer"] == "random_normal(stddev=1)"]["singular_value"].max()
    small = s[s["initializer"] == "random_normal(stddev=0.01)"]["singular_value"].max()
    assert math.isfinite(big) and big > 1e40 and 0 < small < 1e-40
    assert big / small == pytest.approx(100.0**60, rel=1e-6)   # the same net scaled by 100⁶⁰


def test_zeros_are_a_zero_jacobian_not_an_error():
    summary = iv.jacobian_report("zeros", "tanh", 5, 8).summary
    assert (summary["mean_sq"] == 0).all() and (summary["zero_frac"] == 1).all()


def test_the_histogram_holds_every_resolved_value_on_shared_edges():
    spectrum = iv.jacobian_spectrum(["orthogonal", "he_normal"], "relu", 6, 64)
    hist = jacobian.histogram(spectrum, bins=20)
    assert hist.groupby("initializer")["bin_start"].apply(list).map(tuple).nunique() == 1
    top = spectrum.groupby(["initializer", "input"])["singular_value"].transform("max")
    resolved = (spectrum["singular_value"] >= jacobian.FLOOR * top).groupby(
        spectrum["initializer"]).mean()
    np.testing.assert_allclose(hist.groupby("initializer")["fraction"].sum(), resolved,
                               atol=1e-12)


@pytest.mark.parametrize(("args", "words"), [
    ({"n_inputs": 0}, "inputs"), ({"depth": 0}, "depth"), ({"specs": []}, "initializers"),
    ({"specs": ["nope"]}, "nope"), ({"activation": "swishy"}, "activation"),
    ({"width": 1024, "n_inputs": 16}, "fewer inputs"),
])
def test_bad_requests_are_input_errors(args, words):
    request = {"specs": ["he_normal"], "activation": "relu", "depth": 4, "width": 8} | args
    with pytest.raises(iv.InputError, match=words):
        iv.jacobian_spectrum(**request)


def test_a_request_over_the_budget_names_what_fits():
    with pytest.raises(iv.InputError, match="at most") as refused:
        iv.jacobian_spectrum(["orthogonal", "he_normal", "glorot_normal", "zeros"], "tanh", 200,
                             1024, n_inputs=3)
    assert "s of compute" in str(refused.value)


def test_progress_is_reported_and_stops_the_work():
    seen = []
    iv.jacobian_spectrum(["he_normal", "zeros"], "relu", 30, 16,
                         on_progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (60, 60) and len(seen) > 10

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop

    with pytest.raises(Stop):
        iv.jacobian_spectrum(["he_normal", "zeros"], "relu", 30, 16, on_progress=stop)
