"""Helpers for browser tests: wait for the app, screenshot it, check it shows no exception."""

import asyncio
import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import expect

SCREENSHOTS = Path(os.environ.get("INITVIZ_SCREENSHOTS", Path(tempfile.gettempdir())
                                  / "initviz-screenshots"))
"""Where tests save screenshots: never the repository (tools/screenshots.py refreshes README's)."""
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def run_async(coroutine):
    """`coroutine`'s result, run in a thread of its own: Playwright's sync fixtures keep an event
    loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def wait_idle(page, timeout=60_000):
    """Wait until the script has run to the end (no running indicator for a moment)."""
    page.wait_for_selector("[data-testid='stMain']", timeout=timeout)
    deadline = time.time() + timeout / 1000
    quiet_since = None
    while time.time() < deadline:
        running = page.locator("[data-testid='stStatusWidget']").count() > 0
        if running:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = time.time()
        elif time.time() - quiet_since > 1.0:
            return
        time.sleep(0.2)
    raise TimeoutError("the app kept running")


def wait_charts(page, timeout=30_000, at_least=1):
    """Wait until the page shows `at_least` charts and Vega has drawn every one of them."""
    page.wait_for_function(
        """(least) => {
            const charts = [...document.querySelectorAll("[data-testid='stVegaLiteChart']")];
            const drawn = charts.every(c => c.querySelector("canvas, svg.marks"));
            return charts.length >= least && drawn;
        }""", arg=at_least, timeout=timeout)


def open_menu(opener, shows, tries=4, timeout=15_000):
    """Click the `opener` locator until the `shows` locator is visible (a click that lands
    while the page is still settling under load may be lost), then return `shows`."""
    for attempt in range(1, tries + 1):
        opener.click()
        try:
            expect(shows).to_be_visible(timeout=timeout)
            return shows
        except AssertionError:
            if attempt == tries:
                raise


def screenshot(page, name):
    """Save a full-page screenshot to SCREENSHOTS/NAME.png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_no_exception(page):
    """No exception box and no "something went wrong" message from main.py's safety net."""
    body = page.inner_text("body")
    assert page.locator("[data-testid='stException']").count() == 0, body[:2000]
    assert "Something went wrong" not in body, body[:2000]
