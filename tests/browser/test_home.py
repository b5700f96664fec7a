from browser_util import assert_no_exception, screenshot


def test_home_renders_links_to_every_page(open_page):
    page = open_page("")
    assert_no_exception(page)
    body = page.inner_text("[data-testid='stMain']")
    assert "weight initialization" in body
    for title in ("Distributions", "Propagation", "Training", "Theory"):
        assert title in body
    screenshot(page, "home")


def test_theory_page_shows_formulas(open_page):
    page = open_page("theory")
    assert_no_exception(page)
    assert page.locator(".katex").count() >= 5
    screenshot(page, "theory")
