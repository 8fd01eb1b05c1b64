"""Load test: many sessions of the real server at once, each checked against the engine.

Usage: python -m scripts.loadtest [--sessions 30] [--interactions 5] [--browsers 2]
       [--think 1.0] [--cooldown 30] [--optimizers sgd,adam,...] [--log FILE] [--json]

It starts the app (ui.serve) on loopback, warms it up (every optimizer and
data set of the plan once, so XLA has compiled), and reads the server's RSS
(/proc/<pid>/status) as the warm baseline. Then every session opens its own
websocket with its own URL (data set, seed, start) and makes `interactions`
widget changes (optimizer, learning rate, start, steps), each timed from the
BackMsg sent to script_finished, with a random think time between them. A few
sessions are real Chromium pages. After the sessions close and a cool-down,
RSS is read again. Finally every live path a session received is compared with
`landscape.trainer.run` for that session's own settings, in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: python scripts/loadtest.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.loadtest_plan import (  # noqa: E402
    DATASETS,
    OPTIMIZERS,
    Settings,
    plan,
    verify,
    widget_values,
)
from scripts.loadtest_server import (  # noqa: E402
    cpu_seconds,
    logged_server,
    probe_health,
    rss_mb,
    sample_rss,
    server_errors,
)
from scripts.stream_client import StreamSession  # noqa: E402


@dataclass
class Record:
    """What happened: timings, errors, and each (settings, received path)."""

    loads: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    paths: list[tuple[int, Settings, str, np.ndarray]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, who: int, s: Settings, page, first: bool) -> None:
        with self.lock:
            (self.loads if first else self.seconds).append(page.seconds)
            problems = page.exceptions + page.errors
            if not page.ok or problems:
                self.errors.append(f"session {who}: status {page.status} {problems}")
                return
            name, xy = page.live_path()
            self.paths.append((who, s, name, xy))


async def ws_session(url: str, who: int, steps: list[Settings], rec: Record,
                     think: float) -> None:  # fmt: skip
    """One websocket session: its page, then its widget changes with pauses."""
    rng = random.Random(who)
    try:
        async with StreamSession(url, steps[0].query()) as session:
            rec.page(who, steps[0], await session.rerun(), first=True)
            for s in steps[1:]:
                await asyncio.sleep(rng.uniform(0, 2 * think))
                rec.page(who, s, await session.rerun(widget_values(s)), first=False)
    except Exception as e:  # a dropped socket, a timeout, a missing widget
        with rec.lock:
            rec.errors.append(f"session {who}: {type(e).__name__}: {e}")


async def warm_up(url: str, optimizers) -> None:
    """Every data set and optimizer of the plan once: compiles happen here."""
    for i in range(len(DATASETS)):
        steps = plan(i, len(optimizers), optimizers)
        async with StreamSession(url, steps[0].query()) as session:
            await session.rerun()
            for s in steps[1:]:
                await session.rerun(widget_values(s))


async def drive(url: str, pid: int, args, rec: Record) -> dict:
    """Warm up, then every session at once; the server's memory and CPU."""
    await warm_up(url, args.optimizers)
    await asyncio.sleep(2)
    before = rss_mb(pid)
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, samples, stop))
    health: list[float] = []
    prober = asyncio.create_task(probe_health(url, health, stop))
    plans = [plan(i, args.interactions, args.optimizers) for i in range(args.sessions)]
    started, cpu = time.perf_counter(), cpu_seconds(pid)
    browsers = None
    if args.browsers:
        from scripts.loadtest_browser import browser_sessions

        n = args.sessions - args.browsers
        browsers = browser_sessions(url, range(n, args.sessions), plans[n:], rec,
                                    args.think)  # fmt: skip
        plans = plans[:n]
    socket_runs = [ws_session(url, i, p, rec, args.think) for i, p in enumerate(plans)]
    await asyncio.gather(*socket_runs, *([browsers] if browsers else []))
    wall = time.perf_counter() - started
    reruns = len(rec.seconds) + len(rec.loads)
    cpu_per_rerun = (cpu_seconds(pid) - cpu) / max(reruns, 1)
    during = max(samples) if samples else rss_mb(pid)
    stop.set()
    await asyncio.gather(sampler, prober)
    await asyncio.sleep(args.cooldown)
    after = rss_mb(pid)
    return {"rss_before_mb": before, "rss_peak_mb": during, "rss_after_mb": after,
            "rss_ratio": after / before, "wall_s": wall,
            "server_cpu_s_per_rerun": cpu_per_rerun,
            "health_max_s": max(health, default=None),
            "health_timeouts": sum(h == float("inf") for h in health)}  # fmt: skip


def distinct(errors: list[str]) -> list[str]:
    """One example of each kind of error, without the session that had it."""
    kinds = {e.split(": ", 1)[-1][:200]: e for e in errors}
    return list(kinds.values())


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def run(args) -> dict:
    """The whole load test; returns the report as a dict."""
    rec = Record()
    load_before = os.getloadavg()[0]
    with logged_server() as (url, proc, log), ThreadPoolExecutor(1) as thread:
        # Its own thread and event loop, whoever calls (pytest may hold a loop).
        memory = thread.submit(asyncio.run, drive(url, proc.pid, args, rec)).result()
        logged = server_errors(log)
        if args.log:
            log.seek(0)
            Path(args.log).write_text(log.read())
    mismatches = verify(rec.paths)
    errors = rec.errors + mismatches + logged
    return {
        "sessions": args.sessions, "browsers": args.browsers,
        "interactions": len(rec.seconds), "page_loads": len(rec.loads),
        "verified_paths": len(rec.paths) - len(mismatches),
        "errors": len(errors), "error_examples": distinct(errors)[:8],
        "p50_s": percentile(rec.seconds, 50), "p95_s": percentile(rec.seconds, 95),
        "max_s": max(rec.seconds, default=None),
        "load_p50_s": percentile(rec.loads, 50),
        "load_p95_s": percentile(rec.loads, 95),
        **memory,
        "load_avg_before": load_before,
    }  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--interactions", type=int, default=5)
    ap.add_argument("--browsers", type=int, default=2, help="of the sessions")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between")
    ap.add_argument("--cooldown", type=float, default=30.0, help="seconds")
    ap.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    ap.add_argument("--log", help="save the server's log to this file")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    args.optimizers = tuple(args.optimizers.split(","))
    args.browsers = min(args.browsers, args.sessions)
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            shown = f"{value:.3f}" if isinstance(value, float) else value
            print(f"{key:24s} {shown}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
