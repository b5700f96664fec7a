"""The Edge of chaos page in Chromium: the ξ_c map above the fold, then the trainability heatmap."""

from browser_util import assert_no_exception, wait_charts, wait_idle

CHARTS = "[data-testid='stVegaLiteChart']"
SMALL = "chaos?chaos.epochs=20&chaos.twidth=4"
"""A trainability grid that trains in a second or two."""


def drawn(page, count):
    """Wait until `count` charts are on the page and Vega has drawn them all."""
    page.wait_for_function(f"document.querySelectorAll(\"{CHARTS}\").length >= {count}",
                           timeout=120_000)
    wait_charts(page)
    return page.locator(CHARTS).count()


def test_the_map_is_above_the_fold_on_a_projector(open_page):
    page = open_page("chaos", width=1280, height=720)
    drawn(page, 3)
    assert_no_exception(page)
    phase = page.locator(CHARTS).first.bounding_box()
    assert phase["width"] > 350 and phase["height"] > 250
    assert phase["y"] + phase["height"] <= 720
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Edge of chaos", "Depth scale ξ_c", "Correlation map", "What am I looking at?",
                 "critical point", "Run the experiment"):
        assert text in body


def test_the_experiment_draws_the_trainability_heatmap(open_page):
    page = open_page(SMALL, height=2400)
    assert drawn(page, 3) == 3      # map, correlation map, correlation over depth
    page.get_by_role("button", name="Run the experiment").click()
    drawn(page, 4)
    wait_idle(page, 120_000)
    assert_no_exception(page)
    heat = page.locator(CHARTS).last
    heat.scroll_into_view_if_needed()
    box = heat.bounding_box()
    assert box["width"] > 350 and box["height"] > 250
    assert "Which depths train" in page.inner_text("[data-testid='stMain']")
    # A phone sees the cached result at once, the map first.
    phone = open_page(SMALL, width=390, height=844)
    assert drawn(phone, 4) == 4
    assert phone.get_by_role("button", name="Run the experiment").count() == 0
