"""Workshop scenarios: each opens its page in a complete configuration, explains itself, and
makes its point in the numbers the page computes from that configuration."""

import math
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import initviz as iv
from ui.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]
BY_SLUG = {s.slug: s for s in SCENARIOS}


def notes(at):
    return [i.value for i in at.info]


# -- the numbers behind each scenario, computed from its configuration as its page does -------

def propagation(config):
    """The Propagation page's table, indexed by (initializer, layer)."""
    table = iv.propagate(config["init"], config["act"], config["depth"], int(config["width"]),
                         n_samples=config["samples"], seed=int(config["seed"]),
                         flavor=config["flavor"], bias_std=config["bias"])
    return table.set_index(["initializer", "layer"])


def training(config):
    """The Training page's runs: final and per-epoch training loss by initializer."""
    data = iv.load_dataset(config["data"], int(config["n"]), config["noise"])
    seeds = list(range(int(config["seed"]), int(config["seed"]) + config["seeds"]))
    batch = None if config["batch"] == "full batch" else int(config["batch"])
    result = iv.train(data, config["init"], seeds, (int(config["width"]),) * config["layers"],
                      config["act"], config["opt"], config["lr"], int(config["epochs"]), batch,
                      config["flavor"],
                      residual=None if config["residual"] == "plain" else config["residual"])
    train = result.history[result.history["split"] == "train"]
    return train.pivot_table(index="epoch", columns=["initializer", "seed"], values="loss")


def spectra(config):
    """The Spectra page's Jacobian summary, indexed by (initializer, depth)."""
    return iv.jacobian_report(config["init"], config["act"], config["depth"],
                              int(config["width"]), config["inputs"], int(config["seed"]),
                              config["flavor"]).summary.set_index(["initializer", "depth"])


def residual_nets(config):
    """The Spectra page's residual view: {net: propagate table indexed by layer}."""
    return {net: iv.propagate([config["rinit"]], config["ract"], config["rdepth"],
                              int(config["width"]), 500, int(config["seed"]), config["flavor"],
                              residual=None if net == "plain" else net).set_index("layer")
            for net in config["nets"]}


def edge_of_chaos(config, depths):
    """The Edge of chaos page's chosen point: its depth scales, and the accuracy its σ_w² reaches
    at `depths` in the page's experiment, by depth."""
    scales = iv.depth_scales(config["act"], config["w"], config["b"])
    runs = iv.trainability("circles", config["act"], [config["w"]], depths, sigma_b2=config["b"],
                           width=int(config["twidth"]), epochs=int(config["epochs"]),
                           seeds=range(config["seeds"]))
    return scales, runs.groupby("depth").train_accuracy.mean()


def weights(config, spec, flavor=None):
    return iv.sample(spec, (int(config["fan_in"]), int(config["fan_out"])),
                     seed=int(config["seed"]), flavor=flavor or config["flavor"])


def first_epoch_below(losses, target):
    """Per run, the first epoch with loss ≤ target (inf if never)."""
    reached = losses.le(target)
    return reached.idxmax().where(reached.any(), math.inf)


POINTS = {}


def point(slug):
    def register(check):
        POINTS[slug] = check
        return check
    return register


@point("too-small-too-large")
def _(c):
    small, xavier, he = (weights(c, s).std() for s in c["init"])
    assert small < xavier / 4 and small < he / 4
    assert xavier == pytest.approx(math.sqrt(2 / (784 + 256)), rel=0.02)
    assert math.sqrt(784) * small == pytest.approx(0.28, rel=0.02)


@point("truncated")
def _(c):
    for spec in c["init"]:
        keras, torch = weights(c, spec, "keras"), weights(c, spec, "pytorch")
        assert keras.std() == pytest.approx(torch.std(), rel=0.02)
        bound = iv.theory(spec, keras.shape, "keras").high
        assert np.abs(keras).max() <= bound < np.abs(torch).max()


@point("uniform-or-normal")
def _(c):
    box, bell = (weights(c, s) for s in c["init"])
    assert box.std() == pytest.approx(bell.std(), rel=0.02)
    assert np.abs(box).max() <= math.sqrt(3) * math.sqrt(2 / 784) < np.abs(bell).max()


@point("framework-defaults")
def _(c):
    torch, keras, he = (weights(c, s).std() for s in c["init"])
    assert torch == pytest.approx(1 / math.sqrt(3 * 784), rel=0.02)
    assert keras == pytest.approx(math.sqrt(2 / (784 + 256)), rel=0.02)
    assert torch < keras < he


@point("cs231n")
def _(c):
    t = propagation(c)
    small, large, xavier = c["init"]
    assert t.loc[(small, 10), "act_std"] < 1e-5
    assert t.loc[(small, 1), "grad_std"] < 1e-5 * t.loc[(small, 10), "grad_std"]
    assert t.loc[large, "saturated_frac"].min() > 0.85
    assert t.loc[(large, 1), "grad_std"] > 1e4 * t.loc[(large, 10), "grad_std"]
    assert 0.1 < t.loc[(xavier, 10), "act_std"] < 1


@point("he-vs-xavier")
def _(c):
    t = propagation(c)
    assert t.loc[("he_normal", 1), "grad_std"] > 100 * t.loc[("glorot_normal", 1), "grad_std"]
    assert 0.6 < t.loc[("he_normal", 30), "act_std"] < 1.5
    assert t.loc[("glorot_normal", 30), "act_std"] < 1e-3


@point("selu")
def _(c):
    t = propagation(c)
    lecun = t.loc["lecun_normal"]
    assert (lecun["act_std"] - 1).abs().max() < 0.05 and lecun["act_mean"].abs().max() < 0.05
    assert t.loc[("he_normal", 50), "act_std"] > 5
    assert t.loc[("random_normal(stddev=0.05)", 50), "act_std"] < 0.5


@point("orthogonal-linear")
def _(c):
    t = propagation(c)
    exact = t.loc["orthogonal", "act_std"]
    assert exact.max() / exact.min() == pytest.approx(1, abs=1e-3)   # float32, batch std
    grown = t.loc["orthogonal(gain=1.02)", "act_std"]
    assert grown[100] / grown[1] == pytest.approx(1.02**99, rel=1e-3)
    gaussian = t.loc["glorot_normal", "act_std"]
    assert abs(gaussian[100] / gaussian[1] - 1) > 0.25


@point("framework-defaults-relu")
def _(c):
    t = propagation(c)
    assert t.loc[("pytorch_default", 20), "act_std"] < 1e-6
    assert 1e-5 < t.loc[("keras_default", 20), "act_std"] < 1e-2
    assert 0.5 < t.loc[("he_normal", 20), "act_std"] < 2


@point("zeros")
def _(c):
    losses = training(c)
    assert (losses["zeros"] - math.log(2)).abs().max().max() < 1e-6
    for learner in ("glorot_uniform", "he_normal"):
        assert losses[learner].iloc[-1].max() < 0.2
    # while they learn (the first 100 epochs) Xavier's loss never rises, He's goes up and down;
    # later both can swing at this learning rate, in float64 too
    he, xavier = (losses[name].mean(axis=1).diff().clip(lower=0).iloc[:100].sum()
                  for name in ("he_normal", "glorot_uniform"))
    assert xavier < 1e-3 and he > 0.5


@point("deep-relu-circles")
def _(c):
    losses = training(c)
    he, xavier = first_epoch_below(losses["he_normal"], 0.2), first_epoch_below(
        losses["glorot_normal"], 0.2)
    assert he.max() < xavier.min()
    assert not np.isfinite(losses["random_normal(stddev=1)"].iloc[-1]).any()   # all diverged
    assert (losses["random_normal(stddev=0.01)"] - math.log(2)).abs().max().max() < 1e-3


@point("adam")
def _(c):
    losses = training(c)
    assert np.isfinite(first_epoch_below(losses["random_normal(stddev=0.01)"], 0.2)).all()
    # only the output bias moves: it fits the labels' frequency, ~1e-4 below ln 2 at best
    assert (losses["zeros"] - math.log(2)).abs().max().max() < 1e-3
    under_sgd = training(c | {"opt": "sgd", "lr": 0.5})
    assert not np.isfinite(first_epoch_below(under_sgd["random_normal(stddev=0.01)"], 0.2)).any()


@point("train-at-the-edge")
def _(c):
    scales, accuracy = edge_of_chaos(c, [40])
    assert c["w"] == pytest.approx(iv.critical_weight_variance(c["act"], c["b"]), abs=0.01)
    assert scales["chi1"] == pytest.approx(1, abs=1e-3) and scales["xi_c"] > 1000
    assert accuracy[40] > 0.95


@point("too-ordered")
def _(c):
    scales, accuracy = edge_of_chaos(c, [20, 30, 40])
    assert scales["chi1"] == pytest.approx(0.76, abs=0.01)
    assert scales["xi_c"] == pytest.approx(3.6, abs=0.1) and scales["c_star"] == 1
    assert accuracy[20] > 0.95
    assert accuracy[30] < 0.6 and accuracy[40] < 0.6


@point("chaotic")
def _(c):
    scales, accuracy = edge_of_chaos(c, [5, 30, 40])
    assert scales["chi1"] == pytest.approx(1.34, abs=0.01)
    assert scales["c_star"] == pytest.approx(0.17, abs=0.01)
    assert scales["xi_c"] == pytest.approx(7, abs=0.1)
    assert accuracy[5] > 0.95
    assert accuracy[30] < 0.6 and accuracy[40] < 0.6


@point("orthogonal-tanh")
def _(c):
    t = spectra(c)
    assert t.loc[("orthogonal", 100), "spread"] < 0.6
    assert t.loc[("orthogonal", 100), "zero_frac"] == 0
    assert t.loc[("glorot_normal", 100), "zero_frac"] > 0.5
    assert t.loc["glorot_normal", "spread"].is_monotonic_increasing
    assert t.loc[("orthogonal", 100), "mean_sq"] == pytest.approx(0.006, rel=0.2)


@point("linear-isometry")
def _(c):
    t = spectra(c)
    assert (t.loc["orthogonal", "s_max"] - 1).abs().max() < 1e-12
    assert (t.loc["orthogonal", "s_min"] - 1).abs().max() < 1e-12
    assert 5 < t.loc[("glorot_normal", 100), "s_max"] < 12
    assert t.loc[("glorot_normal", 100), "zero_frac"] > 0.5


@point("relu-never")
def _(c):
    t = spectra(c)
    assert (t["zero_frac"] > 0.4).all()
    assert (t.xs(2, level="depth")["spread"] == 12).all()
    assert (t.xs(1, level="depth")["theory_mean_sq"] - 1).abs().max() < 1e-3


@point("residual-explodes")
def _(c):
    nets = residual_nets(c)
    assert 1e7 < nets["none"].loc[50, "act_std"] < 1e8
    assert 1e7 < nets["none"].loc[1, "grad_std"] < 1e8
    assert nets["sqrt_depth"].loc[50, "act_std"] == pytest.approx(1.65, abs=0.1)
    assert nets["gpt2"].loc[50, "act_std"] == pytest.approx(math.exp(0.25), abs=0.08)
    for identity in ("rezero", "fixup"):
        assert (nets[identity]["act_std"] - 1).abs().max() < 0.01
    assert 0.6 < nets["plain"].loc[50, "act_std"] < 1


@point("residual-scaling")
def _(c):
    assert (training(c).iloc[-1] < 0.1).all()
    unscaled = training(c | {"residual": "none"})
    last = unscaled.reindex([int(c["epochs"])]).iloc[0]
    assert not np.isfinite(last).any() and (unscaled.iloc[0] > 100).all()   # all diverged
    plain = training(c | {"residual": "plain"})
    assert (plain["glorot_uniform"] - math.log(2)).abs().max().max() < 1e-3


def test_every_scenario_states_its_point():
    assert set(POINTS) == set(BY_SLUG)


@pytest.mark.parametrize("slug", list(BY_SLUG))
def test_the_scenario_makes_its_point(slug):
    POINTS[slug](BY_SLUG[slug].config())


# -- the page side -----------------------------------------------------------------------------

@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_the_link_from_home_opens_the_page_in_the_scenario(scenario):
    at = AppTest.from_file(str(ROOT / scenario.page))
    at.query_params.update(scenario.query_params())
    at.run(timeout=180)
    assert not at.exception, at.exception
    assert notes(at).count(scenario.note) == 1
    assert scenario.state.holds(scenario.values, at.session_state)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_the_preset_button_sets_the_scenario_and_explains_it(scenario):
    at = AppTest.from_file(str(ROOT / scenario.page)).run(timeout=180)
    [button] = [b for b in at.button if b.label == scenario.title]
    button.click().run(timeout=180)
    assert not at.exception, at.exception
    assert notes(at).count(scenario.note) == 1
    assert sum(note in notes(at) for note in (s.note for s in SCENARIOS)) == 1


def test_home_links_every_scenario_by_name():
    at = AppTest.from_file(str(ROOT / "main.py")).run(timeout=60)
    links = {link.label: link for link in at.get("page_link")}
    for scenario in SCENARIOS:
        link = links[scenario.title]
        assert link.proto.page.endswith(Path(scenario.page).stem)
        assert parse_qs(link.proto.query_string) == {"scenario": [scenario.slug]}


def test_an_unknown_scenario_is_a_notice_and_the_page_as_it_is():
    at = AppTest.from_file(str(ROOT / "views/propagation.py"))
    at.query_params["scenario"] = "[evil](https://evil.example)"
    at.run(timeout=180)
    assert not at.exception
    assert [t for t in at.toast if "No scenario named" in t.value]
    assert "](https" not in at.toast[0].value
