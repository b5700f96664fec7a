"""How fast the Spectra page's core is: Jacobian spectra of 8 initializers × 100 layers × 256
units (one input), and a 50-block residual propagation of each branch scaling.

Best of 3, interleaved, in one process: `jacobian_report` (nets on two threads, BLAS on one),
the same on one thread, and the part of it that is only sampling the weights (the floor the
library's own seeds set); then `propagate(..., residual=...)` of 256 units × 500 samples for the
plain stack and every scaling.

Run: ``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/spectra.py``.
"""

from unittest import mock

from timing import best_interleaved  # also puts the checkout on the path

from initviz import jacobian, propagate, sample
from initviz.residual import SCALINGS

SPECS = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
         "glorot_normal", "he_normal", "lecun_normal", "orthogonal"]
DEPTH, WIDTH = 100, 256


def spectra():
    return jacobian.jacobian_report(SPECS, "tanh", DEPTH, WIDTH)


def one_thread():
    with (mock.patch.object(jacobian, "threads", lambda request: 1),
          mock.patch.object(jacobian, "_allowed", lambda request: True)):   # over the budget
        return spectra()


def sampling_only():
    return [sample(spec, (WIDTH, WIDTH), layer) for spec in SPECS for layer in range(DEPTH)]


def residual():
    return [propagate("he_normal", "relu", 50, WIDTH, n_samples=500, residual=scaling)
            for scaling in (None, *SCALINGS)]


def main():
    request = jacobian.check_request(SPECS, "tanh", DEPTH, WIDTH)
    times = best_interleaved({"spectra": spectra, "one thread": one_thread,
                              "sampling only (one thread)": sampling_only,
                              "residual, 6 nets": residual})
    print(f"Jacobian spectra, {len(SPECS)} initializers × {DEPTH} layers × {WIDTH} units:")
    print(f"  two threads        {times['spectra']:.2f} s "
          f"(cost model: {jacobian.seconds(request):.2f} s)")
    print(f"  one thread         {times['one thread']:.2f} s "
          f"({times['one thread'] / times['spectra']:.1f}× two threads)")
    print(f"  of which sampling  {times['sampling only (one thread)']:.2f} s on one thread")
    print(f"Residual propagation, 50 blocks × {WIDTH} units × 500 samples, plain + "
          f"{len(SCALINGS)} scalings: {times['residual, 6 nets']:.2f} s")


if __name__ == "__main__":
    main()
