"""The cost model refuses the heavy requests of issue 14 and names configurations it allows.

Not timed: each test compares the model's estimate with the budget (the prices are calibrated
by benchmarks/cost.py).
"""

import re
from dataclasses import replace

import pytest

import initviz as iv
from initviz import cost, propagation, training
from initviz.limits import MAX_HIDDEN_LAYERS, MAX_REQUEST_SECONDS

TWELVE = ["zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
          "lecun_uniform", "lecun_normal", "orthogonal", "random_normal(stddev=0.01)",
          "random_normal(stddev=1)", "truncated_normal"]
CS231N = ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]


def _number(pattern, message):
    found = re.search(pattern, message)
    assert found, message
    return int(found.group(1).replace(",", ""))


def _plan(dataset, specs, seeds, hidden, activation="tanh", optimizer="sgd", epochs=300):
    """training's validated plan, or its refusal."""
    return training._plan(dataset, specs, seeds, hidden, activation, optimizer, 0.01, 0.9,
                          epochs, None, "keras", "float32", None)[0]


def _under(plan):
    return training._seconds(plan) <= MAX_REQUEST_SECONDS


def test_the_hostile_training_link_is_refused_naming_the_epochs_it_allows():
    # /training?n=5000&layers=6&width=1&act=gelu&opt=Adam&lr=0.01&epochs=2000&seeds=5, 12 inits
    big = iv.load_dataset("moons", 5000)
    args = (big, TWELVE, range(5), (1,) * 6, "gelu", "adam")
    with pytest.raises(iv.InputError, match=r"about \d+ s of compute.* 3 s") as refused:
        _plan(*args, epochs=2000)
    message = str(refused.value)
    epochs = _number(r"at most ([\d,]+) epochs", message)
    assert 1 <= epochs < 2000
    assert _under(_plan(*args, epochs=epochs))
    with pytest.raises(iv.InputError):
        _plan(*args, epochs=epochs + 1)


def test_a_long_training_names_the_seeds_it_allows():
    data = iv.load_dataset("moons", 2000)
    with pytest.raises(iv.InputError) as refused:
        _plan(data, TWELVE[:4], range(10), (32, 32), epochs=500)
    seeds = _number(r"(\d+) seeds?", str(refused.value))
    assert _under(_plan(data, TWELVE[:4], range(seeds), (32, 32), epochs=500))


def test_the_hostile_distributions_link_is_refused_naming_what_fits():
    # /distributions?fan_in=2000&fan_out=2000&compare=true&init=orthogonal(gain=0.1)... (12)
    specs = [f"orthogonal(gain={g / 10:g})" for g in range(1, 13)]
    flavors = ["keras", "pytorch"]
    with pytest.raises(iv.InputError, match="s of compute") as refused:
        cost.check_distributions(specs, (2000, 2000), flavors)
    side = _number(r"at most (\d+) ×", str(refused.value))
    assert cost.distributions_seconds(specs, (side, side), flavors) <= MAX_REQUEST_SECONDS
    assert cost.distributions_seconds(specs, (side + 1, side + 1), flavors) > MAX_REQUEST_SECONDS


def test_the_hostile_propagation_link_is_refused_naming_a_depth_that_fits():
    # /propagation?act=tanh&depth=34&width=1024&samples=100
    #     &init=orthogonal&init=orthogonal(gain=1.1)
    args = dict(specs=["orthogonal", "orthogonal(gain=1.1)"], activation="tanh", depth=34,
                width=1024, n_samples=100)
    with pytest.raises(iv.InputError, match="s of compute") as refused:
        iv.propagate(**args)
    depth = _number(r"at most (\d+) layers", str(refused.value))
    net = propagation.check_net(**(args | {"depth": depth}), seed=0, flavor="keras",
                                bias_std=0.0)
    assert propagation.seconds(net) <= MAX_REQUEST_SECONDS


def test_the_default_pages_are_within_budget():
    net = propagation.check_net(CS231N, "tanh", 10, 500, 500, 0, "keras", 0.0)
    assert propagation.seconds(net, 6) <= MAX_REQUEST_SECONDS
    five = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
            "he_normal"]
    assert _under(_plan(iv.load_dataset("moons", 500), five, range(3), (32,) * 3, epochs=300))
    specs = ["glorot_uniform", "glorot_normal", "he_uniform", "he_normal"]
    assert cost.check_distributions(specs, (784, 256), ["keras", "pytorch"]) <= 3
    assert cost.check_distributions(specs, (3, 3, 64, 128), ["keras"]) <= 3


def test_a_depth_100_net_is_served_with_fewer_samples():
    n = propagation.fit_samples(CS231N, "tanh", 100, 500, 500)
    assert n is not None and 2 <= n < 500
    net = propagation.check_net(CS231N, "tanh", 100, 500, n, 0, "keras", 0.0)
    assert propagation.seconds(net, 6) <= MAX_REQUEST_SECONDS
    assert propagation.seconds(replace(net, n_samples=n + 1), 6) > MAX_REQUEST_SECONDS
    assert propagation.fit_samples(CS231N, "tanh", 10, 500, 500) == 500     # nothing to cut


def test_no_number_of_samples_saves_a_qr_bound_request():
    assert propagation.fit_samples(["orthogonal", "orthogonal(gain=2)"], "tanh", 30, 1024,
                                   100) is None


def test_deep_residual_sized_training_is_allowed_when_cheap():
    assert MAX_HIDDEN_LAYERS >= 64
    plan = _plan(iv.load_dataset("moons", 500), TWELVE, [0], (32,) * 50, epochs=20)
    assert _under(plan)


def test_cost_grows_with_every_knob():
    base = propagation.check_net(CS231N, "relu", 10, 256, 200, 0, "keras", 0.0)
    seconds = propagation.seconds(base)
    for field, value in [("depth", 20), ("width", 512), ("n_samples", 400),
                         ("specs", (*CS231N, "he_normal"))]:
        assert propagation.seconds(replace(base, **{field: value})) > seconds
    assert cost.distributions_seconds(["orthogonal"], (500, 500), ["keras"]) > \
        cost.distributions_seconds(["he_normal"], (500, 500), ["keras"])
