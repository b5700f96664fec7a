"""Load: twenty participants open the same shared demo at once, each training its own networks.

The sessions are Streamlit clients speaking the app's websocket protocol, as the browser does, so
the test measures the server: twenty browsers drawing charts on this same 2-core machine would
measure chromium instead (every participant draws on their own laptop).
"""

import asyncio
import re
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.widgets import FAILURE_MESSAGE

SESSIONS = 20
MAX_SERVER_RSS_MB = 1500


def rss_mb(pid):
    """Resident memory of a process in MiB, from /proc."""
    with open(f"/proc/{pid}/status") as file:
        status = file.read()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def _problems(msg):
    """Exception boxes and the app's failure message in one message from the server."""
    element = msg.delta.new_element if msg.WhichOneof("type") == "delta" else None
    if element is None:
        return []
    if element.WhichOneof("type") == "exception":
        return [element.exception.message]
    return [FAILURE_MESSAGE] if FAILURE_MESSAGE in str(element) else []


async def _session(base, page, query):
    """Open `page` with `query` as a new session; (seconds until the script finished, problems,
    charts received)."""
    url = base.replace("http", "ws") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        start = time.perf_counter()
        rerun = BackMsg()
        rerun.rerun_script.query_string = query
        rerun.rerun_script.page_name = page
        await ws.send(rerun.SerializeToString())
        problems, charts = [], 0
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
            problems += _problems(msg)
            if msg.WhichOneof("type") == "delta":
                charts += msg.delta.new_element.WhichOneof("type") == "vega_lite_chart"
            if msg.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start, problems, charts


async def _crowd(base, queries):
    return await asyncio.gather(*(_session(base, "training", q) for q in queries))


def test_twenty_concurrent_sessions_each_train(streamlit_server):
    base, proc = streamlit_server
    # Each session asks for its own configuration, so none is served from another's cache.
    queries = [f"epochs=100&noise={0.1 + 0.01 * i:.2f}" for i in range(SESSIONS)]
    before = rss_mb(proc.pid)
    with ThreadPoolExecutor(1) as pool:  # asyncio beside the sync fixtures' event loop
        results = pool.submit(asyncio.run, _crowd(base, queries)).result()
    after = rss_mb(proc.pid)
    times = sorted(t for t, _, _ in results)
    p50, p95 = statistics.median(times), times[int(0.95 * (len(times) - 1))]
    print(f"\n{SESSIONS} concurrent sessions, each training its own 15 runs: time to the last "
          f"chart p50 {p50:.1f} s, p95 {p95:.1f} s; server RSS {before:.0f} -> {after:.0f} MiB")
    assert [p for _, p, _ in results if p] == []
    # Served in turns, and nothing holds the server's event loop: the first participant sees
    # results long before the last, instead of everybody at the very end.
    assert times[0] < 0.5 * times[-1], times
    assert all(charts == 5 for _, _, charts in results), [c for _, _, c in results]
    assert after < MAX_SERVER_RSS_MB
