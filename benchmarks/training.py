"""How long `iv.train` takes for the page's reference workload, against a floor and other libraries.

The workload: moons, 1000 samples (700 in the training split), a 2-32-32-1 tanh MLP, 8
initializers x 5 seeds = 40 runs, 300 epochs of plain SGD (lr 0.1), float32. Measured in the
same process, wall clock, best of a few repeats:

- ``iv.train`` full batch, and with minibatches of 64. Besides training it records train and
  validation loss and accuracy every epoch, gradient norms and decision-boundary grids.
- "matmuls alone": only the weight matrix products of training, batched over the stacked runs
  as ``np.matmul`` on (runs, ., .) arrays into preallocated buffers: per epoch the 3 forward
  products on the training split and the 5 backward ones (3 weight gradients, 2 input
  gradients; the one with inner size 1 as a broadcast multiply, faster, as the engine does),
  split over the same threads as the engine (2 threads, BLAS limited to 1 thread each). No
  bias, activation, loss, update, validation pass or recording: a floor, it does not train.
- PyTorch (optional): the idiomatic loop, nn.Sequential + torch.optim.SGD + BCEWithLogitsLoss,
  one run after another, default torch threading; minibatches are slices of a fresh
  torch.randperm each epoch. It records nothing.
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
from timing import best  # also puts the checkout on the path

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


def matmuls(x, runs):
    """The weight products of EPOCHS full-batch steps of `runs` stacked nets; x is (in, n)."""
    n = x.shape[1]
    rng = np.random.default_rng(0)
    w = [(rng.standard_normal((runs, a, b)) / np.sqrt(a)).astype(np.float32)
         for a, b in zip(SIZES[:-1], SIZES[1:], strict=True)]
    z = [np.empty((runs, b, n), np.float32) for b in SIZES[1:]]
    da = [np.empty((runs, b, n), np.float32) for b in SIZES[1:-1]]
    dw = [np.empty_like(wl) for wl in w]
    for _ in range(EPOCHS):
        a = x
        for wl, zl in zip(w, z, strict=True):
            np.matmul(np.swapaxes(wl, 1, 2), a, out=zl)
            a = zl
        d = z[-1]                                     # stands in for d loss / d logits
        for layer in reversed(range(len(w))):
            np.matmul(z[layer - 1] if layer else x, np.swapaxes(d, 1, 2), out=dw[layer])
            if layer:                                 # an outer product is faster broadcast
                product = np.multiply if w[layer].shape[-1] == 1 else np.matmul
                product(w[layer], d, out=da[layer - 1])
                d = da[layer - 1]


def matmul_floor(ds):
    x = np.ascontiguousarray(ds.X_train.T, dtype=np.float32)
    bounds = np.linspace(0, RUNS, THREADS + 1).round().astype(int)
    sizes = np.diff(bounds)
    with threadpool_limits(1), ThreadPoolExecutor(THREADS) as pool:
        for job in [pool.submit(matmuls, x, runs) for runs in sizes]:
            job.result()


def torch_runs(ds, batch_size=None):
    x = torch.from_numpy(ds.X_train.astype(np.float32))
    y = torch.from_numpy(ds.y_train.astype(np.float32)).reshape(-1, 1)
    n = len(x)
    for run in range(RUNS):
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
    parser.add_argument("--quick", action="store_true", help="time 5 scikit-learn runs, x8")
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

    print("full batch")
    ours = best(lambda: engine(ds), repeat=5)
    row("iv.train", ours)
    floor = best(lambda: matmul_floor(ds), repeat=5)
    row("matmuls alone (floor)", floor)
    if torch:
        theirs = best(lambda: torch_runs(ds), repeat=2)
        row("PyTorch, runs in turn", theirs)
    sk_runs = 5 if quick else RUNS
    sk = best(lambda: sklearn_runs(ds, sk_runs), repeat=1) * RUNS / sk_runs
    row("scikit-learn MLPClassifier", sk, f"({sk_runs} runs x {RUNS // sk_runs})" if quick else "")

    print(f"minibatches of {BATCH}")
    ours_mb = best(lambda: engine(ds, BATCH))
    row("iv.train", ours_mb)
    if torch:
        theirs_mb = best(lambda: torch_runs(ds, BATCH), repeat=1)
        row("PyTorch, runs in turn", theirs_mb)

    print("ratios")
    if torch:
        ratio("PyTorch / iv.train, full batch", theirs / ours, (">=", 4))
        ratio(f"PyTorch / iv.train, batch {BATCH}", theirs_mb / ours_mb, (">=", 15))
    else:
        print("  PyTorch rows skipped: torch is not installed (pip install torch)")
    ratio("iv.train / matmul floor, full batch", ours / floor, ("<=", 1.5))
    ratio("scikit-learn / iv.train, full batch", sk / ours)


if __name__ == "__main__":
    main()
