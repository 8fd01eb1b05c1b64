"""The load test, small: 5 sessions at once, one in Chromium, against one real
server, then through HAProxy to two."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from scripts import loadtest, loadtest_plan, loadtest_server

SMALL = ["--sessions", "5", "--interactions", "5", "--browsers", "1", "--think",
         "0.2", "--cooldown", "3", "--optimizers", "sgd,adam"]  # fmt: skip


def test_plans_give_every_session_and_interaction_its_own_settings():
    plans = [loadtest_plan.plan(i, 5) for i in range(30)]
    runs = [s for p in plans for s in p]
    assert len({(s.lr, s.w1, s.w2, s.seed) for s in runs}) == len(runs)
    assert all(len(p) == 6 for p in plans)  # the page load, then 5 interactions
    assert {s.optimizer for s in runs} == set(loadtest_plan.OPTIMIZERS)


def test_verify_catches_a_session_that_received_another_sessions_run():
    a, b = loadtest_plan.plan(0, 1)[1], loadtest_plan.plan(1, 1)[1]
    got = [(who, s, loadtest_plan.label(s), loadtest_plan.expected(s))
           for who, s in ((0, a), (1, b))]  # fmt: skip
    assert loadtest_plan.verify(got) == []
    # Swap the two paths: each session now holds the other's run.
    (w0, s0, n0, p0), (w1, s1, n1, p1) = got
    assert len(loadtest_plan.verify([(w0, s0, n1, p1), (w1, s1, n0, p0)])) == 2


@pytest.mark.e2e
def test_five_sessions_at_once_each_get_their_own_correct_runs():
    report = loadtest.run(loadtest.parse_args(SMALL))

    assert report["errors"] == 0, report["error_examples"]
    assert report["page_loads"] == 5
    assert report["interactions"] == 25
    # Every page and every interaction was checked against the engine.
    assert report["verified_paths"] == 30
    # Every other websocket session asked for the rate's drag family: it came.
    assert report["draggers"] == 2
    (server,) = report["servers"]
    assert server["rss_after_mb"] <= 1.5 * server["rss_before_mb"]
    # Chromium's CPU over its session is counted (a page of this app alone
    # takes it several seconds: ~5 measured on 2026-12-08).
    assert report["browser_cpu_s"] >= 0.5


@pytest.mark.e2e
def test_through_haproxy_two_replicas_share_the_sessions_and_each_is_correct():
    report = loadtest.run(loadtest.parse_args([*SMALL, "--replicas", "2"]))

    assert report["errors"] == 0, report["error_examples"]
    assert report["verified_paths"] == 30
    # The four websocket sessions went to both replicas, by the balancer's cookie.
    counts = {s["replica"]: s["ws_sessions"] for s in report["servers"]}
    assert set(counts) == {"r1", "r2"} and sum(counts.values()) == 4
    assert min(counts.values()) >= 1, counts
    for server in report["servers"]:
        assert server["health_timeouts"] == 0


def test_a_url_the_app_writes_reads_back_as_the_same_settings():
    for s in loadtest_plan.plan(3, 4):
        assert loadtest_plan.settings_from(s.query()) == s
    with pytest.raises(ValueError, match="cannot read back"):
        loadtest_plan.settings_from("lr=abc")


SPIN = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.4: pass"
# A child that runs a grandchild spinning 0.4 CPU-seconds, waits for it to end,
# says so, and sleeps.
BURN = (f"import subprocess, sys, time\n"
        f"subprocess.run([sys.executable, '-c', {SPIN!r}]);"
        "print('done', flush=True); time.sleep(30)")  # fmt: skip


def test_a_process_trees_cpu_counts_the_children_that_have_ended():
    """Chromium's renderers end with their pages: their CPU must still count
    (reaped into their parent's), or the load test's browser CPU is low."""
    child = subprocess.Popen([sys.executable, "-c", BURN], stdout=subprocess.PIPE,
                             text=True)  # fmt: skip
    try:
        assert child.stdout.readline().strip() == "done"  # the grandchild ended
        own = loadtest_server.cpu_seconds(child.pid)  # the child's own: no burn
        assert loadtest_server.tree_cpu_seconds(child.pid) >= own + 0.35
    finally:
        child.kill()
        child.wait()


def test_pin_puts_every_thread_of_a_process_on_the_cpus_given():
    cpus = sorted(os.sched_getaffinity(0))
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        time.sleep(0.2)
        loadtest_server.pin(child.pid, {cpus[-1]})
        tids = os.listdir(f"/proc/{child.pid}/task")
        assert {frozenset(os.sched_getaffinity(int(t))) for t in tids} == {
            frozenset({cpus[-1]})
        }
    finally:
        child.kill()
        child.wait()
