import warnings
from dataclasses import replace

import numpy as np
import pytest
from gradcheck import assert_gradients_match

import initviz as iv
from initviz import fused, limits
from initviz.losses import HEADS
from initviz.mlp import MLP, initial_weights, layer_seed, stack
from initviz.results import GRAD_NORM_EPOCHS, boundary_frame, curves, summarize
from initviz.training import SHUFFLE_TAG

# --- loss and gradients against finite differences ------------------------------------------

def _net(dataset, activation, k=2, hidden=(5, 4)):
    sizes = (dataset.n_features, *hidden, dataset.n_outputs)
    weights = [initial_weights("glorot_normal", seed, sizes, bias=0.1) for seed in range(k)]
    return MLP(stack(weights, sizes, np.float64), sizes, activation)


@pytest.mark.parametrize(
    ("name", "activation"),
    [("moons", "tanh"), ("iris", "sigmoid"), ("friedman1", "elu"),
     ("blobs", "leaky_relu(slope=0.2)"), ("moons", "gelu")],
)
def test_gradients_match_finite_differences(name, activation):
    ds = iv.load_dataset(name, n_samples=60, seed=2)
    x, t = ds.X_train[:25].T, ds.targets(ds.y_train[:25]).T
    net, head = _net(ds, activation), HEADS[ds.task]()
    assert_gradients_match(net, head, x, t)


def test_losses_are_stable_for_huge_logits():
    z = np.array([[[1e4, -1e4]]])      # (runs, outputs, samples)
    assert HEADS["binary"]().losses(z, np.array([[0.0, 1.0]]))[0] == pytest.approx(1e4)
    z3 = np.array([[[1e4], [0.0], [-1e4]]])
    t3 = np.array([[0.0], [1.0], [0.0]])
    assert HEADS["multiclass"]().losses(z3, t3)[0] == pytest.approx(1e4)


def test_binary_loss_is_stable_and_quiet_in_float32():
    z = np.array([[[1e4, -1e4, 0.0, 30.0]]], dtype=np.float32)
    t = np.array([[0.0, 1.0, 1.0, 1.0]], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = HEADS["binary"]().losses(z, t)[0]
    assert loss == pytest.approx((2e4 + np.log(2) + np.log1p(np.exp(-30.0))) / 4, rel=1e-6)


# --- the batched engine against a sequential per-run reference --------------------------------

def _reference(ds, start, activation, optimizer, lr, epochs, batch_size, seed, momentum=0.9):
    """Train one run with plain per-run numpy, in float64; return the loss history, the final
    parameters and each epoch's weight-gradient norm per layer (the mean over its steps)."""
    phi, dphi = {
        "tanh": (np.tanh, lambda z: 1 / np.cosh(z) ** 2),
        "relu": (lambda z: np.maximum(z, 0), lambda z: (z > 0) * 1.0),
    }[activation]

    def loss_and_dz(z, y):
        n = len(y)
        if ds.task == "binary":
            p = 1 / (1 + np.exp(-z))
            return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), (p - y) / n
        if ds.task == "multiclass":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            return -np.mean(np.log((p * y).sum(axis=1))), (p - y) / n
        return np.mean((z - y) ** 2), 2 * (z - y) / z.size

    def forward(x):
        zs, acts = [], [x]
        for i, (W, b) in enumerate(params):
            zs.append(acts[-1] @ W + b)
            acts.append(zs[-1] if i == len(params) - 1 else phi(zs[-1]))
        return zs, acts

    def grads(x, y):
        zs, acts = forward(x)
        dz = loss_and_dz(zs[-1], y)[1]
        out = []
        for i in reversed(range(len(params))):
            out.append((acts[i].T @ dz, dz.sum(axis=0)))
            if i:
                dz = (dz @ params[i][0].T) * dphi(zs[i - 1])
        return out[::-1]

    params = [[W.copy(), b.copy()] for W, b in start]
    state = [[{"m": 0.0, "v": 0.0, "buf": None} for _ in layer] for layer in params]
    x, y = ds.X_train, ds.targets(ds.y_train)
    xv, yv = ds.X_val, ds.targets(ds.y_val)
    rng = np.random.default_rng([SHUFFLE_TAG, seed])
    history, norms, t = [], [], 0
    for _ in range(epochs):
        history.append((loss_and_dz(forward(x)[0][-1], y)[0],
                        loss_and_dz(forward(xv)[0][-1], yv)[0]))
        order = np.arange(len(x)) if batch_size is None else rng.permutation(len(x))
        size = batch_size or len(x)
        steps = []
        for begin in range(0, len(x), size):
            rows = order[begin:begin + size]
            t += 1
            step = grads(x[rows], y[rows])
            steps.append([np.linalg.norm(g_W) for g_W, _ in step])
            for layer, layer_grads, layer_state in zip(params, step, state, strict=True):
                for j, (g, s) in enumerate(zip(layer_grads, layer_state, strict=True)):
                    if optimizer == "adam":
                        s["m"] = 0.9 * s["m"] + 0.1 * g
                        s["v"] = 0.999 * s["v"] + 0.001 * g * g
                        m_hat, v_hat = s["m"] / (1 - 0.9**t), s["v"] / (1 - 0.999**t)
                        layer[j] = layer[j] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
                    elif optimizer == "momentum":
                        s["buf"] = g if s["buf"] is None else momentum * s["buf"] + g
                        layer[j] = layer[j] - lr * s["buf"]
                    else:
                        layer[j] = layer[j] - lr * g
        norms.append(np.mean(steps, axis=0))
    history.append((loss_and_dz(forward(x)[0][-1], y)[0],
                    loss_and_dz(forward(xv)[0][-1], yv)[0]))
    return np.array(history), params, np.array(norms)


@pytest.mark.parametrize(
    ("name", "activation", "optimizer", "lr", "batch_size", "threads"),
    [
        ("moons", "tanh", "sgd", 0.3, None, 1),
        ("blobs", "relu", "momentum", 0.05, 32, 2),
        ("friedman1", "tanh", "adam", 0.01, 50, 1),
        ("breast_cancer", "relu", "adam", 0.003, None, 2),
    ],
)
def test_float64_runs_match_a_sequential_reference_step_by_step(
        name, activation, optimizer, lr, batch_size, threads):
    ds = iv.load_dataset(name, n_samples=150, seed=1)
    specs, seeds = ["he_normal", "random_normal(stddev=0.3)"], [0, 5]
    result = iv.train(ds, specs, seeds, hidden=(8, 6), activation=activation,
                      optimizer=optimizer, lr=lr, epochs=12, batch_size=batch_size,
                      dtype="float64", threads=threads)
    assert result.runs["diverged_epoch"].isna().all()
    _assert_runs_match_the_reference(result, ds, activation, optimizer, lr, batch_size,
                                     loss=dict(rtol=1e-10, atol=1e-12), norm=dict(rtol=1e-9),
                                     weight=dict(rtol=1e-9, atol=1e-12))


def _assert_runs_match_the_reference(result, ds, activation, optimizer, lr, batch_size, loss,
                                     norm, weight):
    """Every run's losses, grad norms and final weights against `_reference`'s, 12 epochs,
    within the tolerances `loss`, `norm` and `weight` (keyword arguments of assert_allclose)."""
    for run in result.runs.itertuples():
        expected, params, norms = _reference(ds, result.initial_weights[run.run], activation,
                                             optimizer, lr, 12, batch_size, run.seed)
        got = result.history[result.history["run"] == run.run].pivot(
            index="epoch", columns="split", values="loss")[["train", "val"]].to_numpy()
        np.testing.assert_allclose(got, expected, **loss)
        got_norms = result.grad_norms[result.grad_norms["run"] == run.run].pivot(
            index="epoch", columns="layer", values="grad_norm").to_numpy()
        np.testing.assert_allclose(got_norms, norms, **norm)
        for (W, b), (W_ref, b_ref) in zip(result.weights[run.run], params, strict=True):
            np.testing.assert_allclose(W, W_ref, **weight)
            np.testing.assert_allclose(b, b_ref, **weight)


@pytest.mark.parametrize(("activation", "optimizer", "batch_size"),
                         [("tanh", "sgd", None), ("relu", "momentum", 32), ("tanh", "adam", 50)])
def test_the_compiled_float32_step_matches_the_float64_reference(activation, optimizer,
                                                                 batch_size, monkeypatch):
    compiled = fused.step
    calls = []
    monkeypatch.setattr(fused, "step", lambda *args: calls.append(1) or compiled(*args))
    ds = iv.load_dataset("moons", n_samples=150, seed=1)
    result = iv.train(ds, ["he_normal", "random_normal(stddev=0.3)"], [0, 5], hidden=(8, 6),
                      activation=activation, optimizer=optimizer, lr=0.05, epochs=12,
                      batch_size=batch_size)
    assert calls                                        # the steps were the compiled ones
    _assert_runs_match_the_reference(result, ds, activation, optimizer, 0.05, batch_size,
                                     loss=dict(rtol=1e-4), norm=dict(rtol=1e-3),
                                     weight=dict(rtol=1e-3, atol=1e-5))


def test_the_compiled_step_stops_diverging_runs_as_numpy_does(monkeypatch):
    kwargs = dict(specs=["he_normal", "random_normal(stddev=3)"], seeds=[0, 1],
                  hidden=(16, 16), activation="relu", lr=80.0, epochs=40)
    compiled = iv.train("moons", **kwargs).runs["diverged_epoch"]
    monkeypatch.setattr(fused, "applies", lambda plan: False)
    numpy = iv.train("moons", **kwargs).runs["diverged_epoch"]
    assert compiled.notna().any()
    assert (compiled.isna() == numpy.isna()).all()
    # near overflow the runs are chaotic: float32 rounding moves the epoch by one at most
    assert ((compiled - numpy).dropna().abs() <= 1).all()


def test_initial_weights_are_the_library_samples_and_reproducible():
    result = iv.train("moons", ["he_uniform", "zeros"], [3, 4], hidden=(7,), epochs=1)
    W0, b0 = result.initial_weights[1][0]      # he_uniform, seed 4, first layer
    np.testing.assert_array_equal(W0, iv.sample("he_uniform", (2, 7), layer_seed(4, 0)))
    assert not b0.any()
    assert not np.array_equal(result.initial_weights[1][1][0][:1],
                              iv.sample("he_uniform", (7, 1), layer_seed(4, 0))[:1])
    again = iv.train("moons", ["he_uniform", "zeros"], [3, 4], hidden=(7,), epochs=1)
    assert again.history.equals(result.history)


def test_given_initial_weights_are_used_and_checked():
    ds = iv.load_dataset("moons", n_samples=100)
    start = [[(np.full((2, 3), 0.5), np.zeros(3)), (np.ones((3, 1)), np.zeros(1))]]
    result = iv.train(ds, ["zeros"], [0], hidden=(3,), epochs=2, initial_weights=start)
    np.testing.assert_array_equal(result.initial_weights[0][0][0], start[0][0][0])
    with pytest.raises(iv.InputError, match="shape"):
        iv.train(ds, ["zeros"], [0], hidden=(4,), epochs=2, initial_weights=start)


def test_float32_and_float64_tell_the_same_story():
    kwargs = dict(specs=["glorot_uniform"], seeds=[0], epochs=50, lr=0.5)
    lo = iv.train("moons", dtype="float32", **kwargs).history["loss"].to_numpy()
    hi = iv.train("moons", dtype="float64", **kwargs).history["loss"].to_numpy()
    np.testing.assert_allclose(lo, hi, rtol=1e-4)


def test_learning_happens_and_zeros_stays_symmetric():
    result = iv.train("moons", ["zeros", "glorot_uniform"], [0, 1], epochs=150, lr=0.5)
    table = summarize(result, target_loss=0.4)
    zeros, glorot = table.set_index("initializer").loc[["zeros", "glorot_uniform"]].to_dict(
        "records")
    assert glorot["final_train_loss_mean"] < 0.35 < zeros["final_train_loss_mean"]
    assert glorot["reached_target"] == 2 and zeros["reached_target"] == 0
    first = result.weights[0][0][0]       # zeros: every hidden unit got the same update
    np.testing.assert_allclose(first, first[:, :1] * np.ones_like(first))


# --- divergence, records, caps ---------------------------------------------------------------

def test_divergence_is_flagged_frozen_and_others_continue():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = iv.train("regression", ["random_normal(stddev=1)", "glorot_uniform"], [0, 1],
                          hidden=(16, 16), activation="relu", lr=1.0, epochs=30)
    runs = result.runs.set_index("run")
    assert runs.loc[1, "diverged_epoch"] == 2 and runs["diverged_epoch"].isna().sum() >= 2
    history = result.history
    diverged = history[history["run"] == 1]
    assert diverged[diverged["epoch"] >= 2]["loss"].isna().all()
    assert diverged[diverged["epoch"] < 2]["loss"].notna().all()
    alive = history[history["run"].isin(runs.index[runs["diverged_epoch"].isna()])]
    assert np.isfinite(alive["loss"]).all()
    assert not any(np.any(W) for W, _ in result.weights[1])   # frozen at zero
    table = summarize(result)
    assert table.set_index("initializer").loc["random_normal(stddev=1)", "diverged"] >= 1


def test_history_grad_norms_and_boundaries_have_their_shapes():
    result = iv.train("moons", ["he_normal", "zeros"], [0, 1, 2], hidden=(4, 4), epochs=20)
    assert len(result.history) == 6 * 21 * 2
    assert set(result.history.columns) >= {
        "run", "initializer", "seed", "epoch", "split", "loss", "accuracy"}
    assert len(result.grad_norms) == 6 * 20 * 3
    assert result.history["loss"].dtype == np.float32 and result.nbytes > result.history.size
    norms = result.grad_norms
    assert (norms[norms["initializer"] == "zeros"]["grad_norm"].iloc[:3] == 0).all()
    assert (norms[norms["initializer"] == "he_normal"]["grad_norm"] > 0).all()
    b = result.boundaries
    assert b.epochs[0] == 0 and b.epochs[-1] == 20 and b.proba.shape[:2] == (len(b.epochs), 6)
    frame = boundary_frame(result, 20, seed=1)
    assert len(frame) == 2 * len(b.xs) * len(b.ys)
    assert frame["probability"].between(0, 1).all()
    assert iv.train("iris", ["zeros"], [0], epochs=2).boundaries is None
    band = curves(result.history)
    assert set(band["initializer"]) == {"he_normal", "zeros"} and (band["n"] == 3).all()
    assert (band["min"] <= band["mean"]).all() and (band["mean"] <= band["max"] + 1e-12).all()


def test_progress_is_reported_and_an_exception_stops_training():
    seen = []
    iv.train("moons", ["zeros"], [0], hidden=(3,), epochs=80,
             on_progress=lambda done, total: seen.append(done))
    assert seen == sorted(seen) and seen[-1] == 80 and len(seen) > 5

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        iv.train("moons", ["zeros"], [0], hidden=(3,), epochs=80, on_progress=stop)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"specs": ["he_normal"] * 2}, "only once"),
        ({"specs": ["bogus"]}, "Unknown initializer"),
        ({"seeds": list(range(limits.MAX_RUNS + 1))}, "runs"),
        ({"seeds": []}, "at least one seed"),
        ({"epochs": limits.MAX_EPOCHS + 1}, "Epochs"),
        ({"hidden": [limits.MAX_HIDDEN_WIDTH + 1]}, "width"),
        ({"hidden": [4] * (limits.MAX_HIDDEN_LAYERS + 1)}, "hidden layers"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"activation": "softmax"}, "activation"),
        ({"dtype": "float16"}, "dtype"),
        ({"batch_size": 0}, "Batch size"),
        ({"batch_size": 1, "epochs": 2000}, "optimizer steps"),
        ({"dataset": "mnist"}, "dataset"),
        ({"seeds": list(range(10)), "specs": ["zeros", "ones"], "hidden": [64] * 4,
          "epochs": 2000}, "s of compute, over the demo's 3 s"),
        ({"hidden": [256] * 100}, "too many weights"),
        ({"lr": float("nan")}, "finite"),
    ],
)
def test_bad_or_oversized_requests_raise_input_error_before_work(kwargs, message):
    args = {"dataset": "moons", "specs": ["he_normal"], "seeds": [0], "epochs": 3} | kwargs
    with pytest.raises(iv.InputError, match=message):
        iv.train(**args)


@pytest.mark.parametrize("batch_size", [None, 16])
def test_training_does_not_depend_on_the_validation_split(batch_size):
    # A validation split as large as the training split once made the backward pass pick the
    # validation activations: the training curve must be the same whatever is validated on.
    ds = iv.load_dataset("moons", n_samples=200, noise=0.2)
    n = len(ds.X_train)
    rng = np.random.default_rng(0)
    other = rng.standard_normal((n, 2))
    same_size = replace(ds, X_val=other, y_val=rng.integers(0, 2, n))
    smaller = replace(ds, X_val=other[:37], y_val=same_size.y_val[:37])
    args = dict(specs=["glorot_uniform", "he_normal"], seeds=[0, 1], hidden=(8,), epochs=20,
                batch_size=batch_size)
    curves = [iv.train(data, **args).history.query("split == 'train'").loss.to_numpy()
              for data in (same_size, smaller)]
    np.testing.assert_array_equal(*curves)
    assert curves[0][-1] < curves[0][0]         # it did train


def test_long_trainings_keep_grad_norms_at_a_few_hundred_epochs_and_tell_their_size():
    result = iv.train("moons", ["zeros"], [0], hidden=(2,), epochs=1000)
    epochs = result.grad_norms["epoch"].unique()
    assert epochs[0] == 1 and epochs[-1] == 1000 and len(epochs) == GRAD_NORM_EPOCHS
    assert len(result.history) == 2 * 1001
    small = iv.train("moons", ["zeros"], [0], hidden=(2,), epochs=10)
    assert result.nbytes > small.nbytes + 2 * 990 * 4


def test_framework_biases_are_drawn_as_each_framework_draws_them():
    result = iv.train("moons", ["pytorch_default", "keras_default"], seeds=[0], hidden=[16, 16],
                      epochs=2, flavor="pytorch", bias="framework")
    torch_net, keras_net = result.initial_weights
    for (w, b), fan_in in zip(torch_net, [2, 16, 16], strict=True):
        bound = 1 / np.sqrt(fan_in)                # nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        assert np.all(np.abs(b) <= bound) and (len(b) == 1 or np.ptp(b) > 0)
        assert not np.allclose(b, w[0, : len(b)])  # its own draws, not the weights'
    assert all(np.all(b == 0) for _, b in keras_net)   # Keras: zeros


def test_sharing_the_runs_among_threads_changes_no_number():
    kwargs = dict(specs=["he_normal", "glorot_uniform"], seeds=[0, 1, 2], hidden=(8, 8),
                  epochs=5, batch_size=16)
    one, two, chosen = (iv.train("moons", threads=t, **kwargs) for t in (1, 2, None))
    for other in (two, chosen):
        assert other.history.equals(one.history)
        assert other.grad_norms.equals(one.grad_norms)
        for run, run_one in zip(other.weights, one.weights, strict=True):
            for (W, b), (W1, b1) in zip(run, run_one, strict=True):
                np.testing.assert_array_equal(W, W1)
                np.testing.assert_array_equal(b, b1)
