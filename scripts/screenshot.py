"""Regenerate the README's screenshots from the real app in headless Chromium.

Usage: python scripts/screenshot.py [--url URL] [--out docs/explorer.png]
       [--size 1600x1000] [--query "optimizer=adam&lr=0.1"]
Without --url it starts `streamlit run app.py` on a free port and stops it after.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium's own network chatter is refused on this closed network; turn it off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(port: int | None = None):
    """`streamlit run app.py` on loopback; yields its base URL."""
    port = port or free_port()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("streamlit did not start in 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def wait_for_charts(page, count: int = 1, timeout: float = 90_000) -> None:
    """Wait until Plotly has drawn `count` charts and Streamlit is idle."""
    page.wait_for_function(
        f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {count}",
        timeout=timeout,
    )
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=timeout,
    )
    page.wait_for_timeout(800)  # Plotly's transitions


def shoot(url: str, out: Path, width: int, height: int) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        wait_for_charts(page, 3)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url")
    ap.add_argument("--out", default=str(ROOT / "docs" / "explorer.png"))
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument(
        "--query",
        default="dataset=blobs&optimizer=sgd&lr=0.5&steps=60"
        "&w1=-3&w2=3&pin=sgd,lr=0.05,steps=60,w1=-3,w2=3"
        "&pin=sgd,lr=0.5,steps=60,w1=-3,w2=3&pin=sgd,lr=5,steps=60,w1=-3,w2=3"
        "&pin=sgd,lr=50,steps=60,w1=-3,w2=3",
    )
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with contextlib.ExitStack() as stack:
        base = args.url or stack.enter_context(streamlit_server())
        shoot(f"{base}/?{args.query}", Path(args.out), width, height)
    print(args.out)


if __name__ == "__main__":
    main()
