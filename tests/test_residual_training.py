"""Residual nets in training: gradients against finite differences, an independent per-run
reference loop, the identity at initialization, and the requests refused."""

import math

import numpy as np
import pytest
from gradcheck import assert_gradients_match

import initviz as iv
from initviz import training
from initviz.losses import HEADS
from initviz.mlp import ResidualMLP, gated_layers, initial_weights, stack
from initviz.residual import SCALINGS
from initviz.training import SHUFFLE_TAG


def _alpha(scaling, blocks):
    return 1 / math.sqrt(blocks) if scaling == "sqrt_depth" else 1.0


def _jittered(ds, scaling, hidden, k=2, seed=0):
    """Per-run weights of a residual net, moved off their special start (zero branches, zero
    gates) so that every path carries a gradient."""
    rng = np.random.default_rng(seed)
    sizes = (ds.n_features, *hidden, ds.n_outputs)
    runs = [initial_weights("glorot_normal", s, sizes, bias=0.1, residual=scaling)
            for s in range(k)]
    return sizes, [[tuple(v + 0.3 * rng.standard_normal(np.shape(v)) for v in layer)
                    for layer in run] for run in runs]


@pytest.mark.parametrize("scaling", SCALINGS)
@pytest.mark.parametrize(("name", "activation"), [("moons", "tanh"), ("iris", "elu")])
def test_gradients_match_finite_differences(scaling, name, activation):
    ds = iv.load_dataset(name, n_samples=60, seed=2)
    x, t = ds.X_train[:25].T, ds.targets(ds.y_train[:25]).T
    sizes, runs = _jittered(ds, scaling, (5, 5, 5, 5))
    net = ResidualMLP(stack(runs, sizes, np.float64, gated_layers(sizes, scaling)), sizes,
                      activation, scaling)
    assert_gradients_match(net, HEADS[ds.task](), x, t, probes=5, abs_tol=1e-9)


# --- the batched engine against an independent per-run loop -----------------------------------

def _reference(ds, start, scaling, optimizer, lr, epochs, batch_size, seed):
    """Train one residual run (tanh) with plain per-run numpy, float64: train and val losses per
    epoch and the final weights."""
    blocks = len(start) - 2
    alpha = _alpha(scaling, blocks)
    params = [[np.array(v, float) for v in layer] for layer in start]
    binary = ds.task == "binary"

    def forward(x):
        s = np.tanh(x @ params[0][0] + params[0][1])
        streams, zs = [s], []
        for layer in params[1:-1]:
            zs.append(np.tanh(s) @ layer[0] + layer[1])
            s = s + (layer[2] if scaling == "rezero" else alpha) * zs[-1]
            streams.append(s)
        return streams, zs, s @ params[-1][0] + params[-1][1]

    def loss_and_dz(z, y):
        if binary:
            p = 1 / (1 + np.exp(-z))
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / len(y)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        return -np.mean(np.log((p * y).sum(axis=1))), (p - y) / len(y)

    def grads(x, y):
        streams, zs, z = forward(x)
        dz = loss_and_dz(z, y)[1]
        out = [None] * len(params)
        out[-1] = [streams[-1].T @ dz, dz.sum(axis=0)]
        ds = dz @ params[-1][0].T
        for i in reversed(range(blocks)):
            layer, a = params[i + 1], np.tanh(streams[i])
            gate = layer[2] if scaling == "rezero" else alpha
            dzb = gate * ds
            out[i + 1] = [a.T @ dzb, dzb.sum(axis=0)] + (
                [np.sum(ds * zs[i])] if scaling == "rezero" else [])
            ds = ds + (dzb @ layer[0].T) * (1 - a**2)
        dz0 = ds * (1 - streams[0] ** 2)
        out[0] = [x.T @ dz0, dz0.sum(axis=0)]
        return out

    x, y = ds.X_train, ds.targets(ds.y_train)
    xv, yv = ds.X_val, ds.targets(ds.y_val)
    moments = [[[0.0, 0.0, None] for _ in layer] for layer in params]
    rng = np.random.default_rng([SHUFFLE_TAG, seed])
    history, t = [], 0
    for epoch in range(epochs + 1):
        history.append([loss_and_dz(forward(v)[2], w)[0] for v, w in ((x, y), (xv, yv))])
        if epoch == epochs:
            break
        order = np.arange(len(x)) if batch_size is None else rng.permutation(len(x))
        size = batch_size or len(x)
        for begin in range(0, len(x), size):
            rows = order[begin:begin + size]
            t += 1
            for layer, layer_grads, state in zip(params, grads(x[rows], y[rows]), moments,
                                                 strict=True):
                for j, (g, s) in enumerate(zip(layer_grads, state, strict=True)):
                    if optimizer == "adam":
                        s[0] = 0.9 * s[0] + 0.1 * g
                        s[1] = 0.999 * s[1] + 0.001 * g * g
                        step = s[0] / (1 - 0.9**t) / (np.sqrt(s[1] / (1 - 0.999**t)) + 1e-8)
                    else:
                        s[2] = g if s[2] is None else 0.9 * s[2] + g
                        step = s[2] if optimizer == "momentum" else g
                    layer[j] = layer[j] - lr * step
    return np.array(history), params


@pytest.mark.parametrize(
    ("scaling", "name", "optimizer", "lr", "batch_size", "threads"),
    [
        ("none", "moons", "sgd", 0.2, None, 1),
        ("sqrt_depth", "blobs", "momentum", 0.05, 32, 2),
        ("gpt2", "moons", "adam", 0.01, 50, 1),
        ("rezero", "moons", "adam", 0.01, None, 2),
        ("rezero", "blobs", "sgd", 0.3, 40, 1),
        ("fixup", "moons", "momentum", 0.1, None, 1),
    ],
)
def test_float64_runs_match_an_independent_reference(scaling, name, optimizer, lr, batch_size,
                                                     threads):
    ds = iv.load_dataset(name, n_samples=150, seed=1)
    result = iv.train(ds, ["he_normal", "glorot_uniform"], [0, 5], hidden=(8, 8, 8, 8),
                      optimizer=optimizer, lr=lr, epochs=10, batch_size=batch_size,
                      dtype="float64", threads=threads, residual=scaling)
    assert result.runs["diverged_epoch"].isna().all()
    for run in result.runs.itertuples():
        expected, params = _reference(ds, result.initial_weights[run.run], scaling, optimizer,
                                      lr, 10, batch_size, run.seed)
        got = result.history[result.history["run"] == run.run].pivot(
            index="epoch", columns="split", values="loss")[["train", "val"]].to_numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)
        for layer, reference in zip(result.weights[run.run], params, strict=True):
            assert len(layer) == len(reference)
            for value, wanted in zip(layer, reference, strict=True):
                np.testing.assert_allclose(value, wanted, rtol=1e-9, atol=1e-12)


def test_float32_follows_float64():
    args = dict(specs=["he_normal"], seeds=[0], hidden=(16,) * 6, epochs=30, lr=0.3,
                residual="sqrt_depth")
    lo = iv.train("moons", dtype="float32", **args).history["loss"].to_numpy()
    hi = iv.train("moons", dtype="float64", **args).history["loss"].to_numpy()
    np.testing.assert_allclose(lo, hi, rtol=1e-4)


# --- the start, the round trip, the refusals --------------------------------------------------

@pytest.mark.parametrize("scaling", ["rezero", "fixup"])
def test_rezero_and_fixup_nets_are_the_identity_on_the_hidden_stream_at_the_start(scaling):
    ds = iv.load_dataset("moons", n_samples=80)
    sizes = (2, 6, 6, 6, 6, 1)
    runs = [initial_weights("he_normal", s, sizes, bias=0.2, residual=scaling) for s in (0, 1)]
    net = ResidualMLP(stack(runs, sizes, np.float64, gated_layers(sizes, scaling)), sizes,
                      "tanh", scaling)
    x = ds.X_train.T
    logits = net.forward(x)
    first = np.stack([np.tanh(x.T @ run[0][0] + run[0][1]).T for run in runs])
    for stream in net._last.s:         # every block passes its input through unchanged
        np.testing.assert_array_equal(stream, first)
    W, b = (np.stack([run[-1][i] for run in runs]) for i in (0, 1))
    np.testing.assert_allclose(logits, np.swapaxes(W, 1, 2) @ first + b[:, :, None], rtol=1e-12)


def test_weights_round_trip_with_rezero_gates():
    args = dict(specs=["he_normal"], seeds=[0, 1], hidden=(8, 8, 8), epochs=20, lr=0.3,
                optimizer="adam", residual="rezero")
    first = iv.train("moons", **args)
    gates = [layer[2] for layer in first.weights[0][1:-1]]
    assert [layer[2] for layer in first.initial_weights[0][1:-1]] == [0.0, 0.0]
    assert all(g != 0 for g in gates)             # the gates learned
    again = iv.train("moons", initial_weights=first.weights, **args)
    start = again.history.query("epoch == 0 and split == 'train'")["loss"].to_numpy()
    end = first.history.query("epoch == 20 and split == 'train'")["loss"].to_numpy()
    np.testing.assert_allclose(start, end, rtol=1e-6)
    plain = [[layer[:2] for layer in run] for run in first.weights]
    with pytest.raises(iv.InputError, match="gate"):
        iv.train("moons", initial_weights=plain, **args)


def test_no_residual_is_the_plain_net():
    args = dict(specs=["he_normal", "glorot_uniform"], seeds=[0, 1], hidden=(8, 8), epochs=15)
    np.testing.assert_array_equal(iv.train("moons", **args).history["loss"],
                                  iv.train("moons", residual=None, **args).history["loss"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"hidden": (8, 6, 8)}, "same width"), ({"hidden": (8,)}, "two hidden layers"),
     ({"residual": "bogus"}, "residual")],
)
def test_residual_requests_that_cannot_be_built_are_refused(kwargs, message):
    args = {"residual": "none", "hidden": (8, 8)} | kwargs
    with pytest.raises(iv.InputError, match=message):
        iv.train("moons", ["he_normal"], [0], epochs=2, **args)


@pytest.mark.parametrize(("scaling", "optimizer"), [("sqrt_depth", "momentum"),
                                                     ("rezero", "adam")])
def test_torch_trains_the_same_net_to_the_same_losses(scaling, optimizer):
    torch = pytest.importorskip("torch")
    ds = iv.load_dataset("moons", n_samples=120, seed=3)
    result = iv.train(ds, ["he_normal"], [1], hidden=(8, 8, 8), optimizer=optimizer, lr=0.05,
                      epochs=8, dtype="float64", residual=scaling)
    start = result.initial_weights[0]
    params = [torch.tensor(v, dtype=torch.float64, requires_grad=True)
              for layer in start for v in layer]
    alpha = _alpha(scaling, len(start) - 2)
    x, y = (torch.tensor(a, dtype=torch.float64) for a in (ds.X_train, ds.targets(ds.y_train)))

    def loss():
        (W0, b0), *blocks, (Wout, bout) = _layers(params, start)
        s = torch.tanh(x @ W0 + b0)
        for W, b, *gate in blocks:
            s = s + (gate[0] if gate else alpha) * (torch.tanh(s) @ W + b)
        return torch.nn.functional.binary_cross_entropy_with_logits(s @ Wout + bout, y)

    make = {"momentum": lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9),
            "adam": lambda p: torch.optim.Adam(p, lr=0.05)}[optimizer]
    opt, losses = make(params), []
    for _ in range(8):
        opt.zero_grad()
        value = loss()
        losses.append(value.item())
        value.backward()
        opt.step()
    got = result.history.query("split == 'train' and epoch < 8")["loss"].to_numpy()
    np.testing.assert_allclose(got, losses, rtol=1e-10)


def _layers(params, start):
    """`params` (flat, in order) regrouped as the layers of `start`."""
    out, i = [], 0
    for layer in start:
        out.append(params[i:i + len(layer)])
        i += len(layer)
    return out


def test_a_50_layer_residual_net_fits_the_budget():
    plans = [training._plan("moons", ["he_normal", "glorot_uniform"], [0], (32,) * 50, "tanh",
                            "sgd", 0.5, 0.9, 300, None, "keras", "float32", None, None, scaling)[0]
             for scaling in (None, *SCALINGS)]
    seconds = [training._seconds(plan) for plan in plans]
    assert all(plain < other for plain, other in zip(seconds[:1] * 5, seconds[1:], strict=True))
    assert max(seconds) <= iv.limits.MAX_REQUEST_SECONDS
