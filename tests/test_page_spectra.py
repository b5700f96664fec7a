"""The Spectra page in AppTest: defaults, the residual view, URL state, hostile values."""

import json

import pytest
from pagetest import assert_clean, chart_specs, open_page

from ui.pages import SPECTRA

KEY = SPECTRA.key


def run(**query):
    return open_page(SPECTRA, **query)


charts = chart_specs








def test_defaults_show_orthogonal_against_gaussian_tanh():
    at = run()
    assert_clean(at)
    assert not at.error
    assert "Spectra" in at.title[0].value
    assert any("Orthogonal" in info.value for info in at.info)      # the default scenario
    legend, spectrum, spread, mean_sq = charts(at)
    assert "Jacobian" in json.dumps(spectrum["title"])
    assert spectrum["encoding"]["x"]["scale"]["type"] == "log"
    table = at.dataframe[0].value.set_index("initializer")
    assert float(table.loc["Orthogonal", "spread"]) < 1
    assert at.get("download_button")


def test_the_residual_view_compares_every_scaling():
    at = run(view="Residual nets", rdepth="20")   # URLs hold the label
    assert_clean(at)
    assert len(charts(at)) == 3      # legend, forward, backward
    table = at.dataframe[0].value
    assert table["initializer"].nunique() == 6
    top = table[table["layer"] == 20].set_index("initializer")["act_std"]
    assert top["residual, α = 1"] > 100 * top["residual, α = 1/√L"]


@pytest.mark.parametrize("query", [
    {"depth": "100000", "width": "-3", "inputs": "nan"},
    {"act": "<script>", "view": "everything", "init": ["nope(", "orthogonal"]},
    {"rinit": "zeros", "ract": "x", "nets": ["plain", "bogus"], "rdepth": "1e9"},
    {"width": "1024", "inputs": "16", "depth": "200"},
])
def test_hostile_urls_give_a_page_not_a_traceback(query):
    at = run(**query)
    assert_clean(at)
    assert at.title


def test_a_request_over_the_budget_is_a_message():
    at = run(width="1024", inputs="3", depth="200", init=["orthogonal", "he_normal"])
    assert_clean(at)
    assert at.error and "at most" in at.error[0].value
