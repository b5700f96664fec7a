"""Freed memory goes back to the system once the server is idle, never while a script runs."""

import threading
import time

import pytest

from ui import memory

IDLE = 0.2


@pytest.fixture
def collections(monkeypatch):
    """The times garbage was collected, with the idle wait shortened to IDLE."""
    calls = []
    monkeypatch.setattr(memory, "IDLE_SECONDS", IDLE)
    monkeypatch.setattr(memory.gc, "collect", lambda: calls.append(memory._runs["active"]))
    return calls


def _wait_for(condition, timeout=5.0):
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:
        time.sleep(0.01)
    return condition()


def test_an_idle_server_collects_once_after_its_last_script_run(collections):
    with memory.script_run():
        pass
    assert _wait_for(lambda: collections)
    time.sleep(2 * IDLE)
    assert collections == [0]          # once, with no script running


def test_no_collection_while_a_session_still_runs_its_script(collections):
    with memory.script_run():
        pass
    with memory.script_run():          # a second session starts before the idle wait ends
        time.sleep(2 * IDLE)
        assert collections == []
    assert _wait_for(lambda: collections)
    assert collections == [0]


def test_concurrent_runs_leave_the_counter_at_zero(collections):
    def one():
        with memory.script_run():
            time.sleep(0.01)

    threads = [threading.Thread(target=one) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert memory._runs["active"] == 0
    assert _wait_for(lambda: collections)
    time.sleep(2 * IDLE)
    assert collections == [0]
