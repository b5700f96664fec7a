"""A net's backprop against central finite differences, run by run (the nets of a batched
training are independent: one run's weights never move another run's loss)."""

import numpy as np
import pytest


def assert_gradients_match(net, head, x, t, probes=4, eps=1e-6, abs_tol=1e-8):
    """Check `probes` random entries of every parameter of the two-run `net` (float64)."""
    z = net.forward(x)
    grads = [g.copy() for g in net.backward(
        head.gradient(z, head.gradient_targets(t), np.empty_like(z)))]
    rng = np.random.default_rng(0)
    for p, g in zip(net.params, grads, strict=True):
        for _ in range(probes):
            index = tuple(rng.integers(0, n) for n in p.shape)
            saved = p[index]
            p[index] = saved + eps
            up = head.losses(net.forward(x), t)
            p[index] = saved - eps
            down = head.losses(net.forward(x), t)
            p[index] = saved
            run = index[0]
            numeric = (up[run] - down[run]) / (2 * eps)
            assert g[index] == pytest.approx(numeric, rel=1e-5, abs=abs_tol)
            assert up[1 - run] == down[1 - run]      # the other run does not depend on it
