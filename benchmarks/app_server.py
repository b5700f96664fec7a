"""A fresh `streamlit run app.py`, and a client that opens a page over the app's websocket.

Shared by the page benchmarks and the browser tests' server fixtures. The client speaks
Streamlit's protocol as a browser does, so it times the server alone: the script run, caching and
messages, without any drawing.
"""

import asyncio
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(log, *options):
    """(base URL, process) of a fresh `streamlit run app.py` on a free loopback port, its output
    in the file `log`; `options` are more command-line options, e.g. "--runner.fastReruns"."""
    port = _free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
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
        yield url, proc
    finally:
        proc.terminate()
        proc.wait(timeout=10)


async def open_session(base, page, query=""):
    """Open `page` with the URL query `query` as a new session: (seconds until the script
    finished, every ForwardMsg received)."""
    url = base.replace("http", "ws") + "/_stcore/stream"
    async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
        start = time.perf_counter()
        rerun = BackMsg()
        rerun.rerun_script.query_string = query
        rerun.rerun_script.page_name = page
        await ws.send(rerun.SerializeToString())
        messages = []
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(ws.recv(), timeout=300))
            messages.append(msg)
            if msg.WhichOneof("type") == "script_finished":
                return time.perf_counter() - start, messages
