"""A fresh server warms up before anyone asks: it opens Home, every page and every scenario once,
as a visitor would, so that a room opening a shared link finds its imports done and its results
and charts in the caches (the first visit of a cold server pays ~2 s of imports alone).

It runs in a thread of its own from the server's start (app.py), one view at a time: their
computations take turns with the participants' (ui/turns.py), so someone who arrives meanwhile
waits for at most one of them. ``INITVIZ_WARM_UP=0`` turns it off (to time a cold server).
"""

import asyncio
import os
import threading
import time
import urllib.request
from contextlib import asynccontextmanager
from pathlib import Path

import websockets
from streamlit import config
from streamlit.logger import get_logger
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.pages import NAVIGATION
from ui.scenarios import SCENARIOS, URL_KEY

LOG = get_logger("initviz.warmup")
START_SECONDS = 60      # for the server to answer its health check
VIEW_SECONDS = 120      # for one view's script to finish


def views():
    """(page, URL query) of every page's default view, then of every scenario in Home's order."""
    home = [("", "")]                  # NAVIGATION[0], the default page
    pages = [(Path(script).stem, "") for script, _, _ in NAVIGATION[1:]]
    return home + pages + [(Path(s.page).stem, f"{URL_KEY}={s.slug}") for s in SCENARIOS]


def _base_url():
    """http://host:port/base of this server, as seen from the machine itself."""
    address = config.get_option("server.address") or ""
    host = "127.0.0.1" if address in ("", "0.0.0.0", "::", "localhost") else address
    base = (config.get_option("server.baseUrlPath") or "").strip("/")
    return f"http://{host}:{config.get_option('server.port')}" + (f"/{base}" if base else "")


def _wait_until_up():
    """The server's base URL once it answers, or None if it did not within START_SECONDS."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        base = _base_url()
        try:
            urllib.request.urlopen(base + "/_stcore/health", timeout=2)
            return base
        except OSError:
            time.sleep(0.2)
    return None


def connect(base):
    """A new session's websocket to the server at `base` (http://host:port), as a browser opens
    it; use with ``async with``."""
    url = base.replace("http", "ws", 1) + "/_stcore/stream"
    return websockets.connect(url, subprotocols=["streamlit"], max_size=None)


def open_request(page, query):
    """The message that runs `page` (its URL path, "" for Home) with the URL query `query`."""
    request = BackMsg()
    request.rerun_script.page_name = page
    request.rerun_script.query_string = query
    return request.SerializeToString()


async def _open(base, page, query):
    """Open `page` with `query` as a new session, wait until its script has finished and return
    how many exceptions it showed."""
    async with connect(base) as ws:
        await ws.send(open_request(page, query))
        exceptions = 0
        while True:
            message = ForwardMsg()
            message.ParseFromString(await asyncio.wait_for(ws.recv(), VIEW_SECONDS))
            kind = message.WhichOneof("type")
            if kind == "script_finished":
                return exceptions
            exceptions += kind == "delta" and message.delta.new_element.HasField("exception")


def _warm():
    base = _wait_until_up()
    if base is None:
        LOG.warning("warm-up skipped: the server did not answer at %s", _base_url())
        return
    started, every = time.perf_counter(), views()
    for page, query in every:
        try:
            if asyncio.run(_open(base, page, query)):
                LOG.warning("warm-up: /%s?%s showed an exception", page, query)
        except (OSError, TimeoutError, websockets.WebSocketException) as error:
            LOG.warning("warm-up stopped at /%s?%s: %s", page, query, error)
            return
    LOG.info("warm-up done: %d views opened in %.1f s", len(every),
             time.perf_counter() - started)


@asynccontextmanager
async def warm_up(_app):
    """The server's lifespan: start warming up once it is up (unless INITVIZ_WARM_UP=0)."""
    if os.environ.get("INITVIZ_WARM_UP", "1") != "0":
        threading.Thread(target=_warm, name="initviz warm-up", daemon=True).start()
    yield
