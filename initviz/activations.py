"""Activation functions with their derivatives, dtype-preserving, for propagation and training.

Names accept arguments like initializer specs: ``"leaky_relu(slope=0.2)"``.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import special

from .errors import InputError, check_float
from .specs import parse_spec

SELU_LAMBDA = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772
_SQRT_2PI = math.sqrt(2 * math.pi)


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity φ with φ′, its torch gain name, and its failure mode."""

    name: str
    forward: object      # x -> φ(x)
    derivative: object   # x -> φ′(x)
    slope: float = 0.0   # leaky_relu negative slope; elu alpha

    @property
    def label(self):
        return f"leaky_relu(slope={self.slope:g})" if self.name == "leaky_relu" else self.name

    def saturated(self, a):
        """Boolean mask of saturated units: |a| > 0.99 for tanh, sigmoid within 0.01 of 0 or 1."""
        if self.name == "tanh":
            return np.abs(a) > 0.99
        if self.name == "sigmoid":
            return (a < 0.01) | (a > 0.99)
        return np.zeros(np.shape(a), dtype=bool)

    def dead(self, a):
        """Boolean mask of dead units: exactly zero output of a ReLU."""
        return a == 0 if self.name == "relu" else np.zeros(np.shape(a), dtype=bool)


def _sigmoid_grad(x):
    s = special.expit(x)
    return s * (1 - s)


def _elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def _gelu_grad(x):
    return special.ndtr(x) + x * np.exp(-0.5 * x * x) / _SQRT_2PI


def _swish_grad(x):
    s = special.expit(x)
    return s + x * s * (1 - s)


def _leaky(slope):
    return (
        lambda x: np.where(x > 0, x, slope * x),
        lambda x: np.where(x > 0, 1.0, slope).astype(np.result_type(x, np.float32)),
    )


def _one(x):
    return np.ones_like(x)


_FIXED = {
    "linear": (lambda x: x, _one),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "sigmoid": (special.expit, _sigmoid_grad),
    "relu": (lambda x: np.maximum(x, 0), lambda x: (x > 0).astype(np.result_type(x, np.float32))),
    "elu": (_elu, lambda x: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0))).astype(x.dtype)),
    "selu": (
        lambda x: SELU_LAMBDA * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
        lambda x: SELU_LAMBDA
        * np.where(x > 0, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0))).astype(x.dtype),
    ),
    "gelu": (lambda x: x * special.ndtr(x), _gelu_grad),
    "swish": (lambda x: x * special.expit(x), _swish_grad),
}
ACTIVATIONS = (*_FIXED, "leaky_relu")
_ALIASES = {"silu": "swish", "identity": "linear"}


def get_activation(spec):
    """Return the Activation named by `spec`, e.g. ``"tanh"`` or ``"leaky_relu(slope=0.2)"``."""
    if isinstance(spec, Activation):
        return spec
    parsed = parse_spec(spec)
    name = _ALIASES.get(parsed.name, parsed.name)
    args = dict(parsed.args)
    if name == "leaky_relu":
        extra = set(args) - {"slope"}
        if extra:
            raise InputError(f"leaky_relu takes only slope, not {', '.join(sorted(extra))}.")
        slope = check_float("leaky_relu slope", args.get("slope", 0.01), 0.0, 1.0)
        return Activation(name, *_leaky(slope), slope=slope)
    if name not in _FIXED:
        allowed = ", ".join(ACTIVATIONS)
        raise InputError(f"Unknown activation {parsed.name!r}; choose one of: {allowed}.")
    if args:
        raise InputError(f"{name} takes no arguments.")
    return Activation(name, *_FIXED[name])
