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
  scales by 5 (the runs take turns, each the same time).
- scikit-learn MLPClassifier: same network, sgd, full batch, no momentum, no L2, all 300 epochs,
  one run after another. ``--quick`` times 5 of the 40 runs and scales by 8.

Run: ``python benchmarks/training.py [--quick]`` (torch rows are skipped if torch is missing).
"""

import argparse
import os
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor

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




def engine(ds, batch_size=None):
    return iv.train(ds, SPECS, SEEDS, SIZES[1:-1], "tanh", "sgd", LR, EPOCHS, batch_size)


def _weights(runs, bias_row):
    rng = np.random.default_rng(0)
    return [(rng.standard_normal((runs, a + bias_row, b)) / np.sqrt(a)).astype(np.float32)
            for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]


def _backward(w, inputs, d, dw, da):
    """Weight products (into `dw`) and input products (into `da`) from logits gradient `d`."""
    for layer in reversed(range(len(w))):
        np.matmul(inputs[layer], np.swapaxes(d, 1, 2), out=dw[layer])
        if layer:                                 # an outer product is faster broadcast
            product = np.multiply if w[layer].shape[-1] == 1 else np.matmul
            product(w[layer][:, :SIZES[layer]], d, out=da[layer - 1])
            d = da[layer - 1]


def training_matmuls(x, runs):
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


def engine_matmuls(splits, runs):
    """Every matrix product of EPOCHS full-batch epochs of iv.train for `runs` stacked nets.

    Forward on the validation split, then on the training split (whose logits feed the
    backward pass), each layer's input with the engine's row of ones for the bias, so that one
    product gives W·a + b forward and the weight and bias gradients together backward.
    `splits`: validation and training inputs as (in, n) arrays.
    """
    w = _weights(runs, 1)
    passes = []
    for x in splits:
        n = x.shape[1]
        inputs = [np.ones((runs, a + 1, n), np.float32) for a in SIZES[:-1]]
        inputs[0][:, :-1] = x
        outputs = [i[:, :-1] for i in inputs[1:]] + [np.empty((runs, SIZES[-1], n), np.float32)]
        passes.append((inputs, outputs))
    inputs, outputs = passes[-1]
    da = [np.empty((runs, b, inputs[0].shape[-1]), np.float32) for b in SIZES[1:-1]]
    dw = [np.empty_like(wl) for wl in w]
    for _ in range(EPOCHS):
        for ins, outs in passes:
            for wl, a, z in zip(w, ins, outs, strict=True):
                np.matmul(np.swapaxes(wl, 1, 2), a, out=z)
        _backward(w, inputs, outputs[-1], dw, da)


def in_threads(work, *args):
    """`work(*args, runs)` for the 40 runs split over THREADS threads, BLAS at one thread each."""
    bounds = np.linspace(0, RUNS, THREADS + 1).round().astype(int)
    with threadpool_limits(1), ThreadPoolExecutor(THREADS) as pool:
        for job in [pool.submit(work, *args, runs) for runs in np.diff(bounds)]:
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
                        help="time 8 PyTorch and 5 scikit-learn runs of the 40, and scale")
    quick = parser.parse_args().quick

    ds = iv.load_dataset("moons", n_samples=1000, noise=0.2)
    print(f"numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, "
          f"{os.cpu_count()} CPUs, python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"moons {len(ds.X_train)} training samples, {'-'.join(map(str, SIZES))} tanh, "
          f"{len(SPECS)} initializers x {len(SEEDS)} seeds = {RUNS} runs, {EPOCHS} epochs, "
          f"SGD lr {LR}, float32")
    print(f"  {'':37s} {'time':>9s}  {'per run-epoch':>13s}")

    # PyTorch and scikit-learn train the runs one after another, so `runs` of them take
    # runs / RUNS of the time of all: --quick times a few and scales.
    torch_count, sk_count = (8, 5) if quick else (RUNS, RUNS)
    scaled = f"({torch_count} runs x {RUNS // torch_count})" if quick else ""
    full = {
        "iv.train": lambda: engine(ds),
        "floor": lambda: in_threads(engine_matmuls, [transposed(ds.X_val), transposed(ds.X_train)]),
        "products": lambda: in_threads(training_matmuls, transposed(ds.X_train)),
    }
    mini = {"iv.train": lambda: engine(ds, BATCH)}
    if torch:
        full["torch"] = lambda: torch_runs(ds, torch_count)
        mini["torch"] = lambda: torch_runs(ds, torch_count, BATCH)
    full = best_interleaved(full, repeat=5)
    mini = best_interleaved(mini, repeat=3)
    for times in (full, mini):
        if torch:
            times["torch"] *= RUNS / torch_count

    print("full batch")
    row("iv.train", full["iv.train"])
    row("its matmuls alone (floor)", full["floor"])
    row("training matmuls, no val, no bias", full["products"])
    if torch:
        row("PyTorch, runs in turn", full["torch"], scaled)
    sk = best_interleaved({"sk": lambda: sklearn_runs(ds, sk_count)}, repeat=1)["sk"]
    sk *= RUNS / sk_count
    row("scikit-learn MLPClassifier", sk,
        f"({sk_count} runs x {RUNS // sk_count})" if quick else "")

    print(f"minibatches of {BATCH}")
    row("iv.train", mini["iv.train"])
    if torch:
        row("PyTorch, runs in turn", mini["torch"], scaled)

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
