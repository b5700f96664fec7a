"""LSUV: the fitted net's per-layer variance within tol where Glorot drifts, the iteration cap,
the spec's behaviour as a spec, and its code."""

import ast

import numpy as np
import pytest

import initviz as iv
from initviz import lsuv
from initviz.charts.palette import display_name
from initviz.codegen import snippets
from initviz.mlp import layer_seed


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu"])
def test_every_layer_of_an_lsuv_net_has_unit_variance_where_glorot_drifts(activation):
    table = iv.propagate(["lsuv", "glorot_normal"], activation, 20, 128, n_samples=400,
                         bias_std=0.2).set_index("initializer")
    fitted = table.loc["lsuv", "preact_std"].to_numpy() ** 2
    assert np.all(np.abs(fitted - 1) < 0.1)
    glorot = table.loc["glorot_normal", "preact_std"].to_numpy() ** 2
    assert abs(glorot[-1] - 1) > 0.5          # tanh fades slowly, (leaky) relu halves a layer


def _variances(layers, x, activation):
    """Variance of each layer's output h @ W + b on x, by an independent forward pass."""
    phi = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[activation]
    h, out = x, []
    for W, b in layers:
        z = h @ W + b
        out.append(np.var(z))
        h = phi(z)
    return np.array(out)


def test_fit_stops_within_tol_or_at_max_iter():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((300, 16))
    layers = [(3 * iv.sample("orthogonal", (16, 16), i), rng.normal(0, 0.8, 16))
              for i in range(6)]
    weights, iterations = lsuv.fit(layers, x, "tanh", tol=0.01, max_iter=10)
    fitted = _variances([(W, b) for W, (_, b) in zip(weights, layers, strict=True)], x, "tanh")
    assert np.all(np.abs(fitted - 1) < 0.01)
    assert all(1 <= n <= 10 for n in iterations) and max(iterations) > 1   # biases: iterate
    for W, (start, _) in zip(weights, layers, strict=True):    # only rescaled
        ratio = W / start
        np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-12)
    _, once = lsuv.fit(layers, x, "tanh", tol=1e-6, max_iter=1)
    assert once == [1] * 6


def test_training_starts_from_lsuv_weights_fitted_on_the_training_inputs():
    ds = iv.load_dataset("moons", n_samples=300)
    result = iv.train(ds, ["lsuv(tol=0.05)", "glorot_uniform"], [0, 1], hidden=(16, 16, 16),
                      activation="relu", epochs=3)
    start = result.initial_weights[0]
    assert np.all(np.abs(_variances(start, ds.X_train, "relu") - 1) < 0.05)
    tall = iv.sample("orthogonal", (16, 16), layer_seed(0, 1))     # the orthonormal start
    ratio = start[1][0] / tall
    np.testing.assert_allclose(ratio, ratio.flat[0], rtol=1e-12)
    assert result.runs["initializer"].iloc[0] == "lsuv(tol=0.05)"


def test_lsuv_is_a_spec_that_needs_data():
    spec = iv.resolve("lsuv(max_iter=3)")
    assert spec.label == "lsuv(max_iter=3)" and lsuv.settings(spec) == (0.1, 3)
    assert iv.theory("lsuv", (4, 4)).kind == "data-dependent"
    assert iv.theory("lsuv", (4, 4)).std is None
    with pytest.raises(iv.InputError, match="needs data"):
        iv.sample("lsuv", (4, 4))
    for bad in ("lsuv(tol=0)", "lsuv(max_iter=0)", "lsuv(max_iter=2.5)", "lsuv(gain=2)"):
        with pytest.raises(iv.InputError):
            iv.resolve(bad)
    with pytest.raises(iv.InputError, match="plain stacks"):
        iv.propagate("lsuv", "relu", 4, 8, residual="none")
    with pytest.raises(iv.InputError, match="plain stacks"):
        iv.train("moons", ["lsuv"], [0], hidden=(8, 8), epochs=2, residual="sqrt_depth")
    assert display_name("lsuv") == "LSUV"


@pytest.mark.parametrize("flavor", ["keras", "pytorch", "jax"])
def test_lsuv_snippets_parse_and_carry_the_settings(flavor):
    code = snippets("lsuv(tol=0.05, max_iter=4)", (8, 8), flavor, seed=2)
    assert set(code) == {"Keras", "PyTorch", "JAX", "NumPy"}
    for text in code.values():
        ast.parse(text)
        assert "tol=0.05, max_iter=4" in text


def test_the_numpy_snippet_does_what_lsuv_does():
    namespace = {}
    exec(snippets("lsuv(tol=0.02)", (8, 8), seed=0)["NumPy"], namespace)   # noqa: S102
    rng = np.random.default_rng(1)
    x, biases = rng.standard_normal((200, 5)), [rng.normal(0, 0.5, n) for n in (12, 12, 3)]
    weights = namespace["lsuv"]((5, 12, 12, 3), biases, x, np.tanh)
    fitted = _variances(list(zip(weights, biases, strict=True)), x, "tanh")
    assert np.all(np.abs(fitted - 1) < 0.02)


def test_the_pytorch_snippet_fits_a_torch_net():
    torch = pytest.importorskip("torch")
    namespace = {}
    exec(snippets("lsuv(tol=0.05)", (8, 8), "pytorch")["PyTorch"], namespace)   # noqa: S102
    nn = torch.nn
    model = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(),
                          nn.Linear(16, 3)).double()
    x = torch.randn(300, 5, dtype=torch.float64)
    namespace["lsuv_"](model, x)
    h, variances = x, []
    with torch.no_grad():
        for module in model:
            h = module(h)
            if isinstance(module, nn.Linear):
                variances.append(h.var(correction=0).item())
    assert np.all(np.abs(np.array(variances) - 1) < 0.05)
