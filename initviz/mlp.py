"""A multilayer perceptron for K runs at once: weights stacked as (K, fan_in, fan_out).

Every matrix product is one batched ``np.matmul`` over the K runs, written into buffers that
are allocated once per input shape; there is no Python loop over runs. Activations are kept
transposed, (K, units, samples), with a row of ones below them so that the bias is part of the
next layer's matmul, and its gradient (a sum over samples) runs along contiguous memory.
Passes over few samples keep their buffers unit-major in memory (`Layout`): the K runs'
activations are then one contiguous block, which elementwise numpy runs 2-4× faster than K
small blocks with a row of ones between them.
`ResidualMLP` is the same with residual blocks (`initviz.residual`).
"""

import numpy as np
from scipy import special

from .activations import get_activation
from .biases import initial_bias
from .errors import InputError
from .initializers import sample
from .residual import Branch


def layer_seed(seed, layer):
    """Seed of layer `layer` (0-based) of the run seeded `seed`: distinct layers, distinct draws."""
    return int(np.random.SeedSequence([seed, layer]).generate_state(1)[0])


def block_layers(sizes, residual):
    """Indices of the layers that are residual blocks: every hidden layer after the first of a
    residual net (the input and output layers stay plain); () for a plain stack."""
    return () if residual is None else tuple(range(1, len(sizes) - 2))


def gated_layers(sizes, residual):
    """The block layers that carry a learned gate α (ReZero's), else ()."""
    return block_layers(sizes, residual) if residual == "rezero" else ()


def initial_weights(spec, seed, sizes, flavor="keras", bias=0.0, residual=None):
    """Weights of one run: ``[(W, b), ...]``, W of shape (fan_in, fan_out), float64.

    Layer l's W is ``sample(spec, (sizes[l], sizes[l + 1]), layer_seed(seed, l), flavor)``; every
    bias is the constant `bias`, or with ``bias="framework"`` drawn as the framework of `spec`
    and `flavor` draws it (`initviz.biases`), from its own seed. The blocks of a residual net
    (`residual`, see `initviz.residual`) have their branch's factors applied, and ReZero's a gate:
    ``(W, b, α = 0)``.
    """
    weights = [
        (sample(spec, (n_in, n_out), layer_seed(seed, layer), flavor),
         _bias(spec, (n_in, n_out), seed, layer, flavor, bias))
        for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    ]
    blocks = block_layers(sizes, residual)
    if blocks:
        branch = Branch(residual, len(blocks))
        gate = (np.zeros(()),) if residual == "rezero" else ()
        for layer in blocks:
            W, b = weights[layer]
            weights[layer] = (branch.weight * W, branch.bias * b, *gate)
    return weights


def _bias(spec, shape, seed, layer, flavor, bias):
    """Layer `layer`'s initial bias: the constant `bias`, or the framework's ("framework")
    drawn from a seed of its own, so that it never repeats the weights' draws."""
    if bias != "framework":
        return np.full(shape[-1], bias)
    own = int(np.random.SeedSequence([seed, layer, 1]).generate_state(1)[0])
    return initial_bias(shape, "framework", spec=spec, flavor=flavor, seed=own)


def _gates(weights, gated):
    """The gates of `gated` layers of every run, (K, blocks), or InputError."""
    try:
        return np.array([[float(run[layer][2]) for layer in gated] for run in weights])
    except (IndexError, TypeError, ValueError):
        raise InputError("initial_weights: every block of a ReZero net is (W, b, gate), with "
                         "the gate a number.") from None


def stack(weights, sizes, dtype, gated=()):
    """Stack per-run ``[(W, b), ...]`` into ``[W0, b0, ...]``, shapes (K, in, out) and (K, out, 1),
    followed by the gates of the `gated` layers, (K, len(gated)), if any.

    Raises InputError if a run's shapes do not match `sizes`.
    """
    params = []
    for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        try:
            W = np.stack([np.asarray(run[layer][0], dtype=dtype) for run in weights])
            b = np.stack([np.asarray(run[layer][1], dtype=dtype) for run in weights])
        except (IndexError, TypeError, ValueError) as error:
            raise InputError(f"initial_weights: cannot read layer {layer + 1}: {error}") from None
        if W.shape[1:] != (n_in, n_out) or b.shape[1:] != (n_out,):
            raise InputError(
                f"initial_weights: layer {layer + 1} must have W of shape ({n_in}, {n_out}) and "
                f"b of shape ({n_out},), got {W.shape[1:]} and {b.shape[1:]}."
            )
        params += [W, b[:, :, None]]
    return params + ([_gates(weights, gated).astype(dtype)] if gated else [])


def unstack(params, gated=()):
    """Per-run ``[(W, b), ...]`` (``(W, b, gate)`` for `gated` layers): copies of `stack`'s
    arrays."""
    layers = len(params) // 2
    column = {layer: j for j, layer in enumerate(gated)}
    return [[(params[2 * i][r].copy(), params[2 * i + 1][r, :, 0].copy(),
              *((params[-1][r, column[i]].copy(),) if i in column else ()))
             for i in range(layers)] for r in range(params[0].shape[0])]


class Nonlinearity:
    """An activation: forward into a buffer, and dA ← dA·φ′ in backprop.

    tanh, relu and sigmoid work in place on the pre-activations and get φ′ from φ(z) alone, so
    their pre-activations need no buffer of their own (fewer arrays, better cache use).
    """

    IN_PLACE = ("tanh", "relu", "sigmoid")

    def __init__(self, spec):
        self.activation = get_activation(spec)
        self.name = self.activation.name
        self.in_place = self.name in self.IN_PLACE

    def forward(self, z, out):
        if self.name == "tanh":
            np.tanh(z, out=out)       # SIMD in numpy >= 2: faster than any exp-based form
        elif self.name == "relu":
            np.maximum(z, 0, out=out)
        elif self.name == "sigmoid":
            special.expit(z, out=out)
        else:
            out[...] = self.activation.forward(z)

    def backprop(self, da, z, a):
        """Multiply the gradient `da` by φ′(z) in place, from φ(z) = `a` where that is cheaper.

        Overwrites `a` (used as scratch).
        """
        if self.name == "tanh":           # 1 − a²
            np.multiply(a, a, out=a)
            np.subtract(1, a, out=a)
            da *= a
        elif self.name == "relu":         # a > 0 exactly where z > 0
            np.greater(a, 0, out=a)
            da *= a
        elif self.name == "sigmoid":      # a (1 − a)
            da *= a
            np.subtract(1, a, out=a)
            da *= a
        else:
            da *= self.activation.derivative(z)


class Layout:
    """Allocates the (K, units, n) buffers of a pass over n samples of nets of widths `sizes`.

    Where a run's block is small (widest layer × n ≤ UNIT_MAJOR_NUMBERS) they are laid out
    (units, K, n) in memory, so that rows ``[:, :m]`` of all runs are one contiguous block;
    otherwise run by run, which BLAS reads faster than rows K·n apart. Measured, 40 runs of
    2-32-32-1 in minibatches of 64 (2 048 numbers): 1.89 s unit-major, 2.22 s run by run;
    16 runs of 2-128-128-1 (8 192): 5.34 s and 4.77 s.
    """

    UNIT_MAJOR_NUMBERS = 2048

    def __init__(self, k, sizes, n, dtype):
        self.k, self.n, self.dtype = k, n, dtype
        self.unit_major = max(sizes[1:]) * n <= self.UNIT_MAJOR_NUMBERS

    def __call__(self, units, fill=None):
        shape = (units, self.k, self.n) if self.unit_major else (self.k, units, self.n)
        memory = (np.empty(shape, self.dtype) if fill is None
                  else np.full(shape, fill, self.dtype))
        return memory.transpose(1, 0, 2) if self.unit_major else memory


class Forward:
    """Buffers of a forward pass over inputs of shape `x_shape`, (K, units, n) arrays.

    Each layer's input is kept with an extra row of ones, so that one matmul with the weights
    stacked over the bias computes W·a + b (a broadcast bias add costs more than that matmul).
    """

    def __init__(self, k, x_shape, sizes, dtype):
        n = x_shape[-1]
        self.layout = buffer = Layout(k, sizes, n, dtype)
        shared = len(x_shape) == 2                    # one input (in, n) for all runs
        self.inputs = [np.ones((x_shape[0] + 1, n), dtype) if shared
                       else buffer(x_shape[-2] + 1, fill=1)]
        self.inputs += [buffer(width + 1, fill=1) for width in sizes[1:-1]]
        self.a = [a[..., :-1, :] for a in self.inputs[1:]]       # activations, views
        # pre-activations; hidden ones stay untouched (never paged in) for in-place activations
        self.z = [buffer(width) for width in sizes[1:]]


class Backward:
    """Buffers of a backward pass over n samples: gradients (K, units, n)."""

    def __init__(self, k, shape, sizes, dtype):
        buffer = Layout(k, sizes, shape[-1], dtype)
        self.da = [buffer(width) for width in sizes[1:]]


def _blocks(flat, sizes):
    """Views (K, in + 1, out) of a (K, parameters) array, one per layer: W above bᵀ."""
    blocks, start = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        stop = start + (n_in + 1) * n_out
        blocks.append(flat[:, start:stop].reshape(-1, n_in + 1, n_out))
        start = stop
    return blocks


def weight_starts(sizes):
    """Where each layer's W and where its b begin in a run's row of `MLP.flat`:
    ``[W0, b0, W1, b1, ...]`` column indices (a block is W above bᵀ)."""
    starts, start = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        starts += [start, start + n_in * n_out]
        start += (n_in + 1) * n_out
    return np.array(starts)


def _split(blocks):
    """``[W0, b0, ...]`` views of layer blocks: (K, in, out) and (K, out, 1)."""
    return [v for blk in blocks for v in (blk[:, :-1], np.swapaxes(blk[:, -1:], -1, -2))]


def _times_weights(w, dz, out):
    """``out = w @ dz``, the gradient with respect to a layer's inputs (without bias row)."""
    if w.shape[-1] == 1:        # an outer product: broadcasting beats matmul
        np.multiply(w, dz, out=out)
    else:
        np.matmul(w, dz, out=out)


class MLP:
    """K networks of one architecture, computing on stacked parameters.

    All parameters of a run are contiguous in a row of `flat` (K, parameters), layer by layer as
    a block (in + 1, out): W above bᵀ, the weights of a matmul on inputs with a row of ones.
    `params` and `grads` are ``[W0, b0, ...]`` views of `flat` and `flat_grads` (then `gates`
    more columns, if any, for subclasses), so an optimizer can step all of them as one array.

    Parameters
    ----------
    params : list of np.ndarray
        ``[W0, b0, W1, b1, ...]`` of shapes (K, in, out) and (K, out, 1): the initial values,
        copied.
    sizes : sequence of int
        Layer widths, input first, output last.
    activation : str
        Activation of every hidden layer.
    gates : int
        Extra learned numbers per run after the layers' blocks (`ResidualMLP`'s gates).
    """

    def __init__(self, params, sizes, activation, gates=0):
        self.sizes = tuple(sizes)
        self.nonlinearity = Nonlinearity(activation)
        n = sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.flat = np.empty((params[0].shape[0], n + gates), params[0].dtype)
        self.flat_grads = np.empty_like(self.flat)
        self.blocks = _blocks(self.flat, self.sizes)
        self.blocks_t = [np.swapaxes(block, -1, -2) for block in self.blocks]   # (K, out, in + 1)
        self.grad_blocks = _blocks(self.flat_grads, self.sizes)
        extra = slice(n, n + gates)
        self.params = _split(self.blocks) + ([self.flat[:, extra]] if gates else [])
        self.grads = _split(self.grad_blocks) + ([self.flat_grads[:, extra]] if gates else [])
        for mine, given in zip(self.params, params, strict=True):
            mine[...] = given
        self._buffers = {}
        self._last = None

    @property
    def k(self):
        return self.params[0].shape[0]

    def _get(self, kind, shape):
        if (kind, shape) not in self._buffers:
            self._buffers[kind, shape] = kind(self.k, shape, self.sizes, self.params[0].dtype)
        return self._buffers[kind, shape]

    def forward(self, x):
        """Logits (K, outputs, n) for transposed inputs `x` of shape (in, n) or (K, in, n)."""
        buf = self._last = self._get(Forward, x.shape)
        buf.inputs[0][..., :-1, :] = x
        for layer, z in enumerate(buf.z):
            hidden = layer < len(buf.a)
            if hidden and self.nonlinearity.in_place:
                z = buf.a[layer]
            np.matmul(self.blocks_t[layer], buf.inputs[layer], out=z)
            if hidden:
                self.nonlinearity.forward(z, buf.a[layer])
        return buf.z[-1]

    def backward(self, dz):
        """Gradients of the loss w.r.t. every parameter, right after a forward pass.

        `dz` is d loss / d logits. Returns `self.grads`, arrays in the order of `params`,
        overwritten on the next call. Uses up the forward pass (its activations are scratch).
        """
        fwd = self._last
        buf = self._get(Backward, (dz.shape[-1],))
        for layer in reversed(range(len(fwd.z))):
            # inputs with their row of ones: the bias gradient comes with the weights' (Σ dz)
            np.matmul(fwd.inputs[layer], np.swapaxes(dz, -1, -2), out=self.grad_blocks[layer])
            if layer:
                da = buf.da[layer - 1]
                _times_weights(self.params[2 * layer], dz, da)
                self.nonlinearity.backprop(da, fwd.z[layer - 1], fwd.a[layer - 1])
                dz = da
        return self.grads

    def output_gradient_buffer(self, n):
        """A (K, outputs, n) array to write d loss / d logits into."""
        return self._get(Backward, (n,)).da[-1]


class ResidualForward(Forward):
    """`Forward`'s buffers, and the stream after each hidden layer: ``s[i]`` (K, width, n).

    The input of block l (``inputs[l]``) holds φ of the stream before it; the last stream is
    the output layer's input."""

    def __init__(self, k, x_shape, sizes, dtype):
        super().__init__(k, x_shape, sizes, dtype)
        self.s = [self.layout(a.shape[1]) for a in self.a[:-1]]
        self.s.append(self.a[-1])


class ResidualBackward:
    """Buffers of a residual backward pass: ∂/∂stream, a branch's ∂/∂z and ∂/∂input, and
    ∂/∂logits (`da[-1]`, as in `Backward`)."""

    def __init__(self, k, shape, sizes, dtype):
        width, buffer = sizes[1], Layout(k, sizes, shape[-1], dtype)
        self.ds, self.dz, self.dx = (buffer(width) for _ in range(3))
        self.da = [buffer(sizes[-1])]
        self.gate = np.empty((k, width), dtype)      # ReZero: Σ over samples of ∂L/∂s_l · z_l


class ResidualMLP(MLP):
    """K residual nets: a plain first hidden layer, then blocks
    ``s_l = s_{l−1} + α·(φ(s_{l−1}) @ W_l + b_l)`` (`initviz.residual`), a plain output layer
    on the last stream.

    The branch factors are in the weights (`initial_weights`); α is the constant of `scaling`,
    or for ReZero a learned gate per block and run, the last `len(blocks)` columns of `flat`
    (``params[-1]``, (K, blocks)).

    Parameters
    ----------
    params, sizes, activation
        As `MLP`'s; `params` ends with the gates for ReZero. Hidden widths must be equal.
    scaling : str
        One of `initviz.residual.SCALINGS`.
    """

    def __init__(self, params, sizes, activation, scaling):
        self.layers = block_layers(sizes, scaling)
        gated = len(gated_layers(sizes, scaling))
        super().__init__(params, sizes, activation, gates=gated)
        self.gates = self.params[-1] if gated else None
        self.gate_grads = self.grads[-1] if gated else None
        self.alpha = Branch(scaling, len(self.layers)).alpha
        self.unit = self.gates is None and self.alpha == 1.0     # α = 1: no scaling pass

    def _alpha(self, j):
        """α of the j-th block: a constant, or the (K, 1, 1) gates."""
        return self.alpha if self.gates is None else self.gates[:, j, None, None]

    def forward(self, x):
        """Logits (K, outputs, n) for transposed inputs `x` of shape (in, n) or (K, in, n)."""
        buf = self._last = self._get(ResidualForward, x.shape)
        buf.inputs[0][..., :-1, :] = x
        first = buf.s[0] if self.nonlinearity.in_place else buf.z[0]
        np.matmul(self.blocks_t[0], buf.inputs[0], out=first)
        self.nonlinearity.forward(first, buf.s[0])
        for j, layer in enumerate(self.layers):
            before, after = buf.s[j], buf.s[j + 1]
            self.nonlinearity.forward(before, buf.a[layer - 1])     # inputs[layer], above ones
            np.matmul(self.blocks_t[layer], buf.inputs[layer], out=buf.z[layer])
            if self.unit:
                np.add(buf.z[layer], before, out=after)
            else:
                np.multiply(buf.z[layer], self._alpha(j), out=after)
                after += before
        return np.matmul(self.blocks_t[-1], buf.inputs[-1], out=buf.z[-1])

    def backward(self, dz):
        """Gradients of the loss w.r.t. every parameter (and gate), right after a forward
        pass; as `MLP.backward`."""
        fwd = self._last
        buf = self._get(ResidualBackward, (dz.shape[-1],))
        np.matmul(fwd.inputs[-1], np.swapaxes(dz, -1, -2), out=self.grad_blocks[-1])
        ds = buf.ds
        _times_weights(self.params[2 * len(self.layers) + 2], dz, ds)
        for j, layer in reversed(list(enumerate(self.layers))):
            dz = ds if self.unit else np.multiply(ds, self._alpha(j), out=buf.dz)
            if self.gates is not None:       # ∂L/∂α = Σ ∂L/∂s_l · z_l
                np.vecdot(ds, fwd.z[layer], out=buf.gate).sum(axis=1, out=self.gate_grads[:, j])
            np.matmul(fwd.inputs[layer], np.swapaxes(dz, -1, -2), out=self.grad_blocks[layer])
            _times_weights(self.params[2 * layer], dz, buf.dx)
            self.nonlinearity.backprop(buf.dx, fwd.s[j], fwd.a[layer - 1])
            ds += buf.dx
        self.nonlinearity.backprop(ds, fwd.z[0], fwd.s[0])
        np.matmul(fwd.inputs[0], np.swapaxes(ds, -1, -2), out=self.grad_blocks[0])
        return self.grads

    def output_gradient_buffer(self, n):
        """A (K, outputs, n) array to write d loss / d logits into."""
        return self._get(ResidualBackward, (n,)).da[-1]
