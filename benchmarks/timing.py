"""What the benchmarks share: the repository on the path, and interleaved best-of-n timing."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # import initviz from a checkout


def best_interleaved(candidates, repeat=3):
    """{name: shortest wall-clock seconds} of the callables `candidates` {name: f}.

    Timed in rounds, each candidate once per round, so that a slow spell of a shared machine
    falls on all of them alike instead of on whichever ran then: the ratios stay comparable.
    """
    times = {name: [] for name in candidates}
    for _ in range(repeat):
        for name, f in candidates.items():
            start = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - start)
    return {name: min(seconds) for name, seconds in times.items()}
