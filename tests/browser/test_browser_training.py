from browser_util import assert_no_exception, screenshot, wait_idle

CHART = ".vega-embed canvas, .vega-embed svg"


def test_training_page_trains_and_draws_the_curves(open_page):
    page = open_page("training", height=3600, timeout=120_000)
    page.wait_for_selector(CHART, state="visible", timeout=120_000)
    wait_idle(page, timeout=120_000)
    assert_no_exception(page)
    assert page.locator(".vega-embed").count() == 5
    loss = page.locator(".vega-embed").nth(1).bounding_box()
    assert loss["width"] > 600 and loss["height"] > 250
    body = page.inner_text("[data-testid='stMain']")
    for text in ("training set", "validation set", "What am I looking at?", "Decision boundaries",
                 "glorot_uniform", "Target training loss"):
        assert text in body
    screenshot(page, "training")


def test_train_button_applies_the_form_and_the_url_keeps_it(open_page):
    page = open_page("training?epochs=40&init=he_normal&init=zeros&seeds=2", timeout=120_000)
    page.wait_for_selector(CHART, state="visible", timeout=120_000)
    wait_idle(page, timeout=120_000)
    assert_no_exception(page)
    assert "2 initializers × 2 seeds, 40 epochs" in page.inner_text("[data-testid='stMain']")
    page.get_by_role("button", name="Deep ReLU on circles: He vs Xavier").click()
    page.wait_for_selector("text=Six ReLU layers", timeout=120_000)
    wait_idle(page, timeout=120_000)
    assert_no_exception(page)
    assert "data=circles" in page.url and "act=relu" in page.url
    screenshot(page, "training_relu")
