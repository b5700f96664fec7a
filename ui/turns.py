"""Heavy work takes turns: when a room presses Train at once, sessions are served first come,
first served, each told its place in line and about how long it will wait.

Run together, twenty trainings share the CPU and all finish at the very end; in turns, the first
participants see results after a second and the median wait halves. Turns also bound memory.
A session that disconnects, or reruns because its user changed an input, leaves the line (and
its work stops at the next progress report, see `progress`).
"""

import os
import threading
import time
from collections import deque
from contextlib import contextmanager
from statistics import median

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

POLL = 0.25
"""Seconds between updates of a waiting session's notice (each lets a rerun interrupt it)."""
SLOW = 0.5
"""Estimated seconds from which work shows a progress bar (and can be cancelled by it)."""


class Line:
    """A first-come, first-served line for `slots` turns, with estimates of the wait."""

    def __init__(self, slots):
        self.slots = slots
        self._lock = threading.Condition()
        self._waiting = deque()              # [ticket, estimated seconds or None]
        self._running = {}                   # ticket -> (start, estimated seconds or None)
        self._recent = deque([1.0], maxlen=20)   # seconds of recent turns

    def _guess(self, seconds):
        return seconds if seconds is not None else median(self._recent)

    def _wait_estimate(self, place):
        """Seconds until the ticket at `place` starts: the rest of the running turns and the
        estimated length of every turn ahead, shared over the slots."""
        now = time.perf_counter()
        running = sum(max(0.0, self._guess(s) - (now - start))
                      for start, s in self._running.values())
        ahead = sum(self._guess(s) for _, s in list(self._waiting)[:place])
        return (running + ahead) / self.slots

    def take(self, ticket, seconds, on_wait):
        """Block until `ticket` has a turn; `on_wait(place, eta)` is called every POLL seconds
        meanwhile (outside the lock). An exception it raises takes the ticket out of line."""
        with self._lock:
            self._waiting.append([ticket, seconds])
        try:
            while True:
                with self._lock:
                    place = next(i for i, (t, _) in enumerate(self._waiting) if t is ticket)
                    if place == 0 and len(self._running) < self.slots:
                        self._waiting.popleft()
                        self._running[ticket] = (time.perf_counter(), seconds)
                        return
                    eta = self._wait_estimate(place)
                    self._lock.wait(POLL)
                on_wait(place + 1, eta)
        except BaseException:
            with self._lock:
                self._waiting = deque(w for w in self._waiting if w[0] is not ticket)
                self._lock.notify_all()
            raise

    def give_back(self, ticket):
        with self._lock:
            start, _ = self._running.pop(ticket)
            self._recent.append(time.perf_counter() - start)
            self._lock.notify_all()


LINE = Line(max(1, (os.cpu_count() or 2) // 2))
_holder = threading.local()     # a script thread already in its turn does not queue again


def stop_if_gone():
    """End the script run when its browser tab has disconnected: nobody waits for the result."""
    ctx = get_script_run_ctx()
    if ctx is not None and Runtime.exists() and not Runtime.instance().is_active_session(
            ctx.session_id):
        st.stop()


def _ordinal(n):
    return {1: "next", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


@contextmanager
def my_turn(what="This computation", seconds=None):
    """Wait in line for a turn (showing the place and the expected wait), then run the block in
    it. `seconds`: the work's estimated length, for the estimates of those behind. Re-entrant."""
    if getattr(_holder, "inside", False):
        yield
        return
    ticket, status = object(), None

    def on_wait(place, eta):
        nonlocal status
        stop_if_gone()
        status = status or st.empty()
        status.info(f"{what} is queued behind other participants: {_ordinal(place)} in line, "
                    f"starting in about {max(1, round(eta))} s.", icon=":material/hourglass_top:")

    LINE.take(ticket, seconds, on_wait)
    _holder.inside = True
    try:
        if status is not None:
            status.empty()
        yield
    finally:
        _holder.inside = False
        LINE.give_back(ticket)


@contextmanager
def progress(text):
    """A progress bar; yields ``on_progress(done, total)`` for the core's long computations.

    Each report redraws the bar, which lets Streamlit stop the run when its user changed an
    input (a rerun) and stops it when the tab has gone, so abandoned work ends within a chunk.
    """
    bar = st.progress(0.0, text=text)

    def on_progress(done, total):
        stop_if_gone()
        bar.progress(min(1.0, done / max(total, 1)), text=f"{text} {done} of {total}")

    try:
        yield on_progress
    finally:
        bar.empty()
