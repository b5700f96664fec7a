"""A shared link can say anything: text from it is shown literally, never as markup.

Every page is opened with each hostile text in every one of its URL parameters (and in an
unknown one); every message, caption, toast and label that repeats the text must escape every
character that could make a link, an image, HTML, code, LaTeX, an icon or a colour directive.
tests/browser/test_browser_injection.py checks the same in a real browser.
"""

import re
from pathlib import Path

import pytest
from rendered import rendered
from streamlit.testing.v1 import AppTest

from ui.pages import STATES

ROOT = Path(__file__).resolve().parents[1]
MARK = "evil"
CORPUS = [
    "[Click here to log in](https://evil.example/login)",
    "he_normal(x=[Reset your password](https://evil.example/reset))",
    "![x](https://evil.example/pixel.png)",
    "<img src=https://evil.example/i.png> <a href='https://evil.example'>evil</a>",
    "evil `code` ```fence```",
    "evil :material/warning: :red[alert] :smile:",
    "evil $x^2$ $$y$$",
    "evil https://evil.example/autolink www.evil.example",
    "# evil heading\n- evil list\n> evil quote",
]
UNKNOWN_KEY = "x` ![p](https://evil.example/toast.png) `y"
UNESCAPED = re.compile(r"(?<!\\)[\[\]<>`$*_#|~]|(?<!\\):[A-Za-z]|(?<!\\)\.[A-Za-z]")
"""Markup that would survive in text: a bracket, angle, backtick, dollar, emphasis or heading
character without its backslash; a colon or dot right before a letter (an :icon:, :red[…],
https:// or www. link) without the backslash and break that ui.text.plain puts there."""


def shown_texts(at):
    """Every piece of markdown the page shows, by where it is shown."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "toast", "subheader")
    texts = [(kind, element.value) for kind in kinds for element in at.get(kind)]
    return texts + [("tab", tab.label) for tab in at.tabs]


def open_page(page, params):
    """The app opened at `page` by a link with URL parameters `params` (a session's first run)."""
    at = AppTest.from_file(str(ROOT / "main.py"), default_timeout=180)
    at.switch_page(page)
    at.query_params.update(params)
    return at.run()


@pytest.mark.parametrize("page", [*STATES, "views/home.py"])
@pytest.mark.parametrize("text", CORPUS, ids=lambda t: t[:20])
def test_hostile_text_in_every_parameter_is_shown_literally(page, text):
    keys = list(STATES[page].names()) if page in STATES else []
    at = open_page(page, dict.fromkeys([*keys, UNKNOWN_KEY], text))
    assert not at.exception, [e.value for e in at.exception]
    echoed = [(kind, source) for kind, source in shown_texts(at) if MARK in source]
    assert echoed, "the hostile text should be echoed in a notice"
    for kind, source in echoed:
        assert not UNESCAPED.findall(source), (kind, source)


@pytest.mark.parametrize("page", [*STATES, "views/home.py"])
def test_an_unknown_parameter_is_named_literally_in_one_notice(page):
    at = open_page(page, {UNKNOWN_KEY: "1"} | {f"unknown{i}": "1" for i in range(200)})
    [toast] = at.toast                       # 201 unknown keys: one notice, not 201
    assert not UNESCAPED.findall(toast.value), toast.value
    assert "201 setting(s)" in toast.value and "x` ![p](https" in rendered(toast.value)


def test_a_link_with_too_many_initializers_says_what_it_kept():
    specs = [f"random_normal(stddev={i / 100 + 0.01:g})" for i in range(50)]
    at = open_page("views/propagation.py", {"prop.init": specs, "prop.width": "16"})
    assert at.multiselect(key="prop.init").value == specs[:12]
    assert "prop.init: kept 12 of 50 values" in rendered(at.toast[0].value)
