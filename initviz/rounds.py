"""Independent computations advanced a chunk at a time on a few threads, cancellable between
rounds.

Each computation is a generator that yields how many of its steps are done (a running count)
and returns its result. The calling thread hands the generators to the threads round by round
and reports the steps done over all of them between rounds, so an exception raised by the
report stops the work within a chunk.
"""

import math

import numpy as np

ROUNDS = 40
"""About how many chunks (rounds of reports) a computation is split into."""


class Rounds:
    """The computations `jobs` (generators), `total` steps in all, at most `threads` at a time."""

    def __init__(self, jobs, total, threads):
        self.waiting = list(enumerate(jobs))
        self.running, self.threads = [], threads
        self.block = max(1, math.ceil(total / threads / ROUNDS))
        self.progress = [0] * len(self.waiting)
        self.results = [None] * len(self.waiting)
        self.total = total

    def advance(self, job):
        """Run the computation `job` for one chunk; return whether it is finished."""
        i, steps = job
        with np.errstate(all="ignore"):   # numpy's error state is per thread
            try:
                for _ in range(self.block):
                    self.progress[i] = max(self.progress[i], next(steps))
            except StopIteration as finished:
                self.results[i] = finished.value
                return True
        return False

    def rounds(self, pool):
        """Advance every computation under way by a chunk per round; yield the steps done."""
        while self.waiting or self.running:
            while self.waiting and len(self.running) < self.threads:
                self.running.append(self.waiting.pop(0))
            finished = list(pool.map(self.advance, self.running))
            self.running = [job for job, done in zip(self.running, finished, strict=True)
                            if not done]
            yield sum(self.progress)

    def run(self, pool, on_progress):
        """Every result, in the order of `jobs`, reporting ``on_progress(done, total)``."""
        for done in self.rounds(pool):
            if on_progress is not None:
                on_progress(done, self.total)
        return self.results
