"""Regenerate the README's screenshots from the real app in headless Chromium.

Usage: python scripts/screenshot.py [--url URL] [--out docs/explorer.png]
       [--size 1600x1000] [--query "optimizer=adam&lr=0.1"]
Without --url it starts `streamlit run app.py` on a free port and stops it after.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape.browser import ROOT, chromium, streamlit_server, wait_for_charts  # noqa: E402

# Plain gradient descent on overlapping classes at five learning rates.
SWEEP = "&".join(
    ["dataset=overlap", "optimizer=sgd", "lr=3", "steps=60", "w1=-3", "w2=3"]
    + [f"pin=sgd,lr={lr},steps=60,w1=-3,w2=3" for lr in (0.3, 1, 10, 30)]
)


def shoot(url: str, out: Path, width: int, height: int) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        wait_for_charts(page, 3)
        page.wait_for_timeout(800)  # Plotly's transitions
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url")
    ap.add_argument("--out", default=str(ROOT / "docs" / "explorer.png"))
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--query", default=SWEEP)
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    with contextlib.ExitStack() as stack:
        base = args.url or stack.enter_context(streamlit_server())[0]
        shoot(f"{base}/?{args.query}", Path(args.out), width, height)
    print(args.out)


if __name__ == "__main__":
    main()
