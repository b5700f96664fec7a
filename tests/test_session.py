"""One participant, one tab: pages, scenarios and settings in sequence, in one session.

Every page works when opened fresh; these tests open them one after another in the same session,
as a room following an instructor does, after pushing each widget to its extremes.
"""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.pages import STATES
from ui.scenarios import SCENARIOS
from ui.widgets import FAILURE_MESSAGE

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["views/home.py", *STATES, "views/theory.py"]


def app():
    return AppTest.from_file(str(ROOT / "main.py"), default_timeout=180).run()


def assert_page_ok(at, page):
    assert not at.exception, (page, [e.value for e in at.exception])
    assert FAILURE_MESSAGE not in [e.value for e in at.error], page
    assert not at.toast, (page, [t.value for t in at.toast])


def own_widgets(at, state):
    """The page's bound widgets that ran, by widget name."""
    owned = state.names()
    return {owned[w.key]: w for kind in ("slider", "number_input", "selectbox", "multiselect",
                                         "radio", "toggle", "select_slider")
            for w in at.get(kind) if w.key in owned}


def commit(at):
    """Run with the changed widgets (pressing Train where they sit in Training's form)."""
    for button in at.button:
        if button.label == "Train":
            button.click()
    return at.run()


def extremes(widget, labels):
    """The widget's lowest and highest settings (`labels`: value -> label it shows)."""
    if widget.type == "toggle":
        return [not widget.value]
    if hasattr(widget, "min"):
        return [widget.min, widget.max]
    values = {label: value for value, label in labels.items()}
    options = [values.get(option, option) for option in widget.options]
    if widget.type == "multiselect":
        return [options[:1], options[-2:]]
    return [options[0], options[-1]]


@pytest.mark.parametrize("page", list(STATES))
def test_a_page_pushed_to_its_extremes_leaks_into_no_other_page(page):
    state = STATES[page]
    at = app()
    at.switch_page(page).run()
    for name, widget in own_widgets(at, state).items():
        if name in ("n", "epochs", "fan_in", "fan_out", "width", "depth", "samples"):
            values = [widget.min]          # the top of these is a refusal, tested elsewhere
        else:
            values = extremes(widget, state.labels.get(name, {}))
        for value in values:
            widget.set_value(value)
            commit(at)
            assert not at.exception, (name, value, [e.value for e in at.exception])
            widget = own_widgets(at, state).get(name, widget)
    for other in PAGES:
        at.switch_page(other).run()
        assert_page_ok(at, other)
        if other in STATES and other != page:
            assert STATES[other].holds(session=at.session_state), other
    at.switch_page(page).run()
    assert_page_ok(at, page)
    assert not state.holds(session=at.session_state)


def test_every_scenario_in_order_in_one_session_shows_its_note():
    at = app()
    for scenario in SCENARIOS:
        at.switch_page("views/home.py").run()
        at.query_params.clear()
        at.query_params["scenario"] = scenario.slug
        at.switch_page(scenario.page).run()
        assert_page_ok(at, scenario.title)
        assert scenario.note in [i.value for i in at.info], scenario.title
        assert scenario.state.holds(scenario.values, at.session_state), scenario.title
        # a change on the page leaves the scenario: its note goes
        widget = next(w for w in own_widgets(at, scenario.state).values()
                      if w.type in ("number_input", "slider") and isinstance(w.value, int | float))
        widget.set_value(widget.value - 1 if widget.value >= widget.max else widget.value + 1)
        commit(at)
        assert scenario.note not in [i.value for i in at.info], scenario.title
