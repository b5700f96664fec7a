"""LSUV, layer-sequential unit-variance initialization (Mishkin & Matas 2016, "All you need is
a good init"): orthonormal weights, then each layer in turn, from the input up, divided by the
std of its output on a batch until that output's variance is 1 within `tol` (at most `max_iter`
times). The output of a layer is its pre-activation ``h @ W + b``; the biases stay.

The spec ``lsuv(tol=0.1, max_iter=10)`` has no weights for a shape alone: `iv.propagate` fits
each net on the batch it propagates, `iv.train` each run on its training inputs.
"""

import math

import numpy as np

from .activations import get_activation
from .errors import InputError
from .initializers import resolve

START = "orthogonal"
"""The spec of the orthonormal start."""


def is_lsuv(spec):
    """Whether `spec` is an LSUV spec."""
    return resolve(spec).name == "lsuv"


def settings(spec):
    """(tol, max_iter) of an LSUV spec."""
    values = resolve(spec).values
    return values["tol"], values["max_iter"]


def check_plain(spec, residual):
    """Refuse LSUV on a residual net: its rule is defined here for plain stacks."""
    if residual is not None and is_lsuv(spec):
        raise InputError("LSUV is defined here for plain stacks: pick residual None (plain) "
                         "to use it.")


def fit(layers, x, activation, tol=0.1, max_iter=10):
    """Rescale each layer's weights in turn until its output variance on `x` is 1 ± `tol`.

    Parameters
    ----------
    layers : list of (W, b)
        Weights (fan_in, fan_out) from the input up, e.g. orthonormal; b an array or a number.
    x : np.ndarray
        The batch, (samples, fan_in of the first layer).
    activation : str
        Activation between layers (after every layer but the last).
    tol : float
        Tolerance on the variance.
    max_iter : int
        Most rescalings per layer.

    Returns
    -------
    weights : list of np.ndarray
        The rescaled W of each layer (float64).
    iterations : list of int
        Rescalings each layer took (at most `max_iter`; fewer once within `tol`).
    """
    act = get_activation(activation)
    h, weights, iterations = np.asarray(x, float), [], []
    with np.errstate(all="ignore"):
        for depth, (W, b) in enumerate(layers, 1):
            product, factor, count = h @ W, 1.0, 0   # W·c on h is c·(h @ W): one product
            while count < max_iter:
                variance = float(np.var(factor * product + b))
                if abs(variance - 1) < tol or not 0 < variance < math.inf:
                    break
                factor /= math.sqrt(variance)
                count += 1
            weights.append(factor * np.asarray(W, float))
            iterations.append(count)
            if depth < len(layers):
                h = act.forward(factor * product + b)
    return weights, iterations
