"""Load test: many sessions of the real server at once, each checked against the engine.

Usage: python -m scripts.loadtest [--sessions 30] [--interactions 5] [--browsers 2]
       [--think 1.0] [--cooldown 30] [--optimizers sgd,adam,...] [--json]

It starts `streamlit run app.py` on loopback, warms it up (every optimizer and
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
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: python scripts/loadtest.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.stream_client import StreamSession  # noqa: E402

DATASETS = (("blobs", "cross_entropy"), ("overlap", "cross_entropy"),
            ("dose", "cross_entropy"), ("line", "mse"))  # fmt: skip
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop", "nadam", "adagrad")
STEPS = (100, 200, 300)
SAMPLES = 200  # one sample count: each new count is a new XLA compile


@dataclass(frozen=True)
class Settings:
    """One interaction's settings: what the live run must be computed from."""

    dataset: str
    loss: str
    seed: int
    optimizer: str
    lr: float
    w1: float
    w2: float
    steps: int

    def query(self) -> str:
        return (f"dataset={self.dataset}&loss={self.loss}&seed={self.seed}"
                f"&samples={SAMPLES}&optimizer={self.optimizer}&lr={self.lr:g}"
                f"&w1={self.w1:g}&w2={self.w2:g}&steps={self.steps}")  # fmt: skip


def plan(session: int, interactions: int, optimizers=OPTIMIZERS) -> list[Settings]:
    """Settings for the page load (index 0) and each interaction after it.

    Learning rates differ between every (session, interaction), so a session that
    received another's run could not match its own settings by accident.
    """
    dataset, loss = DATASETS[session % len(DATASETS)]
    out = []
    for k in range(interactions + 1):
        lr = (session + 1) * 0.01 + (k + 1) * 0.01 / (interactions + 2)
        out.append(Settings(
            dataset, loss, seed=session,
            optimizer=optimizers[(session + k) % len(optimizers)],
            lr=float(f"{lr:.4g}"), w1=round(-2 + 0.1 * (session % 20), 3),
            w2=round(2 - 0.25 * (k % 8), 3), steps=STEPS[(session + k) % 3],
        ))  # fmt: skip
    return out


def widget_values(s: Settings) -> dict[str, object]:
    from landscape import optimizers

    return {"in_optimizer": optimizers.get(s.optimizer).label, "lr_box": s.lr,
            "in_w1": s.w1, "in_w2": s.w2, "in_steps": s.steps}  # fmt: skip


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


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


async def sample_rss(pid: int, out: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        out.append(rss_mb(pid))
        await asyncio.sleep(0.25)


async def warm_up(url: str, optimizers) -> None:
    """Every data set and optimizer of the plan once: compiles happen here."""
    for i in range(len(DATASETS)):
        steps = plan(i, len(optimizers), optimizers)
        async with StreamSession(url, steps[0].query()) as session:
            await session.rerun()
            for s in steps[1:]:
                await session.rerun(widget_values(s))


async def drive(url: str, pid: int, args, rec: Record) -> dict:
    await warm_up(url, args.optimizers)
    await asyncio.sleep(2)
    before = rss_mb(pid)
    samples: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(pid, samples, stop))
    plans = [plan(i, args.interactions, args.optimizers) for i in range(args.sessions)]
    started = time.perf_counter()
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
    during = max(samples) if samples else rss_mb(pid)
    await asyncio.sleep(args.cooldown)
    stop.set()
    await sampler
    after = rss_mb(pid)
    return {"rss_before_mb": before, "rss_peak_mb": during, "rss_after_mb": after,
            "rss_ratio": after / before, "wall_s": wall}  # fmt: skip


def verify(rec: Record) -> list[str]:
    """Each received live path against the engine's run for its own settings."""
    from landscape import datasets, trainer
    from landscape.config import RunConfig
    from landscape.state import run_label

    problems = []
    for who, s, name, xy in rec.paths:
        data = datasets.make_dataset(s.dataset, SAMPLES, None, s.seed)
        cfg = RunConfig(loss=s.loss, optimizer=s.optimizer, learning_rate=s.lr,
                        steps=s.steps, start=(s.w1, s.w2), seed=s.seed)  # fmt: skip
        want = trainer.run(data, cfg).weights
        label = f"{run_label(s.optimizer, s.lr)} (live)"
        same = want.shape == xy.shape and np.allclose(want, xy, rtol=0, atol=1e-6)
        if name != label or not same:
            problems.append(f"session {who}: got {name!r} {xy.shape}, "
                            f"expected {label!r} {want.shape} for {s}")  # fmt: skip
    return problems


def percentile(values: list[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None


def run(args) -> dict:
    """The whole load test; returns the report as a dict."""
    from landscape.browser import streamlit_server

    rec = Record()
    with streamlit_server() as (url, proc):
        memory = asyncio.run(drive(url, proc.pid, args, rec))
    mismatches = verify(rec)
    errors = rec.errors + mismatches
    return {
        "sessions": args.sessions, "browsers": args.browsers,
        "interactions": len(rec.seconds), "page_loads": len(rec.loads),
        "verified_paths": len(rec.paths) - len(mismatches),
        "errors": len(errors), "error_examples": errors[:5],
        "p50_s": percentile(rec.seconds, 50), "p95_s": percentile(rec.seconds, 95),
        "max_s": max(rec.seconds, default=None),
        "load_p50_s": percentile(rec.loads, 50),
        "load_p95_s": percentile(rec.loads, 95),
        **memory,
    }  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30)
    ap.add_argument("--interactions", type=int, default=5)
    ap.add_argument("--browsers", type=int, default=2, help="of the sessions")
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between")
    ap.add_argument("--cooldown", type=float, default=30.0, help="seconds")
    ap.add_argument("--optimizers", default=",".join(OPTIMIZERS))
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
            print(f"{key:16s} {shown}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
