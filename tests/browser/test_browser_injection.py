"""A link can say anything: in a real browser, hostile text from a link makes no link, image or
element from a foreign host on any page (tests/test_injection.py checks the escaping itself)."""

from urllib.parse import urlencode

import pytest
from browser_util import assert_no_exception, wait_idle
from playwright.sync_api import expect

from ui.pages import STATES

HOSTILE = ("[Log in](https://evil.example/login) ![x](https://evil.example/pixel.png) "
           "<img src=https://evil.example/i.png> <a href=https://evil.example>a</a> "
           "www.evil.example :red[alert] $x$")
FOREIGN = """() => [...document.querySelectorAll("a[href], img[src], iframe[src], script[src]")]
    .map(e => e.getAttribute("href") || e.getAttribute("src"))
    .filter(url => url.includes("evil"))"""


@pytest.mark.parametrize("page", ["", *(script.split("/")[1][:-3] for script in STATES)])
def test_hostile_link_text_makes_no_foreign_link_or_image(open_page, page):
    keys = STATES[f"views/{page}.py"].names() if page else []
    query = urlencode([(key, HOSTILE) for key in keys] + [("x` ![p](https://evil.example/t.png)",
                                                           "1")])
    shown = open_page(f"{page}?{query}", timeout=120_000)
    wait_idle(shown, 120_000)
    assert_no_exception(shown)
    expect(shown.locator("[data-testid='stToast']").first).to_be_visible(timeout=30_000)
    assert shown.evaluate(FOREIGN) == []
