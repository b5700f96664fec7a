"""Long computations report progress between chunks and stop within a chunk when told to."""

import threading

import pytest

import initviz as iv
from initviz import propagation, rounds, training


class Stop(Exception):
    pass


def _stop_at_first_call(done, total):
    raise Stop


def _count_calls(monkeypatch, owner, name):
    """Count the calls of `owner.name` (a chunk of work) from now on."""
    calls = []
    original = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.mark.parametrize("specs", [["he_normal"], ["he_normal", "glorot_uniform", "zeros"]])
def test_propagation_reports_progress_from_the_calling_thread(specs):
    seen = []
    iv.propagate(specs, "tanh", depth=30, width=32, n_samples=20,
                 on_progress=lambda done, total: seen.append(
                     (done, total, threading.current_thread() is threading.main_thread())))
    done = [d for d, _, _ in seen]
    assert done == sorted(done) and len(seen) > 10
    assert seen[-1][:2] == (2 * 30 * len(specs),) * 2
    assert all(main for _, _, main in seen)


@pytest.mark.parametrize("report", [propagation.propagation_report, propagation.propagate])
def test_propagation_stops_within_a_chunk(monkeypatch, report):
    chunks = _count_calls(monkeypatch, rounds.Rounds, "advance")
    with pytest.raises(Stop):
        report(["he_normal", "glorot_uniform", "zeros"], "tanh", depth=60, width=32,
               n_samples=20, on_progress=_stop_at_first_call)
    assert len(chunks) <= 2                # one round (a chunk per thread), then nothing more


def test_training_stops_within_a_chunk(monkeypatch):
    chunks = _count_calls(monkeypatch, training.Group, "run")
    with pytest.raises(Stop):
        iv.train("moons", ["zeros", "he_normal"], [0, 1], hidden=(3,), epochs=400,
                 on_progress=_stop_at_first_call)
    assert len(chunks) <= 2                # each thread's group ran one chunk of epochs
