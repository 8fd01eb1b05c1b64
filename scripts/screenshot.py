"""Regenerate the README's screenshots from the real app in headless Chromium.

Usage: python scripts/screenshot.py     # docs/explorer.png, classroom.png, network.png
       python scripts/screenshot.py --out F.png [--size 1280x720] [--query "lr=0.1"]
                                    [--page network]
Without --url it starts the app (ui.serve) on a free port and stops it after.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from landscape.browser import ROOT, chromium, streamlit_server, wait_for_charts  # noqa: E402
from landscape.lessons import BY_KEY, link  # noqa: E402

# Plain gradient descent on overlapping classes at five learning rates.
SWEEP = "&".join(
    ["dataset=overlap", "optimizer=sgd", "lr=3", "steps=60", "w1=-3", "w2=3"]
    + [f"pin=sgd,lr={lr},steps=60,w1=-3,w2=3" for lr in (0.3, 1, 10, 30)]
)
# The first lesson, in classroom mode, as a projector shows it.
CLASSROOM = "classroom=1&" + link(BY_KEY["learning_rate"])
# The small network on the spiral, two hidden layers, with an SGD run pinned.
NETWORK = (
    "dataset=spiral&layers=2&units=12&units2=8&optimizer=adam&lr=0.02&steps=800"
    "&pin=sgd,lr=1,steps=800"
)
# name: (page, query, size)
SHOTS = {
    "explorer.png": ("", SWEEP, "1600x1000"),
    "classroom.png": ("", CLASSROOM, "1280x720"),
    "network.png": ("network", NETWORK, "1600x1000"),
}
# Charts each page draws: the explorer's contour, loss and data; the network's
# four. Classroom shows one, the playback.
PAGE_CHARTS = {"": 3, "network": 4}
CHARTS = {"classroom.png": 1}


def shoot(url: str, out: Path, width: int, height: int, charts: int = 1) -> None:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        wait_for_charts(page, charts)
        page.wait_for_timeout(800)  # Plotly's transitions
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--url")
    ap.add_argument("--out", help="one picture; without it, every README picture")
    ap.add_argument("--size", default="1600x1000")
    ap.add_argument("--query", default=SWEEP)
    ap.add_argument("--page", default="", choices=sorted(PAGE_CHARTS))
    args = ap.parse_args()
    shots = (
        {args.out: (args.page, args.query, args.size)}
        if args.out
        else {str(ROOT / "docs" / name): spec for name, spec in SHOTS.items()}
    )
    with contextlib.ExitStack() as stack:
        base = args.url or stack.enter_context(streamlit_server())[0]
        for out, (page, query, size) in shots.items():
            width, height = (int(v) for v in size.split("x"))
            charts = CHARTS.get(Path(out).name, PAGE_CHARTS[page])
            shoot(f"{base}/{page}?{query}", Path(out), width, height, charts)
            print(out)


if __name__ == "__main__":
    main()
