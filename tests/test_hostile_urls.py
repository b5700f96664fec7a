"""A shared link can say anything: hostile URL parameters never crash a page or show a traceback."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))
WIDGETS = ("number_input", "slider", "select_slider", "selectbox", "multiselect", "radio",
           "toggle", "checkbox", "text_input", "segmented_control", "pills")
HOSTILE = ["inf", "-inf", "nan", "1e308", "-1e308", "-7", "0", "abc", "x" * 5000,
           "ü∂🎲<script>alert(1)</script>", "", "2.5", "99999999999999999999999"]


def open_with(page, params):
    """Run `page` on its own (no safety net in app.py) as a session arriving with URL `params`.

    Home links to the other pages, which needs the app's navigation: it opens through app.py.
    """
    at = AppTest.from_file(str(ROOT / ("app.py" if page == "views/home.py" else page)))
    at.query_params.update(params)
    return at.run(timeout=180)


def widget_keys(page):
    at = open_with(page, {})
    return sorted({w.key for kind in WIDGETS for w in at.get(kind) if w.key})


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v[:12]))
def test_every_widget_parameter_set_to_a_hostile_value(page, value):
    keys = widget_keys(page)
    at = open_with(page, dict.fromkeys(keys, value))
    assert not at.exception, at.exception
