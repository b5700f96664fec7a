"""Giving freed memory back to the system, so that a server's RSS levels off between bursts.

glibc keeps freed memory in its heaps (several arenas, shared by the threads the sessions'
scripts run in), and with ``runner.postScriptGC`` off (.streamlit/config.toml)
cyclic garbage waits for Python's own collections. So a server's RSS would climb with each burst
of new configurations and stay there.
"""

import ctypes
import ctypes.util
import gc
import sys
import threading
import time
from contextlib import contextmanager

_MALLOC_TRIM = (getattr(ctypes.CDLL(ctypes.util.find_library("c")), "malloc_trim", None)
                if sys.platform == "linux" else None)     # glibc's; None elsewhere

TRIM_SECONDS = 10.0
IDLE_SECONDS = 1.0
_trimmed = [0.0]
_lock = threading.Lock()
_runs = {"active": 0, "started": 0}     # script runs going on, and started since the server began


def release_freed_memory(every=0.0):
    """Hand the memory freed by evicted results and ended sessions back to the system, at most
    once per `every` seconds. A few milliseconds."""
    now = time.monotonic()
    if _MALLOC_TRIM is None or now - _trimmed[0] < every:
        return
    _trimmed[0] = now
    _MALLOC_TRIM(0)


def _clean_if_still_idle(started):
    with _lock:
        if _runs["active"] or _runs["started"] != started:
            return
    gc.collect()          # ~0.1 s holding the GIL, while no script runs
    release_freed_memory()


@contextmanager
def script_run():
    """Around a whole script run: once no script has run for IDLE_SECONDS after it, collect
    garbage and trim the heaps, while nobody waits for the server."""
    with _lock:
        _runs["active"] += 1
        _runs["started"] += 1
    try:
        yield
    finally:
        with _lock:
            _runs["active"] -= 1
            idle, started = not _runs["active"], _runs["started"]
        if idle:
            timer = threading.Timer(IDLE_SECONDS, _clean_if_still_idle, (started,))
            timer.daemon = True
            timer.start()
