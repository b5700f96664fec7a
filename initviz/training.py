"""Train K = initializers × seeds small MLPs at once and record how each one learns.

All runs share the data and the architecture, so their weights are stacked and one vectorized
step trains them all. A run whose loss becomes NaN or infinite is frozen (weights and optimizer
state set to zero) and reported with the epoch it diverged at; the others go on.
"""

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np
from threadpoolctl import threadpool_limits

from . import cost, fused, limits, lsuv, mlp, residual
from .activations import get_activation
from .datasets import DATASETS, Dataset, load_dataset
from .errors import InputError, check_choice, check_float, check_int
from .initializers import check_flavor, resolve
from .losses import HEADS
from .optimizers import OPTIMIZERS, make_optimizer
from .results import Boundaries, Records, TrainResult, grad_norm_epochs

GRID_SIZE = 40
GRID_CHUNK = 400    # grid points per forward pass: the grid's buffers stay small in deep nets
BOUNDARY_FRAMES = 11
PENDING_BYTES = 4 << 20   # logits of observed epochs held for one batched record (`flush`)
SHUFFLE_TAG = 7_919  # separates the minibatch-shuffling stream from the weight streams
THREAD_NUMBERS = 32_768
"""Fewest numbers per pass of a numpy step (runs × widest layer × samples) that each of two
threads needs for the split to pay: with fewer, the threads wait on each other for Python's lock
more than they compute at once (a `fused.step` holds no lock: its threads always pay).
Measured (moons, 2-32-32-1, minibatches of 64, numpy steps), 1 thread vs 2:
8 runs 0.53 vs 0.85 s, 24 runs 1.30 vs 1.28 s, 32 runs 1.99 vs 1.64 s."""


@dataclass(frozen=True)
class Plan:
    """A validated training request."""

    dataset: Dataset
    labels: tuple        # initializer label of each run
    seeds: tuple         # seed of each run
    sizes: tuple         # layer widths, input first
    activation: str
    optimizer: str
    lr: float
    momentum: float
    epochs: int
    batch_size: int | None
    dtype: np.dtype
    threads: int
    """Threads the runs may be shared among, as the cost model counts them."""
    boundary_epochs: tuple = ()
    max_seconds: float | None = None
    """Estimated compute (`initviz.cost`) over which the request is refused; None: the demo's
    per-request budget."""
    residual: str | None = None
    """The branch scaling of a residual net (`initviz.residual`), None for a plain stack."""
    auto_threads: bool = False
    """Threads not given: `train` shares the runs only where that pays (`THREAD_NUMBERS`), so
    that it is never slower than the `threads` the cost model counts."""

    @property
    def k(self):
        return len(self.labels)


def _threads_used(plan):
    """The threads `train` shares the runs among: `plan.threads` if given or if its steps are
    fused, else those where each thread passes over at least THREAD_NUMBERS numbers at a time,
    or one."""
    if not plan.auto_threads or fused.applies(plan):
        return plan.threads
    rows = plan.batch_size or len(plan.dataset.X_train)
    shares = plan.k / plan.threads * max(plan.sizes[1:]) * rows >= THREAD_NUMBERS
    return plan.threads if shares else 1


def _seed_list(seeds):
    seeds = [seeds] if np.isscalar(seeds) else list(seeds)
    seeds = [check_int("seed", s, 0, limits.MAX_SEED) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise InputError("Give at least one seed, and each seed once.")
    return seeds


def _boundary_epochs(dataset, epochs):
    """Epochs to draw decision boundaries at: evenly spaced, for 2-D classification only."""
    if dataset.n_features != 2 or dataset.task == "regression":
        return ()
    return tuple(int(e) for e in np.unique(np.linspace(0, epochs, BOUNDARY_FRAMES).round()))


def _seconds(plan):
    return cost.training_seconds(plan, GRID_SIZE**2)


def _allowed(plan):
    if plan.max_seconds is None:
        return not cost.over_budget(_seconds(plan))
    return _seconds(plan) <= plan.max_seconds


def _with_epochs(plan, epochs):
    return replace(plan, epochs=epochs, boundary_epochs=_boundary_epochs(plan.dataset, epochs))


def _with_runs(plan, n_specs, n_seeds):
    """`plan` for its first `n_specs` initializers and first `n_seeds` seeds."""
    per_spec = len(set(plan.seeds))
    labels = plan.labels[::per_spec][:n_specs]
    seeds = plan.seeds[:per_spec][:n_seeds]
    return replace(plan, labels=tuple(np.repeat(labels, len(seeds))),
                   seeds=tuple(seeds * len(labels)), threads=min(plan.threads, n_specs * n_seeds))


def _check_cost(plan):
    """Refuse a request over the demo's compute budget, naming the largest number of epochs,
    of seeds or of initializers that is not."""
    if _allowed(plan):
        return
    n_seeds = len(set(plan.seeds))
    n_specs = plan.k // n_seeds
    alternatives = []
    epochs = cost.largest(lambda e: _allowed(_with_epochs(plan, e)), 1, plan.epochs - 1)
    if epochs:
        alternatives.append(f"at most {epochs:,} epochs")
    seeds = cost.largest(lambda m: _allowed(_with_runs(plan, n_specs, m)), 1, n_seeds - 1)
    if seeds:
        alternatives.append(f"{seeds} seed{'s' if seeds > 1 else ''}")
    specs = cost.largest(lambda m: _allowed(_with_runs(plan, m, n_seeds)), 1, n_specs - 1)
    if specs:
        alternatives.append(f"{specs} initializer{'s' if specs > 1 else ''}")
    raise cost.refusal(_seconds(plan), alternatives,
                       plan.max_seconds or limits.MAX_REQUEST_SECONDS)


def _check_held(runs, per_run, cap, what, smaller):
    """Refuse `runs` nets that hold `per_run` numbers each when together they pass `cap`."""
    if runs * per_run <= cap:
        return
    most = cap // per_run
    fewer = f"use at most {most} runs (initializers × seeds), or fewer {smaller}" if most else (
        f"use fewer {smaller}")
    raise InputError(f"{runs} runs of this net hold too many {what} at once for the demo: "
                     f"{fewer}.")


def _check_size(plan):
    """Refuse requests over the hosted-demo caps, before any work is done."""
    n_train = len(plan.dataset.X_train)
    steps = plan.epochs * math.ceil(n_train / (plan.batch_size or n_train))
    if steps > limits.MAX_TRAIN_STEPS:
        raise InputError(
            f"{steps:,} optimizer steps is over the demo's {limits.MAX_TRAIN_STEPS:,}: "
            "use a larger batch or fewer epochs."
        )
    rows = max(n_train, len(plan.dataset.X_val), GRID_CHUNK)
    _check_held(plan.k, rows * sum(plan.sizes[1:]), limits.MAX_TRAIN_ACTIVATIONS, "activations",
                "samples or units")
    params = sum((a + 1) * b for a, b in zip(plan.sizes[:-1], plan.sizes[1:], strict=True))
    _check_held(plan.k, params, limits.MAX_TRAIN_PARAMETERS, "weights", "layers or units")
    _check_cost(plan)


def _check_residual(scaling, hidden):
    """`scaling` checked, for hidden layers that can hold residual blocks."""
    scaling = residual.check_residual(scaling)
    if scaling is not None and (len(hidden) < 2 or len(set(hidden)) > 1):
        raise InputError("A residual net needs at least two hidden layers, all of the same "
                         "width (the first is a plain layer, each next one a block).")
    return scaling


def _plan(dataset, specs, seeds, hidden, activation, optimizer, lr, momentum, epochs, batch_size,
          flavor, dtype, threads, max_seconds=None, scaling=None):
    if isinstance(dataset, str):
        dataset = load_dataset(check_choice("dataset", dataset, DATASETS))
    if not isinstance(dataset, Dataset):
        raise InputError("dataset must be a dataset name or a Dataset from load_dataset.")
    specs = [specs] if isinstance(specs, str) else list(specs)
    if not 1 <= len(specs) <= limits.MAX_SPECS:
        raise InputError(f"Compare between 1 and {limits.MAX_SPECS} initializers.")
    flavor = check_flavor(flavor)
    labels = [resolve(s).label for s in specs]
    if len(set(labels)) != len(labels):
        raise InputError("Each initializer may appear only once.")
    seeds = _seed_list(seeds)
    k = check_int("Number of runs (initializers × seeds)", len(labels) * len(seeds), 1,
                  limits.MAX_RUNS)
    hidden = [hidden] if np.isscalar(hidden) else list(hidden)
    check_int("Number of hidden layers", len(hidden), 0, limits.MAX_HIDDEN_LAYERS)
    hidden = [check_int("Hidden layer width", h, 1, limits.MAX_HIDDEN_WIDTH) for h in hidden]
    epochs = check_int("Epochs", epochs, 1, limits.MAX_EPOCHS)
    n_train = len(dataset.X_train)
    if batch_size is not None:
        batch_size = check_int("Batch size", batch_size, 1, n_train)
    plan = Plan(
        dataset=dataset,
        labels=tuple(np.repeat(labels, len(seeds))),
        seeds=tuple(seeds * len(labels)),
        sizes=(dataset.n_features, *hidden, dataset.n_outputs),
        activation=get_activation(activation).label,
        optimizer=check_choice("optimizer", optimizer, OPTIMIZERS),
        lr=check_float("learning rate", lr, 1e-8, 100.0),
        momentum=check_float("momentum", momentum, 0.0, 0.999),
        epochs=epochs,
        batch_size=None if batch_size == n_train else batch_size,
        dtype=np.dtype(check_choice("dtype", dtype, ("float32", "float64"))),
        threads=check_int("threads", min(2, os.cpu_count() or 1, k) if threads is None
                          else threads, 1, 8),
        boundary_epochs=_boundary_epochs(dataset, epochs),
        max_seconds=None if max_seconds is None else check_float("max_seconds", max_seconds,
                                                                 0.0, math.inf),
        residual=_check_residual(scaling, hidden),
        auto_threads=threads is None,
    )
    for label in labels:
        lsuv.check_plain(label, plan.residual)
    _check_size(plan)
    return plan, flavor


def _start(plan, label, seed, flavor, bias):
    """The initial weights of one run; an LSUV run's fitted on the training inputs."""
    if not lsuv.is_lsuv(label):
        return mlp.initial_weights(label, seed, plan.sizes, flavor, bias, plan.residual)
    start = mlp.initial_weights(lsuv.START, seed, plan.sizes, flavor, bias)
    weights, _ = lsuv.fit(start, plan.dataset.X_train, plan.activation, *lsuv.settings(label))
    return [(W, b) for W, (_, b) in zip(weights, start, strict=True)]


class Group:
    """The runs `runs` (a slice of the K), trained in one thread on views of the stacked weights.

    A step is computed by the compiled `fused.step` where it applies, else by numpy (`mlp`).
    """

    def __init__(self, plan, runs, params, data, records, grid):
        self.plan, self.runs, self.records, self.grid = plan, runs, records, grid
        self.data = {split: (np.ascontiguousarray(x.T), np.ascontiguousarray(t.T))
                     for split, (x, t) in data.items()}               # samples along axis -1
        self.head = HEADS[plan.dataset.task]()
        self.shared = [p[runs] for p in params]     # written back after each chunk of epochs
        self.net = (mlp.MLP(self.shared, plan.sizes, plan.activation) if plan.residual is None
                    else mlp.ResidualMLP(self.shared, plan.sizes, plan.activation, plan.residual))
        self.optimizer = make_optimizer(plan.optimizer, [self.net.flat], plan.lr, plan.momentum)
        self.dead = np.zeros(self.net.k, dtype=bool)
        self.targets = self.head.gradient_targets(self.data["train"][1])
        self.norm_epochs = frozenset((grad_norm_epochs(plan.epochs) - 1).tolist())   # 0-based
        self.norm_starts = mlp.weight_starts(plan.sizes)
        self.squares = np.empty_like(self.net.flat_grads)
        n_train = len(plan.dataset.X_train)
        steps = math.ceil(n_train / (plan.batch_size or n_train))
        self.step_sums = np.empty((steps, self.net.k, len(self.norm_starts)), self.squares.dtype)
        self.seed_rows = np.unique(plan.seeds, return_inverse=True)[1][runs]
        n = {split: x.shape[-1] for split, (x, _) in self.data.items()}
        held = max(1, min(plan.epochs + 1, PENDING_BYTES // (
            self.net.k * plan.sizes[-1] * sum(n.values()) * self.net.flat.itemsize)))
        self.logits = {split: np.empty((held, self.net.k, plan.sizes[-1], n[split]),
                                       self.net.flat.dtype) for split in self.data}
        self.observed, self.pending = 0, 0    # epochs recorded, epochs whose logits wait
        self.fused = fused.applies(plan)
        if self.fused:       # samples along axis 0, as the kernels read them
            self.rows = {split: np.ascontiguousarray(x) for split, (x, _) in data.items()}
            self.fused_args = (np.array(plan.sizes), plan.activation == "relu")
            self.fused_buffers = {}

    def observe(self, epoch, train=True):
        """Forward the weights after `epoch` epochs on the grid (at a boundary epoch), the
        validation and (if `train`) the training split; keep the logits for `flush`.

        The training split goes last: `learn` can backpropagate from the logits returned.
        """
        if epoch in self.plan.boundary_epochs:
            frame = self.plan.boundary_epochs.index(epoch)
            for start in range(0, self.grid.shape[1], GRID_CHUNK):
                part = slice(start, start + GRID_CHUNK)
                self.records.grid[frame, self.runs, :, part] = self.head.output(
                    self.net.forward(self.grid[:, part]))
        if self.pending == len(self.logits["val"]):
            self.flush()
        for split in ("val", "train")[:2 if train else 1]:
            z = self.forward(split)
            self.logits[split][self.pending] = z
        self.pending += 1
        return z

    def forward(self, split):
        """The logits of the current weights on the whole split `split`."""
        if not self.fused:
            return self.net.forward(self.data[split][0])
        rows = self.rows[split]
        buf = self.buffers(len(rows))
        fused.forward(self.net.flat, *self.fused_args, rows[None], 0, len(rows), buf.inputs,
                      buf.logits)
        return buf.logits

    def buffers(self, n):
        """The `fused.Buffers` of passes over n samples."""
        if n not in self.fused_buffers:
            self.fused_buffers[n] = fused.Buffers(self.net.k, self.plan.sizes, n)
        return self.fused_buffers[n]

    def flush(self):
        """Record loss and accuracy of the epochs observed since the last flush, all at once,
        and freeze the runs whose loss became NaN or infinite then, from the first such epoch.

        Exact: runs are independent, and a run's records from its diverged epoch on are not
        kept (`TrainResult.build`), so freezing it a few epochs later changes nothing kept.
        """
        if not self.pending:
            return
        epochs = slice(self.observed, self.observed + self.pending)
        finite = ~self.dead
        for split, (_, t) in self.data.items():
            z = self.logits[split][:self.pending]
            loss = self.records.loss[split]
            loss[epochs, self.runs] = self.head.losses(z, t)
            self.records.accuracy[split][epochs, self.runs] = self.head.accuracies(z, t)
            finite = finite & np.isfinite(loss[epochs, self.runs])
        bad = ~finite & ~self.dead
        hit = bad.any(axis=0)
        if hit.any():
            self.records.diverged[self.runs][hit] = self.observed + bad.argmax(axis=0)[hit]
            self.dead |= hit
            self.net.flat[hit] = 0
            self.optimizer.reset(hit)
        self.observed += self.pending
        self.pending = 0

    def learn(self, epoch, step, t, z):
        """Step `step` of epoch `epoch`: one optimizer step from logits `z` of the last forward
        pass, with targets `t` (`head.gradient_targets`)."""
        dz = self.head.gradient(z, t, self.net.output_gradient_buffer(z.shape[-1]))
        self.net.backward(dz)
        self.update(epoch, step)

    def learn_fused(self, epoch, step, xs, us, lo, hi):
        """Step `step` of epoch `epoch` by `fused.step`, on samples lo..hi − 1 of `xs`
        (runs or 1, samples, in) with `us` (runs or 1, samples) as targets; returns the logits
        of the forward pass it made."""
        buf = self.buffers(hi - lo)
        fused.step(self.net.flat, self.net.flat_grads, *self.fused_args, xs, us, lo, hi,
                   buf.inputs, buf.logits, buf.deltas, buf.squares)
        self.update(epoch, step, buf.squares)
        return buf.logits

    def update(self, epoch, step, squares=None):
        """Freeze the dead runs, keep Σ g² of each layer's W and b at the kept epochs
        (`squares`, else computed here in one reduceat), step the optimizer."""
        if self.dead.any():
            self.net.flat_grads[self.dead] = 0
        if epoch in self.norm_epochs and squares is not None:
            self.step_sums[step] = squares
        elif epoch in self.norm_epochs:
            np.square(self.net.flat_grads, out=self.squares)
            np.add.reduceat(self.squares, self.norm_starts, axis=1, out=self.step_sums[step])
        self.optimizer.step([self.net.flat_grads])

    def record_grad_norms(self, epoch):
        """The weight-gradient norm of each layer summed over the steps of `epoch`, if kept."""
        if epoch in self.norm_epochs:
            norms = np.sqrt(self.step_sums[:, :, ::2])
            self.records.grad_norm[epoch, self.runs] = norms.sum(axis=0)

    def full_batch(self, epoch):
        """Record epoch `epoch` and take its step on the whole training split."""
        if not self.fused:
            self.learn(epoch, 0, self.targets, self.observe(epoch))
            return
        self.observe(epoch, train=False)          # the step's forward pass gives the logits
        rows = self.rows["train"]
        self.logits["train"][self.pending - 1] = self.learn_fused(
            epoch, 0, rows[None], self.targets, 0, len(rows))

    def minibatches(self, epoch, order):
        """Record epoch `epoch` and take its steps on minibatches in each run's `order`."""
        self.observe(epoch)
        batch, n = self.plan.batch_size, order.shape[1]
        if self.fused:
            xs, us = self.rows["train"][order], self.targets[0][order]
            for step, start in enumerate(range(0, n, batch)):
                self.learn_fused(epoch, step, xs, us, start, min(start + batch, n))
            return
        xs, ts = (np.swapaxes(a[:, order], 0, 1) for a in (self.data["train"][0], self.targets))
        for step, start in enumerate(range(0, n, batch)):           # views of one gather
            x, t = xs[..., start:start + batch], ts[..., start:start + batch]
            self.learn(epoch, step, t, self.net.forward(x))

    def run(self, first, last, orders):
        """Train epochs first..last-1; `orders[e]` holds each seed's sample order (or None)."""
        batch = self.plan.batch_size
        with np.errstate(all="ignore"):
            for epoch in range(first, last):
                if batch is None:
                    self.full_batch(epoch)
                else:
                    self.minibatches(epoch, orders[epoch - first][self.seed_rows])
                self.record_grad_norms(epoch)
            if last == self.plan.epochs:
                self.observe(last)
            self.flush()
        for shared, own in zip(self.shared, self.net.params, strict=True):
            shared[...] = own


def _grid(dataset, dtype):
    """A GRID_SIZE² grid over the data, with a margin, as an array of shape (2, points)."""
    both = np.vstack([dataset.X_train, dataset.X_val])
    low, high = both.min(axis=0) - 0.5, both.max(axis=0) + 0.5
    xs, ys = (np.linspace(lo, hi, GRID_SIZE) for lo, hi in zip(low, high, strict=True))
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.vstack([gx.ravel(), gy.ravel()]).astype(dtype)


def _orders(plan, rngs, count):
    """Each seed's shuffled sample order for the next `count` epochs: (count, seeds, n)."""
    n = len(plan.dataset.X_train)
    return np.stack([np.stack([rng.permutation(n) for rng in rngs]) for _ in range(count)])


def train(dataset, specs, seeds=(0,), hidden=(32, 32), activation="tanh", optimizer="sgd",
          lr=0.1, epochs=300, batch_size=None, flavor="keras", initial_weights=None,
          dtype="float32", momentum=0.9, bias=0.0, threads=None, on_progress=None, *,
          max_seconds=None, residual=None):
    """Train one MLP per (initializer, seed) on `dataset`, all at once.

    Parameters
    ----------
    dataset : str or Dataset
        A name from `DATASETS` (loaded with defaults) or a Dataset from `load_dataset`.
    specs : str or list of str
        Initializer specs; each initializes every layer's weights (``lsuv`` fits them on the
        training inputs, `initviz.lsuv`).
    seeds : int or list of int
        Seeds; layer l of a run draws with ``mlp.layer_seed(seed, l)``.
    hidden : list of int
        Hidden layer widths (all equal for a residual net).
    activation : str
        Hidden activation, e.g. "tanh", "relu", "leaky_relu(slope=0.2)".
    optimizer : {"sgd", "momentum", "adam"}
        Update rule, as torch.optim.SGD (momentum `momentum` for "momentum") and torch.optim.Adam.
    lr : float
        Learning rate.
    epochs : int
        Passes over the training split.
    batch_size : int or None
        Minibatch size (each seed shuffles the data its own way every epoch); None: full batch.
    flavor : {"keras", "pytorch", "jax"}
        Framework flavour of the initializers.
    initial_weights : list or None
        Per run (initializer-major, then seed) ``[(W, b), ...]`` to start from instead (for
        ReZero, each block's ``(W, b, gate)``), as `TrainResult.initial_weights` holds them.
    dtype : {"float32", "float64"}
        Precision of the computation.
    momentum : float
        Momentum of the "momentum" optimizer.
    bias : float or "framework"
        Initial value of every bias, or "framework": each bias drawn as the framework of the
        initializer and flavour draws it (PyTorch: U(±1/√fan_in), scikit-learn: its weights'
        uniform, Keras and Flax: zeros; see `initviz.biases`).
    threads : int or None
        Threads sharing the runs (BLAS then uses one thread each); None: 2 where the runs'
        steps are fused (`initviz.fused`) or large enough to share (`THREAD_NUMBERS`), else 1.
    on_progress : callable or None
        Called as ``on_progress(epochs_done, epochs)`` between chunks of epochs; an exception it
        raises stops training and propagates.
    max_seconds : float or None
        The compute budget: a request estimated (`initviz.cost`) to need more is refused before
        any work. None: the demo's per-request `limits.MAX_REQUEST_SECONDS`; an experiment that
        owns a larger budget (`initviz.trainability`) passes its own.
    residual : {None, "none", "sqrt_depth", "gpt2", "rezero", "fixup"}
        None: a plain stack. Otherwise hidden layers 2.. are residual blocks
        ``x_l = x_{l−1} + α·(φ(x_{l−1}) @ W_l + b_l)`` (`mlp.ResidualMLP`), their branches
        scaled as `initviz.residual` describes over L = len(hidden) − 1 blocks; ReZero's α is
        learned, one per block and run, initialized 0.

    Returns
    -------
    TrainResult
        With tidy `history`, `runs` and `grad_norms` (at up to `results.GRAD_NORM_EPOCHS`
        epochs) frames, `boundaries` for 2-D classification, `initial_weights` and final
        `weights`, and its size in bytes, `nbytes`.
    """
    plan, flavor = _plan(dataset, specs, seeds, hidden, activation, optimizer, lr, momentum,
                         epochs, batch_size, flavor, dtype, threads, max_seconds, residual)
    bias = bias if bias == "framework" else check_float("bias", bias, -10.0, 10.0)
    if initial_weights is None:
        starts = [_start(plan, label, seed, flavor, bias)
                  for label, seed in zip(plan.labels, plan.seeds, strict=True)]
    elif len(initial_weights) != plan.k:
        raise InputError(f"initial_weights must hold {plan.k} runs, got {len(initial_weights)}.")
    else:
        starts = initial_weights
    gated = mlp.gated_layers(plan.sizes, plan.residual)
    params = mlp.stack(starts, plan.sizes, plan.dtype, gated)
    ds = plan.dataset
    data = {
        "train": (ds.X_train.astype(plan.dtype), ds.targets(ds.y_train).astype(plan.dtype)),
        "val": (ds.X_val.astype(plan.dtype), ds.targets(ds.y_val).astype(plan.dtype)),
    }
    xs, ys, grid = _grid(ds, plan.dtype) if plan.boundary_epochs else (None, None, None)
    records = Records(plan.k, plan.epochs, len(plan.sizes) - 1, len(plan.boundary_epochs),
                      ds.n_outputs, GRID_SIZE**2)
    threads = _threads_used(plan)
    bounds = np.linspace(0, plan.k, threads + 1).round().astype(int)
    groups = [Group(plan, slice(a, b), params, data, records, grid)
              for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
    rngs = [np.random.default_rng([SHUFFLE_TAG, s]) for s in sorted(set(plan.seeds))]
    chunk = max(1, math.ceil(plan.epochs / 40))
    with threadpool_limits(1), ThreadPoolExecutor(threads) as pool:   # tiny BLAS calls
        for first in range(0, plan.epochs, chunk):
            last = min(first + chunk, plan.epochs)
            orders = _orders(plan, rngs, last - first) if plan.batch_size else None
            for job in [pool.submit(g.run, first, last, orders) for g in groups]:
                job.result()
            if on_progress is not None:
                on_progress(last, plan.epochs)
    steps = math.ceil(len(ds.X_train) / (plan.batch_size or len(ds.X_train)))
    return TrainResult.build(
        plan, records, steps, starts, mlp.unstack(params, gated),
        Boundaries(xs, ys, plan.boundary_epochs, records.grid) if plan.boundary_epochs else None,
    )

