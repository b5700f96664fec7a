import zipfile

from browser_util import assert_no_exception, open_menu, screenshot, wait_charts, wait_idle
from playwright.sync_api import expect

CHART = "[data-testid='stVegaLiteChart']"


def _open(open_page, path):
    page = open_page(path, height=2600)
    wait_charts(page, at_least=4)     # legend, forward, backward, fractions, layers
    return page


def test_propagation_page_draws_charts(open_page):
    page = _open(open_page, "propagation")
    assert_no_exception(page)
    forward = page.locator(CHART).nth(1).bounding_box()
    assert forward["width"] > 350 and forward["height"] > 200
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Forward: std of the activations", "Backward: std of the gradient",
                 "mean-field theory", "What am I looking at?", "0.01·N(0,1)"):
        assert text in body
    screenshot(page, "propagation")


def test_a_scenario_from_the_menu_redraws(open_page):
    page = _open(open_page, "propagation")
    open_menu(page.get_by_role("button", name="Scenarios"),
              page.get_by_role("button", name="He vs Xavier on 30-layer ReLU")).click()
    expect(page.get_by_text("ReLU zeroes half of every layer")).to_be_visible(timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    assert "prop.depth=30" in page.url and "prop.act=relu" in page.url
    screenshot(page, "propagation_relu")


def test_a_chart_downloads_as_png(open_page):
    page = _open(open_page, "propagation")
    page.locator(CHART).nth(1).hover()
    button = page.get_by_role("button", name="Download as PNG").first
    button.wait_for(state="visible")
    with page.expect_download(timeout=30_000) as download:
        # From the keyboard: moving the mouse onto the toolbar sometimes crossed a chart still
        # being laid out, which then took the click.
        button.press("Enter")
    path = download.value.path()
    with open(path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_charts_download_as_one_zip_for_slides(open_page):
    page = _open(open_page, "propagation")
    wait_idle(page)
    menu = page.get_by_role("button", name="Charts for slides")
    open_menu(page.get_by_text("Table and download"), menu)
    zip_button = open_menu(menu, page.get_by_role("button", name="All charts"))
    with page.expect_download(timeout=60_000) as download:
        zip_button.click()
    assert download.value.suggested_filename == "initviz_propagation_charts.zip"
    names = zipfile.ZipFile(download.value.path()).namelist()
    for suffix in (".svg", ".png", "_data.csv"):
        assert "02_forward-std-of-the-activations" + suffix in names
