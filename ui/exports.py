"""The charts of a page as one HTML file: each chart's ⋯ menu there saves it as SVG or PNG.

Streamlit's chart toolbar downloads PNG; SVG needs Vega in a browser, so the file loads Vega
from its CDN and keeps the menu that Streamlit hides.
"""

import json

import altair as alt
import streamlit as st

from ui.specs import inline, to_spec

CDN = "https://cdn.jsdelivr.net/npm"
TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>initviz: {title}</title>
<script src="{cdn}/vega@{vega}"></script>
<script src="{cdn}/vega-lite@{vegalite}"></script>
<script src="{cdn}/vega-embed@{embed}"></script>
<style>body {{font-family: sans-serif; margin: 2em}} div.chart {{margin-bottom: 3em}}</style>
</head><body><h1>initviz: {title}</h1>
<p>Each chart's ⋯ menu saves it as SVG or PNG.</p>
{divs}
<script>
const specs = {specs};
specs.forEach((spec, i) => vegaEmbed("#chart" + i, spec, {{actions: true}}));
</script></body></html>
"""


def charts_html(title, specs):
    """A standalone HTML page drawing the Vega-Lite `specs` with the export menu."""
    divs = "\n".join(f'<div class="chart" id="chart{i}"></div>' for i in range(len(specs)))
    data = json.dumps(specs).replace("</", "<\\/")   # no "</script>" from a label
    return TEMPLATE.format(title=title, cdn=CDN, vega=alt.VEGA_VERSION,
                           vegalite=alt.VEGALITE_VERSION, embed=alt.VEGAEMBED_VERSION,
                           divs=divs, specs=data)


class ChartFile:
    """Draws a page's charts and offers them, on demand, as one HTML file."""

    def __init__(self, title):
        self.title, self.charts = title, []

    def draw(self, chart):
        """Draw an Altair chart or a Vega-Lite spec dict, as wide as its place, and keep it."""
        spec = chart if isinstance(chart, dict) else to_spec(chart)
        st.vega_lite_chart(spec=spec, width="stretch")
        self.charts.append(spec)

    def grid(self, charts, columns):
        """Draw small multiples `columns` to a row (one column on a phone)."""
        for start in range(0, len(charts), columns):
            for place, chart in zip(st.columns(columns), charts[start:start + columns],
                                    strict=False):
                with place:
                    self.draw(chart)

    def html(self):
        return charts_html(self.title, [inline(spec) for spec in self.charts])

    def button(self):
        """Download button; the file is written only when it is clicked."""
        st.download_button("Charts for slides (HTML: ⋯ → Save as SVG)", self.html,
                           f"initviz_{self.title.lower()}_charts.html", "text/html",
                           on_click="ignore", icon=":material/download:")
