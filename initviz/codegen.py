"""Code that makes the same weights in Keras, PyTorch, JAX and NumPy.

A framework's own function is used only where it draws exactly the law the chosen flavour
draws (e.g. PyTorch's ``kaiming_normal_`` is a plain normal, so it stands for ``he_normal`` in
the PyTorch flavour only); otherwise the law is written out with its numbers and a comment says
so. The NumPy snippet reproduces ``iv.sample`` number for number.
"""

import math
from dataclasses import dataclass

from .fans import check_shape, fans
from .initializers import resolve, theory
from .scaling import scaling

FRAMEWORKS = ("Keras", "PyTorch", "JAX", "NumPy")
FLAVOR_NAMES = {"keras": "Keras", "pytorch": "PyTorch", "jax": "JAX"}
PLAIN_LAWS = ("zeros", "ones", "constant", "random_normal", "random_uniform",
              "truncated_normal", "orthogonal", "identity")
"""Initializers whose law every framework spells directly (no framework lacks them)."""

NAMED = {
    ("glorot_uniform", "uniform"): "glorot_uniform",
    ("keras_default", "uniform"): "glorot_uniform",
    ("glorot_normal", "truncated_normal"): "glorot_normal",
    ("he_uniform", "uniform"): "he_uniform",
    ("he_normal", "truncated_normal"): "he_normal",
    ("lecun_uniform", "uniform"): "lecun_uniform",
    ("lecun_normal", "truncated_normal"): "lecun_normal",
    ("flax_default", "truncated_normal"): "lecun_normal",
}
"""(initializer, kind) -> the Keras and JAX preset drawing exactly that law (Keras: CamelCase)."""
KERAS_DISTRIBUTIONS = {"uniform": "uniform", "normal": "untruncated_normal",
                       "truncated_normal": "truncated_normal"}
JAX_DISTRIBUTIONS = {"uniform": "uniform", "normal": "normal",  # JAX's "normal" is untruncated
                     "truncated_normal": "truncated_normal"}

TORCH_CALLS = {
    ("glorot_uniform", "uniform"): "nn.init.xavier_uniform_(w)",
    ("keras_default", "uniform"): "nn.init.xavier_uniform_(w)",
    ("glorot_normal", "normal"): "nn.init.xavier_normal_(w)",
    ("he_uniform", "uniform"): 'nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="relu")',
    ("he_normal", "normal"): 'nn.init.kaiming_normal_(w, mode="fan_in", nonlinearity="relu")',
    ("lecun_uniform", "uniform"):
        'nn.init.kaiming_uniform_(w, mode="fan_in", nonlinearity="linear")  # gain 1 = LeCun',
    ("pytorch_default", "uniform"):
        "nn.init.kaiming_uniform_(w, a=math.sqrt(5))  # what nn.Linear / nn.ConvNd do",
    ("zeros", "constant"): "nn.init.zeros_(w)",
    ("ones", "constant"): "nn.init.ones_(w)",
}


@dataclass(frozen=True)
class _Request:
    """Everything a snippet needs: the spec, its law for the shape, flavour and seed."""

    spec: object
    law: object
    shape: tuple
    flavor: str
    seed: int

    @property
    def key(self):
        return self.spec.name, self.law.kind


def snippets(spec, shape, flavor="keras", seed=0):
    """Code for each framework that draws the weights `spec` makes in `flavor`.

    Parameters
    ----------
    spec : str
        Initializer spec.
    shape : tuple of int
        Keras layout, ``(fan_in, fan_out)`` or ``(kh, kw, in, out)``; the PyTorch snippet uses
        PyTorch's ``(out, in, kh, kw)``.
    flavor : {"keras", "pytorch", "jax"}
        Whose law to reproduce (e.g. he_normal is truncated in Keras, plain in PyTorch).
    seed : int

    Returns
    -------
    dict
        Framework name (`FRAMEWORKS`) -> Python source.
    """
    spec = resolve(spec)
    shape = check_shape(shape)
    req = _Request(spec, theory(spec, shape, flavor), shape, flavor, int(seed))
    emitters = (_keras, _pytorch, _jax, _numpy)
    return {
        name: "\n".join(_wrap(line) for line in emit(req)) + "\n"
        for name, emit in zip(FRAMEWORKS, emitters, strict=True)
    }


def num(x):
    """Shortest text that reads back as exactly `x`."""
    x = float(x)
    short = f"{x:.6g}"
    return short if float(short) == x else repr(x)


def describe(law):
    """One line on the law: its shape, std and bounds."""
    text = {
        "constant": f"all weights {num(law.mean)}",
        "normal": f"normal, mean {num(law.mean)}, std {law.std:.4g}",
        "uniform": f"uniform on [{law.low:.4g}, {law.high:.4g}], std {law.std:.4g}",
        "truncated_normal": f"truncated normal, std {law.std:.4g}, cut at "
                            f"[{law.low:.4g}, {law.high:.4g}]",
        "orthogonal": f"orthogonal times {num(law.scale)}, std {law.std:.4g}",
        "identity": f"identity times {num(law.scale)}",
    }
    return text[law.kind]


def _affine(mean, scale, draw):
    """Text of mean + scale * draw, leaving out a zero mean."""
    scaled = f"{num(scale)} * {draw}"
    return scaled if mean == 0 else f"{num(mean)} + {scaled}"


def _wrap(line, width=88):
    """Break a long call without a trailing comment after its opening parenthesis."""
    if len(line) <= width or "#" in line or not line.endswith(")"):
        return line
    head, args = line.split("(", 1)
    return f"{head}(\n    {args[:-1]}\n)"


def _header(req):
    fan_in, fan_out = fans(req.shape)
    return [
        f"# {req.spec.label}, {FLAVOR_NAMES[req.flavor]} flavour",
        f"# fan_in {fan_in}, fan_out {fan_out}: {describe(req.law)}",
    ]


def _written_out(req, framework):
    """A comment when the framework has no function for this law, so it is spelled out."""
    if req.spec.name in PLAIN_LAWS:
        return []
    return [f"# No {framework} function draws exactly this law, so it is spelled out:"]


def _keras(req):
    law, seed = req.law, f"seed={req.seed}"
    scale_mode = scaling(req.spec)
    if req.key in NAMED:
        make = f"{_camel(NAMED[req.key])}({seed})"
    elif scale_mode:
        make = (f"VarianceScaling(scale={num(scale_mode[0])}, mode=\"{scale_mode[1]}\", "
                f"distribution=\"{KERAS_DISTRIBUTIONS[law.kind]}\", {seed})")
    else:
        make = {
            "constant": f"Constant(value={num(law.mean)})",
            "normal": f"RandomNormal(mean={num(law.mean)}, stddev={num(law.std)}, {seed})",
            "uniform": f"RandomUniform(minval={num(law.low)}, maxval={num(law.high)}, {seed})",
            # Keras' TruncatedNormal cuts at mean ± 2·stddev without rescaling: as this law.
            "truncated_normal":
                f"TruncatedNormal(mean={num(law.mean)}, stddev={num(law.scale)}, {seed})",
            "orthogonal": f"Orthogonal(gain={num(law.scale)}, {seed})",
            "identity": f"Identity(gain={num(law.scale)})",
        }[law.kind]
    comment = [] if req.key in NAMED or scale_mode else _written_out(req, "Keras")
    return [
        "import keras", "", *_header(req), *comment,
        f"init = keras.initializers.{make}",
        f"w = init(shape={req.shape})  # Keras layout {_keras_layout(req.shape)}",
    ]


def _camel(name):
    return "".join(part.title() for part in name.split("_"))


def _keras_layout(shape):
    return "(fan_in, fan_out)" if len(shape) == 2 else "(*kernel_size, in_channels, out_channels)"


def _torch_shape(shape):
    """PyTorch stores (out, in, *kernel_size)."""
    return shape if len(shape) < 2 else (shape[-1], shape[-2], *shape[:-2])


def _pytorch(req):
    law = req.law
    if req.key in TORCH_CALLS and len(req.shape) >= 2:
        call, comment = TORCH_CALLS[req.key], []
    else:
        comment = _written_out(req, "PyTorch")
        call = {
            "constant": f"nn.init.constant_(w, {num(law.mean)})",
            "normal": f"nn.init.normal_(w, mean={num(law.mean)}, std={num(law.std)})",
            "uniform": f"nn.init.uniform_(w, a={num(law.low)}, b={num(law.high)})",
            "truncated_normal": (
                f"mean, std = {num(law.mean)}, {num(law.scale)}  # std before the cut\n"
                "# trunc_normal_ takes absolute bounds a, b, not multiples of std:\n"
                "nn.init.trunc_normal_(w, mean=mean, std=std, a=mean - 2 * std, b=mean + 2 * std)"
            ),
            "orthogonal": f"nn.init.orthogonal_(w, gain={num(law.scale)})",
            "identity": f"nn.init.eye_(w).mul_({num(law.scale)})",
        }[law.kind]
    dims = len(req.shape)
    imports = ["import math", ""] if "math." in call else []
    lines = [*imports, "import torch", "from torch import nn", "", *_header(req),
             f"torch.manual_seed({req.seed})", f"w = torch.empty{_torch_shape(req.shape)}"]
    if dims >= 2:
        layout = ("(out_features, in_features)" if dims == 2
                  else "(out_channels, in_channels, *kernel_size)")
        lines[-1] += f"  # PyTorch layout {layout}"
    lines += [*comment, call]
    if dims >= 2:
        back = "w.T" if dims == 2 else f"w.permute({', '.join(map(str, [*range(2, dims), 1, 0]))})"
        lines.append(f"# {back} has the Keras layout {req.shape}")
    return lines


def _jax(req):
    law = req.law
    scale_mode = scaling(req.spec)
    comment = []
    if req.key in NAMED:
        make = f"jax.nn.initializers.{NAMED[req.key]}()"
    elif scale_mode:
        make = (f"jax.nn.initializers.variance_scaling({num(scale_mode[0])}, "
                f"\"{scale_mode[1]}\", \"{JAX_DISTRIBUTIONS[law.kind]}\")")
    else:
        comment = _written_out(req, "JAX")
        make = None
    key, shape = f"jax.random.key({req.seed})", req.shape
    if make:
        draw = [f"init = {make}", f"w = init({key}, {shape})  # same layout as Keras"]
    else:
        draw = ["w = " + {
            "constant": f"jnp.full({shape}, {num(law.mean)})",
            "normal": _affine(law.mean, law.std, f"jax.random.normal({key}, {shape})"),
            "uniform": f"jax.random.uniform({key}, {shape}, minval={num(law.low)}, "
                       f"maxval={num(law.high)})",
            "truncated_normal": _affine(
                law.mean, law.scale, f"jax.random.truncated_normal({key}, -2, 2, {shape})"
            ),
            "orthogonal": f"jax.nn.initializers.orthogonal(scale={num(law.scale)})"
                          f"({key}, {shape})",
            "identity": f"{num(law.scale)} * jnp.eye({shape[0]}, {shape[-1]})",
        }[law.kind]]
    imports = ["import jax", "import jax.numpy as jnp"] if "jnp." in draw[0] else ["import jax"]
    return [*imports, "", *_header(req), *comment, *draw]


def _numpy(req):
    law, shape = req.law, req.shape
    if law.kind == "truncated_normal":
        draw = [
            f"z = rng.standard_normal({shape})",
            "outside = np.abs(z) > 2  # redraw everything outside ±2 until nothing is",
            "while outside.any():",
            "    z[outside] = rng.standard_normal(outside.sum())",
            "    outside = np.abs(z) > 2",
            f"w = {_affine(law.mean, law.scale, 'z')}",
        ]
    elif law.kind == "orthogonal":
        rows, cols = math.prod(shape[:-1]), shape[-1]
        draw = [
            f"a = rng.standard_normal(({max(rows, cols)}, {min(rows, cols)}))",
            "q, r = np.linalg.qr(a)",
            "q *= np.sign(np.diag(r))  # makes Q uniformly (Haar) distributed",
            *(["q = q.T"] if rows < cols else []),
            f"w = {num(law.scale)} * q.reshape({shape})",
        ]
    else:
        draw = ["w = " + {
            "constant": f"np.full({shape}, {num(law.mean)})",
            "normal": f"rng.normal({num(law.mean)}, {num(law.std)}, size={shape})",
            "uniform": f"rng.uniform({num(law.low)}, {num(law.high)}, size={shape})",
            "identity": f"{num(law.scale)} * np.eye({shape[0]}, {shape[-1]})",
        }[law.kind]]
    return ["import numpy as np", "", *_header(req),
            f"rng = np.random.default_rng({req.seed})  # the same numbers as initviz", *draw]
