"""Heavy work takes turns: when a room presses Train at once, sessions are served one by one.

Run together, twenty trainings share the CPU and all finish at the very end; in turns, the first
participants see results after a second and the median wait halves. Turns also bound memory.
"""

import os
import threading
from contextlib import contextmanager

import streamlit as st

_TURNS = threading.BoundedSemaphore(max(1, (os.cpu_count() or 2) // 2))
_lock = threading.Lock()
_waiting = 0
_holder = threading.local()     # a script thread already in its turn does not queue again


@contextmanager
def my_turn(what="This computation"):
    """Wait for a free turn (showing how many wait), then run the block in it. Re-entrant.

    Waits in short steps so that a changed input still interrupts the script.
    """
    global _waiting
    if getattr(_holder, "inside", False):
        yield
        return
    status = None
    if not _TURNS.acquire(blocking=False):
        with _lock:
            _waiting += 1
        try:
            status = st.empty()
            while not _TURNS.acquire(timeout=0.25):
                status.info(f"{what} is queued: {_waiting} sessions are waiting for a turn on "
                            "this server.", icon=":material/hourglass_top:")
        finally:
            with _lock:
                _waiting -= 1
    _holder.inside = True
    try:
        if status is not None:
            status.empty()
        yield
    finally:
        _holder.inside = False
        _TURNS.release()
