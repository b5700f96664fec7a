"""What a request costs: an estimate of its compute, in seconds of this server, before any work.

A request is counted as units of work (a `Work`): multiply-adds of matrix products, the
``m·n² − n³/3`` of each QR factorisation, random numbers drawn, elementwise passes (an
activation with its derivative counts as `ACTIVATION_PASSES` passes, a row of a result frame
as `ROW_PASSES`), histogram binning, and numpy calls (the per-call overhead that dominates tiny
networks), float64 work counting `FLOAT64` times float32 work. Each unit has a price in
seconds, `PRICES`, fitted on the server by ``benchmarks/cost.py``; a request's estimate is its
wall-clock time alone on the server, its work shared among the threads that compute it.
`limits.MAX_REQUEST_SECONDS` is the budget of one request.
"""

import functools
import math
from collections import Counter

import numpy as np

from . import meanfield, residual
from .activations import get_activation
from .errors import InputError
from .fans import check_shape
from .initializers import resolve, theory
from .limits import MAX_REQUEST_SECONDS

PRICES = {                       # seconds per unit, from benchmarks/cost.py
    "madd": 2.0e-11,             # multiply-add of a float32 matrix product
    "qr": 1.5e-9,                # m·n² − n³/3 of a QR factorisation (float64, Q formed)
    "draw": 1.2e-8,              # random number drawn
    "pass": 2.0e-9,              # element of a float32 elementwise pass
    "bin_edges": 5.0e-8,         # element binned by np.histogram on given edges
    "bin_range": 5.0e-9,         # element binned by np.histogram on equal bins of a range
    "call": 1.0e-6,              # numpy call, or a step of Python bookkeeping
    "svd": 4.0e-10,              # n³ of the singular values of an n × n matrix (float64)
}
FLOAT64 = 2.0
"""A float64 multiply-add or elementwise pass costs this many float32 ones."""
STACKED_MADDS = 2.5
"""A multiply-add of training's stacks of small matrices costs this many of a large product."""
ROW_PASSES = 20
"""A row of a tidy result frame costs this many elementwise passes."""
ACTIVATION_PASSES = {            # φ and φ′ of one element, in elementwise passes
    "linear": 1, "relu": 1, "leaky_relu": 10, "tanh": 2, "sigmoid": 4, "elu": 14, "selu": 12,
    "gelu": 30, "swish": 10,
}
OPTIMIZER_PASSES = {"sgd": 2, "momentum": 4, "adam": 13}   # per parameter and step
OPTIMIZER_CALLS = {"sgd": 2, "momentum": 4, "adam": 13}
RESIDUAL_PASS = 0.1
"""A pass over a residual block's stream in elementwise passes: the stream of a training net
stays in cache. Fitted with the blocks' calls to what residual blocks added to a plain net of
one run, 50 × 32 units on moons, 300 epochs, on this server: 0.13 s (α = 1), 0.20 s (1/√L),
0.26 s (ReZero)."""


def residual_passes(scaling):
    """Passes per stream element of a residual block, (forward, backward): add the branch to
    the stream and its gradient back, one more each to scale by α ≠ 1 (and ReZero's gate
    gradient); (0, 0) for a plain stack."""
    if scaling is None:
        return 0.0, 0.0
    scaled = scaling in ("sqrt_depth", "rezero")
    return (RESIDUAL_PASS * (1 + scaled),
            RESIDUAL_PASS * (1 + scaled + (scaling == "rezero")))


class Work(Counter):
    """Units of work by kind (see `PRICES`)."""

    def seconds(self):
        return sum(PRICES[kind] * amount for kind, amount in self.items())

    def times(self, factor):
        return Work({kind: amount * factor for kind, amount in self.items()})

    def __add__(self, other):
        return Work(Counter.__add__(self, other))


def _weight(dtype):
    """Units of float32 work per unit of work in `dtype`."""
    return FLOAT64 if np.dtype(dtype) == np.float64 else 1.0


def sampling(law, shape):
    """The work of drawing one weight tensor of `shape` from the law `law` (float64)."""
    size = math.prod(shape)
    work = Work(call=5)
    orthonormal = law.kind in ("orthogonal", "data-dependent")    # LSUV starts orthonormal
    if law.kind in ("normal", "uniform", "truncated_normal") or orthonormal:
        work["draw"] += size * (1.05 if law.kind == "truncated_normal" else 1.0)
    if law.kind == "truncated_normal":
        work["pass"] += 4 * FLOAT64 * size
    if orthonormal:
        rows = math.prod(shape[:-1])
        m, n = max(rows, shape[-1]), min(rows, shape[-1])
        work["qr"] += m * n * n - n**3 / 3
        work["pass"] += 2 * FLOAT64 * size
    if law.kind in ("constant", "identity"):
        work["pass"] += FLOAT64 * size
    return work


def lsuv_work(spec, activation, sizes, n):
    """The work of `initviz.lsuv.fit` for the LSUV `spec` on layers of widths `sizes` (input
    first) and a batch of `n` samples: one float64 product per layer, then up to max_iter
    variances of its output, and the activation; none for another spec."""
    parsed = resolve(spec)
    if parsed.name != "lsuv":
        return Work()
    max_iter = parsed.values["max_iter"]
    act = ACTIVATION_PASSES[get_activation(activation).name]
    work = Work()
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        work += Work(madd=FLOAT64 * n * n_in * n_out, call=6 * max_iter + 5,
                     **{"pass": FLOAT64 * n * n_out * (4 * max_iter + act)})
    return work


def over_budget(seconds):
    return seconds > MAX_REQUEST_SECONDS


def refusal(seconds, alternatives, budget=MAX_REQUEST_SECONDS):
    """The InputError for a request of `seconds` over `budget`, naming the allowed
    `alternatives`."""
    advice = "use " + ", or ".join(alternatives) if alternatives else "make it smaller"
    shown = f"{seconds:.0f}" if seconds >= 10 else f"{seconds:.1f}"
    return InputError(
        f"This request needs about {shown} s of compute, over the demo's "
        f"{budget:g} s per request: {advice}."
    )


def largest(allowed, low, high):
    """The largest integer n in [low, high] with ``allowed(n)``, or None; `allowed` must be
    monotone (true up to some n, false above)."""
    if high < low or not allowed(low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if allowed(mid) else (low, mid - 1)
    return low


# Propagation -------------------------------------------------------------------------------

FLOAT32_SAFE = (1e-27, 1e27)
"""Predicted stds inside which a float32 pass is expected to succeed (propagation's
FLOAT32_RANGE with a margin of 1000 for the sampling noise around the prediction)."""


@functools.lru_cache(maxsize=256)
def float32_layers(spec, activation, depth, width, flavor, bias_std, scaling=None):
    """(forward, backward) layers the float32 pass is predicted to get through: ``(depth,
    depth)`` when it succeeds, else where the mean-field prediction (of a residual net with
    branch `scaling`, if not None) leaves `FLOAT32_SAFE` (the net is then computed again in
    float64). Nonzero-mean weights have no prediction: a net of them is assumed to fall back
    at once; an LSUV net (its layers fitted to unit variance) is assumed not to."""
    if resolve(spec).name == "lsuv":
        return depth, depth
    sigma_w2 = meanfield.weight_variance(spec, width, flavor)
    if scaling is None:
        predicted = meanfield.predict(activation, depth, sigma_w2, bias_std**2)
    else:
        predicted = residual.predict(activation, depth, sigma_w2, bias_std**2, scaling)
    low, high = FLOAT32_SAFE
    ok = {name: (values >= low) & (values <= high) for name, values in predicted.items()}
    forward = ok["preact_std"] & ok["act_std"]
    if not forward.all():
        return int(np.argmin(forward)) + 1, 0
    backward = ok["grad_std"][::-1]
    return depth, depth if backward.all() else int(np.argmin(backward)) + 1


def _net(activation, width, n, forward, backward, dtype, histogram_layers):
    """The work of `forward` layers up and `backward` layers down one net in `dtype`, binning
    `histogram_layers` of them."""
    elements = n * width
    # per matrix product, the weights are read once (costly when n is small)
    up = Work(call=30, madd=n * width * width,
              **{"pass": elements * (10 + ACTIVATION_PASSES[activation.name]) + 2 * width**2})
    down = Work(call=6, madd=n * width * width, **{"pass": 4 * elements + width**2})
    work = (up.times(forward) + down.times(backward)).times(_weight(dtype))
    work["bin_edges"] += histogram_layers * elements
    work["pass"] += histogram_layers * 3 * elements * _weight(dtype)
    return work


def propagation_work(net, histogram_layers=0, threads=1):
    """The work of `propagation` for the validated request `net` (an initviz.propagation.Net),
    binning `histogram_layers` layers, its nets shared by `threads` threads: the work of the
    thread that does the most."""
    act, depth, width, n = net.activation, net.depth, net.width, net.n_samples
    total = Work()
    for spec in net.specs:
        law = theory(spec, (width, width), net.flavor)
        total.update(sampling(law, (width, width)).times(depth))
        total.update(lsuv_work(spec, act, (width,) * (depth + 1), n))
        forward, backward = float32_layers(spec, act, depth, width, net.flavor, net.bias_std,
                                           net.residual)
        complete = forward == depth and backward == depth
        total.update(_net(act, width, n, forward, backward, np.float32,
                          histogram_layers if complete else 0))
        if not complete:
            total.update(_net(act, width, n, depth, depth, np.float64, histogram_layers))
    nets = len(net.specs)
    return total.times(math.ceil(nets / threads) / nets)


def propagation_seconds(net, histogram_layers=0, threads=1):
    """Estimated seconds of `propagation_work`."""
    return propagation_work(net, histogram_layers, threads).seconds()


# Jacobian spectra --------------------------------------------------------------------------

def jacobian_work(request, threads=1):
    """The work of `initviz.jacobian.jacobian_report` for the validated `request`, its nets
    shared by `threads` threads: the work of the thread that does the most."""
    act, depth, width, n = request.activation, request.depth, request.width, request.n_inputs
    square = n * width * width
    layer = Work(call=25, madd=FLOAT64 * (square * width + n * width * width), **{
        "pass": FLOAT64 * (4 * square + n * width * (4 + ACTIVATION_PASSES[act.name]))})
    net = layer.times(depth) + Work(svd=n * width**3 * len(request.depths),
                                    call=10 * n * len(request.depths))
    total = Work(**{"pass": ROW_PASSES * n * width * len(request.specs)})
    for spec in request.specs:
        law = theory(spec, (width, width), request.flavor)
        total.update(sampling(law, (width, width)).times(depth) + net)
    nets = len(request.specs)
    return total.times(math.ceil(nets / threads) / nets)


def jacobian_seconds(request, threads=1):
    """Estimated seconds of `jacobian_work`."""
    return jacobian_work(request, threads).seconds()


# Training ----------------------------------------------------------------------------------

def training_work(plan, grid_points):
    """The work of `train` for the validated request `plan` (an initviz.training.Plan) with
    `grid_points` points per decision-boundary grid: sampling the initial weights and building
    the result, and the training of one of the `plan.threads` threads, each training its share
    of the runs as one stack."""
    k, sizes = math.ceil(plan.k / plan.threads), plan.sizes
    n_train, n_val = len(plan.dataset.X_train), len(plan.dataset.X_val)
    layers = len(sizes) - 1
    params = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    inner = sum(a * b for a, b in zip(sizes[1:-1], sizes[2:], strict=True))
    hidden, outputs = sum(sizes[1:-1]), sizes[-1]
    act = ACTIVATION_PASSES[get_activation(plan.activation).name]
    stream = (len(sizes) - 3) * sizes[1] if plan.residual else 0     # units in blocks
    up, down = residual_passes(plan.residual)

    def forward(n):
        """One forward pass over n samples, with its loss and accuracy."""
        return Work({"madd": k * n * params, "call": 3 * layers + 15 + k * layers / 4,
                     "pass": k * n * (hidden * (1 + act / 2) + 12 * outputs + up * stream)})

    steps = math.ceil(n_train / (plan.batch_size or n_train))
    rows = n_train / steps
    backward = Work({
        "madd": k * rows * (params + inner),
        "pass": k * rows * (hidden * act / 2 + 6 * outputs + down * stream)
        + k * params * (2 + OPTIMIZER_PASSES[plan.optimizer]),
        "call": 6 * layers + 8 + OPTIMIZER_CALLS[plan.optimizer] + k * layers / 2
        + (3 if plan.residual else 0) * (len(sizes) - 3),
    })
    epoch = forward(n_train) + forward(n_val) + backward.times(steps) + Work(call=20)
    if plan.batch_size:     # minibatches need their own forward passes, over shuffled copies
        epoch.update(forward(rows).times(steps))
        epoch["pass"] += 2 * k * n_train * (sizes[0] + outputs)
    work = (epoch.times(plan.epochs) + forward(grid_points).times(len(plan.boundary_epochs)))
    rows = plan.k * (plan.epochs + 1) * 2 + plan.k * plan.epochs * layers
    result = Work(draw=plan.k * params, call=10 * plan.k * layers, **{"pass": ROW_PASSES * rows})
    for label in plan.labels:
        result += lsuv_work(label, plan.activation, sizes, n_train)
    work["madd"] *= STACKED_MADDS
    return work.times(_weight(plan.dtype)) + result


def training_seconds(plan, grid_points):
    """Estimated seconds of `training_work`."""
    return training_work(plan, grid_points).seconds()


# Distributions -----------------------------------------------------------------------------

def distribution_work(spec, shape, flavor):
    """The work of ``histograms.measure(spec, shape, seed, flavor)``: sample, stats, binning."""
    shape = check_shape(shape)
    size = math.prod(shape)
    return sampling(theory(spec, shape, flavor), shape) + Work(
        bin_range=size, call=2_000, **{"pass": 8 * FLOAT64 * size})


def distributions_seconds(specs, shape, flavors):
    """Estimated seconds of `distribution_work` for every spec in every flavour that defines it
    (the others are refused before any work)."""
    def seconds(spec, flavor):
        try:
            return distribution_work(spec, shape, flavor).seconds()
        except InputError:
            return 0.0

    return sum(seconds(spec, flavor) for spec in specs for flavor in flavors)


def check_distributions(specs, shape, flavors):
    """Raise InputError if sampling `specs` × `flavors` for `shape` is over the budget,
    naming the largest square layer and the number of initializers that are not."""
    specs, flavors, shape = list(specs), list(flavors), tuple(shape)
    seconds = distributions_seconds(specs, shape, flavors)
    if not over_budget(seconds):
        return seconds
    alternatives = []
    fewer = largest(lambda m: not over_budget(distributions_seconds(specs[:m], shape, flavors)),
                    1, len(specs) - 1)
    if fewer:
        alternatives.append(f"at most {fewer} initializers")
    if len(flavors) > 1 and not over_budget(distributions_seconds(specs, shape, flavors[:1])):
        alternatives.append("one flavour")
    if len(shape) == 2:
        side = largest(lambda s: not over_budget(distributions_seconds(specs, (s, s), flavors)),
                       1, max(shape))
        if side:
            alternatives.append(f"a layer of at most {side} × {side}")
    raise refusal(seconds, alternatives)
