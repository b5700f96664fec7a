import math

import pandas as pd
from altair.utils.schemapi import validate_jsonschema
from altair.vegalite.v6.schema import load_schema

from initviz.charts import palette
from initviz.charts import propagation as charts
from initviz.propagation import activation_histograms, propagation_report


def _table():
    return pd.DataFrame({
        "initializer": ["a", "a", "b", "b"], "layer": [1, 2, 1, 2],
        "act_std": [0.5, 0.0, math.inf, 2.0], "grad_std": [1.0, math.nan, 3.0, 4.0],
        "theory_act_std": [0.5, 0.25, math.nan, math.nan], "theory_grad_std": [1.0] * 4,
        "dead_frac": [0.5, 0.5, 0.4, 0.6],
    })


def test_std_long_keeps_only_what_a_log_axis_can_draw():
    long = charts.std_long(_table())
    assert (long.value > 0).all() and long.value.map(math.isfinite).all()
    measured = long[long.source == "measured"]
    assert len(measured) == 5      # 8 measured values minus a zero, an inf and a NaN
    assert set(long.panel) == set(charts.PANELS.values())


def test_decades_cover_the_data_and_include_one():
    assert charts.decades([0.3, 2e-7]) == [10.0**k for k in range(-7, 1)]
    ticks = charts.decades([1e-31, 1e30])
    assert len(ticks) <= 12 and 1.0 in ticks and ticks[0] <= 1e-30 and ticks[-1] >= 1e30


def test_std_chart_is_a_forward_and_a_backward_log_chart_filling_its_container():
    forward, backward = (c.to_dict() for c in charts.std_chart(_table()))
    assert forward["title"].startswith("Forward") and backward["title"].startswith("Backward")
    for spec in (forward, backward):
        assert spec["width"] == "container"
        theory, measured, points = (layer["encoding"] for layer in spec["layer"])
        assert theory["y"]["scale"]["type"] == "log"
        assert theory["strokeDash"]["scale"]["domain"] == ["measured", "mean-field theory"]
        assert theory["color"]["scale"]["domain"] == ["a", "b"]
        assert theory["color"]["legend"] is None


def test_the_steadiest_line_is_drawn_on_top():
    table, _ = propagation_report(["orthogonal", "orthogonal(gain=1.1)", "glorot_normal"],
                                  "linear", 20, 32, None, 11, 50, 0, "keras", 0.0)
    rows = charts.steadiest_last(charts.std_long(table))
    assert rows["initializer"].iloc[-1] == "orthogonal"


def test_fraction_chart_is_a_percentage_from_zero_to_one():
    spec = charts.fraction_chart(_table(), "dead_frac").to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert "Dead units" in spec["title"] and spec["width"] == "container"


def test_histogram_chart_is_one_ridgeline_per_layer_with_every_initializer():
    specs = ["he_normal", "random_normal(stddev=0.01)", "zeros"]
    hist = activation_histograms(specs, "tanh", depth=4, width=16, layers=[1, 4], bins=11,
                                 n_samples=20)
    layer_charts = [c.to_dict() for c in charts.histogram_chart(hist)]
    assert [c["title"] for c in layer_charts] == ["layer 1", "layer 4"]
    for spec in layer_charts:
        assert spec["width"] == "container"
        label = spec["encoding"]["y"]["axis"]["labelExpr"]
        assert all(f'"{palette.display_name(s)}"' in label for s in specs)
        assert spec["encoding"]["color"]["scale"]["domain"] == specs


def test_a_ridge_fits_its_row_and_a_lone_spike_is_cut():
    hist = pd.DataFrame({"initializer": "a", "layer": 1, "bin_start": [0.0, 1, 2],
                         "bin_end": [1.0, 2, 3], "fraction": [0.9, 0.06, 0.04]})
    ridge = charts.ridges(hist)
    assert ridge["top"].max() <= charts.RIDGE
    assert ridge["top"].iloc[1] > 0.3 * charts.RIDGE   # the tail is not flattened by the spike


def test_every_propagation_chart_is_valid_vega_lite():
    table, hist = propagation_report(["he_normal", "glorot_normal"], "relu", 3, 16, None, 11,
                                     20, 0, "keras", 0.0)
    built = [*charts.std_chart(table), *charts.histogram_chart(hist),
             charts.fraction_chart(table, "dead_frac"), charts.legend_chart(table)]
    for chart in built:
        validate_jsonschema(chart.to_dict(), load_schema())
