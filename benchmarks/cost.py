"""Calibrate `initviz.cost`: time representative requests, fit the prices, print the ratios.

Each request of `propagation_cases`, `training_cases` and `distribution_cases` is timed (wall
clock, best of a few interleaved rounds: the machine is shared) and counted by the cost model
into units of work. The prices are the non-negative least-squares fit of time = Σ price × units,
on relative errors (every row divided by its time); the activation table is timed directly
against a plain elementwise pass. The script prints both tables, ready to paste into
``initviz/cost.py``, and, for every request, the estimate with the prices in use and with the
fitted ones, against the time measured (the budget is switched off to time them). The hostile
requests of issue 14 are timed scaled down (fewer epochs, layers or initializers), as the model
is linear in those.

Run on the server's kernel, without this machine's OpenBLAS overrides:
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/cost.py``.
"""

import argparse
import time
from unittest import mock

import numpy as np
from scipy.optimize import nnls
from timing import best_interleaved  # also puts the checkout on the path

import initviz as iv
from initviz import cost, histograms, propagation, training
from initviz.mlp import Nonlinearity

FAST = [f"orthogonal(gain={g})" for g in (0.1, 1)]


def propagation_case(specs, activation, depth, width, n_samples, layers=()):
    net = propagation.check_net(specs, activation, depth, width, n_samples, 0, "keras", 0.0)
    work = cost.propagation_work(net, len(layers), propagation._threads(net))
    return work, lambda: propagation._run(net, list(layers), 41, None)


def propagation_cases():
    cs231n = ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]
    return {
        "prop default 3x10x500 n500": propagation_case(cs231n, "tanh", 10, 500, 500,
                                                       [1, 2, 4, 6, 8, 10]),
        "prop 1 net 10x500 n1000": propagation_case(["he_normal"], "relu", 10, 500, 1000),
        "prop 8x30x256 n500": propagation_case(
            ["zeros", *cs231n, "he_normal", "lecun_normal", "orthogonal", "glorot_uniform"],
            "tanh", 30, 256, 500, [1, 6, 12, 18, 24, 30]),
        "prop deep 3x100x500 n100": propagation_case(cs231n, "tanh", 100, 500, 100),
        "prop wide n 2x10x128 n2000": propagation_case(["he_normal", "glorot_uniform"], "gelu",
                                                       10, 128, 2000, [1, 10]),
        "prop tiny 4x50x16 n100": propagation_case(cs231n + ["ones"], "relu", 50, 16, 100),
        "prop ortho 2x4x1024 n100 (hostile, 4 of 34 layers)": propagation_case(
            ["orthogonal", "orthogonal(gain=1.1)"], "tanh", 4, 1024, 100),
        "prop ortho 2x10x512 n1000": propagation_case(FAST, "linear", 10, 512, 1000),
    }


def training_case(dataset, specs, seeds, **kwargs):
    args = {"dataset": dataset, "specs": specs, "seeds": seeds, "lr": 0.1} | kwargs
    plan, _ = training._plan(dataset, specs, seeds, kwargs["hidden"],
                             kwargs.get("activation", "tanh"), kwargs.get("optimizer", "sgd"),
                             0.1, 0.9, kwargs["epochs"], kwargs.get("batch_size"), "keras",
                             "float32", None)
    return cost.training_work(plan, training.GRID_SIZE**2), lambda: iv.train(**args)


def training_cases():
    moons = iv.load_dataset("moons", 500)
    big = iv.load_dataset("moons", 5000)
    five = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
            "he_normal"]
    twelve = five + ["ones", "lecun_normal", "orthogonal", "glorot_normal", "he_uniform",
                     "lecun_uniform", "truncated_normal"]
    return {
        "train default 5x3 3x32 300ep": training_case(moons, five, [0, 1, 2], hidden=(32,) * 3,
                                                      epochs=300),
        "train 8x5 2x32 300ep": training_case(iv.load_dataset("moons", 1000), twelve[:8],
                                              range(5), hidden=(32, 32), epochs=300),
        "train minibatch 64": training_case(moons, five, [0, 1], hidden=(32, 32), epochs=100,
                                            batch_size=64),
        "train deep 12x1 50x32 100ep": training_case(moons, twelve, [0], hidden=(32,) * 50,
                                                     epochs=100),
        "train adam relu 2x256 digits": training_case(iv.load_dataset("digits"), five[:2],
                                                      [0, 1], hidden=(256, 256), epochs=50,
                                                      activation="relu", optimizer="adam"),
        "train width1 gelu adam (hostile, 100 of 2000 ep)": training_case(
            big, twelve, range(5), hidden=(1,) * 6, epochs=100, activation="gelu",
            optimizer="adam"),
        "train width1 tanh 1 run": training_case(moons, ["he_normal"], [0], hidden=(1,) * 6,
                                                 epochs=500),
    }


def distribution_case(specs, shape, flavors):
    def run():
        for spec in specs:
            for flavor in flavors:
                histograms.measure(spec, shape, 0, flavor)

    work = sum((cost.distribution_work(spec, shape, f) for spec in specs for f in flavors),
               cost.Work())
    return work, run


def distribution_cases():
    return {
        "dist 3 specs 256x128": distribution_case(["he_normal", "glorot_uniform", "zeros"],
                                                  (256, 128), ["keras"]),
        "dist 2 specs 2000x2000 x2 flavours": distribution_case(["he_normal", "glorot_uniform"],
                                                                (2000, 2000),
                                                                ["keras", "pytorch"]),
        "dist orthogonal 2000x2000 (hostile, 1 of 24)": distribution_case(
            ["orthogonal(gain=0.1)"], (2000, 2000), ["keras"]),
        "dist orthogonal 1000x500": distribution_case(["orthogonal"], (1000, 500), ["keras"]),
        "dist conv 3x3x64x128": distribution_case(["he_uniform", "lecun_normal"],
                                                  (3, 3, 64, 128), ["keras", "jax"]),
    }


def activation_passes(repeat):
    """φ and φ′ of each activation (as training computes them), in plain float32 passes."""
    z = np.random.default_rng(0).standard_normal((8, 32, 4000)).astype(np.float32)
    da, a, out = np.ones_like(z), np.empty_like(z), np.empty_like(z)

    def plain():
        np.multiply(z, da, out=out)

    def both(nonlinearity):
        def run():
            nonlinearity.forward(z, a)
            nonlinearity.backprop(da, z, a)
        return run

    names = [n if n != "leaky_relu" else "leaky_relu(slope=0.1)" for n in cost.ACTIVATION_PASSES]
    times = best_interleaved({"plain": plain} | {n: both(Nonlinearity(n)) for n in names}, repeat)
    return {n.split("(")[0]: max(1, round(times[n] / times["plain"])) for n in names}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    with mock.patch.object(cost, "over_budget", lambda seconds: False):   # time them all
        calibrate(repeat)


def calibrate(repeat):
    print("activation passes (φ and φ′ per element, in plain float32 passes):")
    print(" ", activation_passes(repeat))
    cases = propagation_cases() | training_cases() | distribution_cases()
    start = time.perf_counter()
    measured = best_interleaved({name: run for name, (_, run) in cases.items()}, repeat)
    print(f"timed {len(cases)} requests, best of {repeat}, in {time.perf_counter() - start:.0f} s")
    kinds = list(cost.PRICES)
    units = np.array([[work[kind] for kind in kinds] for work, _ in cases.values()])
    seconds = np.array([measured[name] for name in cases])
    scale = np.array([cost.PRICES[kind] for kind in kinds])      # fit prices relative to these
    fitted, _ = nnls(units * scale / seconds[:, None], np.ones(len(cases)))
    prices = dict(zip(kinds, fitted * scale, strict=True))
    print("fitted prices (seconds per unit):")
    for kind, price in prices.items():
        print(f"    {kind!r}: {price:.2g},")
    print(f"{'request':52} {'measured':>9} {'estimate':>9} {'ratio':>6} {'refit':>6}")
    for (name, (work, _)), took in zip(cases.items(), seconds, strict=True):
        estimate = work.seconds()
        refit = sum(prices[kind] * amount for kind, amount in work.items())
        print(f"{name:52} {took:9.3f} {estimate:9.3f} {estimate / took:6.2f} {refit / took:6.2f}")


if __name__ == "__main__":
    main()
