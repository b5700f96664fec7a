from browser_util import assert_no_exception, screenshot, wait_charts


def open_distributions(open_page, query=""):
    """Open the page once the server has run main.py (a fresh server's first deep link does not)."""
    open_page("")
    page = open_page("distributions" + query)
    wait_charts(page)
    return page


def test_distributions_page_draws_charts(open_page):
    page = open_distributions(open_page)
    wait_charts(page, at_least=6)     # 4 panels and more
    assert_no_exception(page)
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Sampled weights against theory", "Empirical vs theoretical", "fan_in = 784",
                 "Xavier uniform", "He normal"):
        assert text in body
    screenshot(page, "distributions")


def test_compare_flavours_from_the_url(open_page):
    page = open_distributions(open_page, "?dist.compare=true&dist.init=he_normal"
                                         "&dist.init=lecun_normal")
    assert_no_exception(page)
    body = page.inner_text("[data-testid='stMain']")
    assert "lecun_normal" in body and "PyTorch" in body
    screenshot(page, "distributions_compare")
