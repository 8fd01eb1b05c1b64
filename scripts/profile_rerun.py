"""Where a server's rerun spends its time: py-spy on a real server, one client.

    python -m scripts.profile_rerun [--sessions 6] [--interactions 5] [--py-spy PATH]

Starts `python -m ui.serve`, warms every data set and optimizer of the load
test's plan, then samples the server with py-spy (every thread; py-spy
leaves out idle ones) while one websocket client at a time loads a page and
changes its settings as the load test does. Prints wall seconds per rerun, the
server's CPU seconds per rerun, and the share of busy samples by part: our
script (by module), Plotly's figure building and JSON, Streamlit's
serialisation and forward-message queue, TensorFlow, the websocket, other.

py-spy is not a project dependency (it needs ptrace); pass its path, e.g. from
`pip install --target /tmp/pyspy py-spy`.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scripts.loadtest import warm_up
from scripts.loadtest_plan import OPTIMIZERS, plan, widget_values
from scripts.loadtest_server import cpu_seconds, logged_server
from scripts.stream_client import StreamSession

# (part, substring of a frame's "function (file)") in order: the first frame of
# a stack, from the innermost out, that matches one decides the sample's part.
PARTS = (
    ("tensorflow", "tensorflow/"),
    ("plotly: to_json / validation", "plotly/"),
    ("numpy", "numpy/"),
    ("pandas", "pandas/"),
    ("protobuf serialisation", "google/protobuf"),
    ("streamlit: forward-message queue / cache", "runtime/forward_msg"),
    ("streamlit: caching", "runtime/caching"),
    ("streamlit: elements", "streamlit/elements"),
    ("streamlit: websocket / tornado", "tornado/"),
    ("streamlit: other", "streamlit/"),
)


def part_of(stack: list[str]) -> str:
    for frame in reversed(stack):  # innermost first
        for name, needle in PARTS:
            if needle in frame:
                return name
    for frame in reversed(stack):
        for pkg in ("(landscape/", "(ui/", "(app.py"):
            if pkg in frame:
                return "ours: " + frame.split("(", 1)[1].split(".py")[0] + ".py"
    return "other: " + (stack[-1] if stack else "?")[:60]


def our_frames(stack: list[str]) -> set[str]:
    """Every function of ours (landscape/, ui/, app.py) on the stack, once."""
    return {
        f.rsplit(":", 1)[0] + ")"
        for f in stack
        if any(pkg in f for pkg in ("(landscape/", "(ui/", "(app.py"))
        and "ui/serve.py" not in f
    }


def read_raw(path: Path) -> list[tuple[list[str], int]]:
    out = []
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack:
            out.append((stack.split(";"), int(count)))
    return out


async def drive(url: str, sessions: int, interactions: int) -> list[float]:
    seconds = []
    for who in range(sessions):
        steps = plan(who, interactions)
        async with StreamSession(url, steps[0].query()) as s:
            await s.rerun()  # the page load: its CPU counts too (see main)
            for step in steps[1:]:
                page = await s.rerun(widget_values(step))
                seconds.append(page.seconds)
    return seconds


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=6)
    p.add_argument("--interactions", type=int, default=5)
    p.add_argument("--py-spy", default="/tmp/pyspy/bin/py-spy")
    p.add_argument("--raw", type=Path, help="keep py-spy's raw stacks here")
    args = p.parse_args(argv)
    with logged_server() as (url, server, _log):
        # Every optimizer drive() uses (plan()'s default): adagrad was left out,
        # and its first compile was then counted as a rerun's training.
        asyncio.run(warm_up(url, OPTIMIZERS))
        asyncio.run(drive(url, 2, args.interactions))  # the pages' own warm-up
        raw = args.raw or Path(tempfile.mkdtemp()) / "spy.txt"
        spy = subprocess.Popen(
            [args.py_spy, "record", "--pid", str(server.pid), "--format", "raw",
             "--output", str(raw), "--rate", "200", "--threads"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(2.0)  # py-spy attaches
        cpu0, t0 = cpu_seconds(server.pid), time.perf_counter()
        seconds = asyncio.run(drive(url, args.sessions, args.interactions))
        cpu1, t1 = cpu_seconds(server.pid), time.perf_counter()
        spy.send_signal(2)
        spy.wait(timeout=60)
    n = len(seconds)
    seconds.sort()
    runs = n + args.sessions  # the changes and each session's page load
    print(f"changes {n}; wall per change median {seconds[n // 2]:.3f} s; "
          f"server CPU per script run {(cpu1 - cpu0) / runs:.3f} s "
          f"({cpu1 - cpu0:.1f} s CPU in {t1 - t0:.1f} s for {n} changes and "
          f"{args.sessions} page loads)")  # fmt: skip
    samples = read_raw(raw)
    busy = samples  # py-spy leaves out threads the OS reports idle
    total = sum(c for _, c in busy) or 1
    parts = collections.Counter()
    callers = collections.Counter()
    for stack, count in busy:
        parts[part_of(stack)] += count
        for frame in our_frames(stack) or {"(not under our code)"}:
            callers[frame] += count
    print(f"busy samples {total} (idle dropped), by part:")
    for name, count in parts.most_common(25):
        print(f"  {100 * count / total:5.1f}%  {name}")
    print("inclusive share of our functions:")
    for name, count in callers.most_common(40):
        print(f"  {100 * count / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
