"""How fast the Propagation page's reference comparison is: 8 initializers, 30 layers, 256 units.

Core, in one process, best of 3: `propagation_report` (table and histograms in one pass, float32
wherever every std stays in float32's safe range, nets shared by two threads), against the same
pass in float64 throughout, the same pass on one thread (BLAS on two), and all nets stacked as
(K, n, width) arrays with one batched matmul per layer (float64, forward and backward only).

Page: a fresh ``streamlit run app.py``. The server's time from a request to the finished script,
for new configurations (new seeds, so nothing is cached) and for a cached one, measured with a
websocket client; then, if Playwright and chromium are there, the time a viewer waits in the
browser from changing the seed to every chart drawn again.

Run: ``python benchmarks/propagation.py``.
"""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import numpy as np
from app_server import open_session, running_app
from timing import best_interleaved  # also puts the checkout on the path

from initviz import propagation
from initviz.propagation import _inputs, _slope, _std, _weights, check_net, propagation_report
from ui.pages import PROPAGATION

SPECS = ["zeros", "random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_uniform",
         "glorot_normal", "he_normal", "lecun_normal", "orthogonal"]
DEPTH, WIDTH, SAMPLES = 30, 256, 500
LAYERS = [1, 6, 12, 18, 24, 30]
KEY = PROPAGATION.key
QUERY = "&".join(f"{KEY('init')}={quote(spec)}" for spec in SPECS) + (
    f"&{KEY('depth')}={DEPTH}&{KEY('width')}={WIDTH}")
CHROMIUM = "/usr/bin/chromium"


def report(activation):
    return propagation_report(SPECS, activation, DEPTH, WIDTH, LAYERS, n_samples=SAMPLES)


def float64_only_report(activation):
    """The same pass with every net measured in float64 from the start."""
    measure = propagation._measure

    def float64(net, spec, weights, x, grad, biases, layers, dtype):
        return (yield from measure(net, spec, weights, x, grad, biases, layers, np.float64))

    with mock.patch.object(propagation, "_measure", float64):
        return report(activation)


def one_thread_report(activation):
    """The same pass on one thread (priced at twice the seconds: the demo's budget is lifted)."""
    with (mock.patch.object(propagation, "_threads", lambda net: 1),
          mock.patch.object(propagation, "check_cost", lambda *args: None)):
        return report(activation)


def stacked(activation):
    """Forward and backward of all nets stacked as (K, n, width) arrays, float64.

    Saturated and dead fractions and histograms are left out, which favours this variant.
    """
    net = check_net(SPECS, activation, DEPTH, WIDTH, SAMPLES, 0, "keras", 0.0)
    x, grad, _ = _inputs(net)
    weights = np.stack([_weights(net, spec, DEPTH) for spec in SPECS], axis=1)  # (depth, K, w, w)
    h, slopes, stats = np.broadcast_to(x, (len(SPECS), *x.shape)), [], []
    with np.errstate(all="ignore"):
        for w in weights:
            z = h @ w
            h = net.activation.forward(z)
            slopes.append(_slope(net.activation, z, h))
            stats.append([(_std(zk), _std(hk), np.mean(hk)) for zk, hk in zip(z, h, strict=True)])
        g = np.broadcast_to(grad, h.shape)
        for w in weights[::-1]:
            delta = g * slopes.pop()
            stats.append([_std(d) for d in delta])
            g = delta @ w.transpose(0, 2, 1)
    return stats


def core():
    print(f"Core: {len(SPECS)} initializers x {DEPTH} layers x {WIDTH} units x {SAMPLES} samples,"
          " best of 3 rounds timed in alternation (wall clock)")
    for activation in ("tanh", "relu"):
        times = best_interleaved({
            "report": lambda a=activation: report(a),
            "float64": lambda a=activation: float64_only_report(a),
            "one thread": lambda a=activation: one_thread_report(a),
            "stacked float64": lambda a=activation: stacked(a),
        })
        ours = times["report"]
        print(f"  {activation:5s} report {ours:.3f} s | " + " | ".join(
            f"{name} {seconds:.3f} s ({seconds / ours:.2f}x)"
            for name, seconds in times.items() if name != "report"))


def server_times(url):
    """Seconds to the finished script: new configurations, then a cached one."""
    def session(query):
        return asyncio.run(open_session(url, "propagation", query))[0]

    session(QUERY + f"&{KEY('seed')}=99")       # the first run of a page also imports its modules
    new = [session(QUERY + f"&{KEY('seed')}={seed}") for seed in range(1, 8)]
    cached = [session(QUERY + f"&{KEY('seed')}=1") for _ in range(5)]
    return new, cached


def browser_times(url, seeds):
    """Seconds from typing a new seed to every chart drawn again, in headless chromium."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 2600})
        page.goto(f"{url}/propagation?{QUERY}&{KEY('seed')}=10")
        page.wait_for_selector(".vega-embed canvas, .vega-embed svg", timeout=60_000)
        seed = page.get_by_label("Seed")
        for value in seeds:
            page.wait_for_timeout(500)
            started = time.perf_counter()
            seed.fill(str(value))
            seed.press("Enter")
            page.wait_for_function(
                f"""() => location.search.includes("{KEY('seed')}={value}")
                     && !document.querySelector("[data-testid='stStatusWidget']")
                     && !document.querySelector("[data-stale='true']")
                     && document.querySelectorAll('.vega-embed canvas, .vega-embed svg').length
                        >= {4 + len(LAYERS)}""", polling=10, timeout=60_000)
            times.append(time.perf_counter() - started)
        browser.close()
    return times


def page():
    print("Page: /propagation with the same comparison, fresh `streamlit run app.py`")
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp) / "server.log") as (url, _):
        new, cached = server_times(url)
        print(f"  server, new configuration: median {statistics.median(new):.2f} s, "
              f"max {max(new):.2f} s ({len(new)} seeds)")
        print(f"  server, cached:            median {statistics.median(cached):.2f} s")
        if not Path(CHROMIUM).exists():
            print("  browser: skipped (no /usr/bin/chromium)")
            return
        new = browser_times(url, range(20, 27))
        cached = browser_times(url, [20, 21, 22, 20, 21, 22])
        print(f"  browser, seed changed to charts drawn: new configuration median "
              f"{statistics.median(new):.2f} s, max {max(new):.2f} s; cached median "
              f"{statistics.median(cached):.2f} s (chromium shares the server's 2 cores)")


if __name__ == "__main__":
    core()
    page()
