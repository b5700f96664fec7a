"""The initializer catalogue: data on one variance-scaling rule, plus `sample` and `theory`.

Glorot, He and LeCun are all variance scaling with a (scale, mode, distribution); only the
``*_normal`` distribution differs by framework (Keras/JAX: truncated normal with the 0.8796
correction; PyTorch: plain normal). A name may mean different things in different frameworks
(PyTorch's ``normal(mean, std)`` has std 1, JAX's ``normal(stddev)`` 0.01): each entry has one
*form* per group of flavours that agree, with its own parameters, defaults and law.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from . import laws
from .errors import InputError, check_choice, check_float, check_int
from .fans import check_shape, fan_of, framework_fans
from .gains import TORCH_NONLINEARITIES, gain
from .limits import MAX_NDIM, MAX_SEED
from .specs import parse_spec

FLAVORS = ("keras", "pytorch", "jax")
ALL = FLAVORS
NOT_PYTORCH = ("keras", "jax")
KERAS_PYTORCH = ("keras", "pytorch")
MODES = ("fan_in", "fan_out", "fan_avg")
JAX_MODES = (*MODES, "fan_geo_avg")
DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform", "normal")
ALIASES = {
    "xavier_uniform": "glorot_uniform",
    "xavier_normal": "glorot_normal",
    "kaiming_uniform": "he_uniform",
    "kaiming_normal": "he_normal",
}
"""Names that, without arguments, mean the preset (with arguments: PyTorch's function)."""


@dataclass(frozen=True)
class Param:
    """One keyword argument: its default and what values it accepts."""

    default: object
    low: float = -1e6
    high: float = 1e6
    choices: tuple = ()
    integer: bool = False

    def check(self, key, value):
        if self.choices:
            return check_choice(key, value, self.choices)
        if self.integer:
            return check_int(key, value, self.low, self.high)
        return check_float(key, value, self.low, self.high)


@dataclass(frozen=True)
class Form:
    """What a name means in some flavours: a summary, the parameters and the law."""

    flavors: tuple
    summary: str
    params: dict
    law: object  # (args: dict, shape: tuple, flavor: str) -> laws.Theory

    def check(self, name, args):
        """The given `args` validated, in parameter order, or InputError."""
        checked = {}
        for key, value in args:
            if key not in self.params:
                allowed = ", ".join(self.params) or "none"
                raise InputError(f"{name} has no argument {key!r}; its arguments: {allowed}.")
            checked[key] = self.params[key].check(key, value)
        return tuple((k, checked[k]) for k in self.params if k in checked)

    def values(self, given):
        return {k: p.default for k, p in self.params.items()} | dict(given)


@dataclass(frozen=True)
class Initializer:
    """A catalogue entry: its forms, one per group of flavours that agree on its meaning."""

    name: str
    forms: tuple

    @property
    def flavors(self):
        return tuple(f for f in FLAVORS if any(f in form.flavors for form in self.forms))

    @property
    def summary(self):
        return self.forms[0].summary

    def form(self, flavor):
        return next(form for form in self.forms if flavor in form.flavors)


def _entry(name, summary, params, flavors, law):
    """An entry with one meaning in all its flavours."""
    return Initializer(name, (Form(flavors, summary, params, law),))


def _normal_distribution(flavor):
    """What a ``*_normal`` preset means in each framework."""
    return "untruncated_normal" if flavor == "pytorch" else "truncated_normal"


def variance_scaling(scale, mode, distribution, fan_pair):
    """Theory of variance scaling: weights with variance `scale / n`, n the fan named by `mode`."""
    std = math.sqrt(scale / fan_of(mode, *fan_pair))
    if distribution == "uniform":
        limit = math.sqrt(3) * std
        return laws.uniform(-limit, limit)
    if distribution == "untruncated_normal":
        return laws.normal(0.0, std)
    return laws.truncated_normal(0.0, std / laws.TRUNCATED_STD)


def _preset(scale, mode, distribution):
    def law(args, shape, flavor):
        dist = _normal_distribution(flavor) if distribution == "normal" else distribution
        return variance_scaling(scale, mode, dist, framework_fans(shape, flavor))

    return law


def _custom_variance_scaling(args, shape, flavor):
    dist = args["distribution"]
    if dist == "normal":  # Keras maps "normal" to truncated; JAX's "normal" is untruncated.
        dist = "untruncated_normal" if flavor == "jax" else "truncated_normal"
    axes = (args["in_axis"], args["out_axis"]) if flavor == "jax" else ()
    return variance_scaling(args["scale"], args["mode"], dist,
                            framework_fans(shape, flavor, *axes))


def _random_uniform(args, shape, flavor):
    if args["minval"] > args["maxval"]:
        raise InputError("random_uniform needs minval <= maxval.")
    return laws.uniform(args["minval"], args["maxval"])


def _torch_uniform(args, shape, flavor):
    if args["a"] > args["b"]:
        raise InputError("uniform needs a <= b (PyTorch's uniform_ refuses a > b).")
    return laws.uniform(args["a"], args["b"])


def torch_gain(args):
    """The gain of PyTorch's kaiming_*: calculate_gain(nonlinearity, a)."""
    return gain(args["nonlinearity"], args["a"])


def _kaiming(distribution):
    def law(args, shape, flavor):
        scale = torch_gain(args) ** 2
        return variance_scaling(scale, args["mode"], distribution, framework_fans(shape, flavor))

    return law


def _xavier(distribution):
    def law(args, shape, flavor):
        return variance_scaling(args["gain"] ** 2, "fan_avg", distribution,
                                framework_fans(shape, flavor))

    return law


def _sklearn_default(args, shape, flavor):
    fan_in, fan_out = framework_fans(shape, flavor)
    factor = 2.0 if args["activation"] == "logistic" else 6.0
    limit = math.sqrt(factor / (fan_in + fan_out))
    return laws.uniform(-limit, limit)


def _pytorch_default(args, shape, flavor):
    limit = 1 / math.sqrt(framework_fans(shape, flavor)[0])
    return laws.uniform(-limit, limit)


_STD = Param(0.05, 0.0, 1e3)
_GAIN = Param(1.0, -1e3, 1e3)
_AXIS = dict(low=-MAX_NDIM, high=MAX_NDIM - 1, integer=True)
_KAIMING = {
    "a": Param(0.0),
    "mode": Param("fan_in", choices=("fan_in", "fan_out")),
    "nonlinearity": Param("leaky_relu", choices=TORCH_NONLINEARITIES),
}
_SCALING = {
    "scale": Param(1.0, 1e-12, 1e6),
    "mode": Param("fan_in", choices=MODES),
    "distribution": Param("truncated_normal", choices=DISTRIBUTIONS),
}

CATALOGUE = {
    entry.name: entry
    for entry in [
        _entry("zeros", "all weights 0", {}, ALL, lambda a, s, f: laws.constant(0.0)),
        _entry("ones", "all weights 1", {}, ALL, lambda a, s, f: laws.constant(1.0)),
        _entry("constant", "all weights equal `value`", {"value": Param(0.0)}, ALL,
               lambda a, s, f: laws.constant(a["value"])),
        _entry("random_normal", "N(mean, stddev²)", {"mean": Param(0.0), "stddev": _STD}, ALL,
               lambda a, s, f: laws.normal(a["mean"], a["stddev"])),
        _entry("random_uniform", "U(minval, maxval)",
               {"minval": Param(-0.05), "maxval": Param(0.05)}, ALL, _random_uniform),
        Initializer("truncated_normal", (
            Form(KERAS_PYTORCH, "N(mean, stddev²) cut at ±2·stddev, no correction",
                 {"mean": Param(0.0), "stddev": _STD},
                 lambda a, s, f: laws.truncated_normal(a["mean"], a["stddev"])),
            Form(("jax",), "N(0, stddev²) cut at lower·stddev and upper·stddev, no correction",
                 {"stddev": Param(0.01, 1e-12, 1e3), "lower": Param(-2.0), "upper": Param(2.0)},
                 lambda a, s, f: laws.truncated_between(
                     0.0, a["stddev"], a["lower"] * a["stddev"], a["upper"] * a["stddev"])),
        )),
        _entry("glorot_uniform", "U(±√(6/(fan_in+fan_out)))", {}, ALL,
               _preset(1.0, "fan_avg", "uniform")),
        _entry("glorot_normal", "variance 2/(fan_in+fan_out)", {}, ALL,
               _preset(1.0, "fan_avg", "normal")),
        _entry("he_uniform", "U(±√(6/fan_in))", {}, ALL, _preset(2.0, "fan_in", "uniform")),
        _entry("he_normal", "variance 2/fan_in", {}, ALL, _preset(2.0, "fan_in", "normal")),
        _entry("lecun_uniform", "U(±√(3/fan_in))", {}, NOT_PYTORCH,
               _preset(1.0, "fan_in", "uniform")),
        _entry("lecun_normal", "variance 1/fan_in", {}, NOT_PYTORCH,
               _preset(1.0, "fan_in", "normal")),
        Initializer("variance_scaling", (
            Form(("keras",), "variance scale/n, n = fan_in, fan_out or their mean", _SCALING,
                 _custom_variance_scaling),
            Form(("jax",), "variance scale/n, n = fan_in, fan_out, their mean or geometric mean; "
                 "fans along in_axis and out_axis",
                 _SCALING | {"mode": Param("fan_in", choices=JAX_MODES),
                             "in_axis": Param(-2, **_AXIS), "out_axis": Param(-1, **_AXIS)},
                 _custom_variance_scaling),
        )),
        Initializer("orthogonal", (
            Form(KERAS_PYTORCH, "gain · (orthonormal rows or columns)", {"gain": _GAIN},
                 lambda a, s, f: laws.orthogonal(a["gain"], s)),
            Form(("jax",), "gain · (orthonormal rows or columns), columns along column_axis",
                 {"gain": _GAIN, "column_axis": Param(-1, **_AXIS)},
                 lambda a, s, f: laws.orthogonal(a["gain"], s, _column_axis(a, s))),
        )),
        _entry("identity", "gain · identity matrix (2-D only)", {"gain": _GAIN}, KERAS_PYTORCH,
               lambda a, s, f: laws.identity(a["gain"], s)),
        _entry("kaiming_uniform", "U(±gain·√(3/fan)), gain = calculate_gain(nonlinearity, a)",
               _KAIMING, ("pytorch",), _kaiming("uniform")),
        _entry("kaiming_normal", "N(0, gain²/fan), gain = calculate_gain(nonlinearity, a)",
               _KAIMING, ("pytorch",), _kaiming("untruncated_normal")),
        _entry("xavier_uniform", "U(±gain·√(6/(fan_in+fan_out)))",
               {"gain": Param(1.0, 1e-12, 1e3)}, ("pytorch",), _xavier("uniform")),
        _entry("xavier_normal", "N(0, gain²·2/(fan_in+fan_out))",
               {"gain": Param(1.0, 1e-12, 1e3)}, ("pytorch",), _xavier("untruncated_normal")),
        _entry("trunc_normal", "N(mean, std²) cut at the absolute bounds a, b",
               {"mean": Param(0.0), "std": Param(1.0, 1e-12, 1e3), "a": Param(-2.0),
                "b": Param(2.0)}, ("pytorch",),
               lambda a, s, f: laws.truncated_between(a["mean"], a["std"], a["a"], a["b"])),
        Initializer("uniform", (
            Form(("pytorch",), "U(a, b)", {"a": Param(0.0), "b": Param(1.0)}, _torch_uniform),
            Form(("jax",), "U[0, scale)", {"scale": Param(0.01, 0.0, 1e6)},
                 lambda a, s, f: laws.uniform(0.0, a["scale"])),
        )),
        Initializer("normal", (
            Form(("pytorch",), "N(mean, std²)", {"mean": Param(0.0), "std": Param(1.0, 0.0, 1e3)},
                 lambda a, s, f: laws.normal(a["mean"], a["std"])),
            Form(("jax",), "N(0, stddev²)", {"stddev": Param(0.01, 0.0, 1e3)},
                 lambda a, s, f: laws.normal(0.0, a["stddev"])),
        )),
        _entry("eye", "identity matrix (2-D only)", {}, ("pytorch",),
               lambda a, s, f: laws.identity(1.0, s)),
        _entry("dirac", "conv kernel passing each group's channels through (3-D to 5-D)",
               {"groups": Param(1, 1, 1e5, integer=True)}, ("pytorch",),
               lambda a, s, f: laws.dirac(a["groups"], s)),
        _entry("sparse", "N(0, std²) with a share `sparsity` of each input's weights 0 (2-D)",
               {"sparsity": Param(0.1, 0.0, 1.0), "std": Param(0.01, 0.0, 1e3)}, ("pytorch",),
               lambda a, s, f: laws.sparse(a["sparsity"], a["std"], s)),
        _entry("delta_orthogonal", "orthogonal (in, out) matrix at the kernel centre, 0 elsewhere",
               {"scale": _GAIN}, ("jax",), lambda a, s, f: laws.delta_orthogonal(a["scale"], s)),
        _entry("pytorch_default", "nn.Linear / ConvNd weight: U(±1/√fan_in)", {}, ALL,
               _pytorch_default),
        _entry("sklearn_default",
               "MLPClassifier: U(±√(6/(fan_in+fan_out))), factor 2 for logistic",
               {"activation": Param("relu", choices=("relu", "tanh", "identity", "logistic"))},
               ALL, _sklearn_default),
        _entry("flax_default", "flax.linen.Dense kernel: lecun_normal (truncated)", {}, ALL,
               _preset(1.0, "fan_in", "truncated_normal")),
        _entry("keras_default", "keras Dense kernel: glorot_uniform", {}, ALL,
               _preset(1.0, "fan_avg", "uniform")),
        _entry("lsuv", "orthonormal, then each layer rescaled on a batch until the variance of "
               "its output is 1 ± tol (Mishkin & Matas 2016): needs data",
               {"tol": Param(0.1, 1e-6, 10.0), "max_iter": Param(10, 1, 100, integer=True)}, ALL,
               lambda a, s, f: laws.data_dependent()),
    ]
}


def _column_axis(args, shape):
    """JAX's column_axis as a negative index of `shape` (refused if it names no dimension)."""
    axis = args["column_axis"]
    if not -len(shape) <= axis < len(shape):
        raise InputError(f"column_axis {axis} does not name a dimension of the shape {shape}.")
    return axis % len(shape) - len(shape)


def list_initializers():
    """Canonical names, in catalogue order."""
    return list(CATALOGUE)


@dataclass(frozen=True)
class Spec:
    """A validated initializer spec: canonical name, the arguments given, and its entry.

    `entry` keeps only the forms (flavours) that accept the given arguments.
    """

    name: str
    given: tuple
    entry: Initializer

    @property
    def label(self):
        """Canonical text of the spec, e.g. ``random_normal(stddev=0.01)``."""
        if not self.given:
            return self.name
        args = (f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.given)
        return f"{self.name}({', '.join(args)})"

    def values_in(self, flavor):
        """Every argument's value in `flavor`, defaults filled in."""
        return self.entry.form(flavor).values(self.given)

    @property
    def values(self):
        """Every argument's value in the first flavour that accepts the spec."""
        return self.values_in(self.entry.flavors[0])


def resolve(spec):
    """Parse and validate `spec` (a string or a Spec) into a Spec, or raise InputError."""
    if isinstance(spec, Spec):
        return spec
    parsed = parse_spec(spec)
    name = parsed.name if parsed.args else ALIASES.get(parsed.name, parsed.name)
    if name not in CATALOGUE:
        raise InputError(
            f"Unknown initializer {parsed.name!r}; choose one of: {', '.join(CATALOGUE)}."
        )
    entry = CATALOGUE[name]
    accepted, errors = [], []
    for form in entry.forms:
        try:
            accepted.append((form, form.check(name, parsed.args)))
        except InputError as error:
            errors.append(f"In {', '.join(form.flavors)}: {error}" if len(entry.forms) > 1
                          else str(error))
    if not accepted:
        raise InputError(" ".join(errors))
    given = accepted[0][1]
    return Spec(name, given, replace(entry, forms=tuple(form for form, _ in accepted)))


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
        whole = CATALOGUE[spec.name]
        if flavor in whole.flavors:  # defined there, but not with these arguments: say why
            try:
                whole.form(flavor).check(spec.name, spec.given)
            except InputError as error:
                raise InputError(f"In {flavor}: {error}") from None
        plain = f" Without arguments it means {ALIASES[spec.name]}." if spec.name in ALIASES else ""
        raise InputError(f"{spec.name} is not defined in {flavor}; it is in: "
                         f"{', '.join(spec.entry.flavors)}.{plain}")
    return spec.entry.form(flavor).law(spec.values_in(flavor), check_shape(shape), flavor)


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
    if law.kind == "data-dependent":
        raise InputError(f"{resolve(spec).label} needs data: it rescales the layers of a net on "
                         "a batch, so it has weights only in a net (iv.propagate, iv.train, "
                         "initviz.lsuv), not for a shape alone.")
    rng = np.random.default_rng(check_int("seed", seed, 0, MAX_SEED))
    return laws.draw(law, tuple(shape), rng)
