"""Input validation shared by the whole core: one error type, one message style."""

import math
import sys
from numbers import Integral, Real


class InputError(ValueError):
    """A request the core refuses, with a message meant for the person who made it."""


def check_int(name, value, low, high):
    """Return `value` as an int in [low, high] or raise InputError."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        if isinstance(value, Real) and math.isfinite(value) and float(value).is_integer():
            value = int(value)
        else:
            raise InputError(f"{name} must be a whole number, got {value!r}.")
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low:,} and {high:,}, got {value:,}.")
    return int(value)


def check_float(name, value, low=-math.inf, high=math.inf):
    """Return `value` as a finite float in [low, high] or raise InputError.

    −0.0 and subnormal numbers (below float64's smallest normal, ~2.2e-308, in magnitude)
    become 0.0: numpy refuses a scale of −0.0, and a subnormal scale or std overflows what is
    derived from it (1/σ, σ⁻²) without being distinguishable from zero.
    """
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name} must be a number, got {value!r}.")
    given = float(value)
    if not math.isfinite(given):
        raise InputError(f"{name} must be a finite number, got {given!r}.")
    value = 0.0 if abs(given) < sys.float_info.min else given
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low:g} and {high:g}, got {given:g}.")
    return value


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise InputError listing them."""
    if value not in choices:
        allowed = ", ".join(map(str, choices))
        raise InputError(f"Unknown {name} {value!r}; choose one of: {allowed}.")
    return value
