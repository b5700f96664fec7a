"""The initializer catalogue: data on one variance-scaling rule, plus `sample` and `theory`.

Glorot, He and LeCun are all variance scaling with a (scale, mode, distribution); only the
``*_normal`` distribution differs by framework (Keras/JAX: truncated normal with the 0.8796
correction; PyTorch: plain normal).
"""

import math
from dataclasses import dataclass

import numpy as np

from . import laws
from .errors import InputError, check_choice, check_float, check_int
from .fans import check_shape, fans
from .limits import MAX_SEED
from .specs import parse_spec

FLAVORS = ("keras", "pytorch", "jax")
ALL = FLAVORS
NOT_PYTORCH = ("keras", "jax")
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")
ALIASES = {
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "kaiming_uniform": "he_uniform",
    "kaiming_normal": "he_normal",
}


@dataclass(frozen=True)
class Param:
    """One keyword argument: its default and what values it accepts."""

    default: object
    low: float = -1e6
    high: float = 1e6
    choices: tuple = ()

    def check(self, key, value):
        if self.choices:
            return check_choice(key, value, self.choices)
        return check_float(key, value, self.low, self.high)


@dataclass(frozen=True)
class Initializer:
    """A catalogue entry: parameters, the flavours that define it, and its law for a shape."""

    name: str
    summary: str
    params: dict
    flavors: tuple
    law: object  # (args: dict, shape: tuple, flavor: str) -> laws.Theory


def _normal_distribution(flavor):
    """What a ``*_normal`` preset means in each framework."""
    return "untruncated_normal" if flavor == "pytorch" else "truncated_normal"


def variance_scaling(scale, mode, distribution, shape):
    """Theory of variance scaling: weights with variance `scale / n`, n the fan named by `mode`."""
    fan_in, fan_out = fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    std = math.sqrt(scale / n)
    if distribution == "uniform":
        limit = math.sqrt(3) * std
        return laws.uniform(-limit, limit)
    if distribution == "untruncated_normal":
        return laws.normal(0.0, std)
    return laws.truncated_normal(0.0, std / laws.TRUNCATED_STD)


def _preset(scale, mode, distribution):
    def law(args, shape, flavor):
        dist = _normal_distribution(flavor) if distribution == "normal" else distribution
        return variance_scaling(scale, mode, dist, shape)

    return law


def _custom_variance_scaling(args, shape, flavor):
    dist = args["distribution"]
    if dist == "normal":  # Keras maps "normal" to truncated; JAX's "normal" is untruncated.
        dist = "untruncated_normal" if flavor == "jax" else "truncated_normal"
    return variance_scaling(args["scale"], args["mode"], dist, shape)


def _random_uniform(args, shape, flavor):
    if args["minval"] > args["maxval"]:
        raise InputError("random_uniform needs minval <= maxval.")
    return laws.uniform(args["minval"], args["maxval"])


def _sklearn_default(args, shape, flavor):
    fan_in, fan_out = fans(shape)
    factor = 2.0 if args["activation"] == "logistic" else 6.0
    limit = math.sqrt(factor / (fan_in + fan_out))
    return laws.uniform(-limit, limit)


def _pytorch_default(args, shape, flavor):
    limit = 1 / math.sqrt(fans(shape)[0])
    return laws.uniform(-limit, limit)


_STD = Param(0.05, 0.0, 1e3)
_GAIN = Param(1.0, -1e3, 1e3)

CATALOGUE = {
    entry.name: entry
    for entry in [
        Initializer("zeros", "all weights 0", {}, ALL, lambda a, s, f: laws.constant(0.0)),
        Initializer("ones", "all weights 1", {}, ALL, lambda a, s, f: laws.constant(1.0)),
        Initializer(
            "constant", "all weights equal `value`", {"value": Param(0.0)}, ALL,
            lambda a, s, f: laws.constant(a["value"]),
        ),
        Initializer(
            "random_normal", "N(mean, stddev²)", {"mean": Param(0.0), "stddev": _STD}, ALL,
            lambda a, s, f: laws.normal(a["mean"], a["stddev"]),
        ),
        Initializer(
            "random_uniform", "U(minval, maxval)",
            {"minval": Param(-0.05), "maxval": Param(0.05)}, ALL, _random_uniform,
        ),
        Initializer(
            "truncated_normal", "N(mean, stddev²) cut at ±2·stddev, no correction",
            {"mean": Param(0.0), "stddev": _STD}, ALL,
            lambda a, s, f: laws.truncated_normal(a["mean"], a["stddev"]),
        ),
        Initializer("glorot_uniform", "U(±√(6/(fan_in+fan_out)))", {}, ALL,
                    _preset(1.0, "fan_avg", "uniform")),
        Initializer("glorot_normal", "variance 2/(fan_in+fan_out)", {}, ALL,
                    _preset(1.0, "fan_avg", "normal")),
        Initializer("he_uniform", "U(±√(6/fan_in))", {}, ALL, _preset(2.0, "fan_in", "uniform")),
        Initializer("he_normal", "variance 2/fan_in", {}, ALL, _preset(2.0, "fan_in", "normal")),
        Initializer("lecun_uniform", "U(±√(3/fan_in))", {}, NOT_PYTORCH,
                    _preset(1.0, "fan_in", "uniform")),
        Initializer("lecun_normal", "variance 1/fan_in", {}, NOT_PYTORCH,
                    _preset(1.0, "fan_in", "normal")),
        Initializer(
            "variance_scaling", "variance scale/n, n = fan_in, fan_out or their mean",
            {
                "scale": Param(1.0, 1e-12, 1e6),
                "mode": Param("fan_in", choices=MODES),
                "distribution": Param("truncated_normal", choices=DISTRIBUTIONS),
            },
            NOT_PYTORCH, _custom_variance_scaling,
        ),
        Initializer(
            "orthogonal", "gain · (orthonormal rows or columns)", {"gain": _GAIN}, ALL,
            lambda a, s, f: laws.orthogonal(a["gain"], s),
        ),
        Initializer(
            "identity", "gain · identity matrix (2-D only)", {"gain": _GAIN}, ("keras", "pytorch"),
            lambda a, s, f: laws.identity(a["gain"], s),
        ),
        Initializer("pytorch_default", "nn.Linear / ConvNd weight: U(±1/√fan_in)", {}, ALL,
                    _pytorch_default),
        Initializer(
            "sklearn_default", "MLPClassifier: U(±√(6/(fan_in+fan_out))), factor 2 for logistic",
            {"activation": Param("relu", choices=("relu", "tanh", "identity", "logistic"))},
            ALL, _sklearn_default,
        ),
        Initializer("flax_default", "flax.linen.Dense kernel: lecun_normal (truncated)", {}, ALL,
                    _preset(1.0, "fan_in", "truncated_normal")),
        Initializer("keras_default", "keras Dense kernel: glorot_uniform", {}, ALL,
                    _preset(1.0, "fan_avg", "uniform")),
    ]
}


def list_initializers():
    """Canonical initializer names, in catalogue order."""
    return list(CATALOGUE)


@dataclass(frozen=True)
class Spec:
    """A validated initializer spec: canonical name, the arguments given, all values."""

    name: str
    given: tuple
    values: dict

    @property
    def label(self):
        """Canonical text of the spec, e.g. ``random_normal(stddev=0.01)``."""
        if not self.given:
            return self.name
        args = (f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.given)
        return f"{self.name}({', '.join(args)})"

    @property
    def entry(self):
        return CATALOGUE[self.name]


def resolve(spec):
    """Parse and validate `spec` (a string or a Spec) into a Spec, or raise InputError."""
    if isinstance(spec, Spec):
        return spec
    parsed = parse_spec(spec)
    name = ALIASES.get(parsed.name, parsed.name)
    if name not in CATALOGUE:
        raise InputError(
            f"Unknown initializer {parsed.name!r}; choose one of: {', '.join(CATALOGUE)}."
        )
    entry = CATALOGUE[name]
    given = []
    for key, value in parsed.args:
        if key not in entry.params:
            allowed = ", ".join(entry.params) or "none"
            raise InputError(f"{name} has no argument {key!r}; its arguments: {allowed}.")
        given.append((key, entry.params[key].check(key, value)))
    order = list(entry.params)
    given.sort(key=lambda kv: order.index(kv[0]))
    values = {k: p.default for k, p in entry.params.items()} | dict(given)
    return Spec(name, tuple(given), values)


def check_flavor(flavor):
    return check_choice("flavour", flavor, FLAVORS)


def theory(spec, shape, flavor="keras"):
    """What theory says of the weights `spec` makes for `shape` in `flavor`.

    Returns
    -------
    Theory
        With `.kind`, `.mean`, `.std`, `.low`, `.high` and `.pdf(x)`, `.cdf(x)`.
    """
    spec = resolve(spec)
    flavor = check_flavor(flavor)
    if flavor not in spec.entry.flavors:
        raise InputError(
            f"{spec.name} is not defined in {flavor}; it is in: {', '.join(spec.entry.flavors)}."
        )
    return spec.entry.law(spec.values, check_shape(shape), flavor)


def sample(spec, shape, seed=0, flavor="keras"):
    """Sample weights of `shape` (float64) for `spec` as `flavor` does, seeded by `seed`.

    Parameters
    ----------
    spec : str
        An initializer spec, e.g. ``"he_normal"`` or ``"random_normal(stddev=0.01)"``.
    shape : tuple of int
        ``(fan_in, fan_out)`` or a conv kernel ``(kh, kw, in, out)``.
    seed : int
        Seed of the numpy Generator; the same seed gives the same weights everywhere.
    flavor : {"keras", "pytorch", "jax"}
    """
    law = theory(spec, shape, flavor)
    rng = np.random.default_rng(check_int("seed", seed, 0, MAX_SEED))
    return laws.draw(law, tuple(shape), rng)
