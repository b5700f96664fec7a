"""Browser tests: one `streamlit run app.py` on loopback, driven by Playwright in Debian's chromium.

Never `playwright install`: the browser is /usr/bin/chromium (apt package `chromium`). Without
it the tests skip with a reason on a laptop, and fail under CI=true, where they must run.
"""

import os

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, wait_idle

from benchmarks.app_server import running_app


def _need_browser():
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium (apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("playwright (pip install -r requirements-dev.txt)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI must run them")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """(base URL, process) of the Streamlit server the browser tests share, once it has warmed
    up as every server does (ui/warmup.py)."""
    _need_browser()
    with running_app(tmp_path_factory.mktemp("streamlit") / "server.log", warm_up=True) as running:
        yield running


@pytest.fixture(scope="module")
def warmed_server(tmp_path_factory):
    """(base URL, log file) of a server of its own, just after its warm-up: the other tests'
    work in the shared server may have pushed results out of its caches."""
    _need_browser()
    log = tmp_path_factory.mktemp("warmed") / "server.log"
    with running_app(log, warm_up=True) as (url, _):
        yield url, log


@pytest.fixture
def fresh_server(tmp_path):
    """Base URL of a cold server that nobody, not even its warm-up, has visited yet."""
    _need_browser()
    with running_app(tmp_path / "server.log") as (url, _):
        yield url


@pytest.fixture(scope="session")
def server(streamlit_server):
    """Base URL of the Streamlit server."""
    return streamlit_server[0]


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_page(server, browser):
    """Open `path` (e.g. "distributions?seed=3"), wait until the app is idle, return the page."""
    contexts = []

    def _open(path="", width=1400, height=1000, timeout=60_000):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/{path}")
        page.wait_for_selector("[data-testid='stApp']", timeout=timeout)
        wait_idle(page, timeout)
        return page

    yield _open
    for context in contexts:
        context.close()
