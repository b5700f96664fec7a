import math

import numpy as np
import pytest

from initviz.errors import InputError
from initviz.optimizers import SGD, Adam, make_optimizer


def _steps(optimizer, grads):
    for g in grads:
        optimizer.step([np.array(g, dtype=float)])


def test_plain_sgd_subtracts_lr_times_gradient():
    p = np.array([1.0, -2.0])
    _steps(SGD([p], lr=0.5), [[0.2, 0.4], [1.0, -1.0]])
    np.testing.assert_allclose(p, [1 - 0.1 - 0.5, -2 - 0.2 + 0.5])


def test_momentum_starts_its_buffer_at_the_first_gradient():
    # torch: b1 = g1; b2 = 0.9 b1 + g2; p -= lr b each step.
    p = np.array([1.0])
    _steps(SGD([p], lr=0.1, momentum=0.9), [[2.0], [1.0], [-3.0]])
    b1, b2 = 2.0, 0.9 * 2.0 + 1.0
    b3 = 0.9 * b2 - 3.0
    assert p[0] == pytest.approx(1 - 0.1 * (b1 + b2 + b3), abs=1e-15)


def test_adam_matches_the_bias_corrected_formula_by_hand():
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    g1, g2 = 0.5, -0.25
    p = np.array([1.0])
    _steps(Adam([p], lr=lr), [[g1], [g2]])
    m1, v1 = 0.1 * g1, 0.001 * g1**2
    p1 = 1.0 - lr * (m1 / (1 - b1)) / (math.sqrt(v1 / (1 - b2)) + eps)
    m2, v2 = 0.9 * m1 + 0.1 * g2, 0.999 * v1 + 0.001 * g2**2
    p2 = p1 - lr * (m2 / (1 - b1**2)) / (math.sqrt(v2 / (1 - b2**2)) + eps)
    assert p[0] == pytest.approx(p2, abs=1e-15)
    # the first Adam step moves every weight by about lr, whatever the gradient's size
    assert 1.0 - p1 == pytest.approx(lr, rel=1e-6)


def test_stacked_runs_update_independently_and_reset_forgets_one():
    p = np.zeros((2, 3))
    opt = Adam([p], lr=0.1)
    opt.step([np.array([[1.0, 2, 3], [1.0, 2, 3]])])
    np.testing.assert_array_equal(p[0], p[1])
    opt.reset(np.array([True, False]))
    assert not opt.m[0][0].any() and not opt.v[0][0].any() and opt.m[0][1].all()


@pytest.mark.parametrize("name", ["sgd", "momentum", "adam"])
def test_updates_match_torch_when_installed(name):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    start, grads = rng.standard_normal((2, 3)), rng.standard_normal((5, 2, 3))
    p = start.copy()
    ours = make_optimizer(name, [p], lr=0.05, momentum=0.8)
    tp = torch.tensor(start, requires_grad=True)
    theirs = {"sgd": lambda: torch.optim.SGD([tp], lr=0.05),
              "momentum": lambda: torch.optim.SGD([tp], lr=0.05, momentum=0.8),
              "adam": lambda: torch.optim.Adam([tp], lr=0.05)}[name]()
    for g in grads:
        ours.step([g.copy()])
        tp.grad = torch.tensor(g)
        theirs.step()
    np.testing.assert_allclose(p, tp.detach().numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("name", "lr"), [("rmsprop", 0.1), ("sgd", 0.0), ("adam", float("inf"))])
def test_bad_optimizer_settings_raise(name, lr):
    with pytest.raises(InputError):
        make_optimizer(name, [np.zeros(1)], lr)


def test_negative_zero_momentum_is_zero_and_a_subnormal_rate_is_refused():
    sgd = make_optimizer("momentum", [np.zeros(2)], 0.1, momentum=-0.0)
    assert sgd.momentum == 0.0 and not np.signbit(sgd.momentum)
    with pytest.raises(InputError, match="between 1e-08 and 100, got 4.94066e-324"):
        make_optimizer("sgd", [np.zeros(2)], 5e-324)
