"""The shared result cache: bounded in bytes, least recently used out, each result computed once."""

import threading
import time

import numpy as np
import pandas as pd
import pytest

from ui.cache import MB, ByteCache, shared, size_of


def block(megabytes):
    return np.zeros(int(megabytes * MB), dtype=np.uint8)


def test_sizes_count_arrays_frames_and_containers():
    frame = pd.DataFrame({"x": np.zeros(1000), "name": ["a" * 50] * 1000})
    assert size_of(block(1)) == MB
    assert size_of(frame) >= 8000 + 50 * 1000
    assert size_of((block(1), [block(2)])) >= 3 * MB


def test_the_cache_never_holds_more_than_its_budget_and_keeps_the_recent():
    cache = ByteCache(10 * MB)
    for key in range(30):                      # 30 results of 1 MB each
        cache.get(key, lambda: block(1))
        cache.get(0, lambda: pytest.fail("the most used entry was evicted"))
        assert cache.bytes <= 10 * MB
    assert cache.bytes > 8 * MB               # and it is used, not emptied
    recomputed = []
    cache.get(1, lambda: recomputed.append(1) or block(1))
    assert recomputed == [1]                   # an old, unused entry went first


def test_a_result_larger_than_the_cache_is_returned_but_not_kept():
    cache = ByteCache(1 * MB)
    assert cache.get("big", lambda: block(2)).nbytes == 2 * MB
    assert cache.bytes == 0


def test_sessions_asking_for_the_same_result_at_once_compute_it_once():
    cache, calls, results = ByteCache(10 * MB), [], []

    def compute():
        calls.append(1)
        time.sleep(0.5)
        return block(1)

    threads = [threading.Thread(target=lambda: results.append(cache.get("view", compute)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert len(calls) == 1 and len(results) == 8
    assert all(r is results[0] for r in results)


def test_a_failed_computation_lets_the_next_session_compute():
    cache = ByteCache(10 * MB)

    def cancelled():
        raise KeyError("cancelled by a rerun")

    with pytest.raises(KeyError):
        cache.get("view", cancelled)
    assert cache.get("view", lambda: "computed") == "computed"


def test_a_page_script_run_twice_gets_the_same_shared_cache():
    # Streamlit executes a page script in a fresh module on every run, as exec does here: a
    # cache made there with ByteCache() would start empty each run, a shared one does not.
    page = "from ui.cache import MB, shared\nCACHE = shared('test page', 10 * MB)\n"
    runs = []
    for _ in range(2):
        namespace = {}
        exec(page, namespace)
        runs.append(namespace["CACHE"])
    assert runs[0] is runs[1]
    runs[0].get("view", lambda: block(1))
    runs[1].get("view", lambda: pytest.fail("a second run computed the cached view again"))
    runs[0].clear()


def test_a_shared_cache_keeps_its_size():
    shared("test size", 2 * MB)
    with pytest.raises(ValueError):
        shared("test size", 3 * MB)
