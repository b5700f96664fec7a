"""Browser tests: one `streamlit run app.py` on loopback, driven by Playwright in Debian's chromium.

Never `playwright install`: the browser is /usr/bin/chromium (apt package `chromium`). Without
it the tests skip with a reason on a laptop, and fail under CI=true, where they must run.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser_util import CHROMIUM, CHROMIUM_ARGS, wait_idle

ROOT = Path(__file__).resolve().parents[2]


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


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _running_app(log):
    """(base URL, process) of a fresh `streamlit run app.py` on a free loopback port."""
    port = _free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + log.read_text()[-2000:])
    try:
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def streamlit_server(tmp_path_factory):
    """(base URL, process) of the Streamlit server the browser tests share."""
    _need_browser()
    with _running_app(tmp_path_factory.mktemp("streamlit") / "server.log") as running:
        yield running


@pytest.fixture
def fresh_server(tmp_path):
    """Base URL of a server nobody has visited yet."""
    _need_browser()
    with _running_app(tmp_path / "server.log") as (url, _):
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
