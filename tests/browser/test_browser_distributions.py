from browser_util import assert_no_exception, screenshot, wait_idle

CHART = ".vega-embed canvas, .vega-embed svg"


def open_distributions(open_page, query=""):
    """Open the page once the server has run app.py (a fresh server's first deep link does not)."""
    open_page("")
    page = open_page("distributions" + query)
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_idle(page)
    return page


def test_distributions_page_draws_charts(open_page):
    page = open_distributions(open_page)
    assert_no_exception(page)
    assert page.locator(".vega-embed").count() >= 2
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Sampled weights against theory", "Empirical vs theoretical", "fan_in = 784",
                 "glorot_uniform", "he_normal"):
        assert text in body
    screenshot(page, "distributions")


def test_compare_flavours_from_the_url(open_page):
    page = open_distributions(open_page, "?compare=true&init=he_normal&init=lecun_normal")
    assert_no_exception(page)
    body = page.inner_text("[data-testid='stMain']")
    assert "lecun_normal is not defined in pytorch" in body
    screenshot(page, "distributions_compare")
