"""Altair charts: tidy DataFrame in, `alt.Chart` out. No Streamlit here."""

import threading

import altair as alt

_ALTAIR_SETTINGS = threading.Lock()   # theme and data transformer are global to all threads


def to_spec(chart):
    """Vega-Lite dict of `chart` with its data inline, without Altair's default theme (as
    Streamlit draws Altair charts).

    The pages' data is binned or summarized, so Altair's 5,000-row guard against raw samples
    does not apply. Not validated against the Vega-Lite schema: that takes longer than building
    the chart, and tests/test_chart_specs.py validates every chart the pages draw.
    """
    with _ALTAIR_SETTINGS, alt.theme.enable("none"), alt.data_transformers.disable_max_rows():
        return chart.to_dict(validate=False)
