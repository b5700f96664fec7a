"""The numba kernels of `initviz.fused`, compiled on first use and cached on disk.

Imported only by `fused.step`: numba takes 0.2 s to import. Fast math without its
no-NaN/no-infinity assumptions: a diverging run's NaN must reach its loss, as in numpy.
"""

import numba
import numpy as np

FAST = {"nsz", "arcp", "contract", "afn", "reassoc"}
ONE = np.float32(1)
HALF = np.float32(0.5)
CLAMP = np.float32(7.90531110763549805)
ALPHA = tuple(np.float32(a) for a in (
    -2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11,
    5.12229709037114e-08, 1.48572235717979e-05, 6.37261928875436e-04,
    4.89352455891786e-03))
BETA = tuple(np.float32(b) for b in (
    1.19825839466702e-06, 1.18534705686654e-04, 2.26843463243900e-03,
    4.89352518554385e-03))


@numba.njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def tanh(x):
    """Eigen's ptanh_float (see `initviz.fused`): odd rational of degree 13/6, clamped."""
    if x > CLAMP:              # comparisons, not min/max: NaN stays NaN
        x = CLAMP
    elif x < -CLAMP:
        x = -CLAMP
    x2 = x * x
    p = ALPHA[0]
    for a in ALPHA[1:]:
        p = p * x2 + a
    q = BETA[0]
    for b in BETA[1:]:
        q = q * x2 + b
    return x * p / q


@numba.njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def activate(z, relu):
    """z ← φ(z) in place."""
    if relu:
        for i in range(z.shape[0]):
            for s in range(z.shape[1]):
                z[i, s] = 0 if z[i, s] < 0 else z[i, s]
    else:
        for i in range(z.shape[0]):
            for s in range(z.shape[1]):
                z[i, s] = tanh(z[i, s])


@numba.njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def backprop(da, a, relu):
    """da ← da·φ′, from a = φ(z)."""
    if relu:
        for i in range(da.shape[0]):
            for s in range(da.shape[1]):
                da[i, s] = da[i, s] if a[i, s] > 0 else 0
    else:
        for i in range(da.shape[0]):
            for s in range(da.shape[1]):
                da[i, s] *= ONE - a[i, s] * a[i, s]


@numba.njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def sum_squares(m):
    """Σ m², in float32."""
    total = np.float32(0)
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            total += m[i, j] * m[i, j]
    return total


@numba.njit(inline="always", fastmath=FAST, error_model="numpy", cache=True)
def forward_run(flat, sizes, relu, x, lo, hi, inputs, logits, r):
    """Run r's forward pass on samples lo..hi − 1 of `x` (samples, in): layer l's input, with
    its row of ones, into inputs[l, r, :sizes[l] + 1], the logits into logits[r]. Returns the
    number of the run's parameters."""
    first = inputs[0, r]
    for i in range(sizes[0]):
        for s in range(hi - lo):
            first[i, s] = x[lo + s, i]
    start = 0
    for layer in range(len(sizes) - 1):
        n_in, n_out = sizes[layer], sizes[layer + 1]
        block = flat[r, start:start + (n_in + 1) * n_out].reshape((n_in + 1, n_out))
        start += (n_in + 1) * n_out
        if layer < len(sizes) - 2:
            z = inputs[layer + 1, r, :n_out]
            np.dot(block.T, inputs[layer, r, :n_in + 1], z)
            activate(z, relu)
        else:
            np.dot(block.T, inputs[layer, r, :n_in + 1], logits[r])
    return start


@numba.njit(nogil=True, fastmath=FAST, error_model="numpy", cache=True)
def forward(flat, sizes, relu, xs, lo, hi, inputs, logits):
    """The logits (K, 1, n) of every run r of `flat` on samples lo..hi − 1 of `xs` (K or 1,
    samples, in), into `logits`; inputs: scratch, as in `step`."""
    for r in range(flat.shape[0]):
        forward_run(flat, sizes, relu, xs[min(r, xs.shape[0] - 1)], lo, hi, inputs, logits, r)


@numba.njit(nogil=True, fastmath=FAST, error_model="numpy", cache=True)
def step(flat, grads, sizes, relu, xs, us, lo, hi, inputs, logits, deltas, squares):
    """Forward, backward and Σ g² for every run r of `flat` (K, parameters), on samples
    lo..hi − 1 of `xs` (K or 1, samples, in) with targets as `us` (K or 1, samples): 1 − 2t.

    inputs (layers, K, widest input + 1, n), ones: layer l's input with its row of ones in
    rows :sizes[l] + 1; logits (K, 1, n): written; deltas (layers, K, widest output, n):
    scratch. grads (K, parameters): written, as `flat`'s blocks; squares (K, 2·layers): Σ g²
    of each layer's W and b. One array per kind, whatever the depth: one compilation.
    """
    layers = len(sizes) - 1
    n = hi - lo
    for r in range(flat.shape[0]):
        stop = forward_run(flat, sizes, relu, xs[min(r, xs.shape[0] - 1)], lo, hi, inputs,
                           logits, r)
        dz = deltas[layers - 1, r, :1]               # (tanh(z/2) + u) / 2n = (σ(z) − t) / n
        u = us[min(r, us.shape[0] - 1)]
        scale = HALF / n
        for s in range(n):
            dz[0, s] = (tanh(HALF * logits[r, 0, s]) + u[lo + s]) * scale
        for layer in range(layers - 1, -1, -1):      # backward
            n_in, n_out = sizes[layer], sizes[layer + 1]
            start = stop - (n_in + 1) * n_out
            a = inputs[layer, r, :n_in + 1]
            g = grads[r, start:stop].reshape((n_in + 1, n_out))
            np.dot(a, dz.T, g)
            squares[r, 2 * layer] = sum_squares(g[:n_in])
            squares[r, 2 * layer + 1] = sum_squares(g[n_in:])
            if layer:
                block = flat[r, start:stop].reshape((n_in + 1, n_out))
                da = deltas[layer - 1, r, :n_in]
                np.dot(block[:n_in], dz, da)
                backprop(da, a[:n_in], relu)
                dz = da
            stop = start


