"""Altair charts: tidy DataFrame in, `alt.Chart` out. No Streamlit here."""

import altair as alt


def to_spec(chart):
    """Vega-Lite dict of `chart` with its data inline (the pages' data is binned or summarized,
    so Altair's 5,000-row guard against raw samples does not apply)."""
    with alt.data_transformers.disable_max_rows():
        return chart.to_dict()
