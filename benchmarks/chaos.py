"""How fast the Edge of chaos page's computations are: the phase diagram and the trainability grid.

Phase diagram: `phase_diagram` on its default 31 × 21 grid for tanh (the slowest activation: most
chaotic points, each needing c* by 2-D quadrature), ReLU and SELU, and the critical line on the
grid's 21 σ_b²; best of 3, in rounds.

Trainability: `trainability` on its default grid (9 σ_w² × 6 depths up to 40, circles, tanh,
width 32, 300 full-batch epochs; one `iv.train` call per depth), once, beside the same grid's
deepest call alone. If `iv.train`'s per-request compute cap refuses a depth, the refusal is
printed and the grid is timed with that cap lifted, to show what it would need.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/chaos.py``.
"""

import time
from contextlib import nullcontext
from unittest import mock

from timing import best_interleaved  # also puts the checkout on the path

from initviz import chaos, training
from initviz.errors import InputError
from initviz.trainable import DEPTHS, trainability


def phase_diagrams():
    times = best_interleaved({
        **{f"phase_diagram({name!r})": lambda name=name: chaos.phase_diagram(name)
           for name in ("tanh", "relu", "selu")},
        "critical_line('tanh')": lambda: chaos.critical_line("tanh", chaos.SIGMA_B2),
    })
    points = len(chaos.SIGMA_W2) * len(chaos.SIGMA_B2)
    print(f"Phase diagram, default grid {len(chaos.SIGMA_W2)} × {len(chaos.SIGMA_B2)} = "
          f"{points} points (best of 3):")
    for name, seconds in times.items():
        print(f"  {name:<26} {seconds:6.3f} s")


def _timed(f):
    start = time.perf_counter()
    result = f()
    return result, time.perf_counter() - start


def trainability_grid():
    lifted = nullcontext()
    try:
        alone = _timed(lambda: trainability(depths=DEPTHS[-1:]))[1]
    except InputError as refusal:
        print(f"iv.train refuses depth {DEPTHS[-1]} of the default grid: {refusal}")
        print("Timed with iv.train's compute cap lifted:")
        lifted = mock.patch.object(training, "_check_cost", lambda plan: None)
        with lifted:
            alone = _timed(lambda: trainability(depths=DEPTHS[-1:]))[1]
    with lifted:
        table, seconds = _timed(trainability)
    pivot = table.pivot(index="depth", columns="sigma_w2", values="train_accuracy")
    print(f"Trainability, default grid ({table.sigma_w2.nunique()} σ_w² × {len(DEPTHS)} depths "
          f"{DEPTHS}): {seconds:.1f} s; depth {DEPTHS[-1]} alone {alone:.1f} s")
    print("Train accuracy after 300 epochs (rows: depth):")
    print(pivot.round(2).to_string())
    six_xi = table.groupby("sigma_w2").xi_c.first() * 6
    print("6·ξ_c:", {w: round(x, 1) for w, x in six_xi.items()})


if __name__ == "__main__":
    phase_diagrams()
    trainability_grid()
