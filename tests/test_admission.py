"""ui/admission: no more script runs compute at once than there are slots."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from landscape import warmup
from ui import admission, serve, starting


def test_runs_beyond_the_slots_wait_their_turn():
    inside, most, lock = 0, 0, threading.Lock()

    def page() -> None:
        nonlocal inside, most
        with admission.run_slot():
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=page) for _ in range(3 * admission.SLOTS + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert most == admission.SLOTS and inside == 0


@pytest.fixture
def cold():
    """This process as a fresh server: no page computed yet (restored after)."""
    was = admission.WARM.is_set(), admission.FIRST_PAGE.is_set()
    admission.WARM.clear()
    admission.FIRST_PAGE.clear()
    yield
    for event, state in zip((admission.WARM, admission.FIRST_PAGE), was, strict=True):
        event.set() if state else event.clear()


def notice_page() -> None:
    import streamlit as st

    from ui import starting

    starting.notice(st.empty())


def test_a_server_that_has_computed_no_page_says_it_is_starting(cold):
    at = AppTest.from_function(notice_page).run()
    assert [i.value for i in at.info] == [starting.MESSAGE]
    assert len(at.get("plotly_chart")) == 1  # the preload
    with admission.run_slot():  # a page run (app.py's)
        pass
    at = AppTest.from_function(notice_page).run()
    assert (len(at.info), len(at.get("plotly_chart"))) == (0, 0)


def test_the_warm_ups_default_page_makes_the_server_warm(cold, monkeypatch):
    # ui.serve's warm-up thread with warmup.warm replaced by one that reaches
    # the pause (default page compiled) and records what it then sees.
    seen = []

    def warm(log, pause):
        seen.append(admission.WARM.is_set())
        admission.FIRST_PAGE.set()  # as if the first page had been served
        pause()
        seen.append(admission.WARM.is_set())

    monkeypatch.setattr(warmup, "warm", warm)
    serve._warm()
    assert seen == [False, True]


def test_importing_the_engine_is_not_being_warm(cold):
    # What app.py tested before: "landscape.trainer" in sys.modules, true from
    # the moment the warm-up began importing it (so the notice came by a race).
    import landscape.trainer  # noqa: F401

    assert not admission.WARM.is_set()
    at = AppTest.from_function(notice_page).run()
    assert [i.value for i in at.info] == [starting.MESSAGE]
