"""A room opens the instructor's link: thirty sessions request the same page at once.

Each page is opened once first, so every session is served from the cache: what is measured is
the work a cached page still does per session (running the script, copying cached results and
chart specs, sending them), served by one process on this machine. Measured on two fresh servers
in the same run: as configured (.streamlit/config.toml, which turns off Streamlit's full garbage
collection after every script run) and with that collection on (Streamlit's default).

Run: ``python benchmarks/room.py``.
"""

import asyncio
import statistics
import tempfile
from pathlib import Path

from app_server import open_session, running_app

SESSIONS = 30
PAGES = ["", "distributions", "propagation", "training", "theory"]


async def _room(url, page):
    return await asyncio.gather(*(open_session(url, page) for _ in range(SESSIONS)))


def serve_room(*options):
    """{page: (median, slowest) seconds until a session's script finished}."""
    times = {}
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "log", *options) as (url, _):
        for page in PAGES:
            asyncio.run(open_session(url, page))     # computes and caches the page
            seconds = [t for t, _ in asyncio.run(_room(url, page))]
            times[page] = statistics.median(seconds), max(seconds)
    return times


def main():
    configured = serve_room()
    collecting = serve_room("--runner.postScriptGC", "true")
    print(f"{SESSIONS} sessions open the same cached page at once; seconds until each script "
          "finished, median / slowest")
    print(f"{'page':15s} {'as configured':>15s} {'with postScriptGC':>19s} {'ratio':>7s}")
    for page in PAGES:
        (mid, top), (gc_mid, gc_top) = configured[page], collecting[page]
        print(f"{page or 'home':15s} {mid:6.2f} / {top:5.2f} {gc_mid:9.2f} / {gc_top:5.2f}"
              f" {gc_mid / mid:6.1f}x")


if __name__ == "__main__":
    main()
