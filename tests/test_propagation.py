import math

import numpy as np
import pandas as pd
import pytest

import initviz as iv
from initviz.activations import get_activation
from initviz.propagation import activation_histograms, default_layers, propagation_report

CONTRACT = ["initializer", "layer", "preact_std", "act_mean", "act_std", "grad_std",
            "saturated_frac", "dead_frac", "theory_preact_std"]


@pytest.fixture(scope="module")
def cs231n():
    """The CS231n experiment: 10 tanh layers × 500 units, 1000 unit-Gaussian inputs."""
    specs = ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]
    return iv.propagate(specs, "tanh", depth=10, width=500, n_samples=1000, seed=0)


def _rows(table, spec):
    return table[table.initializer == spec].reset_index(drop=True)


def test_table_is_tidy_with_the_contract_columns(cs231n):
    assert list(cs231n.columns[: len(CONTRACT)]) == CONTRACT
    assert len(cs231n) == 30
    assert cs231n.layer.tolist() == list(range(1, 11)) * 3
    assert cs231n.initializer.unique().tolist() == [
        "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]


def test_cs231n_small_weights_vanish(cs231n):
    small = _rows(cs231n, "random_normal(stddev=0.01)")
    assert small.act_std[:3].tolist() == pytest.approx([0.213, 0.0476, 0.0106], rel=0.02)
    ratios = small.act_std[1:].to_numpy() / small.act_std[:-1].to_numpy()
    np.testing.assert_allclose(ratios, 0.224, rtol=0.03)
    assert small.act_std.iloc[-1] < 1e-6
    # Backward, the gradient shrinks by the same factor per layer it travels down.
    assert small.grad_std.iloc[0] < 1e-5 < small.grad_std.iloc[-1]


def test_cs231n_unit_weights_saturate_tanh(cs231n):
    big = _rows(cs231n, "random_normal(stddev=1)")
    assert 0.87 < big.saturated_frac.iloc[-1] < 0.93       # ~90 % of units |a| > 0.99
    assert (big.saturated_frac > 0.85).all()
    assert big.preact_std.iloc[-1] == pytest.approx(22, rel=0.05)


def test_he_relu_keeps_the_std_near_083():
    table = iv.propagate("he_normal", "relu", depth=10, width=500, n_samples=1000)
    assert ((table.act_std > 0.75) & (table.act_std < 0.92)).all(), table.act_std.tolist()
    assert table.act_std.iloc[0] == pytest.approx(0.826, rel=0.01)
    assert table.dead_frac.iloc[0] == pytest.approx(0.5, abs=0.01)


def test_lecun_relu_halves_the_second_moment_per_layer():
    table = iv.propagate("lecun_normal", "relu", depth=10, width=500, n_samples=1000)
    second_moment = table.act_mean**2 + table.act_std**2
    np.testing.assert_allclose(second_moment * 2.0**table.layer, 1.0, rtol=0.2)
    assert second_moment.iloc[-1] == pytest.approx(0.001, rel=0.2)


def test_mean_field_predicts_a_wide_tanh_net():
    table = iv.propagate("glorot_normal", "tanh", depth=20, width=1000, n_samples=500)
    for name in ("preact_std", "act_std", "grad_std"):
        np.testing.assert_allclose(table[name], table[f"theory_{name}"], rtol=0.03)


def test_mean_field_follows_a_saturated_tanh_net_with_biases():
    table = iv.propagate("random_normal(stddev=1)", "tanh", depth=6, width=400, n_samples=300,
                         bias_std=0.5)
    for name in ("preact_std", "act_std", "grad_std"):
        np.testing.assert_allclose(table[name], table[f"theory_{name}"], rtol=0.05)


def test_selu_with_lecun_normal_self_normalizes():
    table = iv.propagate("lecun_normal", "selu", depth=40, width=500, n_samples=500)
    deep = table[table.layer > 10]
    assert deep.act_mean.abs().max() < 0.03
    np.testing.assert_allclose(deep.act_std, 1.0, atol=0.04)


def test_orthogonal_deep_linear_net_preserves_the_norm_to_float_precision():
    table = iv.propagate(["orthogonal", "orthogonal(gain=1.1)"], "linear", depth=50, width=64,
                         n_samples=100)
    ortho = _rows(table, "orthogonal")
    # Orthogonal maps keep every row's norm, so the mean square stays that of the input.
    first = ortho.preact_std**2 + ortho.act_mean**2
    np.testing.assert_allclose(first, first.iloc[0], rtol=1e-5)   # float32: 50 layers
    grown = _rows(table, "orthogonal(gain=1.1)")
    assert grown.preact_std.iloc[-1] / grown.preact_std.iloc[0] == pytest.approx(1.1**49, rel=0.05)


def test_zeros_kill_the_signal_and_the_gradient():
    table = iv.propagate("zeros", "relu", depth=5, width=32, n_samples=50)
    assert (table[["preact_std", "act_std"]] == 0).all().all()
    assert (table.dead_frac == 1).all()
    assert (table.theory_preact_std == 0).all()
    assert (table.grad_std == 0).all()


def test_nonzero_mean_initializer_has_no_mean_field_prediction():
    table = iv.propagate("ones", "tanh", depth=3, width=16, n_samples=20)
    assert table.theory_preact_std.isna().all()
    assert table.preact_std.notna().all()


def test_explosions_are_reported_not_raised():
    table = iv.propagate("random_normal(stddev=100)", "relu", depth=120, width=64, n_samples=20)
    std = table.preact_std
    # ~10^3.9 per layer: still finite (not inf) near 1e300, then inf or NaN, never an exception.
    assert (std[std.notna() & np.isfinite(std)] > 0).all()
    assert std.max() > 1e250 and np.isfinite(std.max())
    assert not np.isfinite(std.iloc[-1])


def test_a_vanishing_signal_below_float32s_range_keeps_its_geometric_decline():
    # In float32 the activations would be 0 from about layer 30; float64 follows them down.
    table = iv.propagate("random_normal(stddev=0.01)", "tanh", depth=60, width=64, n_samples=50)
    # tanh(z) ≈ z for tiny z: each layer multiplies the std by about 0.01 · √64 = 0.08, forward
    # for the activations and backward for the gradients.
    for upward in (table.act_std.to_numpy(), table.grad_std.to_numpy()[::-1]):
        assert 0 < upward[-1] < 1e-50
        ratios = upward[1:] / upward[:-1]
        assert ((ratios > 0.05) & (ratios < 0.12)).all()
        assert np.exp(np.mean(np.log(ratios))) == pytest.approx(0.08, rel=0.03)


def test_same_seed_same_numbers_other_seed_other_numbers():
    args = dict(activation="tanh", depth=3, width=20, n_samples=10)
    a = iv.propagate("he_uniform", seed=3, **args)
    b = iv.propagate("he_uniform", seed=3, **args)
    c = iv.propagate("he_uniform", seed=4, **args)
    assert a.equals(b)
    assert not a.equals(c)


def _reference_net(spec, activation, depth, width, n_samples, seed, bias_std, flavor="keras"):
    """The documented construction, rebuilt from the public sampler."""
    weights = [iv.sample(spec, (width, width), seed + i, flavor) for i in range(depth)]
    rng = np.random.default_rng([seed, 1])
    x = rng.standard_normal((n_samples, width))
    g = rng.standard_normal((n_samples, width))
    biases = bias_std * rng.standard_normal((depth, width))
    return weights, biases, x, g, get_activation(activation).forward


def _loss(net, layer=-1, i=0, j=0, eps=0.0):
    """sum(g · h_top), with `eps` added to pre-activation z[i, j] of `layer`."""
    weights, biases, x, g, phi = net
    h = x
    for index, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = h @ w + b
        if index == layer:
            z[i, j] += eps
        h = phi(z)
    return float(np.sum(g * h))


@pytest.mark.parametrize("activation", ["tanh", "selu", "leaky_relu(slope=0.2)", "sigmoid",
                                        "gelu", "swish"])
def test_gradients_match_finite_differences(activation):
    depth, width, n = 3, 4, 3
    args = dict(depth=depth, width=width, n_samples=n, seed=7, bias_std=0.3)
    table = iv.propagate("glorot_normal", activation, **args)
    net = _reference_net("glorot_normal", activation, **args)
    eps = 1e-6
    for layer in range(depth):
        delta = np.array([
            [(_loss(net, layer, i, j, eps) - _loss(net, layer, i, j, -eps)) / (2 * eps)
             for j in range(width)]
            for i in range(n)
        ])
        assert table.grad_std.iloc[layer] == pytest.approx(np.std(delta), rel=1e-5)  # float32


def test_forward_statistics_match_the_reference_net():
    args = dict(depth=4, width=8, n_samples=5, seed=11, bias_std=0.2)
    table = iv.propagate("he_normal", "relu", **args)
    weights, biases, x, _, phi = _reference_net("he_normal", "relu", **args)
    h = x
    for layer, (w, b) in enumerate(zip(weights, biases, strict=True)):
        z = h @ w + b
        h = phi(z)
        row = table.iloc[layer]
        assert row.preact_std == pytest.approx(np.std(z), rel=1e-6)   # float32 vs float64
        assert row.act_mean == pytest.approx(np.mean(h), rel=1e-5)
        assert row.dead_frac == np.mean(h == 0)


@pytest.mark.parametrize(("kwargs", "message"), [
    (dict(depth=0), "depth must be between 1 and 200"),
    (dict(depth=2.5), "depth must be a whole number"),
    (dict(width=5000), "width must be between 1 and 1,024"),
    (dict(n_samples=1), "samples must be between 2"),
    (dict(activation="softplus"), "Unknown activation 'softplus'"),
    (dict(specs=[]), "Pick at least one initializer"),
    (dict(specs=["he_normal(scale=2)"]), "he_normal has no argument 'scale'"),
    (dict(specs=["lecun_normal"], flavor="pytorch"), "lecun_normal is not defined in pytorch"),
    (dict(seed=-1), "seed must be between 0"),
    (dict(bias_std=-0.1), "bias std must be between 0 and 10"),
    (dict(bias_std=math.nan), "bias std must be a finite number"),
    (dict(depth=200, width=1024, n_samples=2000), "more than this demo holds in memory"),
    (dict(specs=["orthogonal"], depth=30, width=1024, n_samples=100),
     "s of compute, over the demo's 3 s"),
    (dict(specs=[f"orthogonal(gain={g})" for g in range(1, 14)]), "at most 12 initializers"),
])
def test_bad_requests_raise_input_errors_with_clear_messages(kwargs, message):
    args = dict(specs=["he_normal"], activation="relu", depth=3, width=8, n_samples=4) | kwargs
    with pytest.raises(iv.InputError, match=message):
        iv.propagate(**args)


def test_cost_cap_counts_every_initializer():
    specs = [f"orthogonal(gain={g})" for g in range(1, 13)]
    iv.propagate(specs[:1], "linear", depth=60, width=256, n_samples=100)  # one net fits
    with pytest.raises(iv.InputError, match="at most [1-9] initializers"):
        iv.propagate(specs, "linear", depth=60, width=256, n_samples=100)


def test_the_report_tells_its_size_in_bytes():
    report = propagation_report(["he_normal"], "relu", depth=4, width=8, n_samples=4)
    table, histograms = report
    assert report.nbytes >= table.memory_usage().sum() + histograms.memory_usage().sum() > 0


def test_duplicate_specs_are_computed_once():
    table = iv.propagate(["xavier_normal", "glorot_normal"], "tanh", depth=2, width=8, n_samples=4)
    assert table.initializer.unique().tolist() == ["glorot_normal"]


def test_histograms_share_edges_per_initializer_and_sum_to_one():
    hist = activation_histograms(["he_normal", "random_normal(stddev=0.01)"], "relu", depth=8,
                                 width=64, layers=[1, 4, 8], bins=20, n_samples=100)
    assert list(hist.columns) == ["initializer", "layer", "bin_start", "bin_end", "fraction"]
    for (_, _), group in hist.groupby(["initializer", "layer"]):
        assert len(group) == 20
        assert group.fraction.sum() == pytest.approx(1.0)
    for _, group in hist.groupby("initializer"):
        edges = group.pivot(index="layer", columns="bin_start", values="bin_end")
        assert len(edges.columns) == 20      # the same 20 bins for every layer
    # The histograms are those of the activations of `propagate`'s nets.
    table = iv.propagate("he_normal", "relu", depth=8, width=64, n_samples=100)
    he = hist[(hist.initializer == "he_normal") & (hist.layer == 1)]
    zero_bin = he.fraction.iloc[0]
    assert zero_bin >= table.dead_frac.iloc[0]


def test_tanh_histograms_span_minus_one_to_one():
    hist = activation_histograms("random_normal(stddev=1)", "tanh", depth=3, width=50,
                                 layers=[3], bins=10, n_samples=100)
    assert hist.bin_start.iloc[0] == -1.0 and hist.bin_end.iloc[-1] == 1.0
    assert hist.fraction.iloc[0] + hist.fraction.iloc[-1] > 0.8   # saturated at ±1


def test_the_report_is_the_table_and_the_histograms_from_one_pass():
    args = dict(specs=["he_normal", "zeros", "orthogonal"], activation="relu", depth=6, width=32,
                n_samples=40, seed=5, bias_std=0.1)
    table, hist = propagation_report(layers=[2, 6], bins=15, **args)
    pd.testing.assert_frame_equal(table, iv.propagate(**args))
    pd.testing.assert_frame_equal(hist, activation_histograms(layers=[2, 6], bins=15, **args))
    assert hist.groupby("initializer").layer.unique().map(list).to_dict() == {
        "he_normal": [2, 6], "zeros": [2, 6], "orthogonal": [2, 6]}


def test_default_layers_spread_from_first_to_last():
    assert default_layers(10) == [1, 3, 5, 6, 8, 10]
    assert default_layers(3) == [1, 2, 3]
    assert default_layers(100, count=3) == [1, 50, 100]


@pytest.mark.parametrize(("layers", "bins", "message"), [
    ([0], 10, "layer must be between 1 and 5"),
    ([], 10, "Pick at least one layer"),
    (list(range(1, 6)), 2, "bins must be between 5 and 200"),
])
def test_bad_histogram_requests(layers, bins, message):
    with pytest.raises(iv.InputError, match=message):
        activation_histograms("he_normal", "relu", depth=5, width=8, layers=layers, bins=bins,
                              n_samples=4)


@pytest.mark.parametrize("bias_std", [-0.0, 5e-324])
def test_negative_zero_and_subnormal_bias_std_mean_no_bias(bias_std):
    args = dict(specs=["he_normal"], activation="relu", depth=3, width=8, n_samples=4)
    pd.testing.assert_frame_equal(iv.propagate(**args, bias_std=bias_std), iv.propagate(**args))


@pytest.mark.parametrize("spec", ["random_normal(stddev=-0)", "truncated_normal(stddev=-0.0)",
                                  "random_normal(stddev=1e-320)"])
def test_negative_zero_or_subnormal_stds_are_zero_weights(spec):
    assert iv.resolve(spec).label == spec.split("(")[0] + "(stddev=0)"
    table = iv.propagate([spec], "tanh", depth=2, width=8, n_samples=4)
    assert (table.act_std == 0).all()
