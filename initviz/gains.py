"""Recommended gains per nonlinearity, the values of `torch.nn.init.calculate_gain`."""

import math

from .errors import InputError, check_float

_UNIT_GAIN = (
    "linear", "identity", "sigmoid",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
)
NONLINEARITIES = (*_UNIT_GAIN, "tanh", "relu", "leaky_relu", "selu")
TORCH_NONLINEARITIES = tuple(n for n in NONLINEARITIES if n != "identity")
"""The names `torch.nn.init.calculate_gain` itself accepts (it has no "identity")."""


def gain(nonlinearity, param=None):
    """Return the gain that keeps activation variance steady through `nonlinearity`.

    Parameters
    ----------
    nonlinearity : str
        One of `NONLINEARITIES`.
    param : float, optional
        Negative slope of leaky_relu (default 0.01).
    """
    if nonlinearity in _UNIT_GAIN:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else check_float("leaky_relu slope", param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise InputError(
        f"Unknown nonlinearity {nonlinearity!r}; choose one of: {', '.join(NONLINEARITIES)}."
    )
