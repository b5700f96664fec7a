"""A multilayer perceptron for K runs at once: weights stacked as (K, fan_in, fan_out).

Every matrix product is one batched ``np.matmul`` over the K runs, written into buffers that
are allocated once per batch size; there is no Python loop over runs. Activations are kept
transposed, (K, units, samples), so that adding a bias and summing its gradient run along
contiguous memory.
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
    """An activation applied in place: forward into a buffer, and dA ← dA·φ′ in backprop."""

    def __init__(self, spec):
        self.activation = get_activation(spec)
        self.name = self.activation.name

    def forward(self, z, out):
        if self.name == "tanh":
            np.tanh(z, out=out)       # SIMD in numpy >= 2: faster than any exp-based form
        elif self.name == "relu":
            np.maximum(z, 0, out=out)
        elif self.name == "sigmoid":
            special.expit(z, out=out)
        else:
            out[...] = self.activation.forward(z)

    def backprop(self, da, z, a, scratch):
        """Multiply the gradient `da` by φ′(z) in place, from φ(z) = `a` where that is cheaper."""
        if self.name == "tanh":           # 1 − a²
            np.multiply(a, a, out=scratch)
            np.subtract(1, scratch, out=scratch)
        elif self.name == "relu":
            np.greater(z, 0, out=scratch)
        elif self.name == "sigmoid":      # a (1 − a)
            np.subtract(1, a, out=scratch)
            scratch *= a
        else:
            scratch[...] = self.activation.derivative(z)
        da *= scratch


def _matmul(a, b, out):
    """``np.matmul`` into `out`; an outer product (inner size 1) by broadcasting, much faster."""
    if a.shape[-1] == 1:
        np.multiply(a, b, out=out)
    else:
        np.matmul(a, b, out=out)


class Buffers:
    """Preallocated arrays for K runs and n samples: pre-activations, activations, gradients."""

    def __init__(self, k, n, sizes, dtype):
        shapes = [(k, width, n) for width in sizes[1:]]
        self.z = [np.empty(s, dtype) for s in shapes]
        self.a = [np.empty(s, dtype) for s in shapes[:-1]]
        self.da = [np.empty(s, dtype) for s in shapes]
        self.scratch = [np.empty(s, dtype) for s in shapes[:-1]]
        self.ones = np.ones((n, 1), dtype)


class MLP:
    """K networks of one architecture, computing on views of stacked parameters.

    Parameters
    ----------
    params : list of np.ndarray
        ``[W0, b0, W1, b1, ...]`` of shapes (K, in, out) and (K, out, 1), updated in place.
    sizes : sequence of int
        Layer widths, input first, output last.
    activation : str
        Activation of every hidden layer.
    """

    def __init__(self, params, sizes, activation):
        self.params, self.sizes = params, tuple(sizes)
        self.nonlinearity = Nonlinearity(activation)
        self.grads = [np.empty_like(p) for p in params]
        self._buffers = {}

    @property
    def k(self):
        return self.params[0].shape[0]

    def buffers(self, n):
        if n not in self._buffers:
            self._buffers[n] = Buffers(self.k, n, self.sizes, self.params[0].dtype)
        return self._buffers[n]

    def forward(self, x):
        """Logits (K, outputs, n) for transposed inputs `x` of shape (in, n) or (K, in, n)."""
        buf = self.buffers(x.shape[-1])
        a = x
        for layer, z in enumerate(buf.z):
            _matmul(np.swapaxes(self.params[2 * layer], -1, -2), a, out=z)
            z += self.params[2 * layer + 1]
            if layer < len(buf.a):
                self.nonlinearity.forward(z, buf.a[layer])
                a = buf.a[layer]
        return buf.z[-1]

    def backward(self, x, dz):
        """Gradients of the loss w.r.t. every parameter, after `forward(x)`; `dz` = d loss/d logits.

        Returns `self.grads`, arrays in the order of `params`, overwritten on the next call.
        """
        buf = self.buffers(x.shape[-1])
        for layer in reversed(range(len(buf.z))):
            a_prev = buf.a[layer - 1] if layer else x
            np.matmul(a_prev, np.swapaxes(dz, -1, -2), out=self.grads[2 * layer])
            np.matmul(dz, buf.ones, out=self.grads[2 * layer + 1])
            if layer:
                da = buf.da[layer - 1]
                _matmul(self.params[2 * layer], dz, out=da)
                self.nonlinearity.backprop(da, buf.z[layer - 1], a_prev, buf.scratch[layer - 1])
                dz = da
        return self.grads

    def output_gradient_buffer(self, n):
        """A (K, outputs, n) array to write d loss / d logits into."""
        return self.buffers(n).da[-1]
