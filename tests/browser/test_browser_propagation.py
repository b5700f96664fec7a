from browser_util import assert_no_exception, screenshot, wait_idle

CHART = ".vega-embed canvas, .vega-embed svg"


def _open(open_page, path):
    return open_page(path, height=2600)


def test_propagation_page_draws_charts(open_page):
    page = _open(open_page, "propagation")
    page.wait_for_selector(CHART, state="visible", timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    assert page.locator(".vega-embed").count() == 3
    box = page.locator(".vega-embed").first.bounding_box()
    assert box["width"] > 600 and box["height"] > 250
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Forward: std of the activations", "Backward: std of the gradient",
                 "mean-field theory", "What am I looking at?", "0.01·N(0,1)"):
        assert text in body
    screenshot(page, "propagation")


def test_a_preset_click_redraws(open_page):
    page = _open(open_page, "propagation")
    page.get_by_role("button", name="He vs Xavier on 30-layer ReLU").click()
    page.wait_for_selector("text=Dead units", timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    assert "depth=30" in page.url and "act=relu" in page.url
    screenshot(page, "propagation_relu")


def test_a_chart_downloads_as_png(open_page):
    page = _open(open_page, "propagation")
    page.locator(".vega-embed").first.hover()
    button = page.get_by_role("button", name="Download as PNG").first
    button.wait_for(state="visible")
    with page.expect_download(timeout=30_000) as download:
        # From the keyboard: moving the mouse onto the toolbar sometimes crossed a chart still
        # being laid out, which then took the click.
        button.press("Enter")
    path = download.value.path()
    with open(path, "rb") as file:
        assert file.read(8) == b"\x89PNG\r\n\x1a\n"


def test_the_charts_download_as_one_html_file_for_slides(open_page):
    page = _open(open_page, "propagation")
    page.get_by_text("Table and download").click()
    with page.expect_download(timeout=30_000) as download:
        page.get_by_role("button", name="Charts for slides").click()
    with open(download.value.path(), encoding="utf-8") as file:
        html = file.read()
    assert html.count('class="chart"') == 3 and "vegaEmbed" in html
    assert download.value.suggested_filename == "initviz_propagation_charts.html"
