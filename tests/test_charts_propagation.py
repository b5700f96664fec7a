import math

import pandas as pd

from initviz.charts import propagation as charts
from initviz.propagation import activation_histograms


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


def test_std_chart_is_log_with_measured_and_theory_in_one_legend():
    spec = charts.std_chart(_table()).to_dict()
    layers = spec["spec"]["layer"]
    assert len(layers) == 3
    theory, measured, points = (layer["encoding"] for layer in layers)
    assert theory["y"]["scale"]["type"] == "log"
    assert theory["strokeDash"]["scale"]["domain"] == ["measured", "mean-field theory"]
    assert measured["strokeDash"] == theory["strokeDash"] and "strokeDash" not in points
    assert theory["color"]["scale"]["domain"] == ["a", "b"]


def test_fraction_chart_is_a_percentage_from_zero_to_one():
    spec = charts.fraction_chart(_table(), "dead_frac").to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert "Dead units" in spec["title"]


def test_histogram_chart_has_one_titled_row_per_initializer():
    hist = activation_histograms(["he_normal", "zeros"], "relu", depth=4, width=16,
                                 layers=[1, 4], bins=10, n_samples=20)
    spec = charts.histogram_chart(hist).to_dict()
    assert [row["title"]["text"] for row in spec["vconcat"]] == ["he_normal", "zeros"]
