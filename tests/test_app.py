"""Every page of the app runs to the end with its defaults and shows no exception."""

import ast
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.widgets import FAILURE_MESSAGE

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "main.py")
PAGES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "views").glob("*.py"))


def test_app_opens_on_home():
    at = AppTest.from_file(APP).run(timeout=60)
    assert not at.exception
    assert "weight initialization" in at.title[0].value


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_through_the_app(page):
    at = AppTest.from_file(APP).run(timeout=60)
    at.switch_page(page).run(timeout=120)
    assert not at.exception, at.exception
    assert not [e for e in at.error if e.value == FAILURE_MESSAGE], "the page failed"
    assert at.title, f"{page} shows no title"


def test_theory_shows_formulas_gains_and_traps():
    at = AppTest.from_file(str(ROOT / "views/theory.py")).run(timeout=30)
    assert not at.exception
    assert len(at.latex) >= 5
    gains = at.table[1].value
    assert gains.loc["tanh", "gain"] == "1.6667" and gains.loc["relu", "gain"] == "1.4142"
    text = " ".join(m.value for m in at.markdown)
    assert "LeCun normal" in text and "trunc_normal_" in text


@pytest.mark.parametrize("page", PAGES)
def test_no_stray_text_at_the_top_of_a_page(page):
    # Streamlit's magic draws every bare expression of a page script: a "docstring" under a
    # constant once showed up above a page's title.
    tree = ast.parse((ROOT / page).read_text())
    strays = [node.lineno for node in tree.body[1:]
              if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)]
    assert strays == []
