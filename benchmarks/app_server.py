"""A fresh `streamlit run app.py`, and a client that opens a page over the app's websocket.

Shared by the page benchmarks and the browser tests' server fixtures. The client speaks
Streamlit's protocol as a browser does, so it times the server alone: the script run, caching and
messages, without any drawing.
"""

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:        # run as a script from benchmarks/
    sys.path.insert(0, str(ROOT))

from ui.warmup import connect, open_request  # noqa: E402  (the app's own client, one protocol)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


WARM_UP_ENDS = ("warm-up done", "warm-up stopped", "warm-up skipped")
"""How ui/warmup.py's log says that its warm-up ended (the first as it should)."""


def _wait_for_warm_up(log, deadline):
    """Return once the server's log in `log` says its warm-up is done; raise if it ended
    otherwise or not before `deadline`."""
    while time.time() < deadline:
        text = Path(log).read_text(errors="replace")
        if WARM_UP_ENDS[0] in text:
            return
        if any(end in text for end in WARM_UP_ENDS[1:]):
            break
        time.sleep(0.3)
    raise RuntimeError("the server did not finish its warm-up: " + Path(log).read_text()[-2000:])


@contextmanager
def running_app(log, *options, warm_up=False):
    """(base URL, process) of a fresh `streamlit run app.py` on a free loopback port, its output
    in the file `log`; `options` are more command-line options, e.g. "--runner.fastReruns".

    `warm_up`: let the server warm up (ui/warmup.py) and return once it has; else a cold server
    that nobody has visited."""
    port = _free_port()
    env = os.environ | ({} if warm_up else {"INITVIZ_WARM_UP": "0"})
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/_stcore/health", timeout=2)
                break
            except OSError as error:
                if time.time() > deadline:
                    raise RuntimeError("streamlit did not start: " + Path(log).read_text()[-2000:]
                                       ) from error
                time.sleep(0.3)
        if warm_up:
            _wait_for_warm_up(log, time.time() + 240)
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def open_session(base, page, query=""):
    """Open `page` with the URL query `query` as a new session: (seconds until the script
    finished, every ForwardMsg received)."""
    visit = await visit_page(base, page, query, keep=True)
    return visit.finished - visit.sent, visit.messages


@dataclass
class Visit:
    """What one session saw, as `time.perf_counter()` instants of this process."""
    page: str
    query: str
    sent: float = 0.0                 # the page was requested
    started: float | None = None      # its first progress bar: its turn began
    worked: float | None = None       # its last progress report
    finished: float | None = None     # script_finished
    closed: float | None = None       # the client left before the script finished
    queued: bool = False              # it was told to wait in line
    alerts: list = field(default_factory=list)      # (format, body) of every alert shown
    exceptions: list = field(default_factory=list)  # messages of every exception shown
    largest: int = 0                  # bytes of the largest message received
    received: int = 0                 # bytes of every message received
    messages: list = field(default_factory=list)    # every ForwardMsg, when kept

    @property
    def seconds(self):
        return None if self.finished is None else self.finished - self.sent

    def refusal(self):
        """The first error or warning shown, or None."""
        return next((body for kind, body in self.alerts if kind in (1, 2)), None)


async def visit_page(base, page, query="", *, keep=False, leave_when_started=False,
                     timeout=300):
    """Open `page` as a new session, as a browser does, and record what it saw (a `Visit`).

    `leave_when_started`: close the websocket at the first progress bar, as a participant who
    closes the tab while their computation runs. `keep`: keep every ForwardMsg.
    """
    visit = Visit(page, query)
    async with connect(base) as ws:
        visit.sent = time.perf_counter()
        await ws.send(open_request(page, query))
        while True:
            data = await asyncio.wait_for(ws.recv(), timeout=timeout)
            now = time.perf_counter()
            visit.largest = max(visit.largest, len(data))
            visit.received += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if keep:
                visit.messages.append(msg)
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                visit.finished = now
                return visit
            if kind != "delta" or msg.delta.WhichOneof("type") != "new_element":
                continue
            element = msg.delta.new_element
            shown = element.WhichOneof("type")
            if shown == "progress":
                visit.started = visit.started or now
                visit.worked = now
                if leave_when_started:
                    visit.closed = time.perf_counter()
                    return visit
            elif shown == "alert":
                visit.alerts.append((element.alert.format, element.alert.body))
                visit.queued = visit.queued or "queued behind" in element.alert.body
            elif shown == "exception":
                visit.exceptions.append(element.exception.message)
