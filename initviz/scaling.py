"""Which presets are variance scaling, with what (scale, mode): the std from the fans alone."""

import math

from .errors import check_int
from .initializers import resolve

PRESETS = {
    "glorot_uniform": (1.0, "fan_avg"),
    "glorot_normal": (1.0, "fan_avg"),
    "keras_default": (1.0, "fan_avg"),
    "he_uniform": (2.0, "fan_in"),
    "he_normal": (2.0, "fan_in"),
    "lecun_uniform": (1.0, "fan_in"),
    "lecun_normal": (1.0, "fan_in"),
    "flax_default": (1.0, "fan_in"),
    "pytorch_default": (1.0 / 3, "fan_in"),
}
"""Preset name -> (scale, mode); the distribution is the spec's and the flavour's business."""

SKLEARN_SCALE = {"logistic": 1.0 / 3}
"""scikit-learn's MLP limit √(factor/(in+out)) is variance scaling on fan_avg, scale factor/6."""


def scaling(spec):
    """(scale, mode) if `spec` is variance scaling, else None."""
    spec = resolve(spec)
    if spec.name == "variance_scaling":
        return spec.values["scale"], spec.values["mode"]
    if spec.name == "sklearn_default":
        return SKLEARN_SCALE.get(spec.values["activation"], 1.0), "fan_avg"
    return PRESETS.get(spec.name)


def scaled_std(scale, mode, fan_in, fan_out):
    """√(scale / n) with n the fan named by `mode`: the std of every variance-scaling law."""
    fan_in = check_int("fan_in", fan_in, 1, 10**12)
    fan_out = check_int("fan_out", fan_out, 1, 10**12)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    return math.sqrt(scale / n)
