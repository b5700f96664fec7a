"""Opening a page in AppTest as a link would: its widgets' URL parameters, by widget name."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(state, **query):
    """Run the page of `state` once, as a session arriving with these widget values."""
    at = AppTest.from_file(str(ROOT / state.script), default_timeout=180)
    at.query_params.update({state.key(name): value for name, value in query.items()})
    return at.run()


def assert_clean(at):
    assert not at.exception, [e.value for e in at.exception]


def chart_specs(at):
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
