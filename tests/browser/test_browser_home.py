from browser_util import assert_no_exception, screenshot, wait_idle
from playwright.sync_api import expect


def test_home_renders_links_to_every_page(open_page):
    page = open_page("", height=1450)
    assert_no_exception(page)
    body = page.inner_text("[data-testid='stMain']")
    assert "weight initialization" in body
    for title in ("Distributions", "Propagation", "Training", "Theory"):
        assert title in body
    screenshot(page, "home")


def test_theory_page_shows_formulas(open_page):
    page = open_page("theory")
    assert_no_exception(page)
    expect(page.locator(".katex").nth(4)).to_be_visible()     # five formulas or more
    screenshot(page, "theory")


def test_a_hostile_link_gets_a_notice_and_the_defaults(open_page):
    page = open_page("distributions?dist.seed=inf&nonsense=%3Cscript%3E")
    assert_no_exception(page)
    toasts = page.locator("[data-testid='stToast']")
    expect(toasts.first).to_be_visible(timeout=10_000)
    text = " ".join(toasts.all_inner_texts()).replace("\u200b", "")   # ui.text.plain's breaks
    assert "dist.seed" in text and "nonsense" in text
    assert page.get_by_label("Seed").input_value() == "0"


def test_instructor_mode_hides_the_sidebar(open_page):
    page = open_page("propagation?hide=sidebar")
    assert_no_exception(page)
    expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()
    expect(page.locator("[data-testid='stExpandSidebarButton']")).to_be_hidden()


def test_a_scenario_link_on_home_opens_the_page_in_the_scenario(open_page):
    page = open_page("")
    page.get_by_role("link", name="He vs Xavier on 30-layer ReLU").click()
    expect(page.get_by_text("ReLU zeroes half of every layer")).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    assert "/propagation?" in page.url and "prop.act=relu" in page.url
    assert "prop.depth=30" in page.url and "scenario" not in page.url
    assert page.get_by_label("Width (units per layer)").input_value() == "256"


def test_a_deep_link_as_the_first_visit_of_a_fresh_server(fresh_server, browser):
    """The page runs inside main.py (its navigation titles, not file names, in the sidebar)."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{fresh_server}/theory")
    wait_idle(page)
    assert_no_exception(page)
    nav = page.inner_text("[data-testid='stSidebarNav']")
    assert "Theory" in nav and "app" not in nav.split()
