"""Which depths train: the Schoenholz et al. picture on a toy dataset, in a few seconds."""

import math

import numpy as np
import pytest

import initviz as iv
from initviz import limits
from initviz import trainable as tr

SMALL = {"sigma_w2": [1.0, 1.76], "depths": [2, 30], "width": 24, "epochs": 300}


@pytest.fixture(scope="module")
def small():
    return iv.trainability("circles", "tanh", sigma_b2=0.05, **SMALL)


def test_one_row_per_run_with_the_mean_field_depth_scale(small):
    assert list(small.columns) == ["sigma_w2", "depth", "seed", "train_accuracy", "train_loss",
                                   "xi_c"]
    assert len(small) == 4
    for w, xi in small.groupby("sigma_w2").xi_c.first().items():
        assert xi == pytest.approx(iv.depth_scales("tanh", w, 0.05)["xi_c"])


def test_deep_nets_train_only_near_the_critical_line(small):
    accuracy = small.set_index(["sigma_w2", "depth"]).train_accuracy
    # Shallow nets train wherever they start.
    assert accuracy[(1.0, 2)] > 0.9 and accuracy[(1.76, 2)] > 0.9
    # σ_w² = 1: ξ_c ≈ 3.6, so 30 layers ≈ 8 ξ_c: stuck at chance on circles (balanced classes).
    assert iv.depth_scales("tanh", 1.0, 0.05)["xi_c"] < 30 / 6
    assert accuracy[(1.0, 30)] < 0.65
    # σ_w² = 1.76 is critical (ξ_c in the thousands): 30 layers train.
    assert accuracy[(1.76, 30)] > 0.9


def test_initial_weights_have_the_requested_variances():
    sizes = (2, 400, 400, 1)
    layers = tr.initial_weights(sizes, 2.5, 0.3, seed=4)
    assert [W.shape for W, _ in layers] == [(2, 400), (400, 400), (400, 1)]
    W, b = layers[1]
    assert 400 * W.var() == pytest.approx(2.5, rel=0.02)
    assert b.var() == pytest.approx(0.3, rel=0.2)
    # Same seed, other σ_w²: the same draws scaled.
    other = tr.initial_weights(sizes, 1.0, 0.3, seed=4)[1][0]
    np.testing.assert_allclose(W, other * math.sqrt(2.5))


def test_progress_reaches_the_total_and_an_exception_stops_the_work():
    calls = []
    iv.trainability("circles", "tanh", [1.5], [1, 2], width=8, epochs=20,
                    on_progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (40, 40)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop

    with pytest.raises(Stop):
        iv.trainability("circles", "tanh", [1.5], [1, 2], width=8, epochs=20, on_progress=stop)


def test_the_default_grid_fits_the_experiment_budget_which_train_alone_would_refuse():
    circles = iv.load_dataset("circles")
    specs = [tr.weight_spec(w) for w in tr.SIGMA_W2]
    hidden = [[32] * depth for depth in tr.DEPTHS]
    seconds = tr._grid_seconds(circles, specs, [0], hidden, 300, "sgd", 0.1, None, "tanh")
    assert limits.MAX_REQUEST_SECONDS < seconds <= limits.MAX_EXPERIMENT_SECONDS
    # iv.train keeps its per-request budget for everyone else: the deepest call is refused ...
    with pytest.raises(iv.InputError, match="3 s per request"):
        iv.train(circles, specs, hidden=hidden[-1], epochs=300)
    # ... and a caller that owns its own budget is held to it, before any work.
    with pytest.raises(iv.InputError, match=r"0\.01 s per request: use at most"):
        iv.train(circles, specs, hidden=hidden[0], epochs=300, max_seconds=0.01)


def test_a_grid_over_the_cap_names_the_epochs_that_fit():
    with pytest.raises(iv.InputError, match=r"30 s per experiment: use at most [\d,]+ epochs"):
        iv.trainability("circles", "tanh", epochs=2000)     # the default grid, 2,000 epochs
    with pytest.raises(iv.InputError, match="distinct"):
        iv.trainability("circles", "tanh", [1.0, 1.0], [2])
    with pytest.raises(iv.InputError):
        iv.trainability("circles", "tanh", [1.0], [0])
