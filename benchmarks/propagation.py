"""How long `iv.propagate` takes for the page's reference comparison, against a stacked variant.

The reference: 8 initializers, 30 layers, 256 units. The alternative, measured in the same run,
is the "vectorize across initializers" idiom: all K nets as (K, n, width) arrays and one stacked
matmul per layer. Run: ``python benchmarks/propagation.py``.
"""


import numpy as np
from timing import best  # also puts the checkout on the path

import initviz as iv
from initviz.propagation import _inputs, _slope, _std, _weights, check_net

SPECS = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
         "glorot_normal", "he_normal", "lecun_normal", "orthogonal"]


def stacked(activation, depth, width, n_samples):
    """The same forward and backward work on all nets stacked as (K, n, width) arrays.

    Saturated and dead fractions are left out, which favours this variant a little.
    """
    net = check_net(SPECS, activation, depth, width, n_samples, 0, "keras", 0.0)
    x, grad, _ = _inputs(net)
    weights = np.stack([_weights(net, spec, depth) for spec in SPECS], axis=1)  # (depth, K, w, w)
    h, slopes, stats = np.broadcast_to(x, (len(SPECS), *x.shape)), [], []
    with np.errstate(all="ignore"):
        for w in weights:
            z = h @ w
            h = net.activation.forward(z)
            slopes.append(_slope(net.activation, z, h))
            stats.append([(_std(zk), _std(hk), np.mean(hk)) for zk, hk in zip(z, h, strict=True)])
        g = np.broadcast_to(grad, h.shape)
        for w in weights[::-1]:
            delta = g * slopes.pop()
            stats.append([_std(d) for d in delta])
            g = delta @ w.transpose(0, 2, 1)
    return stats




def main():
    print(f"{len(SPECS)} initializers x 30 layers x 256 units, best of 3 (wall clock)")
    for activation in ("tanh", "relu"):
        for n in (100, 250, 500, 1000):
            ours = best(lambda a=activation, n=n: iv.propagate(SPECS, a, 30, 256, n))
            alt = best(lambda a=activation, n=n: stacked(a, 30, 256, n))
            print(f"{activation:5s} n={n:5d}  propagate {ours:6.3f} s   stacked {alt:6.3f} s"
                  f"   stacked/propagate {alt / ours:4.2f}")
    net = check_net(SPECS, "tanh", 30, 256, 100, 0, "keras", 0.0)
    sampling = best(lambda: [_weights(net, spec, 30) for spec in SPECS])
    print(f"of which sampling the 240 weight matrices: {sampling:.3f} s")


if __name__ == "__main__":
    main()
