"""python -m landscape bench --browser: payload and redraw time in Chromium."""

from __future__ import annotations

import statistics
import time

from landscape.browser import chromium, streamlit_server, wait_for_charts, wait_idle

LIVE_PATH = 2  # contour traces: the surface, the minimum, then the live run's path
RATES = ("0.05", "0.2", "0.03", "0.5", "0.07", "0.3", "0.02", "0.15", "0.04", "0.6")


def _path_x(page) -> list:
    return page.evaluate(
        f"""() => {{
            const d = document.querySelector('.js-plotly-plot')._fullData[{LIVE_PATH}];
            return Array.from(d.x).slice(0, 8).map(Number);
        }}"""
    )


def _redraw_ms(page, box, rate: str, frames: list) -> tuple[float, float]:
    """Type a learning rate, press Enter; time until the drawn path changes.

    Returns (ms until the path changed, ms until the server's first message).
    """
    before = _path_x(page)
    box.fill(rate)
    frames.clear()
    start = time.perf_counter()
    box.press("Enter")
    page.wait_for_function(
        f"""(before) => {{
            const d = document.querySelector('.js-plotly-plot')._fullData[{LIVE_PATH}];
            const now = Array.from(d.x).slice(0, 8).map(Number);
            return JSON.stringify(now) !== JSON.stringify(before);
        }}""",
        arg=before,
        timeout=60_000,
    )
    elapsed = (time.perf_counter() - start) * 1000
    first = (min(t for t, _ in frames) - start) * 1000 if frames else float("nan")
    wait_idle(page)
    return elapsed, first


def main(repeats: int = len(RATES)) -> dict:
    """Payload of the default page and the median redraw after a rate change."""
    with streamlit_server() as (url, _), chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        frames: list[tuple[float, int]] = []

        def watch(ws) -> None:
            ws.on(
                "framereceived", lambda f: frames.append((time.perf_counter(), len(f)))
            )

        page.on("websocket", watch)
        page.goto(url)
        wait_for_charts(page, 3)
        payload = sum(size for _, size in frames)
        charts = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
            ".map(g => JSON.stringify({data: g.data, layout: g.layout}).length)"
        )
        box = page.get_by_label("Exact learning rate")
        _redraw_ms(page, box, "0.11", frames)  # warm-up
        times = [_redraw_ms(page, box, r, frames) for r in RATES[:repeats]]
    return {
        "default_page_websocket_bytes": payload,
        "default_page_plotly_json_chars": charts,
        "redraw_ms_median": round(statistics.median(t for t, _ in times), 1),
        "first_server_message_ms_median": round(
            statistics.median(f for _, f in times), 1
        ),
        "redraw_ms_all": [round(t, 1) for t, _ in times],
    }
