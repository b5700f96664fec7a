"""How fast the Edge of chaos page's computations are: the phase diagram and the trainability grid.

Phase diagram: `phase_diagram` on its default 31 × 21 grid for tanh (the slowest activation: most
chaotic points, each needing c* by 2-D quadrature), ReLU and SELU, and the critical line on the
grid's 21 σ_b²; best of 3, in rounds.

Trainability: `trainability` on its default grid (9 σ_w² × 6 depths up to 40, circles, tanh,
width 32, 300 full-batch epochs; one `iv.train` call per depth), once, beside the same grid's
deepest call alone, each with the cost model's estimate (the grid owns
`limits.MAX_EXPERIMENT_SECONDS`; its deepest call alone is over `iv.train`'s per-request budget).

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/chaos.py``.
"""

import time

from timing import best_interleaved  # also puts the checkout on the path

from initviz import chaos
from initviz.datasets import load_dataset
from initviz.limits import MAX_EXPERIMENT_SECONDS
from initviz.trainable import DEPTHS, SIGMA_W2, _grid_seconds, trainability, weight_spec


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
    circles, specs = load_dataset("circles"), [weight_spec(w) for w in SIGMA_W2]

    def estimate(depths):
        return _grid_seconds(circles, specs, [0], [[32] * d for d in depths], 300, "sgd", 0.1,
                             None, "tanh")

    alone = _timed(lambda: trainability(depths=DEPTHS[-1:]))[1]
    table, seconds = _timed(trainability)
    pivot = table.pivot(index="depth", columns="sigma_w2", values="train_accuracy")
    print(f"Trainability, default grid ({table.sigma_w2.nunique()} σ_w² × {len(DEPTHS)} depths "
          f"{DEPTHS}): {seconds:.1f} s (estimated {estimate(DEPTHS):.1f} s, budget "
          f"{MAX_EXPERIMENT_SECONDS:g} s); depth {DEPTHS[-1]} alone {alone:.1f} s (estimated "
          f"{estimate(DEPTHS[-1:]):.1f} s)")
    print("Train accuracy after 300 epochs (rows: depth):")
    print(pivot.round(2).to_string())
    six_xi = table.groupby("sigma_w2").xi_c.first() * 6
    print("6·ξ_c:", {w: round(x, 1) for w, x in six_xi.items()})


if __name__ == "__main__":
    phase_diagrams()
    trainability_grid()
