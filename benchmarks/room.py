"""A room of thirty on one server: the load test of issue 14, with its figures and goals.

Every session is a websocket client that opens a page as a browser does (benchmarks/app_server.py)
on a fresh `streamlit run app.py` bound to 127.0.0.1; nothing leaves the machine. Bounded: at
most SESSIONS sessions at once, every visit times out, a full run takes about five minutes
(``--quick``: about two). What it measures:

1. same     SESSIONS sessions open the same scenario at once, on a cold server (warm-up off,
            nothing cached), again (cached), and on a fresh server once it has warmed up (as
            every server does): p50 / p95 / max seconds to script finished. Goal: p95 < 2 s.
2. line     SESSIONS sessions each train a different default configuration (seeds 0..N-1): p95
            against 1.2 x SESSIONS x one such training alone (measured first, same server), every
            session finishes, and the line never sits idle while someone waits (from each
            session's turn: its first to its last progress report).
3. memory   the server's RSS (/proc/<pid>/status) after each of BURSTS bursts of SESSIONS fresh
            sessions with varied configurations, the largest the cost budget allows among them,
            read once the server has been idle for IDLE_SECONDS (it gives freed memory back
            then, ui/memory.py).
            Goal: the last within 10 % of the first, peak (VmHWM) under 1.5 GiB.
4. hostile  the heavy URLs of issue 14, each alone with a next participant arriving just after:
            each finishes or is refused within a few seconds, the next is served within 2 s.
5. abandon  a session starts a long computation and closes its tab: how soon the next session's
            own computation starts (goal: ~1-2 s, not when the abandoned one would have ended).

Run: ``python benchmarks/room.py [--quick] [--only same,line,memory,hostile,abandon]``.
"""

import argparse
import asyncio
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from app_server import running_app, visit_page

SESSIONS = 30
BURSTS = 5
BUDGET_MIB = 1536
TIMEOUT = 240                    # seconds any one visit may take before the run fails
IDLE_SECONDS = 2.0               # longer than the server waits before it frees (ui/memory.py)

SAME = [("training", "scenario=zeros"), ("propagation", "scenario=cs231n")]
INITS = ["zeros", "ones", "glorot_uniform", "glorot_normal", "he_uniform", "he_normal",
         "lecun_uniform", "lecun_normal", "orthogonal", "random_normal", "random_uniform",
         "truncated_normal"]


def _query(prefix, **values):
    """A URL query of a page's prefixed keys; list values repeat the key."""
    parts = []
    for key, value in values.items():
        for v in value if isinstance(value, list) else [value]:
            parts.append(f"{prefix}.{key}={v}")
    return "&".join(parts)


HOSTILE = {
    "training 6x1 gelu Adam, 2000 epochs, 12 inits x 5 seeds, n=5000": ("training", _query(
        "train", n=5000, layers=6, width=1, act="gelu", opt="adam", lr=0.01, epochs=2000,
        seeds=5, init=INITS)),
    "distributions 2000x2000, compare, 12 orthogonal": ("distributions", _query(
        "dist", fan_in=2000, fan_out=2000, compare="true",
        init=[f"orthogonal(gain={g / 10:g})" for g in range(1, 13)])),
    "propagation tanh 34x1024, 100 samples, 2 orthogonal": ("propagation", _query(
        "prop", act="tanh", depth=34, width=1024, samples=100,
        init=["orthogonal", "orthogonal(gain=1.1)"])),
}


def _text(body):
    """An alert's markdown as plain text."""
    return re.sub(r"\\(.)", r"\1", body).replace("\u200b", "")


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def spread(values):
    return (statistics.median(values), percentile(values, 95), max(values))


def run(coroutine):
    return asyncio.run(coroutine)


async def _together(url, visits, **options):
    return await asyncio.gather(*(visit_page(url, page, query, timeout=TIMEOUT, **options)
                                  for page, query in visits))


def together(url, visits, **options):
    """The `Visit` of each (page, query), all opened at once."""
    return run(_together(url, visits, **options))


def one(url, page, query="", **options):
    return run(visit_page(url, page, query, timeout=TIMEOUT, **options))


def rss_mib(pid, field="VmRSS"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def failures(visits):
    """How many visits did not finish or showed an exception."""
    return sum(v.finished is None or bool(v.exceptions) for v in visits)


# 1. The same scenario at once --------------------------------------------------------------

def same_scenario(log, n):
    """Per scenario: a cold server (no warm-up, nothing cached), then the same again (cached),
    then a fresh server once it has warmed up (ui/warmup.py), as every server does."""
    rows = []
    for page, query in SAME:
        for warm_up, labels in ((False, ("cold server", "cached")), (True, ("warmed up",))):
            with running_app(log, warm_up=warm_up) as (url, _):
                for label in labels:
                    visits = together(url, [(page, query)] * n)
                    p50, p95, top = spread([v.seconds for v in visits])
                    rows.append((f"{page}?{query} {label}", p50, p95, top, failures(visits)))
    return rows


# 2. Different trainings take turns ---------------------------------------------------------

def idle_while_waiting(visits):
    """Seconds during which some session waited for its turn while no session had one.

    A session waits from its request until its first progress report and holds its turn until
    its last; both as seen by the client, so a hand-over counts as idle for a few milliseconds.
    """
    turns = sorted((v.started, v.worked) for v in visits if v.started is not None)
    events = []
    for v in visits:
        if v.started is not None:
            events.append((v.sent, v.started))
    # sweep: merge the turns, then measure the waiting time not covered by them
    merged = []
    for start, end in turns:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    first_turn = turns[0][0] if turns else 0.0
    idle = 0.0
    gaps = [(a[1], b[0]) for a, b in zip(merged, merged[1:], strict=False)]
    for gap_start, gap_end in gaps:
        if any(sent < gap_end and started > gap_start for sent, started in events):
            idle += gap_end - gap_start
    return idle, first_turn


def different_trainings(log, n):
    with running_app(log) as (url, _):
        one(url, "training", "train.seed=900")           # imports and first-run warm-up
        alone = [one(url, "training", f"train.seed={901 + i}") for i in range(2)]
        single = statistics.median(v.seconds for v in alone)
        single_turn = statistics.median(v.worked - v.started for v in alone)
        load = Path("/proc/loadavg").read_text().split()[0]
        visits = together(url, [("training", f"train.seed={i}") for i in range(n)])
    seconds = [v.seconds for v in visits]
    start, end = min(v.sent for v in visits), max(v.finished or v.sent for v in visits)
    busy = sum(v.worked - v.started for v in visits if v.started is not None)
    idle, first_turn = idle_while_waiting(visits)
    return {
        "single": single, "single_turn": single_turn, "spread": spread(seconds),
        "limit": 1.2 * n * single, "failed": failures(visits), "n": n,
        "queued": sum(v.queued for v in visits), "wall": end - start,
        "line_wall": max(v.worked for v in visits if v.worked) - first_turn, "busy": busy,
        "idle": idle, "load": load,
    }


# 3. Memory under bursts of fresh sessions --------------------------------------------------

def largest_allowed(url, page, query, key, high):
    """The largest `key` the server accepts for `query`, from its refusal ('at most N key')."""
    visit = one(url, page, f"{query}&{key}={high}")
    refusal = visit.refusal()
    if refusal is None:
        return high
    found = re.search(r"at most ([\d,]+) " + key.split(".")[1], _text(refusal))
    if not found:
        raise RuntimeError(f"no '{key}' in the refusal of {page}?{query}: {_text(refusal)}")
    return int(found.group(1).replace(",", ""))


def largest_configs(url):
    """Trainings and propagations at the cost budget: (page, query without seed) pairs."""
    wide = _query("train", seeds=5, init=INITS)
    big_data = _query("train", n=5000, layers=4, width=64, seeds=2, init=INITS[:6])
    deep = _query("prop", depth=50, width=500, samples=500,
                  init=["random_normal(stddev=0.01)", "random_normal(stddev=1)", "glorot_normal"])
    return [
        ("training", f"{wide}&train.epochs="
                     f"{largest_allowed(url, 'training', wide, 'train.epochs', 2000)}"),
        ("training", f"{big_data}&train.epochs="
                     f"{largest_allowed(url, 'training', big_data, 'train.epochs', 2000)}"),
        ("propagation", deep),              # propagation fits its samples instead of refusing
    ]


def burst_configs(burst, n, largest):
    """`n` (page, query) of burst number `burst`, none of them opened before."""
    configs = []
    for i in range(n):
        seed = 1000 * (burst + 1) + i
        kind = i % 10
        if kind in (0, 1):
            page, query = largest[i % 2]
            configs.append((page, f"{query}&train.seed={seed}"))
        elif kind == 2:
            page, query = largest[2]
            configs.append((page, f"{query}&prop.seed={seed}"))
        elif kind in (3, 4, 5):
            configs.append(("training", _query("train", seed=seed, data=["moons", "circles",
                                                                         "blobs"][kind - 3])))
        elif kind in (6, 7):
            configs.append(("propagation", _query("prop", seed=seed, act=["tanh", "relu"][
                kind - 6], depth=30, width=512)))
        else:
            configs.append(("distributions", _query("dist", seed=seed, fan_in=1000 + i,
                                                    fan_out=500, compare="true")))
    return configs


def memory(log, n, bursts):
    with running_app(log) as (url, proc):
        one(url, "", "")
        time.sleep(IDLE_SECONDS)
        before = rss_mib(proc.pid)
        largest = largest_configs(url)
        after, times, failed, biggest = [], [], 0, 0
        for burst in range(bursts):
            visits = together(url, burst_configs(burst, n, largest))
            times.append(max(v.seconds for v in visits))
            failed += failures(visits)
            biggest = max([biggest] + [v.largest for v in visits])
            time.sleep(IDLE_SECONDS)
            after.append(rss_mib(proc.pid))
        peak = rss_mib(proc.pid, "VmHWM")
    return {"before": before, "after": after, "peak": peak, "failed": failed,
            "largest": largest, "slowest": times, "biggest_message": biggest}


# 4. Hostile heavy URLs ---------------------------------------------------------------------

async def _hostile_then_next(url, page, query, delay=0.2):
    heavy = asyncio.ensure_future(visit_page(url, page, query, timeout=TIMEOUT))
    await asyncio.sleep(delay)
    following = await visit_page(url, page, "", timeout=TIMEOUT)
    return await heavy, following


def hostile(log):
    rows = []
    with running_app(log) as (url, _):
        for page in {page for page, _ in HOSTILE.values()}:
            one(url, page)                        # the next participant's view is cached
        for name, (page, query) in HOSTILE.items():
            heavy, following = run(_hostile_then_next(url, page, query))
            refusal = heavy.refusal()
            rows.append((name, heavy.seconds, _text(refusal) if refusal else "computed",
                         following.finished - heavy.finished, following.seconds,
                         failures([heavy, following])))
    return rows


# 5. Abandoned work stops -------------------------------------------------------------------

def abandon(log):
    rows = []
    with running_app(log) as (url, _):
        largest = largest_configs(url)
        one(url, "training", "train.seed=700")
        one(url, "propagation", "prop.seed=700")
        for name, (page, query), key in [("training at the budget", largest[0], "train"),
                                         ("propagation 50x500", largest[2], "prop")]:
            alone = one(url, page, f"{query}&{key}.seed=701")
            left = one(url, page, f"{query}&{key}.seed=702", leave_when_started=True)
            following = one(url, page, f"{key}.seed=703")
            if None in (alone.started, left.closed, following.started):
                raise RuntimeError(f"{name}: no progress bar; alerts {alone.alerts}")
            rows.append((name, alone.worked - alone.started, following.started - left.closed,
                         following.seconds, failures([following])))
    return rows


# -------------------------------------------------------------------------------------------

def verdict(ok):
    return "ok" if ok else "MISSED"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="10 sessions, 3 bursts (about two minutes)")
    parser.add_argument("--only", default="same,line,memory,hostile,abandon")
    args = parser.parse_args()
    n, bursts = (10, 3) if args.quick else (SESSIONS, BURSTS)
    only = set(args.only.split(","))
    print(f"load before: {Path('/proc/loadavg').read_text().strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "streamlit.log"
        if "same" in only:
            print(f"\n1. {n} sessions open the same scenario at once: seconds to script finished")
            print(f"   {'scenario':42s} {'p50':>6s} {'p95':>6s} {'max':>6s}  fail  goal p95 < 2 s")
            for name, p50, p95, top, failed in same_scenario(log, n):
                print(f"   {name:42s} {p50:6.2f} {p95:6.2f} {top:6.2f}  {failed:4d}  "
                      f"{verdict(p95 < 2 and not failed)}")
        if "line" in only:
            r = different_trainings(log, n)
            p50, p95, top = r["spread"]
            print(f"\n2. {n} sessions each train a different default configuration "
                  f"(load {r['load']} before)")
            print(f"   one alone: {r['single']:.2f} s to finished ({r['single_turn']:.2f} s "
                  f"training); together p50 {p50:.1f} / p95 {p95:.1f} / max {top:.1f} s; "
                  f"limit 1.2 x {n} x alone = {r['limit']:.1f} s: "
                  f"{verdict(p95 <= r['limit'])}")
            print(f"   finished {n - r['failed']} of {n}: {verdict(not r['failed'])}; "
                  f"{r['queued']} told their place in line")
            print(f"   line: busy {r['busy']:.1f} s of {r['line_wall']:.1f} s from first turn to "
                  f"last ({r['busy'] / r['line_wall']:.0%}); idle while someone waited "
                  f"{r['idle']:.2f} s: {verdict(r['idle'] < 0.05 * r['line_wall'])}")
        if "memory" in only:
            r = memory(log, n, bursts)
            after = r["after"]
            print(f"\n3. server RSS (MiB) after each of {bursts} bursts of {n} fresh sessions "
                  "with varied configurations, among them at the cost budget:")
            for page, query in r["largest"]:
                print(f"     {page}?{query}")
            print(f"   idle {r['before']:.0f} -> " + " -> ".join(f"{a:.0f}" for a in after)
                  + f"; peak {r['peak']:.0f} MiB; slowest session per burst "
                  + ", ".join(f"{t:.1f}" for t in r["slowest"]) + " s")
            growth = after[-1] / after[0] - 1
            print(f"   last vs first burst {growth:+.0%} (goal within 10 %): "
                  f"{verdict(abs(growth) <= 0.10)}; last vs the one before "
                  f"{after[-1] / after[-2] - 1:+.0%} (a plateau: the caches at their budgets); "
                  f"peak under {BUDGET_MIB} MiB: "
                  f"{verdict(r['peak'] < BUDGET_MIB)}; failed {r['failed']}; largest message "
                  f"{r['biggest_message'] / 2**20:.1f} MiB")
        if "hostile" in only:
            print("\n4. hostile heavy URLs, each with the page's default view (cached) opened "
                  "0.2 s after it")
            for name, seconds, outcome, lag, following, failed in hostile(log):
                print(f"   {name}\n     {seconds:.2f} s: {outcome[:110]}\n     next served "
                      f"{lag:+.2f} s after it ({following:.2f} s in all): "
                      f"{verdict(seconds < 5 and lag < 2 and not failed)}")
        if "abandon" in only:
            print("\n5. a session starts a long computation and closes its tab at its first "
                  "progress bar; the next session opens right after")
            print(f"   {'work':24s} {'alone':>7s} {'next starts':>12s} {'next done':>10s}")
            for name, alone, start, done, failed in abandon(log):
                print(f"   {name:24s} {alone:6.2f}s {start:11.2f}s {done:9.2f}s  "
                      f"{verdict(start < 2 and not failed)}")
    print(f"\nload after: {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    sys.exit(main())
