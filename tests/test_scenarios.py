"""Workshop scenarios: Home's links and each page's buttons open the page in the scenario."""

from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from ui.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[1]


def notes(at):
    return [i.value for i in at.info]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.title)
def test_the_link_from_home_opens_the_page_in_the_scenario(scenario):
    at = AppTest.from_file(str(ROOT / scenario.page))
    at.query_params.update(scenario.query_params())
    at.run(timeout=180)
    assert not at.exception, at.exception
    assert scenario.note in notes(at)
    for key, value in scenario.values.items():
        assert at.session_state[key] == value, key


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.title)
def test_the_preset_button_sets_the_scenario_and_explains_it(scenario):
    at = AppTest.from_file(str(ROOT / scenario.page)).run(timeout=180)
    [button] = [b for b in at.button if b.label == scenario.title]
    button.click().run(timeout=180)
    assert not at.exception, at.exception
    assert notes(at).count(scenario.note) == 1
    assert sum(note in notes(at) for note in (s.note for s in SCENARIOS)) == 1


def test_home_links_every_scenario_with_its_parameters():
    at = AppTest.from_file(str(ROOT / "app.py")).run(timeout=60)
    links = {link.label: link for link in at.get("page_link")}
    for scenario in SCENARIOS:
        link = links[scenario.title]
        assert link.proto.page.endswith(Path(scenario.page).stem)
        query = parse_qs(link.proto.query_string)
        assert set(query) == set(scenario.values)
