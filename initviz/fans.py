"""Shapes and their fans, in the Keras layout `(*receptive_field, fan_in, fan_out)`."""

import math

from .errors import InputError, check_int
from .limits import MAX_DIM, MAX_ELEMENTS, MAX_NDIM


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
