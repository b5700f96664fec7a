from browser_util import assert_no_exception, open_menu, screenshot, wait_charts, wait_idle
from playwright.sync_api import expect

CHART = "[data-testid='stVegaLiteChart']"


def test_training_page_trains_and_draws_the_curves(open_page):
    page = open_page("training", height=3600, timeout=120_000)
    wait_charts(page, 120_000, at_least=10)
    assert_no_exception(page)
    loss = page.locator(CHART).nth(1).bounding_box()
    assert loss["width"] > 350 and loss["height"] > 200
    body = page.inner_text("[data-testid='stMain']")
    for text in ("Training set", "Validation set", "What am I looking at?",
                 "Decision boundaries", "Xavier uniform", "Target training loss"):
        assert text in body
    screenshot(page, "training")


def test_train_button_applies_the_form_and_the_url_keeps_it(open_page):
    page = open_page("training?train.epochs=40&train.init=he_normal&train.init=zeros"
                     "&train.seeds=2", timeout=120_000)
    wait_charts(page, 120_000)
    assert_no_exception(page)
    assert "2 initializers × 2 seeds, 40 epochs" in page.inner_text("[data-testid='stMain']")
    open_menu(page.get_by_role("button", name="Scenarios"),
              page.get_by_role("button", name="Deep ReLU on circles: He vs Xavier")).click()
    expect(page.get_by_text("Six ReLU layers.")).to_be_visible(timeout=120_000)
    wait_idle(page, timeout=120_000)
    assert_no_exception(page)
    assert "train.data=circles" in page.url and "train.act=relu" in page.url
    screenshot(page, "training_relu")


SHOWN_EPOCH = """() => {
    const title = [...document.querySelectorAll("svg.marks text")]
        .map(t => t.textContent).find(t => /^epoch \\d+$/.test(t));
    return title ? Number(title.split(" ")[1]) : null;
}"""


def test_play_steps_the_boundaries_through_the_epochs(open_page):
    page = open_page("training?train.epochs=60&train.seeds=1&train.init=he_normal"
                     "&train.init=zeros", height=2400, timeout=120_000)
    wait_charts(page, 120_000)
    assert page.evaluate(SHOWN_EPOCH) == 60
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible(timeout=30_000)
    page.wait_for_function(f"({SHOWN_EPOCH})() !== null && ({SHOWN_EPOCH})() < 60",
                           timeout=60_000)                      # back to the start
    first = page.evaluate(SHOWN_EPOCH)
    page.wait_for_function(f"({SHOWN_EPOCH})() > {first}", timeout=60_000)   # on its own
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=30_000)
    assert_no_exception(page)
