"""Heavy work takes turns: sessions queue for the CPU instead of all finishing last."""

import threading
import time

import pytest

from ui import turns


@pytest.fixture(autouse=True)
def one_turn(monkeypatch):
    monkeypatch.setattr(turns, "LINE", turns.Line(1))


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


def test_sessions_are_served_in_the_order_they_came():
    order, started = [], threading.Event()

    def holder():
        with turns.my_turn():
            started.set()
            time.sleep(0.5)

    def session(name):
        with turns.my_turn():
            order.append(name)

    threads = [run_in_thread(holder)]
    started.wait(5)
    for name in "abcd":
        threads.append(run_in_thread(lambda n=name: session(n)))
        time.sleep(0.05)          # arrive one after another
    for thread in threads:
        thread.join(timeout=10)
    assert order == list("abcd")


def test_a_waiting_session_sees_its_place_and_the_wait_from_the_estimates():
    line, seen = turns.Line(1), []
    line.take("running", 4.0, None)
    line._waiting.append(["first", 3.0])          # queued before us, 3 s of work

    def on_wait(place, eta):
        seen.append((place, eta))
        raise KeyError("the user changed an input: the run stops")

    with pytest.raises(KeyError):
        line.take("me", 1.0, on_wait)
    place, eta = seen[0]
    assert place == 2 and 6.5 < eta <= 7.0        # 4 s running (just started) + 3 s ahead
    assert [t for t, _ in line._waiting] == ["first"]   # whoever leaves, leaves the line


def test_a_session_that_leaves_the_line_lets_the_next_start_at_once():
    line = turns.Line(1)
    line.take("running", None, None)
    gone = threading.Event()
    served = []

    def leaver():
        def on_wait(place, eta):
            gone.set()
            raise KeyError("rerun")
        with pytest.raises(KeyError):
            line.take("leaver", None, on_wait)

    def next_one():
        gone.wait(5)
        line.take("next", None, lambda place, eta: None)
        served.append(time.perf_counter())

    threads = [run_in_thread(leaver), run_in_thread(next_one)]
    time.sleep(0.3)
    released = time.perf_counter()
    line.give_back("running")
    for thread in threads:
        thread.join(timeout=5)
    assert served and served[0] - released < turns.POLL + 0.1
