"""Charts for slides: one HTML file that draws every chart of a page with Vega's export menu."""

import json
import re

import altair as alt
import pandas as pd

from ui.exports import ChartFile, charts_html
from ui.specs import to_spec


def embedded_specs(html):
    return json.loads(re.search(r"const specs = (.*);\n", html).group(1).replace("<\\/", "</"))


def test_every_chart_gets_a_place_and_its_spec():
    spec = {"mark": "bar", "data": {"values": [{"a": 1}]}, "encoding": {"x": {"field": "a"}}}
    html = charts_html("Propagation", [spec, spec])
    assert html.count('class="chart"') == 2
    assert embedded_specs(html) == [spec, spec]
    assert f"vega-lite@{alt.VEGALITE_VERSION}" in html and "actions: true" in html


def test_a_label_cannot_close_the_script():
    spec = {"title": "</script><script>alert(1)</script>", "mark": "point"}
    html = charts_html("Training", [spec])
    assert "</script><script>alert(1)" not in html
    assert embedded_specs(html) == [spec]


def test_altair_charts_keep_all_their_rows_in_the_file():
    frame = pd.DataFrame({"epoch": range(6000), "loss": 1.0})   # past Altair's 5,000-row guard
    charts = ChartFile("Training")
    charts.charts.append(to_spec(alt.Chart(frame).mark_line().encode(x="epoch", y="loss")))
    [spec] = embedded_specs(charts.html())
    [rows] = spec["datasets"].values()
    assert rows[:2] == [{"epoch": 0, "loss": 1.0}, {"epoch": 1, "loss": 1.0}] and len(rows) == 6000
