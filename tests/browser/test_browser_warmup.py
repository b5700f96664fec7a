"""A fresh server warms up by itself: a room that opens a scenario finds it computed."""

import asyncio

from browser_util import run_async

from benchmarks.app_server import visit_page
from ui.warmup import views


def test_the_warm_up_opened_every_view_without_an_exception(warmed_server):
    log = warmed_server[1].read_text(errors="replace")
    assert f"warm-up done: {len(views())} views opened" in log
    assert "warm-up stopped" not in log and "showed an exception" not in log


def test_after_the_warm_up_every_scenario_opens_from_the_caches(warmed_server):
    """No progress bar: nothing is computed again (a cold server trains or propagates here)."""
    base = warmed_server[0]
    scenarios = [(page, query) for page, query in views() if query]

    async def room():
        return await asyncio.gather(*(visit_page(base, page, query, timeout=120)
                                      for page, query in scenarios))

    visits = run_async(room())
    assert all(v.finished is not None and not v.exceptions for v in visits)
    assert [f"{v.page}?{v.query}" for v in visits if v.started is not None] == []
