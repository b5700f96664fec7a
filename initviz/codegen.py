"""Code that makes the same weights in Keras, PyTorch, JAX and NumPy.

A framework's own function is used only where it draws exactly the law the chosen flavour
draws (e.g. PyTorch's ``kaiming_normal_`` is a plain normal, so it stands for ``he_normal`` in
the PyTorch flavour only); otherwise the law is written out with its numbers and a comment says
so. The NumPy snippet reproduces ``iv.sample`` number for number.
"""

import math
from dataclasses import dataclass

from .fans import check_shape, fans, framework_fans
from .initializers import MODES, resolve, theory
from .laws import cut_at_two_sigma, matrix_shape
from .scaling import scaling

FRAMEWORKS = ("Keras", "PyTorch", "JAX", "NumPy")
FLAVOR_NAMES = {"keras": "Keras", "pytorch": "PyTorch", "jax": "JAX"}
PLAIN_LAWS = ("zeros", "ones", "constant", "random_normal", "random_uniform",
              "truncated_normal", "orthogonal", "identity", "normal", "uniform", "eye")
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
TORCH_FUNCTIONS = {
    "kaiming_uniform": lambda v: f"nn.init.kaiming_uniform_(w, {_kaiming_args(v)})",
    "kaiming_normal": lambda v: f"nn.init.kaiming_normal_(w, {_kaiming_args(v)})",
    "xavier_uniform": lambda v: f"nn.init.xavier_uniform_(w, gain={num(v['gain'])})",
    "xavier_normal": lambda v: f"nn.init.xavier_normal_(w, gain={num(v['gain'])})",
    "trunc_normal": lambda v: (f"nn.init.trunc_normal_(w, mean={num(v['mean'])}, "
                               f"std={num(v['std'])}, a={num(v['a'])}, b={num(v['b'])})"),
    "eye": lambda v: "nn.init.eye_(w)",
    "dirac": lambda v: f"nn.init.dirac_(w, groups={v['groups']})",
    "sparse": lambda v: f"nn.init.sparse_(w, sparsity={num(v['sparsity'])}, std={num(v['std'])})",
}
"""PyTorch-only entries: their own nn.init call, from the spec's values."""
JAX_FUNCTIONS = {
    "normal": lambda v: f"normal(stddev={num(v['stddev'])})",
    "uniform": lambda v: f"uniform(scale={num(v['scale'])})",
    "truncated_normal": lambda v: (f"truncated_normal(stddev={num(v['stddev'])}, "
                                   f"lower={num(v['lower'])}, upper={num(v['upper'])})"),
    "orthogonal": lambda v: f"orthogonal(scale={num(v['gain'])}, column_axis={v['column_axis']})",
    "delta_orthogonal": lambda v: f"delta_orthogonal(scale={num(v['scale'])})",
}
"""JAX-flavour forms: their own jax.nn.initializers function, from the spec's values."""


def _kaiming_args(v):
    return f"a={num(v['a'])}, mode=\"{v['mode']}\", nonlinearity=\"{v['nonlinearity']}\""


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

    @property
    def values(self):
        return self.spec.values_in(self.flavor)

    @property
    def bounds(self):
        """A truncated normal's bounds in units of its std, around its loc."""
        return tuple((b - self.law.loc) / self.law.scale for b in (self.law.low, self.law.high))


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
    if spec.name == "lsuv":
        return _lsuv_snippets(spec, flavor, int(seed))
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
        "dirac": f"dirac delta, {law.groups} group(s)",
        "sparse": f"normal, std {num(law.scale)}, with a share {law.zero_mass:.4g} of zeros",
        "delta_orthogonal": f"orthogonal times {num(law.scale)} at the kernel centre, "
                            f"zeros elsewhere",
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


def _from_numpy(framework, name="w"):
    return f"# {framework} has no function for this law: {name} is the NumPy snippet's w"


ERFINV_DRAW = "math.sqrt(2) * keras.ops.erfinv(2 * u - 1)"
"""A standard normal from u ~ U(Φ(a), Φ(b)): Φ⁻¹(u) = √2·erfinv(2u − 1)."""


def _erfinv_lines(req, seed):
    """Keras: a normal cut at any bounds by the inverse cdf, in the lower half (mirrored if the
    bounds are above the mean) where the cdf keeps its precision."""
    a, b = req.bounds
    sign = -1 if a > 0 else 1
    if a > 0:
        a, b = -b, -a
    low, high = (0.5 * math.erfc(-x / math.sqrt(2)) for x in (a, b))
    return [
        f"u = keras.random.uniform({req.shape}, minval={num(low)}, maxval={num(high)}, {seed})",
        f"w = {_affine(req.law.loc, sign * req.law.scale, ERFINV_DRAW)}",
    ]


def _keras_scaling(req):
    """(scale, mode, comment) of the Keras VarianceScaling drawing this law, or None.

    Where Keras has the flavour's mode and fans, the spec's own (scale, mode); otherwise (JAX's
    fan_geo_avg or in/out axes) the same variance written as scale / fan_in in Keras' fans.
    """
    scale_mode = scaling(req.spec)
    if scale_mode is None or len(req.shape) < 2:
        return scale_mode and (*scale_mode, [])
    scale, mode = scale_mode
    keras_fans = fans(req.shape)
    if mode in MODES and framework_fans(req.shape, req.flavor, *_axes(req)) == keras_fans:
        return scale, mode, []
    return req.law.std**2 * keras_fans[0], "fan_in", [
        "# Keras has neither fan_geo_avg nor in/out axes: the same variance, as scale / fan_in"]


def _axes(req):
    """JAX variance_scaling's (in_axis, out_axis) when they are not the defaults, else ()."""
    values = req.values
    axes = (values.get("in_axis", -2), values.get("out_axis", -1))
    return () if axes == (-2, -1) or req.spec.name != "variance_scaling" else axes


def _keras(req):
    law, seed = req.law, f"seed={req.seed}"
    keras_scaling = _keras_scaling(req)
    comment, draw = [], None
    if req.key in NAMED:
        make = f"{_camel(NAMED[req.key])}({seed})"
    elif keras_scaling:
        scale, mode, comment = keras_scaling
        make = (f"VarianceScaling(scale={num(scale)}, mode=\"{mode}\", "
                f"distribution=\"{KERAS_DISTRIBUTIONS[law.kind]}\", {seed})")
    elif law.kind == "truncated_normal" and not cut_at_two_sigma(law):
        comment = ["# Keras' TruncatedNormal cuts at ±2·stddev only: drawn by the inverse cdf"]
        make, draw = None, _erfinv_lines(req, seed)
    elif law.kind in ("dirac", "sparse", "delta_orthogonal") or law.axis != -1:
        comment = [_from_numpy("Keras") + ", then:"]
        make = "get(w)  # an array is its own initializer"
    else:
        comment = _written_out(req, "Keras")
        make = {
            "constant": f"Constant(value={num(law.mean)})",
            "normal": f"RandomNormal(mean={num(law.mean)}, stddev={num(law.std)}, {seed})",
            "uniform": f"RandomUniform(minval={num(law.low)}, maxval={num(law.high)}, {seed})",
            # Keras' TruncatedNormal cuts at mean ± 2·stddev without rescaling: as this law.
            "truncated_normal":
                f"TruncatedNormal(mean={num(law.loc)}, stddev={num(law.scale)}, {seed})",
            "orthogonal": f"Orthogonal(gain={num(law.scale)}, {seed})",
            "identity": f"Identity(gain={num(law.scale)})",
        }[law.kind]
    layout = f"  # Keras layout {_keras_layout(req.shape)}"
    if draw:
        return ["import math", "", "import keras", "", *_header(req), *comment, *draw,
                f"#{layout[3:]}"]
    return [
        "import keras", "", *_header(req), *comment,
        f"init = keras.initializers.{make}",
        f"w = init(shape={req.shape}){layout}",
    ]


def _camel(name):
    return "".join(part.title() for part in name.split("_"))


def _keras_layout(shape):
    return "(fan_in, fan_out)" if len(shape) == 2 else "(*kernel_size, in_channels, out_channels)"


def _torch_shape(shape):
    """PyTorch stores (out, in, *kernel_size)."""
    return shape if len(shape) < 2 else (shape[-1], shape[-2], *shape[:-2])


def _torch_permutation(dims):
    """Axes of a PyTorch-layout tensor in the Keras layout's order (and back: the inverse)."""
    return [*range(2, dims), 1, 0]


def _pytorch(req):
    law, dims = req.law, len(req.shape)
    comment = []
    if req.spec.name in TORCH_FUNCTIONS:
        call = TORCH_FUNCTIONS[req.spec.name](req.values)
    elif req.key in TORCH_CALLS and dims >= 2:
        call = TORCH_CALLS[req.key]
    elif law.kind == "delta_orthogonal" or law.axis != -1:
        comment = [_from_numpy("PyTorch", "w_numpy") + ", then:"]
        order = [dims - 1, dims - 2, *range(dims - 2)]  # Keras layout -> PyTorch layout
        call = f"w.copy_(torch.from_numpy(w_numpy).permute({', '.join(map(str, order))}))"
    elif law.kind == "truncated_normal" and not cut_at_two_sigma(law):
        call = (f"nn.init.trunc_normal_(w, mean={num(law.loc)}, std={num(law.scale)}, "
                f"a={num(law.low)}, b={num(law.high)})")
    else:
        comment = _written_out(req, "PyTorch")
        call = {
            "constant": f"nn.init.constant_(w, {num(law.mean)})",
            "normal": f"nn.init.normal_(w, mean={num(law.mean)}, std={num(law.std)})",
            "uniform": f"nn.init.uniform_(w, a={num(law.low)}, b={num(law.high)})",
            "truncated_normal": (
                f"mean, std = {num(law.loc)}, {num(law.scale)}  # std before the cut\n"
                "# trunc_normal_ takes absolute bounds a, b, not multiples of std:\n"
                "nn.init.trunc_normal_(w, mean=mean, std=std, a=mean - 2 * std, b=mean + 2 * std)"
            ),
            "orthogonal": f"nn.init.orthogonal_(w, gain={num(law.scale)})",
            "identity": f"nn.init.eye_(w).mul_({num(law.scale)})",
        }[law.kind]
    imports = ["import math", ""] if "math." in call else []
    lines = [*imports, "import torch", "from torch import nn", "", *_header(req),
             f"torch.manual_seed({req.seed})", f"w = torch.empty{_torch_shape(req.shape)}"]
    if dims >= 2:
        layout = ("(out_features, in_features)" if dims == 2
                  else "(out_channels, in_channels, *kernel_size)")
        lines[-1] += f"  # PyTorch layout {layout}"
    lines += [*comment, call]
    if dims >= 2:
        back = "w.T" if dims == 2 else f"w.permute({', '.join(map(str, _torch_permutation(dims)))})"
        lines.append(f"# {back} has the Keras layout {req.shape}")
    return lines


def _jax(req):
    law = req.law
    scale_mode = scaling(req.spec)
    comment, key, shape = [], f"jax.random.key({req.seed})", req.shape
    if req.flavor == "jax" and req.spec.name in JAX_FUNCTIONS:
        make = f"jax.nn.initializers.{JAX_FUNCTIONS[req.spec.name](req.values)}"
    elif req.key in NAMED:
        make = f"jax.nn.initializers.{NAMED[req.key]}()"
    elif scale_mode:
        axes = ", in_axis={}, out_axis={}".format(*_axes(req)) if _axes(req) else ""
        make = (f"jax.nn.initializers.variance_scaling({num(scale_mode[0])}, "
                f"\"{scale_mode[1]}\", \"{JAX_DISTRIBUTIONS[law.kind]}\"{axes})")
    elif law.kind == "orthogonal":
        make = f"jax.nn.initializers.orthogonal(scale={num(law.scale)}, column_axis={law.axis})"
    else:
        make = None
    if make:
        draw = [f"init = {make}", f"w = init({key}, {shape})  # same layout as Keras"]
    elif law.kind == "sparse":
        comment = [_from_numpy("JAX") + ", then:"]
        draw = [f"w = jnp.asarray(w)  # {shape}, the same layout as Keras"]
    elif law.kind == "dirac":
        comment = _written_out(req, "JAX")
        draw = [*_dirac_lines("jnp", law, shape),
                f"w = jnp.zeros({shape}).at[{_dirac_index(shape)}].set(1.0)"]
    else:
        comment = _written_out(req, "JAX")
        a, b = req.bounds if law.kind == "truncated_normal" else (-2, 2)
        draw = ["w = " + {
            "constant": f"jnp.full({shape}, {num(law.mean)})",
            "normal": _affine(law.mean, law.std, f"jax.random.normal({key}, {shape})"),
            "uniform": f"jax.random.uniform({key}, {shape}, minval={num(law.low)}, "
                       f"maxval={num(law.high)})",
            "truncated_normal": _affine(
                law.loc, law.scale,
                f"jax.random.truncated_normal({key}, {num(a)}, {num(b)}, {shape})"
            ),
            "identity": f"{num(law.scale)} * jnp.eye({shape[0]}, {shape[-1]})",
        }[law.kind]]
    uses_jnp = any("jnp." in line for line in draw)
    imports = ["import jax", "import jax.numpy as jnp"] if uses_jnp else ["import jax"]
    return [*imports, "", *_header(req), *comment, *draw]


def _dirac_lines(np_name, law, shape):
    """Index vectors of PyTorch's dirac_ ones: input d, output d + group offset."""
    per_group = shape[-1] // law.groups
    ones = min(per_group, shape[-2])
    return [f"d = {np_name}.tile({np_name}.arange({ones}), {law.groups})",
            f"out = d + {np_name}.repeat({np_name}.arange({law.groups}) * {per_group}, {ones})"]


def _dirac_index(shape):
    return ", ".join([*(str(k // 2) for k in shape[:-2]), "d", "out"])


def _orthonormal_lines(shape, axis, scale, target="w"):
    """NumPy lines of initviz's orthogonal draw for `shape`, columns along `axis`."""
    rows, cols = matrix_shape(shape, axis)
    moved = (*(d for i, d in enumerate(shape) if i != axis % len(shape)), shape[axis])
    lines = [
        f"a = rng.standard_normal(({max(rows, cols)}, {min(rows, cols)}))",
        "q, r = np.linalg.qr(a)",
        "q *= np.sign(np.diag(r))  # makes Q uniformly (Haar) distributed",
        *(["q = q.T"] if rows < cols else []),
    ]
    if axis % len(shape) == len(shape) - 1:
        return [*lines, f"{target} = {num(scale)} * q.reshape({shape})"]
    return [*lines, f"{target} = {num(scale)} * np.moveaxis(q.reshape({moved}), -1, {axis})"]


def _numpy_truncated(law, shape, bounds):
    """NumPy lines of initviz's truncated normal: redraws at ±2σ, else the inverse cdf."""
    if cut_at_two_sigma(law):
        return [
            f"z = rng.standard_normal({shape})",
            "outside = np.abs(z) > 2  # redraw everything outside ±2 until nothing is",
            "while outside.any():",
            "    z[outside] = rng.standard_normal(outside.sum())",
            "    outside = np.abs(z) > 2",
            f"w = {_affine(law.loc, law.scale, 'z')}",
        ]
    a, b = bounds
    flip = a > 0  # the inverse cdf works in the lower half, where log Φ keeps its precision
    if flip:
        a, b = -b, -a
    return [
        f"a, b = {num(a)}, {num(b)}  # the bounds in units of std" + (", mirrored" if flip else ""),
        "log_a, log_b = special.log_ndtr(a), special.log_ndtr(b)",
        "ratio = math.exp(log_a - log_b)",
        f"u = rng.random({shape})",
        "z = np.clip(special.ndtri_exp(log_b + np.log(ratio + u * (1 - ratio))), a, b)",
        *(["z = -z"] if flip else []),
        f"w = np.clip({_affine(law.loc, law.scale, 'z')}, {num(law.low)}, {num(law.high)})",
    ]


def _numpy(req):
    law, shape = req.law, req.shape
    imports = ["import numpy as np"]
    if law.kind == "truncated_normal":
        draw = _numpy_truncated(law, shape, req.bounds)
        if not cut_at_two_sigma(law):
            imports = ["import math", "", "import numpy as np", "from scipy import special"]
    elif law.kind == "orthogonal":
        draw = _orthonormal_lines(shape, law.axis, law.scale)
    elif law.kind == "dirac":
        draw = [f"w = np.zeros({shape})", *_dirac_lines("np", law, shape),
                f"w[{_dirac_index(shape)}] = 1.0"]
    elif law.kind == "sparse":
        zeros = round(law.zero_mass * shape[1])
        draw = [f"w = rng.normal(0.0, {num(law.scale)}, size={shape})",
                f"zero = np.argsort(rng.random({shape}), axis=1)[:, :{zeros}]  # per input unit",
                "np.put_along_axis(w, zero, 0.0, axis=1)"]
    elif law.kind == "delta_orthogonal":
        centre = ", ".join(str((k - 1) // 2) for k in shape[:-2])
        draw = [*_orthonormal_lines(shape[-2:], -1, law.scale, "centre"),
                f"w = np.zeros({shape})", f"w[{centre}] = centre"]
    else:
        draw = ["w = " + {
            "constant": f"np.full({shape}, {num(law.mean)})",
            "normal": f"rng.normal({num(law.mean)}, {num(law.std)}, size={shape})",
            "uniform": f"rng.uniform({num(law.low)}, {num(law.high)}, size={shape})",
            "identity": f"{num(law.scale)} * np.eye({shape[0]}, {shape[-1]})",
        }[law.kind]]
    return [*imports, "", *_header(req),
            f"rng = np.random.default_rng({req.seed})  # the same numbers as initviz", *draw]


# LSUV: a loop over a net's layers on a batch, not a law for one shape ------------------------

LSUV_HEADER = '''# {label}, {flavor} flavour: LSUV (Mishkin & Matas 2016), an initializer
# that needs data.
# Orthonormal weights, then each layer from the input up divided by the std of its output
# (h @ W + b, before the activation) on a batch until that variance is 1 within tol,
# at most max_iter times; the biases stay. The rule initviz applies in propagation and training.
'''
LSUV_CODE = {
    "Keras": '''import keras
import numpy as np

{header}

def lsuv(model, x, tol={tol}, max_iter={max_iter}, seed={seed}):
    """Orthonormal kernels, then each Dense layer rescaled on the batch x."""
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    for i, layer in enumerate(dense):
        kernel, bias = layer.get_weights()
        start = keras.initializers.Orthogonal(seed=seed + i)(kernel.shape)
        layer.set_weights([keras.ops.convert_to_numpy(start), bias])
    for layer in dense:
        h = keras.ops.convert_to_numpy(keras.Model(model.inputs, layer.input)(x))
        kernel, bias = layer.get_weights()
        for _ in range(max_iter):
            var = np.var(h @ kernel + bias)
            if abs(var - 1) < tol or not 0 < var < np.inf:
                break
            kernel = kernel / np.sqrt(var)
        layer.set_weights([kernel, bias])
    return model
''',
    "PyTorch": '''import torch
from torch import nn

{header}
torch.manual_seed({seed})


@torch.no_grad()
def lsuv_(model, x, tol={tol}, max_iter={max_iter}):
    """Orthonormal weights, then each nn.Linear rescaled on the batch x, in place."""
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    for layer in layers:
        nn.init.orthogonal_(layer.weight)
    for layer in layers:
        seen = {{}}
        hook = layer.register_forward_hook(lambda module, inputs, out: seen.update(out=out))
        for _ in range(max_iter):
            model(x)
            var = seen["out"].var(correction=0).item()
            if abs(var - 1) < tol or not 0 < var < float("inf"):
                break
            layer.weight /= var**0.5
        hook.remove()
    return model
''',
    "JAX": '''import jax
import jax.numpy as jnp

{header}

def lsuv(params, x, phi, tol={tol}, max_iter={max_iter}, seed={seed}):
    """params: [(W, b), ...]; orthonormal W of the same shapes, rescaled on the batch x."""
    keys = jax.random.split(jax.random.key(seed), len(params))
    orthogonal = jax.nn.initializers.orthogonal()
    fitted, h = [], x
    for i, ((W, b), key) in enumerate(zip(params, keys)):
        W = orthogonal(key, W.shape)
        for _ in range(max_iter):
            var = float(jnp.var(h @ W + b))
            if abs(var - 1) < tol or not 0 < var < float("inf"):
                break
            W = W / jnp.sqrt(var)
        fitted.append((W, b))
        if i < len(params) - 1:
            h = phi(h @ W + b)
    return fitted
''',
    "NumPy": '''import numpy as np

{header}

def orthonormal(rng, n_in, n_out):
    """QR of a Gaussian, Q·sign(diag R): orthonormal columns (tall) or rows (wide)."""
    q, r = np.linalg.qr(rng.standard_normal((max(n_in, n_out), min(n_in, n_out))))
    q *= np.sign(np.diag(r))
    return q if n_in >= n_out else q.T


def lsuv(sizes, biases, x, phi, tol={tol}, max_iter={max_iter}, seed={seed}):
    """[W, ...] for layers of widths sizes (input first), fitted on the batch x."""
    rng = np.random.default_rng(seed)
    weights, h = [], x
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W, b = orthonormal(rng, n_in, n_out), biases[i]
        for _ in range(max_iter):
            var = np.var(h @ W + b)
            if abs(var - 1) < tol or not 0 < var < np.inf:
                break
            W = W / np.sqrt(var)
        weights.append(W)
        if i < len(sizes) - 2:
            h = phi(h @ W + b)
    return weights
''',
}
"""Each framework's LSUV loop; `{header}`, `{tol}`, `{max_iter}`, `{seed}` filled in."""


def _lsuv_snippets(spec, flavor, seed):
    """The LSUV loop of every framework, with the spec's settings."""
    values = spec.values_in(flavor)
    header = LSUV_HEADER.format(label=spec.label, flavor=FLAVOR_NAMES[flavor]).rstrip()
    return {name: LSUV_CODE[name].format(header=header, tol=num(values["tol"]),
                                         max_iter=values["max_iter"], seed=seed)
            for name in FRAMEWORKS}
