"""A workshop in one tab: every Home scenario in order, then settings changed on each page and
every other page visited, on a projector (1280×720) and on a phone (390×844).

Each step must show no failure, no exception and no notice about ignored link settings, keep
every chart inside the page's width, and (on the projector) show a chart above the fold.
"""

import re

import pytest
from browser_util import assert_no_exception, wait_charts, wait_idle
from playwright.sync_api import expect

from ui.pages import NAVIGATION
from ui.scenarios import SCENARIOS

VIEWPORTS = {"projector": (1280, 720), "phone": (390, 844)}
TITLES = {script: title for script, title, _ in NAVIGATION}
PAGES = list(TITLES.values())
CHART_PAGES = [t for t in PAGES if t not in ("Home", "Theory")]
CHANGED = ("Distributions", "Propagation", "Training")
"""The pages whose settings the tour changes (every page is visited after each)."""
OVERFLOW = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    const right = main.getBoundingClientRect().right + 1;
    const wide = [];
    if (main.scrollWidth > main.clientWidth + 1) wide.push(`main ${main.scrollWidth}`);
    document.querySelectorAll("[data-testid='stVegaLiteChart']").forEach((chart, i) => {
        const drawn = chart.querySelector("canvas, svg.marks");
        if (chart.scrollWidth > chart.clientWidth + 1
            || (drawn && drawn.getBoundingClientRect().right > right)) wide.push(`chart ${i}`);
    });
    return wide;
}"""


def note_text(scenario):
    """A stretch of the scenario's note as the browser shows it (markdown removed)."""
    return re.sub(r"\*\*|\*", "", scenario.note)[:40]


def settle(page, title=None):
    wait_idle(page, 120_000)
    wait_charts(page, 60_000, at_least=1 if title in CHART_PAGES else 0)


def check(page, where, projector):
    assert_no_exception(page)
    toasts = " ".join(page.locator("[data-testid='stToast']").all_inner_texts())
    assert "could not use" not in toasts, (where, toasts)
    assert page.evaluate(OVERFLOW) == [], where
    charts = page.locator("[data-testid='stVegaLiteChart']")
    if projector and where.split(":")[0] in CHART_PAGES:
        first = charts.first.bounding_box()
        assert first is not None and first["y"] < page.viewport_size["height"], where


def open_sidebar(page):
    """On a phone the sidebar starts collapsed: open it."""
    expand = page.locator("[data-testid='stExpandSidebarButton']")
    if expand.count() and expand.is_visible():
        expand.click()
    expect(page.locator("[data-testid='stSidebar']")).to_be_visible()


def close_sidebar(page, projector):
    """On a phone the open sidebar covers the page: close it."""
    if not projector and page.locator("[data-testid='stSidebar']").is_visible():
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()
        expect(page.locator("[data-testid='stSidebar']")).to_be_hidden()


def go(page, title, projector):
    open_sidebar(page)
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    expect(page.locator("h1").first).to_be_visible()
    settle(page, title)
    close_sidebar(page, projector)


def change_settings(page, title, projector):
    """What a participant tries on each page, from the sidebar."""
    open_sidebar(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    if title == "Distributions":
        sidebar.get_by_text("Compare flavours: Keras vs PyTorch").click()
    elif title == "Propagation":
        sidebar.get_by_label("Depth (layers)").focus()
        page.keyboard.press("End")                     # the deepest net the slider allows
    elif title == "Training":
        seed = sidebar.get_by_label("Seed", exact=True)
        seed.fill("7")
        sidebar.get_by_role("button", name="Train").click()
    settle(page, title)
    close_sidebar(page, projector)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_whole_workshop_in_one_tab(browser, server, viewport):
    width, height = VIEWPORTS[viewport]
    projector = viewport == "projector"
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(server)
        settle(page)
        for scenario in SCENARIOS:
            go(page, "Home", projector)
            page.get_by_role("link", name=scenario.title).click()
            note = page.locator("[data-testid='stAlert']", has_text=note_text(scenario))
            expect(note).to_be_visible(timeout=120_000)
            settle(page, TITLES[scenario.page])
            check(page, f"{TITLES[scenario.page]}: {scenario.title}", projector)
        for title in CHANGED:
            go(page, title, projector)
            change_settings(page, title, projector)
            check(page, f"{title}: changed", projector)
            for other in PAGES:
                go(page, other, projector)
                check(page, f"{other}: after {title}", projector)
    finally:
        context.close()
