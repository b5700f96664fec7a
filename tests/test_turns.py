"""Heavy work takes turns: sessions queue for the CPU instead of all finishing last."""

import threading
import time

import pytest

from ui import turns


@pytest.fixture(autouse=True)
def one_turn(monkeypatch):
    monkeypatch.setattr(turns, "_TURNS", threading.BoundedSemaphore(1))


def run_in_thread(work):
    thread = threading.Thread(target=work)
    thread.start()
    return thread


def test_a_second_session_waits_until_the_first_is_done():
    order, inside = [], threading.Event()

    def first():
        with turns.my_turn():
            inside.set()
            time.sleep(0.6)
            order.append("first done")

    def second():
        inside.wait()
        with turns.my_turn():
            order.append("second starts")

    for thread in [run_in_thread(first), run_in_thread(second)]:
        thread.join(timeout=10)
    assert order == ["first done", "second starts"]


def test_a_failing_session_gives_its_turn_back():
    with pytest.raises(KeyError), turns.my_turn():
        raise KeyError("a session fails in its turn")
    done = []

    def next_session():
        with turns.my_turn():
            done.append(True)

    run_in_thread(next_session).join(timeout=5)
    assert done == [True]


def test_a_turn_inside_a_turn_does_not_wait_for_itself():
    done = []

    def nested():
        with turns.my_turn(), turns.my_turn():
            done.append(True)

    run_in_thread(nested).join(timeout=5)
    assert done == [True]
