"""What the benchmarks share: the repository on the path, and best-of-n wall-clock timing."""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # import initviz from a checkout


def best(f, repeat=3):
    """The shortest of `repeat` wall-clock times of `f()`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)
