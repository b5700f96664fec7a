"""initviz: see and compare neural-network weight initialization (numpy core)."""

from .errors import InputError
from .fans import fans
from .gains import gain
from .initializers import FLAVORS, list_initializers, resolve, sample, theory

__all__ = [
    "FLAVORS", "InputError", "fans", "gain", "list_initializers", "resolve", "sample", "theory",
]
