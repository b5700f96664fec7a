from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from initviz.charts import distributions as charts
from initviz.histograms import histograms, std_vs_fan_in

TOO_SMALL_TOO_LARGE = ["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"]


def _x_domains(chart_list):
    return [tuple(c.to_dict()["layer"][0]["encoding"]["x"]["scale"]["domain"])
            for c in chart_list]


def test_a_law_ten_times_wider_gets_its_own_x_axis_and_the_narrow_ones_stay_readable():
    result = histograms(TOO_SMALL_TOO_LARGE, (784, 256), bins=30)
    assert charts.x_groups(result.stats) == [0, 1, 0]
    small, large, glorot = _x_domains(charts.histogram_chart(result))
    assert small == glorot and max(small) < 0.2      # not squashed by N(0,1)'s ±5
    assert max(large) > 3
    titles = [c.to_dict()["title"] for c in charts.histogram_chart(result)]
    assert [t["text"] for t in titles] == ["0.01·N(0,1)", "N(0,1)", "Xavier normal"]
    assert "own x axis" in titles[1]["subtitle"] and "own" not in titles[0]["subtitle"]


def test_similar_spreads_share_one_x_axis_unless_asked_not_to():
    result = histograms(["glorot_uniform", "he_normal", "zeros"], (784, 256), bins=30)
    assert len(set(_x_domains(charts.histogram_chart(result)))) == 1
    assert len(set(_x_domains(charts.histogram_chart(result, shared_x=False)))) == 3


def test_flavours_are_named_when_compared():
    result = histograms(["he_normal"], (64, 32), flavors=("keras", "pytorch"), bins=20)
    titles = [c.to_dict()["title"]["text"] for c in
              charts.histogram_chart(result, flavor_names={"keras": "Keras"})]
    assert titles == ["He normal · Keras", "He normal · pytorch"]


def test_every_distributions_chart_fills_its_container_and_is_valid_vega_lite():
    result = histograms([*TOO_SMALL_TOO_LARGE, "zeros", "he_uniform"], (30, 20), bins=10)
    built = [*charts.histogram_chart(result), charts.legend_chart(result),
             charts.fan_in_chart(std_vs_fan_in(20, 30))]
    for chart in built:
        spec = chart.to_dict()
        assert spec["width"] == "container"
        validate_jsonschema(spec, load_schema())
