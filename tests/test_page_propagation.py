"""The Propagation page in AppTest: defaults, presets, URL state, bad inputs."""

import json

import pytest
from pagetest import assert_clean, chart_specs, open_page
from rendered import rendered

from initviz.charts.palette import display_name
from ui.pages import PROPAGATION

KEY = PROPAGATION.key


def run(**query):
    return open_page(PROPAGATION, **query)


charts = chart_specs









@pytest.fixture(scope="module")
def default_page():
    return run()


def test_defaults_show_the_cs231n_experiment(default_page):
    at = default_page
    assert_clean(at)
    assert not at.error
    assert "Propagation" in at.title[0].value
    # The default view is the CS231n preset, so its note is shown.
    assert any("0.01·N(0,1)" in info.value for info in at.info)
    legend, forward, backward, fractions, *ridges = charts(at)
    assert "Forward" in json.dumps(forward["title"]) and "Backward" in json.dumps(
        backward["title"])
    assert "Saturated" in json.dumps(fractions["title"])
    assert len(ridges) == 6             # one histogram chart per shown layer
    table = at.dataframe[-1].value
    assert table.initializer.unique().tolist() == [
        "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]
    small = table[table.initializer == "random_normal(stddev=0.01)"]
    assert small.act_std.iloc[0] == pytest.approx(0.213, rel=0.02)


def test_defaults_offer_csv_and_criticality(default_page):
    at = default_page
    assert at.get("download_button")
    critical = at.dataframe[0].value.set_index("initializer")
    assert float(critical.loc[display_name("glorot_normal"), "χ₁"]) < 1.0001
    assert critical.loc[display_name("random_normal(stddev=1)"), "χ₁"] == "12.1"  # 3 digits


def test_preset_sets_the_widgets_and_explains_itself():
    at = run()
    button = next(b for b in at.button if b.label == "He vs Xavier on 30-layer ReLU")
    button.click().run()
    assert_clean(at)
    assert at.slider(key=KEY("depth")).value == 30
    assert at.selectbox(key=KEY("act")).value == "relu"
    assert at.multiselect(key=KEY("init")).value == ["glorot_normal", "he_normal"]
    assert at.multiselect(key=KEY("layers")).value[-1] == 30   # histograms follow the new depth
    assert any("He" in info.value and "2⁻³⁰" in info.value for info in at.info)
    table = at.dataframe[-1].value
    he = table[table.initializer == "he_normal"]
    assert he.dead_frac.iloc[0] == pytest.approx(0.5, abs=0.02)
    assert any("Dead units" in json.dumps(c.get("title", "")) for c in charts(at))


def test_the_url_holds_the_view():
    at = run(depth="4", act="leaky_relu", slope="0.2", width="32", init=["he_normal", "zeros"])
    assert_clean(at)
    table = at.dataframe[-1].value
    assert table.layer.max() == 4
    assert table.initializer.unique().tolist() == ["he_normal", "zeros"]
    assert not any(i.value.startswith("ReLU zeroes") for i in at.info)  # no preset matches
    snippet = at.code[-1].value
    assert "'leaky_relu(slope=0.2)'" in snippet and "depth=4" in snippet


def test_a_request_over_the_budget_is_an_inline_error_naming_what_fits():
    at = run(depth="200", width="1024", samples="2000", init=["orthogonal"] * 1 + ["he_normal"])
    assert_clean(at)
    [error] = [rendered(e.value) for e in at.error]
    assert "demo" in error and "at most" in error and "layers" in error
    assert not at.get("vega_lite_chart")


def test_a_deep_net_is_measured_on_fewer_samples_with_a_note():
    at = run(depth="100")              # at the default width: too many samples for the budget
    assert_clean(at)
    [note] = [i.value for i in at.info if "measured on" in i.value]
    assert "500 samples" in note
    assert at.dataframe[-1].value.layer.max() == 100


def test_a_bad_typed_initializer_is_skipped_with_a_warning():
    at = run(init=["he_normal", "he_normal(scale=2)"], depth="3", width="16")
    assert_clean(at)
    assert any("he_normal has no argument 'scale'" in rendered(w.value) for w in at.warning)
    assert at.dataframe[-1].value.initializer.unique().tolist() == ["he_normal"]


def test_no_initializer_asks_for_one():
    at = run()
    at.multiselect(key=KEY("init")).set_value([]).run()
    assert_clean(at)
    assert any("Pick at least one initializer" in i.value for i in at.info)
