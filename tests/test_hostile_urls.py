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
    """Run `page` on its own (no safety net in main.py) as a session arriving with URL `params`.

    Home links to the other pages, which needs the app's navigation: it opens through main.py.
    """
    at = AppTest.from_file(str(ROOT / ("main.py" if page == "views/home.py" else page)))
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


def _edge_values(at):
    """{key: value} of every bound slider, number input and selectbox at its own lowest
    setting, where that is not what the page shows by default."""
    edges = {}
    for kind in ("slider", "number_input"):
        edges |= {w.key: w.min for w in at.get(kind) if w.key and w.value != w.min}
    for box in at.selectbox:     # options shown as they are (not relabelled by a format_func)
        if box.key and box.value in box.options and box.value != box.options[0]:
            edges[box.key] = box.options[0]
    return edges


@pytest.mark.parametrize("page", ["views/distributions.py", "views/propagation.py",
                                  "views/training.py"])
def test_a_link_to_each_widgets_lowest_setting_opens_that_setting(page):
    # Streamlit leaves a URL value out when it equals the widget's own default; a page whose
    # default is not the widget's own then showed its default instead of the shared setting.
    edges = _edge_values(open_with(page, {}))
    assert edges
    at = open_with(page, {key: str(value) for key, value in edges.items()})
    assert not at.exception, at.exception
    assert {key: at.session_state[key] for key in edges} == edges
