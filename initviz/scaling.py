"""Which presets are variance scaling, with what (scale, mode): the std from the fans alone."""

import math

from .errors import check_int
from .fans import fan_of
from .initializers import resolve, torch_gain

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
    """(scale, mode) if `spec` is variance scaling, else None.

    PyTorch's kaiming_* and xavier_* with arguments are variance scaling with scale gain².
    """
    spec = resolve(spec)
    values = spec.values
    if spec.name == "variance_scaling":
        return values["scale"], values["mode"]
    if spec.name == "sklearn_default":
        return SKLEARN_SCALE.get(values["activation"], 1.0), "fan_avg"
    if spec.name.startswith("kaiming_"):
        return torch_gain(values) ** 2, values["mode"]
    if spec.name.startswith("xavier_"):
        return values["gain"] ** 2, "fan_avg"
    return PRESETS.get(spec.name)


def scaled_std(scale, mode, fan_in, fan_out):
    """√(scale / n) with n the fan named by `mode`: the std of every variance-scaling law."""
    fan_in = check_int("fan_in", fan_in, 1, 10**12)
    fan_out = check_int("fan_out", fan_out, 1, 10**12)
    return math.sqrt(scale / fan_of(mode, fan_in, fan_out))
