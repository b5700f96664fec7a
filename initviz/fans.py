"""Shapes and their fans, in the Keras layout `(*receptive_field, fan_in, fan_out)`."""

import math

from .errors import InputError, check_int
from .limits import MAX_DIM, MAX_ELEMENTS, MAX_NDIM

NO_1D_FANS = {
    "pytorch": "PyTorch cannot compute fan in and fan out of a tensor with fewer than 2 "
               "dimensions",
    "jax": "JAX cannot compute input and output sizes of a 1-dimensional weights tensor: it "
           "must be at least 2-D",
}
"""Flavours whose fans refuse a 1-D shape, and why (Keras takes (n,) as fan_in = fan_out = n)."""


def check_shape(shape):
    """Return `shape` as a tuple of positive ints within the caps, or raise InputError."""
    try:
        dims = tuple(shape)
    except TypeError:
        raise InputError(f"A shape must be a sequence of sizes, got {shape!r}.") from None
    if not 1 <= len(dims) <= MAX_NDIM:
        raise InputError(f"A shape needs 1 to {MAX_NDIM} dimensions, got {len(dims)}.")
    dims = tuple(check_int("Each dimension", d, 1, MAX_DIM) for d in dims)
    size = math.prod(dims)
    if size > MAX_ELEMENTS:
        raise InputError(
            f"Shape {dims} has {size:,} elements; the cap is {MAX_ELEMENTS:,}. Use a smaller layer."
        )
    return dims


def fans(shape):
    """Return `(fan_in, fan_out)` of a weight shape.

    Dense `(in, out)` gives `(in, out)`; a conv kernel `(kh, kw, in, out)` multiplies both by the
    receptive field `kh*kw`; a 1-D shape `(n,)` gives `(n, n)`.
    """
    dims = check_shape(shape)
    if len(dims) == 1:
        return dims[0], dims[0]
    receptive_field = math.prod(dims[:-2])
    return dims[-2] * receptive_field, dims[-1] * receptive_field


def fan_of(mode, fan_in, fan_out):
    """The n of variance scaling: the fan named by `mode` (fan_geo_avg is JAX's √(in·out))."""
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2,
            "fan_geo_avg": math.sqrt(fan_in * fan_out)}[mode]


def check_axis(name, axis, ndim):
    """Return `axis` of an `ndim`-D shape as a non-negative index, or raise InputError."""
    axis = check_int(name, axis, -MAX_NDIM, MAX_NDIM - 1)
    if not -ndim <= axis < ndim:
        raise InputError(f"{name} {axis} does not name a dimension of a {ndim}-D shape.")
    return axis % ndim


def framework_fans(shape, flavor, in_axis=-2, out_axis=-1):
    """`(fan_in, fan_out)` as `flavor` computes them, or InputError where it refuses the shape.

    `in_axis`/`out_axis` (JAX's ``_compute_fans``) name the input and output dimensions; every
    other dimension is receptive field.
    """
    dims = check_shape(shape)
    if len(dims) < 2:
        if flavor in NO_1D_FANS:
            raise InputError(f"{NO_1D_FANS[flavor]}; got the shape {dims}.")
        return fans(dims)
    i, o = check_axis("in_axis", in_axis, len(dims)), check_axis("out_axis", out_axis, len(dims))
    if i == o:
        raise InputError(f"in_axis and out_axis both name dimension {i}; they must differ.")
    receptive_field = math.prod(dims) // (dims[i] * dims[o])
    return dims[i] * receptive_field, dims[o] * receptive_field
