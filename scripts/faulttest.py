"""Fault test: a replica killed under a class's load, and what each session saw.

Usage: python -m scripts.faulttest [--sessions 30] [--interactions 6]
       [--think 1.0] [--json]

Two replicas behind HAProxy (deploy.cluster), each warmed up. One Chromium
page uploads a CSV; the replica its affinity cookie names is the victim. The
other sessions are websocket sessions through the balancer, as in the load
test. Once a third of their interactions are done, the victim's process is
killed (SIGKILL); the cluster's supervisor restarts it. A session whose socket
drops reconnects through the balancer, with its cookie and the URL the app
wrote, as Streamlit's frontend does, and reruns from the URL: the recovered
page must hold the same settings, and its path is checked against the engine
again. Sessions on the other replica must see no error at all. When the
victim is back up in HAProxy, new sessions must reach it. The upload cannot
survive: its page must say so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from websockets.exceptions import ConnectionClosed, InvalidHandshake

from deploy.cluster import cluster
from scripts.faulttest_browser import UploadPage, upload_page
from scripts.loadtest import Record, distinct, percentile, warm_up
from scripts.loadtest_plan import (
    OPTIMIZERS,
    plan,
    settings_from,
    verify,
    widget_values,
)
from scripts.loadtest_server import server_errors
from scripts.stream_client import StreamSession

RECONNECT_S = 120.0  # a session not back by then is an error


@dataclass
class Fault:
    """The kill, and what the sessions on the victim went through."""

    clock: dict = field(default_factory=dict)  # "killed_at": monotonic time
    killed: asyncio.Event = field(default_factory=asyncio.Event)
    victim: str = ""
    done: int = 0  # interactions finished, all sessions
    active: set[int] = field(default_factory=set)  # sessions still running
    at_kill: set[int] = field(default_factory=set)  # active on the victim then
    dropped: set[int] = field(default_factory=set)
    failed_attempts: int = 0  # reconnects refused (a 502 while HAProxy fails over)
    recoveries: list[float] = field(default_factory=list)
    recovered: list[tuple] = field(default_factory=list)  # (who, s, name, xy)


async def _reconnect(url: str, old: StreamSession, who: int, steps, k: int,
                     rec: Record, fault: Fault, dropped: float):  # fmt: skip
    """Back through the balancer with the old session's URL, cookie and page, as
    Streamlit's frontend reconnects; the page checked, the session open."""
    deadline = dropped + RECONNECT_S
    query, back = old.query, {"cookie": old.cookie, "page_hash": old.page_hash}
    while True:
        try:
            session = await StreamSession(url, query, **back).__aenter__()
            page = await session.rerun()
            break
        except (ConnectionClosed, InvalidHandshake, OSError) as e:
            fault.failed_attempts += 1
            if time.monotonic() > deadline:
                raise TimeoutError(f"not reconnected in {RECONNECT_S:g} s") from e
            await asyncio.sleep(0.5)
    fault.recoveries.append(time.monotonic() - dropped)
    rec.replicas[who] = session.replica
    s = settings_from(query)
    if s not in steps[max(k - 1, 0) : k + 1]:  # the last change, or the one sent
        rec.errors.append(f"session {who}: reconnected with {s}, not its own")
    if not page.ok or page.errors or page.exceptions or page.warnings:
        rec.errors.append(f"session {who}: reconnected page {page.errors} "
                          f"{page.exceptions} {page.warnings}")  # fmt: skip
    else:
        fault.recovered.append((who, s, *page.live_path()))
    return session


async def ws_session(url: str, who: int, steps, rec: Record, fault: Fault,
                     think: float) -> None:  # fmt: skip
    """The load test's session; when its socket closes it reconnects at once,
    as Streamlit's frontend does, even between interactions or while its
    first page loads."""
    rng, session = random.Random(who), None
    try:
        session = await StreamSession(url, steps[0].query()).__aenter__()
        rec.replicas[who] = session.replica
        fault.active.add(who)
        for k in range(len(steps)):
            closed = asyncio.ensure_future(session.ws.wait_closed())
            if k:
                await asyncio.wait([closed], timeout=rng.uniform(0, 2 * think))
            values = widget_values(steps[k]) if k else None
            try:
                if closed.done():
                    raise ConnectionError("closed while the user thought")
                page = await session.rerun(values)
            except (ConnectionClosed, OSError) as e:
                session, page = await _recover(e, url, session, who, steps, k, values,
                                               rec, fault)  # fmt: skip
            finally:
                closed.cancel()
            rec.page(who, steps[k], page, first=not k)
            fault.done += k > 0
    except Exception as e:  # noqa: BLE001 - every failure is a finding
        rec.errors.append(f"session {who}: {type(e).__name__}: {e}")
    finally:
        fault.active.discard(who)
        if session is not None:
            await session.ws.close()


async def _recover(error, url, session, who, steps, k, values, rec, fault):
    """A dropped session back through the balancer, then step k sent again.

    Only a session on the killed replica may drop; its reconnection may drop
    once more while HAProxy is still failing over (the victim's restart), so
    it is tried up to three times.
    """
    dropped = time.monotonic()
    if not fault.killed.is_set() or rec.replicas[who] != fault.victim:
        raise RuntimeError("dropped, but its replica was not killed") from error
    fault.dropped.add(who)
    for attempt in range(3):
        session = await _reconnect(url, session, who, steps, k, rec, fault, dropped)
        try:
            return session, await session.rerun(values)
        except (ConnectionClosed, OSError):
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def kill_midway(c, fault: Fault, rec: Record, total: int, states: list):
    """SIGKILL the victim once a third of the interactions are done; then follow
    HAProxy's view of it until it is UP again (states: (seconds, state))."""
    while fault.done < total // 3:
        await asyncio.sleep(0.05)
    server = next(s for s in c.servers if s.name == fault.victim)
    fault.at_kill = {w for w in fault.active if fault.victim == rec.replicas[w]}
    os.kill(server.proc.pid, signal.SIGKILL)
    fault.clock["killed_at"] = killed_at = time.monotonic()
    fault.killed.set()
    seen_down = False
    while time.monotonic() - killed_at < 180:
        state = (await asyncio.to_thread(c.states)).get(fault.victim, "")
        seen_down = seen_down or not state.startswith("UP")
        states.append((round(time.monotonic() - killed_at, 2), state))
        restarted = any(name == fault.victim for name, _ in c.restarts)
        if restarted and state.startswith("UP") and seen_down:
            return
        await asyncio.sleep(0.2)


async def after_rejoin(url: str, victim: str, rec: Record, n: int = 4) -> int:
    """n new sessions at once; how many the balancer gave the rejoined replica."""
    steps = [plan(100 + i, 0)[0] for i in range(n)]
    sessions = [await StreamSession(url, s.query()).__aenter__() for s in steps]
    try:
        pages = await asyncio.gather(*(s.rerun() for s in sessions))
        for i, (s, page) in enumerate(zip(steps, pages)):
            rec.page(100 + i, s, page, first=True)
        return sum(s.replica == victim for s in sessions)
    finally:
        for s in sessions:
            await s.ws.close()


async def drive(c, args, rec: Record, fault: Fault) -> dict:
    for server in c.servers:
        await warm_up(server.url, args.optimizers)
    upload = UploadPage(plan(0, 0)[0])
    browser = asyncio.create_task(upload_page(c.url, upload, fault.killed, fault.clock))
    await upload.ready.wait()
    fault.victim = upload.replica or c.servers[0].name
    plans = [plan(i, args.interactions, args.optimizers)
             for i in range(1, args.sessions)]  # fmt: skip
    states: list = []
    killer = asyncio.create_task(
        kill_midway(c, fault, rec, len(plans) * args.interactions, states)
    )
    await asyncio.gather(*(ws_session(c.url, i + 1, p, rec, fault, args.think)
                           for i, p in enumerate(plans)))  # fmt: skip
    await killer
    rejoined = await after_rejoin(c.url, fault.victim, rec)
    await browser
    return {"upload": upload, "states": states, "new_sessions_on_rejoined": rejoined}


def run(args) -> dict:
    rec, fault = Record(), Fault()
    with cluster(2) as c, ThreadPoolExecutor(1) as thread:
        out = thread.submit(asyncio.run, drive(c, args, rec, fault)).result()
        logs = []
        for server in c.servers:
            with open(server.log) as log:
                logs += server_errors(log)
        restarts = [name for name, _ in c.restarts]
    upload: UploadPage = out["upload"]
    mismatches = verify(rec.paths)
    again = verify(fault.recovered + ([(0, *upload.path)] if upload.path else []))
    errors = rec.errors + mismatches + again + upload.errors
    # A killed server logs no traceback; any in the logs is a finding.
    errors += [e for e in logs if "KeyboardInterrupt" not in e]
    other = [e for e in errors if e.startswith("session ")
             and int(e.split()[1].rstrip(":")) not in fault.dropped]  # fmt: skip
    down = [t for t, s in out["states"] if not s.startswith("UP")]
    up = [t for t, s in out["states"] if down and t > down[0] and s.startswith("UP")]
    return {
        "sessions": args.sessions, "interactions_each": args.interactions,
        "victim": fault.victim, "restarted": restarts,
        "ws_sessions_on_victim_at_kill": len(fault.at_kill),
        "ws_sessions_affected": len(fault.dropped),
        "ws_sessions_not_affected": args.sessions - 1 - len(fault.dropped),
        "affected_were_on_victim": fault.dropped <= fault.at_kill,
        "reconnects_refused_then_retried": fault.failed_attempts,
        "recovery_p50_s": percentile(fault.recoveries, 50),
        "recovery_p95_s": percentile(fault.recoveries, 95),
        "recovery_max_s": max(fault.recoveries, default=None),
        "paths_reverified": len(fault.recovered) - len(again),
        "verified_paths": len(rec.paths) - len(mismatches),
        "interactions": len(rec.seconds),
        "errors": len(errors), "errors_on_other_sessions": len(other),
        "error_examples": distinct(errors)[:8],
        "victim_down_in_haproxy_after_s": down[0] if down else None,
        "victim_up_again_after_s": up[0] if up else None,
        "new_sessions_on_rejoined": out["new_sessions_on_rejoined"],
        "upload_replica": upload.replica, "upload_warning": upload.warning,
        "upload_page_recovery_s": upload.recovery_s,
        "upload_page_urls": upload.url_history(fault.clock.get("killed_at")),
        "lost": "the uploaded CSV of the upload page" if upload.warning else None,
    }  # fmt: skip


def parse_args(argv=None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=30, help="the upload page too")
    ap.add_argument("--interactions", type=int, default=6)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between")
    ap.add_argument("--optimizers", default=",".join(OPTIMIZERS))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    args.optimizers = tuple(args.optimizers.split(","))
    return args


def main(argv=None) -> int:
    report = run(parse_args(argv))
    if "--json" in (argv or sys.argv):
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            shown = f"{value:.3f}" if isinstance(value, float) else value
            print(f"{key:28s} {shown}")
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
