"""Results shared by every session, cached by configuration and bounded in bytes.

`st.cache_data` bounds a cache by its number of entries, so a few large results (a training of
60 runs is ~30 MB) could fill the server's memory; it also copies each result on every hit. A
`ByteCache` holds at most `max_bytes` (evicting the least recently used), returns the cached
object itself (callers only read it), and computes each configuration once: sessions asking for
one that is being computed wait for it instead of computing it again.

Streamlit executes a page script (views/*.py) afresh, in a new module, on every run, so a cache
made at a page's top level with ``ByteCache(...)`` is a new, empty cache each run and nothing is
shared. Pages get theirs with ``shared(name, max_bytes)``: one cache per name for the process.
"""

import sys
import threading
from collections import OrderedDict

import numpy as np
import pandas as pd

from ui.memory import release_freed_memory
from ui.turns import POLL, stop_if_gone

MB = 2**20


def size_of(value):
    """Bytes held by `value`: its own `nbytes`, or the sum over frames, arrays and containers."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return int(value.memory_usage(deep=True).sum() if isinstance(value, pd.DataFrame)
                   else value.memory_usage(deep=True))
    if isinstance(value, np.ndarray):
        return value.nbytes
    if hasattr(value, "nbytes"):
        return int(value.nbytes)
    if isinstance(value, dict):
        return sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return sum(size_of(v) for v in value)
    return sys.getsizeof(value)


class ByteCache:
    """An LRU cache of at most `max_bytes`, safe across the sessions' threads."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self._entries = OrderedDict()      # key -> (value, bytes)
        self._pending = {}                 # key -> Event set when its computation ends
        self._lock = threading.Lock()
        self.bytes = 0

    def _claim(self, key):
        """(True, value) if cached, (False, None) if this thread computes it now, or
        (None, event) if another thread is computing it."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return True, self._entries[key][0]
            if key in self._pending:
                return None, self._pending[key]
            self._pending[key] = threading.Event()
            return False, None

    def get(self, key, compute, on_wait=None):
        """The value cached under `key`, else `compute()`'s, cached unless larger than the cache.

        While another session computes the same key, waits for it (calling `on_wait()` once
        and ending the run if this session's tab is closed meanwhile).
        """
        while True:
            found, value = self._claim(key)
            if found:
                return value
            if found is None:
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                while not value.wait(POLL):
                    stop_if_gone()
                continue
            try:
                value = compute()
                self._store(key, value)
                return value
            finally:
                with self._lock:
                    self._pending.pop(key).set()

    def _store(self, key, value):
        size = size_of(value)
        if size > self.max_bytes:
            return
        with self._lock:
            self._entries[key] = (value, size)
            self.bytes += size
            evicting = self.bytes > self.max_bytes
            while self.bytes > self.max_bytes:
                _, (_, evicted) = self._entries.popitem(last=False)
                self.bytes -= evicted
        if evicting:
            release_freed_memory()

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.bytes = 0


_SHARED = {}
_SHARED_LOCK = threading.Lock()


def shared(name, max_bytes):
    """The process's one ByteCache called `name`, made on first use with `max_bytes`: the same
    object on every run of every session's script (a page's top level runs anew each time)."""
    with _SHARED_LOCK:
        cache = _SHARED.get(name)
        if cache is None:
            cache = _SHARED[name] = ByteCache(max_bytes)
        elif cache.max_bytes != max_bytes:
            raise ValueError(f"the shared cache {name!r} holds {cache.max_bytes} bytes, "
                             f"not {max_bytes}")
        return cache
