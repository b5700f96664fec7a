"""Your own data in a real browser: a good CSV trains on the Training page, each kind of bad file
shows its message in the sidebar and nothing crashes."""

import numpy as np
import pytest
from browser_util import assert_no_exception, wait_charts, wait_idle

from initviz.limits import MAX_TRAIN_SAMPLES

TIMEOUT = 120_000


def moons_csv(rows=80, header="x1,x2,label"):
    rng = np.random.default_rng(0)
    points = rng.uniform(-1, 1, (rows, 2))
    return "\n".join([header] + [f"{a:.3f},{b:.3f},{'yes' if a * b > 0 else 'no'}"
                                 for a, b in points]) + "\n"


BAD_FILES = {
    "no header": (moons_csv(header="0.5,0.25,yes"), "first row must name the columns"),
    "non-numeric feature": (moons_csv().replace("\n0.", "\nabc", 1), "Features must be numbers"),
    "one class": (moons_csv().replace(",no\n", ",yes\n"), "has a single value"),
    "missing value": (moons_csv().replace(",no\n", ",\n", 1), "missing values"),
    "too many rows": (moons_csv(rows=MAX_TRAIN_SAMPLES + 1),
                      f"more than {MAX_TRAIN_SAMPLES:,} rows"),
    "formula": (moons_csv().replace(",no\n", ',"=HYPERLINK(""x"",""y"")"\n', 1),
                "like a spreadsheet formula"),
}


def _upload(page, name, text):
    uploader = page.locator("[data-testid='stSidebar'] input[type='file']")
    uploader.wait_for(state="attached", timeout=TIMEOUT)      # a busy server draws it late
    uploader.set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": text.encode()}])
    page.get_by_role("button", name="Train", exact=True).click()
    wait_idle(page, timeout=TIMEOUT)
    assert_no_exception(page)
    return page.inner_text("[data-testid='stSidebar']").replace("\u200b", "")  # ui.text.plain's


@pytest.fixture
def training(open_page):
    return open_page("training?train.epochs=20", timeout=TIMEOUT)


def test_a_good_file_trains_and_shows_what_was_detected(training):
    sidebar = _upload(training, "my moons.csv", moons_csv())
    assert "my moons.csv (your data: 80 rows, 2 features, binary: no, yes)" in sidebar
    wait_charts(training, TIMEOUT, at_least=6)
    main = training.inner_text("[data-testid='stMain']")
    assert "56 training dots, 24 validation triangles" in main
    assert "Decision boundaries" in main


@pytest.mark.parametrize("what", list(BAD_FILES))
def test_each_bad_file_shows_its_message(training, what):
    text, message = BAD_FILES[what]
    sidebar = _upload(training, "bad.csv", text)
    assert message in sidebar, sidebar[-600:]
    assert "your data:" not in sidebar
