"""Residual nets in propagation: the closed forms of each branch scaling, and an independent
forward and backward pass."""

import math

import numpy as np
import pytest

import initviz as iv
from initviz import residual
from initviz.propagation import _inputs, check_net


def run(scaling, depth=10, spec="he_normal", activation="relu", width=512, n=1000, bias=0.0,
        seed=0):
    table = iv.propagate(spec, activation, depth, width, n_samples=n, seed=seed, bias_std=bias,
                         residual=scaling)
    return table.set_index("layer")


def log_variance(scaling, depth, seeds=(0, 100, 200)):
    """ln Var(x_l) per block, averaged over nets of several seeds (a single 512-wide net's
    variance wanders by ~4 % a block around the mean: the cross term x·F(x) is one matrix)."""
    return np.mean([2 * np.log(run(scaling, depth, seed=s)["act_std"]) for s in seeds], axis=0)


def test_unscaled_he_branches_double_the_variance_per_block():
    blocks = np.arange(1, 11)
    np.testing.assert_allclose(log_variance("none", 10) / np.log(2), blocks, atol=0.35)
    table = run("none")
    np.testing.assert_allclose(table["theory_act_std"] ** 2, 2.0**blocks, rtol=1e-9)
    np.testing.assert_allclose(table["theory_grad_std"] ** 2, 2.0 ** (10 - blocks), rtol=1e-9)
    assert np.log2(table.loc[1, "grad_std"] ** 2) == pytest.approx(9, abs=0.5)


@pytest.mark.parametrize(("scaling", "per_block"), [("sqrt_depth", 1.0), ("gpt2", 0.5)])
def test_scaled_branches_grow_the_variance_by_about_e_overall(scaling, per_block):
    depth = 40
    closed = (1 + per_block / depth) ** np.arange(1, depth + 1)    # → e or √e at the top
    assert closed[-1] == pytest.approx(math.e**per_block, rel=0.02)
    np.testing.assert_allclose(run(scaling, depth)["theory_act_std"] ** 2, closed, rtol=1e-9)
    np.testing.assert_allclose(log_variance(scaling, depth), np.log(closed), atol=0.08)


@pytest.mark.parametrize("scaling", ["rezero", "fixup"])
def test_rezero_and_fixup_start_as_the_identity(scaling):
    net = check_net("he_normal", "relu", 12, 64, 50, 0, "keras", 0.3, scaling)
    x, grad, _ = _inputs(net)
    table = run(scaling, 12, width=64, n=50, bias=0.3)
    np.testing.assert_allclose(table["act_std"], np.std(x), rtol=1e-6)    # x_l = x_0
    np.testing.assert_allclose(table["grad_std"], np.std(grad), rtol=1e-6)
    assert (table["preact_std"] == 0).all()


def reference(spec, activation, depth, width, n, seed, scaling):
    """Stream and gradient stds by an independent loop, float64, from the same weights."""
    net = check_net(spec, activation, depth, width, n, seed, "keras", 0.0, scaling)
    x, g, _ = _inputs(net)
    act = net.activation
    alpha = {"none": 1.0, "sqrt_depth": 1 / math.sqrt(depth), "gpt2": 1.0}[scaling]
    factor = 1 / math.sqrt(2 * depth) if scaling == "gpt2" else 1.0
    ws = [factor * iv.sample(spec, (width, width), seed + layer) for layer in range(depth)]
    streams = [x]
    for w in ws:
        streams.append(streams[-1] + alpha * act.forward(streams[-1]) @ w)
    grads = [g]
    for w, h in zip(ws[::-1], streams[-2::-1], strict=True):   # ∂L/∂x_{l−1} from ∂L/∂x_l
        grads.append(grads[-1] + alpha * (grads[-1] @ w.T) * act.derivative(h))
    return [s.std() for s in streams[1:]], [d.std() for d in grads[-2::-1]]


@pytest.mark.parametrize("scaling", ["none", "sqrt_depth", "gpt2"])
def test_the_residual_pass_matches_an_independent_loop(scaling):
    stream, grad = reference("glorot_normal", "tanh", 8, 32, 40, 5, scaling)
    table = iv.propagate("glorot_normal", "tanh", 8, 32, n_samples=40, seed=5, residual=scaling)
    np.testing.assert_allclose(table["act_std"], stream, rtol=1e-5)
    np.testing.assert_allclose(table["grad_std"], grad, rtol=1e-5)


def test_the_backward_recursion_is_the_finite_difference_of_the_loss():
    """The recursion `reference` and the core use, ∂L/∂x_0 of L = sum(g · x_L), against central
    differences on one sample's input."""
    spec, act, depth, width = "glorot_normal", "tanh", 6, 8
    net = check_net(spec, act, depth, width, 2, 1, "keras", 0.0, "sqrt_depth")
    x, g, _ = _inputs(net)
    ws = [iv.sample(spec, (width, width), 1 + layer) for layer in range(depth)]
    alpha = 1 / math.sqrt(depth)

    def loss(v):
        for w in ws:
            v = v + alpha * np.tanh(v) @ w
        return float(np.sum(g[:1] * v))

    numeric = np.array([(loss(x[:1] + 1e-6 * e) - loss(x[:1] - 1e-6 * e)) / 2e-6
                        for e in np.eye(width)])
    streams, d = [x[:1]], g[:1]
    for w in ws:
        streams.append(streams[-1] + alpha * np.tanh(streams[-1]) @ w)
    for w, h in zip(ws[::-1], streams[-2::-1], strict=True):
        d = d + alpha * (d @ w.T) * (1 - np.tanh(h) ** 2)
    np.testing.assert_allclose(d[0], numeric, rtol=1e-6, atol=1e-9)


def test_the_prediction_is_the_plain_recursion_for_linear_branches():
    predicted = residual.predict("linear", 5, 0.5, 0.0, "none")
    np.testing.assert_allclose(predicted["act_std"] ** 2, 1.5 ** np.arange(1, 6))
    np.testing.assert_allclose(predicted["grad_std"] ** 2, 1.5 ** np.arange(4, -1, -1))


def test_an_unknown_scaling_is_an_input_error():
    with pytest.raises(iv.InputError, match="residual"):
        iv.propagate("he_normal", "relu", 3, 8, n_samples=10, residual="sqrt")
