"""One training step of K plain MLPs compiled with numba, with Python's lock released.

For the common nets (no residual blocks, tanh or relu hidden layers, a sigmoid output with
binary cross-entropy, float32) `step` computes, run after run, the forward pass, d loss /
d logits, the backward pass and each layer's Σ g², into the arrays of an `mlp.MLP`. The products
are BLAS calls (``np.dot``); the elementwise work (activation, its derivative, the loss
gradient) is done on each run's blocks right after its product, while they are in cache. The
numpy engine makes ~25 calls a step, and the two threads of `initviz.training` wait for each
other's lock at each of them; here a step is one call that holds no lock. Other nets train with
numpy (`mlp.MLP.forward` and `backward`), to the same float32 tolerance.

tanh is the rational approximation of Eigen (``ptanh_float`` in Eigen 3.4's
GenericPacketMathFunctions.h), which XLA also uses: a few float32 ulps from the exact value,
and vectorized, unlike numba's scalar call of the C library's tanhf.
"""

import numpy as np

ACTIVATIONS = ("tanh", "relu")


def applies(plan):
    """Whether `step` trains the nets of `plan` (an initviz.training.Plan)."""
    return (plan.residual is None and plan.dtype == np.float32 and len(plan.sizes) > 2
            and plan.dataset.task == "binary" and plan.activation in ACTIVATIONS)


def step(*args):
    """flat, grads, sizes, relu, xs, us, lo, hi, inputs, logits, deltas, squares: see
    `kernels.step`."""
    from .kernels import step as compiled  # numba loads only for trainings that use it

    return compiled(*args)


def forward(*args):
    """flat, sizes, relu, xs, lo, hi, inputs, logits: see `kernels.forward`."""
    from .kernels import forward as compiled

    return compiled(*args)


class Buffers:
    """The arrays `step` writes for K runs of widths `sizes` over n samples, run by run."""

    def __init__(self, k, sizes, n):
        layers = len(sizes) - 1
        self.inputs = np.ones((layers, k, max(sizes[:-1]) + 1, n), np.float32)
        self.logits = np.empty((k, 1, n), np.float32)
        self.deltas = np.empty((layers, k, max(sizes[1:]), n), np.float32)
        self.squares = np.empty((k, 2 * layers), np.float32)
