"""Input validation shared by the whole core: one error type, one message style."""

import math
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
    """Return `value` as a finite float in [low, high] or raise InputError."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise InputError(f"{name} must be a number, got {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value!r}.")
    if not low <= value <= high:
        raise InputError(f"{name} must be between {low:g} and {high:g}, got {value:g}.")
    return value


def check_choice(name, value, choices):
    """Return `value` if it is one of `choices`, else raise InputError listing them."""
    if value not in choices:
        allowed = ", ".join(map(str, choices))
        raise InputError(f"Unknown {name} {value!r}; choose one of: {allowed}.")
    return value
