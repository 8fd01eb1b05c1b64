"""The load test's server: the app (ui.serve) on loopback, its log, RSS and CPU."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
import urllib.request
from unittest import mock

from landscape.browser import streamlit_server

WATCHER = "STREAMLIT_SERVER_FILE_WATCHER_TYPE"


@contextlib.contextmanager
def logged_server(timeout: float = 120.0):
    """As landscape.browser.streamlit_server, keeping the server's log.

    Yields (base URL, process, log file). The environment is passed on, so
    STREAMLIT_* variables set a server option for one run.
    """
    # As deployed (see the Dockerfile): no source watching, so an edit to the
    # code during a run neither reloads modules nor recompiles the engines.
    watcher = {WATCHER: os.environ.get(WATCHER, "none")}
    with tempfile.TemporaryFile("w+") as log, mock.patch.dict(os.environ, watcher):
        with streamlit_server(timeout=timeout, log=log) as (url, proc):
            yield url, proc, log


def server_errors(log) -> list[str]:
    """Each traceback the server logged, by its last line."""
    log.flush()
    log.seek(0)
    lines = log.read().splitlines()
    found = []
    for i, line in enumerate(lines):
        if "Traceback" in line:
            tail = [x for x in lines[i + 1 : i + 300] if x and not x[0].isspace()]
            found.append("server: " + (tail[0] if tail else line)[:300])
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB, from /proc/<pid>/status."""
    with open(f"/proc/{pid}/status") as f:
        line = next(x for x in f if x.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, its finished threads included."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def processes() -> dict[int, tuple[str, int, int]]:
    """Every process now: pid -> (name, parent pid, CPU ticks of its own and
    of its reaped children: utime, stime, cutime, cstime)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                head, _, rest = f.read().rpartition(")")
        except OSError:  # it ended while we looked
            continue
        fields = rest.split()
        ticks = sum(int(v) for v in fields[11:15])
        table[int(entry)] = (head.partition("(")[2], int(fields[1]), ticks)
    return table


def tree_cpu_seconds(root: int, table: dict | None = None) -> float:
    """CPU seconds of a process and every live descendant, each with its
    reaped children's: a Chromium's renderers that exited count in their
    zygote's. table: processes(), if already read."""
    table = processes() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (_, parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += table[pid][2] if pid in table else 0
        todo += children.get(pid, [])
    return total / os.sysconf("SC_CLK_TCK")


def pin(pid: int, cpus: set[int]) -> None:
    """Every thread of a process onto cpus (threads it starts later inherit)."""
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            os.sched_setaffinity(int(tid), cpus)


async def sample_rss(pid: int, out: list[float], stop: asyncio.Event) -> None:
    """Append the RSS every quarter second until stopped."""
    while not stop.is_set():
        out.append(rss_mb(pid))
        await asyncio.sleep(0.25)


async def probe_health(url: str, out: list[float], stop: asyncio.Event) -> None:
    """Time GET /_stcore/health once a second, as a load balancer's probe would.

    A probe with no answer in 30 s counts as inf (a timeout).
    """

    def get() -> float:
        started = time.perf_counter()
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=30).read()
        except OSError:
            return float("inf")
        return time.perf_counter() - started

    while not stop.is_set():
        out.append(await asyncio.to_thread(get))
        await asyncio.sleep(1.0)
