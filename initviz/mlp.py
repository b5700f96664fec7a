"""A multilayer perceptron for K runs at once: weights stacked as (K, fan_in, fan_out).

Every matrix product is one batched ``np.matmul`` over the K runs, written into buffers that
are allocated once per input shape; there is no Python loop over runs. Activations are kept
transposed, (K, units, samples), with a row of ones below them so that the bias is part of the
next layer's matmul, and its gradient (a sum over samples) runs along contiguous memory.
"""

import numpy as np
from scipy import special

from .activations import get_activation
from .errors import InputError
from .initializers import sample


def layer_seed(seed, layer):
    """Seed of layer `layer` (0-based) of the run seeded `seed`: distinct layers, distinct draws."""
    return int(np.random.SeedSequence([seed, layer]).generate_state(1)[0])


def initial_weights(spec, seed, sizes, flavor="keras", bias=0.0):
    """Weights of one run: ``[(W, b), ...]``, W of shape (fan_in, fan_out), float64.

    Layer l's W is ``sample(spec, (sizes[l], sizes[l + 1]), layer_seed(seed, l), flavor)``; every
    bias is the constant `bias`.
    """
    return [
        (sample(spec, (n_in, n_out), layer_seed(seed, layer), flavor), np.full(n_out, bias))
        for layer, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    ]


def stack(weights, sizes, dtype):
    """Stack per-run ``[(W, b), ...]`` into ``[W0, b0, ...]``, shapes (K, in, out) and (K, out, 1).

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
    return params


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


class Forward:
    """Buffers of a forward pass over inputs of shape `x_shape`, (K, units, n) arrays.

    Each layer's input is kept with an extra row of ones, so that one matmul with the weights
    stacked over the bias computes W·a + b (a broadcast bias add costs more than that matmul).
    """

    def __init__(self, k, x_shape, sizes, dtype):
        n = x_shape[-1]
        self.inputs = [np.ones((*x_shape[:-2], x_shape[-2] + 1, n), dtype)]
        self.inputs += [np.ones((k, width + 1, n), dtype) for width in sizes[1:-1]]
        self.a = [a[..., :-1, :] for a in self.inputs[1:]]       # activations, views
        # pre-activations; hidden ones stay untouched (never paged in) for in-place activations
        self.z = [np.empty((k, width, n), dtype) for width in sizes[1:]]


class Backward:
    """Buffers of a backward pass over n samples: gradients (K, units, n)."""

    def __init__(self, k, shape, sizes, dtype):
        self.da = [np.empty((k, width, shape[-1]), dtype) for width in sizes[1:]]


def _blocks(flat, sizes):
    """Views (K, in + 1, out) of a (K, parameters) array, one per layer: W above bᵀ."""
    blocks, start = [], 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True):
        stop = start + (n_in + 1) * n_out
        blocks.append(flat[:, start:stop].reshape(-1, n_in + 1, n_out))
        start = stop
    return blocks


def _split(blocks):
    """``[W0, b0, ...]`` views of layer blocks: (K, in, out) and (K, out, 1)."""
    return [v for blk in blocks for v in (blk[:, :-1], np.swapaxes(blk[:, -1:], -1, -2))]


class MLP:
    """K networks of one architecture, computing on stacked parameters.

    All parameters of a run are contiguous in a row of `flat` (K, parameters), layer by layer as
    a block (in + 1, out): W above bᵀ, the weights of a matmul on inputs with a row of ones.
    `params` and `grads` are ``[W0, b0, ...]`` views of `flat` and `flat_grads`, so an optimizer
    can step all of them as one array.

    Parameters
    ----------
    params : list of np.ndarray
        ``[W0, b0, W1, b1, ...]`` of shapes (K, in, out) and (K, out, 1): the initial values,
        copied.
    sizes : sequence of int
        Layer widths, input first, output last.
    activation : str
        Activation of every hidden layer.
    """

    def __init__(self, params, sizes, activation):
        self.sizes = tuple(sizes)
        self.nonlinearity = Nonlinearity(activation)
        n = sum((a + 1) * b for a, b in zip(self.sizes[:-1], self.sizes[1:], strict=True))
        self.flat = np.empty((params[0].shape[0], n), params[0].dtype)
        self.flat_grads = np.empty_like(self.flat)
        self.blocks = _blocks(self.flat, self.sizes)
        self.blocks_t = [np.swapaxes(block, -1, -2) for block in self.blocks]   # (K, out, in + 1)
        self.params = _split(self.blocks)
        self.grad_blocks = _blocks(self.flat_grads, self.sizes)
        self.grads = _split(self.grad_blocks)
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
                w = self.params[2 * layer]
                if w.shape[-1] == 1:        # an outer product: broadcasting beats matmul
                    np.multiply(w, dz, out=da)
                else:
                    np.matmul(w, dz, out=da)
                self.nonlinearity.backprop(da, fwd.z[layer - 1], fwd.a[layer - 1])
                dz = da
        return self.grads

    def output_gradient_buffer(self, n):
        """A (K, outputs, n) array to write d loss / d logits into."""
        return self._get(Backward, (n,)).da[-1]
