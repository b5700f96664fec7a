"""How long `iv.train` takes for the page's reference workload, against a floor and other libraries.

The workload: moons, 1000 samples (700 in the training split), a 2-32-32-1 tanh MLP, 8
initializers x 5 seeds = 40 runs, 300 epochs of plain SGD (lr 0.1), float32. Measured in the
same process, wall clock, best of a few rounds in which the candidates take turns (a slow spell
of this shared machine then falls on all of them, and the ratios stay comparable):

- ``iv.train`` full batch, and with minibatches of 64. Besides training it records train and
  validation loss and accuracy every epoch, gradient norms and decision-boundary grids.
- "its matmuls alone", the floor: every matrix product iv.train computes in those epochs,
  batched over the stacked runs as ``np.matmul`` on (runs, ., .) arrays into preallocated
  buffers, split over the same threads as the engine (2 threads, BLAS limited to 1 thread each):
  the forward products on the validation split (the engine records its loss every epoch) and on
  the training split, each layer's input with the row of ones that folds the bias into the
  product, and the backward products (weight and bias gradients in one product per layer, 2
  input gradients, the one with inner size 1 as a broadcast multiply, as the engine does). No
  activation, loss, update or recording: it does not train.
- "training matmuls, no val, no bias": the floor this benchmark used before, for comparison:
  only the training split's products, without the bias row.
- PyTorch (optional): the idiomatic loop, nn.Sequential + torch.optim.SGD + BCEWithLogitsLoss,
  one run after another, default torch threading; minibatches are slices of a fresh
  torch.randperm each epoch. It records nothing. ``--quick`` times 8 of the 40 runs and
  scales by 5 (2 and 20 with minibatches; the runs take turns, each the same time).
- scikit-learn MLPClassifier: same network, sgd, full batch, no momentum, no L2, all 300 epochs,
  one run after another. ``--quick`` times 5 of the 40 runs and scales by 8.
- JAX (optional, `jax_peer.py`): the same math from the same initial weights on the same data
  and sample orders (plain SGD, full batch or minibatches, train and validation loss every
  epoch; it records nothing else), one epoch written for one run and vmapped over the runs, all
  epochs in one ``lax.scan`` inside one ``jit``, the runs sharded over 2 host devices
  (``shard_map``). It runs in a process of its own started with
  ``XLA_FLAGS=--xla_force_host_platform_device_count=2``, idle while numpy is timed and the
  other way round; compile time is reported apart. On the workloads `WORKLOADS` (W, the
  reference; W64, its minibatches of 64; K = 8 and 200 runs; hidden width 128), beside the
  matmul floor of each, best of 3 alternating rounds (1 with ``--quick``, after an untimed run
  of the compiled peer whose losses are checked against iv.train's). iv.train's steps are
  compiled too (numba, `initviz.fused`): its first call, which compiles them or loads them from
  the disk cache, is timed apart.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/training.py [--quick]
[--jax]`` (``--jax``: only the comparison with JAX; torch and JAX rows are skipped, with the
reason, if either is missing).
"""

import argparse
import importlib.util
import os
import pickle
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest.mock import patch

import numpy as np
import sklearn
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits
from timing import best_interleaved  # also puts the checkout on the path

import initviz as iv

try:
    import torch
except ImportError:
    torch = None

SPECS = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
         "glorot_normal", "he_normal", "lecun_normal", "orthogonal"]
SEEDS = range(5)
RUNS = len(SPECS) * len(SEEDS)
SIZES = (2, 32, 32, 1)
EPOCHS = 300
LR = 0.1
BATCH = 64
THREADS = 2
BUDGET = 1e6        # seconds of estimated compute: no workload here is refused as too costly
WORKLOADS = {       # name: initializers, seeds, hidden widths, batch size
    "W": (SPECS, SEEDS, SIZES[1:-1], None),
    "W64": (SPECS, SEEDS, SIZES[1:-1], BATCH),
    "K=8": (SPECS, range(1), SIZES[1:-1], None),
    "K=200": (SPECS, range(25), SIZES[1:-1], None),
    "width 128": (SPECS, SEEDS, (128, 128), None),
}
"""The workloads timed against JAX; K = 40 is W."""


def engine(ds, batch_size=None, specs=SPECS, seeds=SEEDS, hidden=SIZES[1:-1], starts=None):
    return iv.train(ds, specs, seeds, hidden, "tanh", "sgd", LR, EPOCHS, batch_size,
                    initial_weights=starts, max_seconds=BUDGET)


def _weights(runs, bias_row, sizes=SIZES):
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((runs, a + bias_row, b)) / np.sqrt(a)).astype(np.float32)
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)]


def _backward(w, inputs, d, dw, da, sizes=SIZES):
    """Weight products (into `dw`) and input products (into `da`) from logits gradient `d`."""
    for layer in reversed(range(len(w))):
        np.matmul(inputs[layer], np.swapaxes(d, 1, 2), out=dw[layer])
        if layer:                                 # an outer product is faster broadcast
            product = np.multiply if w[layer].shape[-1] == 1 else np.matmul
            product(w[layer][:, :sizes[layer]], d, out=da[layer - 1])
            d = da[layer - 1]


def training_matmuls(runs, x):
    """The training products of EPOCHS full-batch steps of `runs` stacked nets, without biases;
    x is (in, n). No validation pass."""
    n = x.shape[1]
    w = _weights(runs, 0)
    z = [np.empty((runs, b, n), np.float32) for b in SIZES[1:]]
    da = [np.empty((runs, b, n), np.float32) for b in SIZES[1:-1]]
    dw = [np.empty_like(wl) for wl in w]
    for _ in range(EPOCHS):
        a = x
        for wl, zl in zip(w, z, strict=True):
            np.matmul(np.swapaxes(wl, 1, 2), a, out=zl)
            a = zl
        _backward(w, [x, *z[:-1]], z[-1], dw, da)   # z[-1] stands in for d loss / d logits


def _pass(runs, x, sizes):
    """Buffers of one forward pass of `runs` nets over x (in, n): each layer's input with the
    engine's row of ones, and each layer's output (a view of the next input)."""
    n = x.shape[1]
    inputs = [np.ones((runs, a + 1, n), np.float32) for a in sizes[:-1]]
    inputs[0][:, :-1] = x
    return inputs, [i[:, :-1] for i in inputs[1:]] + [np.empty((runs, sizes[-1], n), np.float32)]


def engine_matmuls(runs, splits, sizes=SIZES, batch=None):
    """Every matrix product of EPOCHS epochs of iv.train for `runs` stacked nets.

    Forward on the validation split and on the training split (whose logits feed the backward
    pass in full batch; with minibatches of `batch`, forward and backward on each one after),
    each layer's input with the engine's row of ones for the bias, so that one product gives
    W·a + b forward and the weight and bias gradients together backward.
    `splits`: validation and training inputs as (in, n) arrays.
    """
    w = _weights(runs, 1, sizes)
    val, train = splits
    n = train.shape[1]
    steps = [_pass(runs, train[:, i:i + (batch or n)], sizes) for i in range(0, n, batch or n)]
    passes = [_pass(runs, val, sizes)] + ([_pass(runs, train, sizes)] if batch else [])
    dw = [np.empty_like(wl) for wl in w]
    da = [[np.empty((runs, b, ins[0].shape[-1]), np.float32) for b in sizes[1:-1]]
          for ins, _ in steps]
    for _ in range(EPOCHS):
        for ins, outs in passes:
            for wl, a, z in zip(w, ins, outs, strict=True):
                np.matmul(np.swapaxes(wl, 1, 2), a, out=z)
        for (ins, outs), d in zip(steps, da, strict=True):
            for wl, a, z in zip(w, ins, outs, strict=True):
                np.matmul(np.swapaxes(wl, 1, 2), a, out=z)
            _backward(w, ins, outs[-1], dw, d, sizes)


def in_threads(work, *args, runs=RUNS):
    """`work(part, *args)` for `runs` runs split in parts over the engine's threads (THREADS, at
    most one per run), BLAS at one thread each."""
    threads = min(THREADS, runs)
    bounds = np.linspace(0, runs, threads + 1).round().astype(int)
    with threadpool_limits(1), ThreadPoolExecutor(threads) as pool:
        for job in [pool.submit(work, part, *args) for part in np.diff(bounds)]:
            job.result()


def transposed(x):
    return np.ascontiguousarray(x.T, dtype=np.float32)


def torch_runs(ds, runs, batch_size=None):
    x = torch.from_numpy(ds.X_train.astype(np.float32))
    y = torch.from_numpy(ds.y_train.astype(np.float32)).reshape(-1, 1)
    n = len(x)
    for run in range(runs):
        torch.manual_seed(run)
        model = torch.nn.Sequential(
            torch.nn.Linear(2, 32), torch.nn.Tanh(),
            torch.nn.Linear(32, 32), torch.nn.Tanh(),
            torch.nn.Linear(32, 1),
        )
        optimizer = torch.optim.SGD(model.parameters(), lr=LR)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(EPOCHS):
            if batch_size is None:
                batches = [(x, y)]
            else:
                order = torch.randperm(n)
                batches = [(x[i], y[i]) for i in order.split(batch_size)]
            for xb, yb in batches:
                optimizer.zero_grad()
                loss = loss_fn(model(xb), yb)
                loss.backward()
                optimizer.step()


def sklearn_runs(ds, runs):
    x = ds.X_train.astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                # ConvergenceWarning
        for run in range(runs):
            MLPClassifier(
                hidden_layer_sizes=SIZES[1:-1], activation="tanh", solver="sgd", alpha=0.0,
                batch_size=len(x), learning_rate_init=LR, max_iter=EPOCHS, momentum=0.0,
                tol=0.0, n_iter_no_change=EPOCHS + 1, random_state=run,
            ).fit(x, ds.y_train)


class Peer:
    """The JAX peer (`jax_peer.py`) in a process of its own, with 2 host devices; `missing`
    says why there is none."""

    def __init__(self):
        self.missing = None if importlib.util.find_spec("jax") else (
            "jax is not installed (pip install jax jaxlib)")
        if self.missing:
            return
        flags = f"{os.environ.get('XLA_FLAGS', '')} --xla_force_host_platform_device_count=2"
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("jax_peer.py"))],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            env=dict(os.environ, XLA_FLAGS=flags.strip(), TF_CPP_MIN_LOG_LEVEL="2"))

    def ask(self, *request):
        pickle.dump(request, self.process.stdin)
        self.process.stdin.flush()
        return pickle.load(self.process.stdout)

    def close(self):
        pickle.dump(("quit",), self.process.stdin)
        self.process.stdin.close()
        self.process.wait()


def peer_workload(ds, specs, seeds, hidden, batch):
    """The initial weights of iv.train's runs (per run, as `initial_weights` takes them), and
    the peer's request: the same weights stacked, the data, each run's sample order per epoch
    as iv.train draws them."""
    sizes = (2, *hidden, 1)
    starts = [iv.mlp.initial_weights(s, seed, sizes) for s in specs for seed in seeds]
    params = [tuple(np.stack([run[layer][i] for run in starts]).astype(np.float32)
                    for i in range(2)) for layer in range(len(sizes) - 1)]
    orders = None
    if batch:
        n = len(ds.X_train)
        rngs = [np.random.default_rng([iv.training.SHUFFLE_TAG, s]) for s in sorted(seeds)]
        rows = np.unique([s for _ in specs for s in seeds], return_inverse=True)[1]
        orders = np.stack([np.stack([rng.permutation(n) for rng in rngs])[rows]
                           for _ in range(EPOCHS)]).astype(np.int32)
    f32 = {name: getattr(ds, name).astype(np.float32)
           for name in ("X_train", "y_train", "X_val", "y_val")}
    return starts, {
        "params": params, "orders": orders, "epochs": EPOCHS, "batch": batch, "lr": LR,
        "x_train": f32["X_train"], "t_train": f32["y_train"],
        "x_val": f32["X_val"], "t_val": f32["y_val"],
    }


def loss_gap(result, losses):
    """Largest difference between iv.train's recorded train and val losses and the peer's."""
    h = result.history
    gaps = []
    for split, peer in zip(("train", "val"), losses, strict=True):
        ours = h[h["split"] == split].pivot(index="epoch", columns="run", values="loss")
        gaps.append(np.nanmax(np.abs(ours.to_numpy() - peer)))
    return max(gaps)


def compare(ds, peer, name, repeat):
    """{iv, jax, floor: best seconds}, the peer's compile seconds and devices, and the loss gap
    on workload `name`. The peer runs once untimed after compiling (its losses are compared
    with the last timed iv.train's)."""
    specs, seeds, hidden, batch = WORKLOADS[name]
    starts, workload = peer_workload(ds, specs, seeds, hidden, batch)
    compile_seconds, devices = peer.ask("setup", name, workload)
    losses = peer.ask("run", name)
    splits = [transposed(ds.X_val), transposed(ds.X_train)]
    last = {}
    times = best_interleaved({
        "iv": lambda: last.update(iv=engine(ds, batch, specs, seeds, hidden, starts)),
        "jax": lambda: peer.ask("run", name),
        "floor": lambda: in_threads(engine_matmuls, splits, (2, *hidden, 1), batch,
                                    runs=len(specs) * len(seeds)),
    }, repeat)
    return times, compile_seconds, devices, loss_gap(last["iv"], losses)


def versus_jax(ds, repeat):
    """Time iv.train, its matmul floor and the JAX peer on WORKLOADS, in alternating rounds."""
    peer = Peer()
    if peer.missing:
        print(f"JAX rows skipped: {peer.missing}")
        return
    start = time.perf_counter()
    iv.train(ds, SPECS[:1], [0], SIZES[1:-1], epochs=1)   # untimed below, as JAX's compile
    print(f"iv.train's first call: {time.perf_counter() - start:.2f} s (numba compiles its "
          "kernels once, later processes load them from the disk cache)")
    print(f"iv.train against JAX (jit of one lax.scan over epochs of vmap(epoch), runs sharded "
          f"over 2 host devices, in a process of its own); best of {repeat} alternating rounds")
    print(f"  {'workload':10s} {'iv.train':>9s} {'floor':>8s} {'JAX':>8s} {'compile':>8s} "
          f"{'JAX/iv':>7s} {'iv/floor':>8s} {'loss gap':>9s}")
    goals = ("W", "W64", "K=8", "K=200")
    try:
        with patch.object(iv.limits, "MAX_RUNS", 200):   # K = 200 is over the demo's cap
            for name in WORKLOADS:
                times, compile_seconds, devices, gap = compare(ds, peer, name, repeat)
                ours, theirs = times["iv"], times["jax"]
                verdict = "" if name not in goals else (
                    f"goal JAX/iv >= 1 {'met' if theirs >= ours else 'MISSED'}")
                print(f"  {name:10s} {ours:8.3f}s {times['floor']:7.3f}s {theirs:7.3f}s "
                      f"{compile_seconds:7.2f}s {theirs / ours:7.2f} "
                      f"{ours / times['floor']:8.2f} {gap:9.1e}  {verdict}")
    finally:
        peer.close()
    print(f"  ({devices} JAX devices; goals: JAX/iv >= 1 on {', '.join(goals)}; iv/floor <= 1.3; "
          "loss gap: largest |iv - JAX| of the recorded train and val losses)")


def row(name, seconds, note=""):
    print(f"  {name:37s} {seconds:7.3f} s  {1e6 * seconds / (RUNS * EPOCHS):7.1f} us  {note}")


def ratio(name, value, goal=None):
    if goal is None:
        verdict = ""
    else:
        sign, target = goal
        met = value >= target if sign == ">=" else value <= target
        verdict = f"goal {sign} {target:<4g} {'met' if met else 'MISSED'}"
    print(f"  {name:37s} {value:7.2f}    {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="time 8 PyTorch runs of the 40 (2 with minibatches) and 5 "
                             "scikit-learn runs, and scale; one round against JAX")
    parser.add_argument("--jax", action="store_true", help="only the comparison with JAX")
    args = parser.parse_args()
    quick = args.quick

    ds = iv.load_dataset("moons", n_samples=1000, noise=0.2)
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, "
          f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"moons {len(ds.X_train)} training samples, {'-'.join(map(str, SIZES))} tanh, "
          f"{len(SPECS)} initializers x {len(SEEDS)} seeds = {RUNS} runs, {EPOCHS} epochs, "
          f"SGD lr {LR}, float32")
    if not args.jax:
        versus_others(ds, quick)
    versus_jax(ds, 1 if quick else 3)


def versus_others(ds, quick):
    """Time iv.train, its floors, PyTorch and scikit-learn on the reference workload."""
    print(f"  {'':37s} {'time':>9s}  {'per run-epoch':>13s}")

    # PyTorch and scikit-learn train the runs one after another, so `runs` of them take
    # runs / RUNS of the time of all: --quick times a few and scales.
    torch_count, mini_count, sk_count = (8, 2, 5) if quick else (RUNS, RUNS, RUNS)
    full = {
        "iv.train": lambda: engine(ds),
        "floor": lambda: in_threads(engine_matmuls, [transposed(ds.X_val), transposed(ds.X_train)]),
        "products": lambda: in_threads(training_matmuls, transposed(ds.X_train)),
    }
    mini = {"iv.train": lambda: engine(ds, BATCH)}
    if torch:
        full["torch"] = lambda: torch_runs(ds, torch_count)
        mini["torch"] = lambda: torch_runs(ds, mini_count, BATCH)
    full = best_interleaved(full, repeat=5)
    mini = best_interleaved(mini, repeat=3)
    if torch:
        full["torch"] *= RUNS / torch_count
        mini["torch"] *= RUNS / mini_count

    print("full batch")
    row("iv.train", full["iv.train"])
    row("its matmuls alone (floor)", full["floor"])
    row("training matmuls, no val, no bias", full["products"])
    if torch:
        row("PyTorch, runs in turn", full["torch"],
            f"({torch_count} runs x {RUNS // torch_count})" if quick else "")
    sk = best_interleaved({"sk": lambda: sklearn_runs(ds, sk_count)}, repeat=1)["sk"]
    sk *= RUNS / sk_count
    row("scikit-learn MLPClassifier", sk,
        f"({sk_count} runs x {RUNS // sk_count})" if quick else "")

    print(f"minibatches of {BATCH}")
    row("iv.train", mini["iv.train"])
    if torch:
        row("PyTorch, runs in turn", mini["torch"],
            f"({mini_count} runs x {RUNS // mini_count})" if quick else "")

    print("ratios (each pair timed in alternation, best of 5 rounds full batch, 3 minibatch)")
    ours = full["iv.train"]
    if torch:
        ratio("PyTorch / iv.train, full batch", full["torch"] / ours, (">=", 4))
        ratio(f"PyTorch / iv.train, batch {BATCH}", mini["torch"] / mini["iv.train"],
              (">=", 15))
    else:
        print("  PyTorch rows skipped: torch is not installed (pip install torch)")
    ratio("iv.train / its matmuls alone, full batch", ours / full["floor"], ("<=", 1.5))
    ratio("iv.train / training matmuls, full batch", ours / full["products"])
    ratio("scikit-learn / iv.train, full batch", sk / ours)


if __name__ == "__main__":
    main()
