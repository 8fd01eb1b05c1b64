"""Load test: many sessions of the real server at once, each checked against the engine.

Usage: python -m scripts.loadtest [--sessions 30] [--interactions 5] [--browsers 2]
       [--think 1.0] [--cooldown 30] [--replicas 1] [--optimizers sgd,adam,...]
       [--draggers 0.5] [--pin] [--log FILE] [--json]

It starts the app (ui.serve) on loopback, or with --replicas N that many
servers behind HAProxy (deploy.cluster), warms each server up (every optimizer
and data set of the plan once, so XLA has compiled), and reads each server's
RSS (/proc/<pid>/status) as the warm baseline. Each server's /_stcore/health
is probed once a second throughout, as a liveness probe would. Then every
session opens its own websocket (through the balancer, if any) with its own
URL (data set, seed, start) and makes `interactions`
widget changes (optimizer, learning rate, start, steps), each timed from the
BackMsg sent to script_finished, with a random think time between them. A
share of the websocket sessions (--draggers) drag the learning rate: after
their page loads they ask for its drag family as the bridge does when a
pointer comes over the slider, and from then on each change trains it. A few
sessions are real Chromium pages. After the sessions close and a cool-down,
RSS is read again. Finally every live path a session received is compared with
`landscape.trainer.run` for that session's own settings, in this process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
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

from landscape import family  # noqa: E402
from landscape.settings import LR_STOPS  # noqa: E402
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
    pin,
    probe_health,
    rss_mb,
    sample_rss,
    server_errors,
)
from scripts.stream_client import StreamSession  # noqa: E402
from ui.session import LR_LABEL  # noqa: E402


@dataclass
class Record:
    """What happened: timings, errors, and each (settings, received path)."""

    loads: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    paths: list[tuple[int, Settings, str, np.ndarray]] = field(default_factory=list)
    replicas: dict[int, str] = field(default_factory=dict)  # session -> replica
    families: list[float] = field(default_factory=list)  # a drag family's arrival
    browser_cpu_s: float | None = None  # Chromium's, over its sessions
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


async def want_family(session: StreamSession, who: int, rec: Record) -> None:
    """What the bridge sends when a pointer comes over the rate's slider: the
    families' fragment reruns and sends the rate's family (ui/drag.py)."""
    page = await session.trigger("bridge_lr", "want", LR_LABEL)
    data = json.loads(page.components.get("bridge_lr") or "{}")
    drag = family.read_payload(data["drag"]) if data.get("drag") else {}
    stops = (drag.get("knobs") or {}).get(LR_LABEL)
    with rec.lock:
        if page.ok and len(stops or ()) == len(LR_STOPS):
            rec.families.append(page.seconds)
        else:
            rec.errors.append(f"session {who}: no drag family ({page.status})")


async def ws_session(url: str, who: int, steps: list[Settings], rec: Record,
                     think: float, drags: bool = False) -> None:  # fmt: skip
    """One websocket session: its page, then its widget changes with pauses.
    drags: a student who drags the rate: after the page, the pointer comes
    over the slider (its family is then trained with every change)."""
    rng = random.Random(who)
    try:
        async with StreamSession(url, steps[0].query()) as session:
            rec.replicas[who] = session.replica
            rec.page(who, steps[0], await session.rerun(), first=True)
            if drags:
                await want_family(session, who, rec)
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


@dataclass
class Target:
    """One app server under test: its name, direct URL and process id."""

    name: str
    url: str
    pid: int


async def watch(target: Target, stop: asyncio.Event) -> dict:
    """A server's memory and health while the sessions run, and its CPU seconds."""
    before, cpu = rss_mb(target.pid), cpu_seconds(target.pid)
    samples: list[float] = []
    health: list[float] = []
    await asyncio.gather(sample_rss(target.pid, samples, stop),
                         probe_health(target.url, health, stop))  # fmt: skip
    return {"replica": target.name, "rss_before_mb": before,
            "rss_peak_mb": max(samples, default=before),
            "cpu_s": cpu_seconds(target.pid) - cpu,
            "health_max_s": max(health, default=None),
            "health_timeouts": sum(h == float("inf") for h in health)}  # fmt: skip


async def drive(url: str, targets: list[Target], args, rec: Record) -> dict:
    """Warm up each server, then every session at once; each server's memory."""
    if args.pin:  # before the warm-up: its threads are the ones that run pages
        pinned(targets)
    for target in targets:  # each process compiles its own engines
        await warm_up(target.url, args.optimizers)
    await asyncio.sleep(2)
    stop = asyncio.Event()
    watchers = [asyncio.create_task(watch(t, stop)) for t in targets]
    plans = [plan(i, args.interactions, args.optimizers) for i in range(args.sessions)]
    started = time.perf_counter()
    browsers = None
    if args.browsers:
        from scripts.loadtest_browser import browser_sessions

        n = args.sessions - args.browsers
        browsers = browser_sessions(url, range(n, args.sessions), plans[n:], rec,
                                    args.think)  # fmt: skip
        plans = plans[:n]
    share = args.draggers  # spread evenly: 0.5 is every other session
    socket_runs = [
        ws_session(
            url, i, p, rec, args.think, drags=int((i + 1) * share) > int(i * share)
        )  # fmt: skip
        for i, p in enumerate(plans)
    ]
    await asyncio.gather(*socket_runs, *([browsers] if browsers else []))
    wall = time.perf_counter() - started
    stop.set()
    servers = await asyncio.gather(*watchers)
    await asyncio.sleep(args.cooldown)
    reruns = len(rec.seconds) + len(rec.loads)  # a family's fragment run: not one
    for target, server in zip(targets, servers):
        server["rss_after_mb"] = rss_mb(target.pid)
        server["ws_sessions"] = sum(r == target.name for r in rec.replicas.values())
    return {"wall_s": wall, "servers": servers,
            "server_cpu_s_per_rerun": sum(s["cpu_s"] for s in servers) / max(reruns, 1),
            "health_max_s": max((s["health_max_s"] or 0) for s in servers),
            "health_timeouts": sum(s["health_timeouts"] for s in servers)}  # fmt: skip


def pinned(targets: list[Target]) -> None:
    """--pin: the servers on CPU 0, this process (its sessions, and the
    Chromium it starts later) on the others: a server with a core of its own,
    as on a machine of its own, the students' browsers elsewhere. Measures
    what one server can serve; the default shares every core, as this
    machine must."""
    cpus = sorted(os.sched_getaffinity(0))
    if len(cpus) < 2:
        raise SystemExit("--pin needs 2 CPUs or more: the server's and the rest's")
    for target in targets:
        pin(target.pid, {cpus[0]})
    pin(os.getpid(), set(cpus[1:]))


def distinct(errors: list[str]) -> list[str]:
    """One example of each kind of error, without the session that had it."""
    kinds = {e.split(": ", 1)[-1][:200]: e for e in errors}
    return list(kinds.values())


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


@contextlib.contextmanager
def servers_under_test(replicas: int):
    """Yields (the URL sessions use, the servers as Targets, their log files)."""
    if replicas == 1:
        with logged_server() as (url, proc, log):
            yield url, [Target("", url, proc.pid)], [log]
        return
    from deploy.cluster import cluster

    with cluster(replicas) as c, contextlib.ExitStack() as logs:
        targets = [Target(s.name, s.url, s.proc.pid) for s in c.servers]
        yield c.url, targets, [logs.enter_context(open(s.log)) for s in c.servers]


def run(args) -> dict:
    """The whole load test; returns the report as a dict."""
    rec = Record()
    load_before = os.getloadavg()[0]
    with servers_under_test(args.replicas) as (url, targets, logs), \
            ThreadPoolExecutor(1) as thread:  # fmt: skip
        # Its own thread and event loop, whoever calls (pytest may hold a loop).
        servers = thread.submit(asyncio.run, drive(url, targets, args, rec)).result()
        logged = [line for log in logs for line in server_errors(log)]
        if args.log:
            text = []
            for log in logs:
                log.seek(0)
                text.append(log.read())
            Path(args.log).write_text("\n".join(text))
    mismatches = verify(rec.paths)
    errors = rec.errors + mismatches + logged
    return {
        "replicas": args.replicas,
        "sessions": args.sessions, "browsers": args.browsers, "think_s": args.think,
        "interactions": len(rec.seconds), "page_loads": len(rec.loads),
        "verified_paths": len(rec.paths) - len(mismatches),
        "errors": len(errors), "error_examples": distinct(errors)[:8],
        "p50_s": percentile(rec.seconds, 50), "p95_s": percentile(rec.seconds, 95),
        "max_s": max(rec.seconds, default=None),
        "draggers": len(rec.families),
        "family_p50_s": percentile(rec.families, 50),
        "family_p95_s": percentile(rec.families, 95),
        "load_p50_s": percentile(rec.loads, 50),
        "load_p95_s": percentile(rec.loads, 95),
        **servers,
        "browser_cpu_s": rec.browser_cpu_s,
        "pinned": args.pin,
        "load_avg_before": load_before,
    }  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--interactions", type=int, default=5)
    ap.add_argument("--browsers", type=int, default=2, help="of the sessions")
    ap.add_argument("--draggers", type=float, default=0.5,
                    help="share of websocket sessions that drag the rate")  # fmt: skip
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between")
    ap.add_argument("--cooldown", type=float, default=30.0, help="seconds")
    ap.add_argument("--replicas", type=int, default=1, help="behind HAProxy if > 1")
    ap.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    ap.add_argument(
        "--pin",
        action="store_true",
        help="the server on CPU 0, the sessions and Chromium on the others",
    )
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
            for item in value if key == "servers" else [value]:
                shown = f"{item:.3f}" if isinstance(item, float) else item
                print(f"{key:24s} {shown}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
