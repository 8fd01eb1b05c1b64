"""The real app in headless Chromium: a local server, a browser, and waits.

Used by the screenshot script, the browser benchmark and the e2e tests. Imports
Playwright (a dev dependency) only when a browser is launched.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# This machine's network is closed: Chromium's background chatter is refused
# many times a second unless these switches turn it off.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]  # fmt: skip
CHARTS = ".js-plotly-plot .main-svg"
# Streamlit is idle: connected, no script run under way (the attribute its own
# e2e tests read), and no element left stale from a run. Not "no status
# widget": Streamlit shows that only once a run has lasted 500 ms, so a page
# 0.2 s into a run looked idle while its charts were still the last run's (a
# fault-test probe: the URL already new, the contour stale, no status widget).
IDLE = """(() => { const app = document.querySelector('[data-testid="stApp"]');
  return Boolean(app) && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-stale="true"]'); })()"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(port: int, address: str = "127.0.0.1", script: str = "") -> list[str]:
    """The app's server as deployed (ui.serve: Streamlit, warmed at start), or
    `streamlit run script` for another page (the bench's bare floor)."""
    command = ["-m", "streamlit", "run", script] if script else ["-m", "ui.serve"]
    return [sys.executable, *command, "--server.port", str(port),
            "--server.address", address, "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]  # fmt: skip


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float) -> None:
    """Wait until url/_stcore/health answers; RuntimeError if proc ends first."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            return
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError(f"streamlit did not start on {url}")
        time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a process, killing it if it has not ended in 20 s."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def streamlit_server(
    port: int | None = None, timeout: float = 90.0, log=None, script: str = ""
):
    """The app as deployed (ui.serve: Streamlit, warmed at start) on loopback;
    yields (base URL, process).

    log: a file to receive the server's output (default: discarded).
    script: another Streamlit script to serve instead (`streamlit run`), e.g.
        the bench's bare floor page.
    """
    port = port or free_port()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        serve_command(port, script=script), cwd=ROOT, env=env,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT if log else subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, timeout)
        yield url, proc
    finally:
        stop(proc)


@contextlib.contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_idle(page, timeout: float = 120_000) -> None:
    """Wait until Streamlit has finished its rerun (IDLE)."""
    page.wait_for_function(IDLE, timeout=timeout)


def wait_for_charts(page, count: int = 1, timeout: float = 120_000) -> None:
    """Wait until Plotly has drawn `count` charts and Streamlit is idle.

    Counts charts, not SVG layers: each drawn chart has three `.main-svg`, so
    counting those let a page with only its data view drawn pass as "three
    charts" while the contour above it was still empty (a CI failure).
    """
    page.wait_for_function(
        f"""Array.from(document.querySelectorAll('.js-plotly-plot')).filter(
            g => g._fullLayout && g.querySelector('.main-svg')).length >= {count}""",
        timeout=timeout,
    )
    wait_idle(page, timeout)
