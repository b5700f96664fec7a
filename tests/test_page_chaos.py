"""The Edge of chaos page in AppTest: defaults, scenarios, hostile URLs, the trainability run."""

import json

import pytest
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema
from pagetest import assert_clean, chart_specs, open_page

from initviz import trainable
from ui.pages import CHAOS

KEY = CHAOS.key


def run(**query):
    return open_page(CHAOS, **query)


charts = chart_specs
SMALL = {"epochs": "20", "twidth": "4"}
"""A trainability grid that runs in a second or two."""








def titles(at):
    return [json.dumps(spec.get("title")) for spec in charts(at)]


def test_defaults_sit_on_the_critical_line_and_offer_the_experiment():
    at = run()
    assert_clean(at)
    assert not at.error
    assert at.title[0].value == "Edge of chaos"
    assert any("critical point" in info.value for info in at.info)     # the default scenario
    assert [t for t in titles(at) if "Depth scale" in t]
    assert [t for t in titles(at) if "Correlation map" in t]
    assert not [t for t in titles(at) if "Which depths train" in t]    # not run yet
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Phase"] == "at the edge" and metrics["χ₁"] == "1"
    assert [b for b in at.button if b.label == "Run the experiment"]
    assert any("What am I looking at?" in c.value for c in at.caption)


def test_xavier_and_lecun_make_a_bullseye_where_they_coincide():
    phase = charts(run())[0]
    [dots] = [layer for layer in phase["layer"] if "size" in layer.get("encoding", {})]
    assert dots["encoding"]["size"]["scale"]["range"] == [180, 60, 15]


def test_the_charts_are_valid_vega_lite():
    at = run(**SMALL)
    [button] = [b for b in at.button if b.label == "Run the experiment"]
    button.click().run()
    assert_clean(at)
    schema = load_schema()
    drawn = charts(at)
    assert len(drawn) == 4
    for spec in drawn:
        spec = {k: v for k, v in spec.items() if k != "datasets"}
        validate_jsonschema(spec, schema)


def test_the_experiment_runs_on_the_button_and_is_then_shown_from_the_cache():
    at = run(**SMALL, seeds="2")
    [button] = [b for b in at.button if b.label == "Run the experiment"]
    button.click().run()
    assert_clean(at)
    assert not at.error
    assert [t for t in titles(at) if "Which depths train" in t]
    assert [d for d in at.get("download_button") if "Trainability" in d.proto.label]
    again = run(**SMALL, seeds="2")          # another session: no button, the same result
    assert_clean(again)
    assert [t for t in titles(again) if "Which depths train" in t]
    assert not [b for b in again.button if b.label == "Run the experiment"]


def test_a_grid_over_the_budget_is_a_message():
    at = run(epochs="2000")
    [button] = [b for b in at.button if b.label == "Run the experiment"]
    button.click().run()
    assert_clean(at)
    assert at.error and "per experiment" in at.error[0].value


HOSTILE = {
    "act": ["<script>", "relu(slope=1e9)", ""],
    "w": ["nan", "-1", "1e308", "inf", "abc"],
    "b": ["nan", "-0.5", "1e9", "[x](http://evil)"],
    "width": ["0", "1e12", "-inf", "3.5"],
    "epochs": ["0", "1e9", "nan"],
    "twidth": ["0", "100000", "x"],
    "seeds": ["0", "99", "two"],
}


@pytest.mark.parametrize("name,value", [(k, v) for k, vs in HOSTILE.items() for v in vs])
def test_hostile_url_values_give_a_page_not_a_traceback(name, value):
    assert set(HOSTILE) == set(CHAOS.defaults)
    at = run(**{name: value})
    assert_clean(at)
    assert at.title[0].value == "Edge of chaos"


@pytest.mark.parametrize("query", [
    {"act": "relu", "w": "4", "b": "0.5"},         # q* infinite: no correlation map
    {"act": "linear", "w": "0.01", "b": "0"},
    {"act": "selu", "w": "100", "b": "10"},
    {"act": "sigmoid", "w": "0.01", "b": "0"},
])
def test_extreme_points_are_explained_not_crashed(query):
    at = run(**query)
    assert_clean(at)
    assert at.metric


def test_the_default_grid_is_the_cores():
    at = run()
    caption = " ".join(c.value for c in at.caption)
    assert f"{len(trainable.SIGMA_W2)} σ_w² × {len(trainable.DEPTHS)} depths" in caption
