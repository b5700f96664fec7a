"""SGD (with momentum) and Adam, following torch.optim's update rules exactly.

Each optimizer updates a list of parameter arrays in place from a list of gradient arrays of
the same shapes. The arrays may stack K runs along their first axis: the rules are elementwise,
so one call steps every run. Gradients are used as scratch space and overwritten.
"""

import math

import numpy as np

from .errors import check_choice, check_float

OPTIMIZERS = ("sgd", "momentum", "adam")


class SGD:
    """torch.optim.SGD(lr, momentum, dampening=0, nesterov=False, weight_decay=0)."""

    def __init__(self, params, lr, momentum=0.0):
        self.params, self.lr, self.momentum = params, lr, momentum
        self.buffers = None

    def step(self, grads):
        """p -= lr·g, or with momentum b = μ·b + g (b = g on the first step), p -= lr·b."""
        if self.momentum and self.buffers is None:
            self.buffers = [g.copy() for g in grads]
        elif self.momentum:
            for b, g in zip(self.buffers, grads, strict=True):
                b *= self.momentum
                b += g
        for p, g, b in zip(self.params, grads, self.buffers or grads, strict=True):
            np.multiply(b, self.lr, out=g)
            p -= g

    def reset(self, index):
        """Forget the momentum of the runs selected by `index` along the first axis."""
        for b in self.buffers or ():
            b[index] = 0


class Adam:
    """torch.optim.Adam(lr, betas, eps, weight_decay=0, amsgrad=False)."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.eps = params, lr, eps
        self.beta1, self.beta2 = betas
        self.steps = 0
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]

    def step(self, grads):
        """m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g², p −= lr/(1−β₁ᵗ) · m / (√v/√(1−β₂ᵗ) + ε)."""
        self.steps += 1
        step_size = self.lr / (1 - self.beta1**self.steps)
        correction2_sqrt = math.sqrt(1 - self.beta2**self.steps)
        for p, g, m, v, s in zip(self.params, grads, self.m, self.v, self.scratch, strict=True):
            np.subtract(g, m, out=s)     # torch: exp_avg.lerp_(grad, 1 - beta1)
            s *= 1 - self.beta1
            m += s
            g *= g
            g *= 1 - self.beta2
            v *= self.beta2
            v += g
            np.sqrt(v, out=g)
            g /= correction2_sqrt
            g += self.eps
            np.divide(m, g, out=g)
            g *= step_size
            p -= g

    def reset(self, index):
        """Forget the moments of the runs selected by `index` along the first axis."""
        for a in (*self.m, *self.v):
            a[index] = 0


def make_optimizer(name, params, lr, momentum=0.9):
    """Build the optimizer `name` ("sgd", "momentum" or "adam") over `params`.

    Parameters
    ----------
    name : str
        "sgd" (plain), "momentum" (SGD with `momentum`) or "adam" (default betas and eps).
    params : list of np.ndarray
        Arrays updated in place.
    lr : float
        Learning rate.
    momentum : float
        Momentum of "momentum"; ignored otherwise.
    """
    name = check_choice("optimizer", name, OPTIMIZERS)
    lr = check_float("learning rate", lr, 1e-8, 100.0)
    if name == "adam":
        return Adam(params, lr)
    momentum = check_float("momentum", momentum, 0.0, 0.999) if name == "momentum" else 0.0
    return SGD(params, lr, momentum)
