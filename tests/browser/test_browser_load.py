"""Load: twenty participants open the same shared demo at once, each training its own networks."""

import asyncio
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from browser_util import CHROMIUM, CHROMIUM_ARGS

SESSIONS = 20
MAX_SERVER_RSS_MB = 1500


def rss_mb(pid):
    """Resident memory of a process in MiB, from /proc."""
    with open(f"/proc/{pid}/status") as file:
        status = file.read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


async def _session(browser, url):
    context = await browser.new_context(viewport={"width": 1200, "height": 900})
    page = await context.new_page()
    start = time.perf_counter()
    await page.goto(url)
    await page.wait_for_selector(".vega-embed", timeout=240_000)
    await page.wait_for_selector("[data-testid='stStatusWidget']", state="detached",
                                 timeout=240_000)
    elapsed = time.perf_counter() - start
    body = await page.inner_text("body")
    failed = await page.locator("[data-testid='stException']").count() or (
        "Something went wrong" in body)
    await context.close()
    return elapsed, failed


async def _crowd(urls):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        results = await asyncio.gather(*(_session(browser, url) for url in urls))
        await browser.close()
    return results


def test_twenty_concurrent_sessions_each_train(streamlit_server):
    base, proc = streamlit_server
    # Each session asks for its own configuration, so none is served from another's cache.
    urls = [f"{base}/training?epochs=100&noise={0.1 + 0.01 * i:.2f}" for i in range(SESSIONS)]
    before = rss_mb(proc.pid)
    with ThreadPoolExecutor(1) as pool:  # async Playwright beside the sync fixtures' event loop
        results = pool.submit(asyncio.run, _crowd(urls)).result()
    after = rss_mb(proc.pid)
    times = sorted(t for t, _ in results)
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    print(f"\n{SESSIONS} sessions: render p50 {p50:.1f} s, p95 {p95:.1f} s; "
          f"server RSS {before:.0f} -> {after:.0f} MiB")
    assert not [t for t, failed in results if failed], "a session showed an error"
    assert after < MAX_SERVER_RSS_MB
