"""Initializer specs: strings such as ``"random_normal(stddev=0.01)"``, parsed without eval."""

import re
from dataclasses import dataclass

from .errors import InputError
from .limits import MAX_SPEC_LENGTH

_SPEC = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$", re.DOTALL)
_ARG = re.compile(r"^\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*$", re.DOTALL)
_WORD = re.compile(r"^[A-Za-z_]\w*$")


@dataclass(frozen=True)
class ParsedSpec:
    """A spec split into its name and raw keyword arguments (numbers or words)."""

    name: str
    args: tuple


def _value(text):
    """Parse one argument value: a finite number or a bare or quoted word."""
    word = text.strip("'\"")
    if _WORD.match(word):
        return word.lower()
    try:
        return float(text)
    except ValueError:
        raise InputError(f"Cannot read the value {text!r}: use a number or a word.") from None


def parse_spec(text):
    """Split `text` into a name and keyword arguments, or raise InputError saying why."""
    if not isinstance(text, str):
        raise InputError(f"An initializer spec must be a string, got {type(text).__name__}.")
    if len(text) > MAX_SPEC_LENGTH:
        raise InputError(f"An initializer spec may have at most {MAX_SPEC_LENGTH} characters.")
    match = _SPEC.match(text)
    if not match:
        raise InputError(
            f"Cannot read the spec {text!r}; write a name, optionally with keyword arguments, "
            'e.g. "random_normal(stddev=0.01)".'
        )
    name, body = match.group(1).lower(), match.group(2)
    args = {}
    for part in filter(str.strip, (body or "").split(",")):
        arg = _ARG.match(part)
        if not arg:
            raise InputError(f"Cannot read the argument {part.strip()!r}; write key=value.")
        key = arg.group(1).lower()
        if key in args:
            raise InputError(f"The argument {key!r} is given twice.")
        args[key] = _value(arg.group(2))
    return ParsedSpec(name, tuple(args.items()))
