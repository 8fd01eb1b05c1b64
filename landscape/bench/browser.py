"""python -m landscape bench --browser: the app against a bare Streamlit page.

Both are served and driven in the same run, in the same Chromium, so the ratio
holds whatever else the machine is doing. Every time is taken in the page's own
clock (performance.now), from the input event to the frame after the charts
changed.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import urllib.parse
from pathlib import Path

from landscape.browser import chromium, streamlit_server, wait_for_charts, wait_idle

SLIDER = 'input[aria-label="Learning rate (log scale)"]'
QUERY = "?optimizer=sgd&lr=0.1&steps=100"
COMMITS = 8  # arrow-key changes timed per page
MOVES = 24  # pointer moves in one timed drag
# Counts script runs and times each committed change: from the key press to
# the frame after Streamlit's run finished (its deltas, charts included, are
# drawn by then).
WATCH = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    const watched = Boolean(window.bench);  // one observer per page: counts reset
    window.bench = {runs: 0, commits: [], t0: null};
    if (watched) return;
    document.addEventListener('keydown', () => { window.bench.t0 = performance.now(); },
                              true);
    new MutationObserver(() => {
        const state = app.getAttribute('data-test-script-state');
        if (state === 'running') window.bench.runs += 1;
        if (state === 'notRunning' && window.bench.t0 !== null) {
            const t0 = window.bench.t0; window.bench.t0 = null;
            requestAnimationFrame(() => requestAnimationFrame(
                () => window.bench.commits.push(performance.now() - t0)));
        }
    }).observe(app, {attributes: true});
}"""


def thumb(page, slider: str = SLIDER):
    """A slider's thumb (the learning rate's by default): around its visually
    hidden input."""
    handle = page.locator(slider).locator("xpath=../..")
    handle.scroll_into_view_if_needed()
    return handle


def want(page, slider: str = SLIDER) -> float:
    """Bring the pointer over a slider's thumb, as a person about to drag it
    does, and wait for its drag family (the bridge asks for it then): the
    milliseconds from the pointer's arrival to the family's, in the page's
    clock."""
    label = page.locator(slider).get_attribute("aria-label")
    box = thumb(page, slider).bounding_box()
    t0 = page.evaluate("performance.now()")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "(l) => window.landscapeDrag && window.landscapeDrag.drag && "
        "window.landscapeDrag.drag.knobs[l]",
        arg=label,
        timeout=120_000,
    )
    arrived = page.evaluate("Math.max(...window.landscapeDrag.arrivals)")
    wait_idle(page)
    return round(arrived - t0, 1)


def drag(page, moves: int, dx: float, pause_ms: int = 60, slider: str = SLIDER) -> None:
    """Press on the thumb and move it `moves` times by dx pixels; not released."""
    box = thumb(page, slider).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(moves):
        page.mouse.move(x + dx * (i + 1), y)
        page.wait_for_timeout(pause_ms)
    page.wait_for_timeout(200)


def _percentile(values: list[float], q: float) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


class Frames:
    """Bytes the page received from the app: its websockets' frames, and the
    media files (the surface's picture) Streamlit serves by address."""

    def __init__(self, page) -> None:
        self.sizes: list[int] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._add))
        page.on("requestfinished", self._media)

    def _add(self, frame) -> None:
        self.sizes.append(len(frame))

    def _media(self, request) -> None:
        # The app's own media files; Streamlit's fonts live under /static/media/.
        if urllib.parse.urlparse(request.url).path.startswith("/media/"):
            self.sizes.append(request.sizes()["responseBodySize"])

    def take(self) -> int:
        total, self.sizes = sum(self.sizes), []
        return total


def _open(browser, url: str, charts: int) -> tuple[object, Frames, float]:
    """A fresh context (nothing cached) on url; (page, frames, load seconds)."""
    page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    frames = Frames(page)
    start = time.perf_counter()
    page.goto(url)
    wait_for_charts(page, charts)
    return page, frames, time.perf_counter() - start


def _cold_load(browser, url: str, charts: int, times: int = 3) -> float:
    """The median of `times` loads of url, each in a fresh context: seconds."""
    loads = []
    for _ in range(times):
        page, _, seconds = _open(browser, url, charts)
        loads.append(seconds)
        page.context.close()
    return round(statistics.median(loads), 2)


def _commits(page, frames: Frames) -> tuple[list[float], list[int]]:
    """Arrow-key changes of the slider: (ms each, bytes each).

    Each goes one stop up, to a rate this page has not shown: its run is
    trained and its charts sent, as when a student tries a new rate. (Going
    back and forth between two rates, as this did before, let Streamlit's
    message cache send a reference for every chart the page already had:
    37.8 KB a change where a new rate sends 277 KB.)
    """
    page.evaluate(WATCH)
    slider = page.locator(SLIDER)
    times, sizes = [], []
    for i in range(COMMITS + 1):
        frames.take()
        slider.focus()
        before = len(page.evaluate("window.bench.commits"))
        shown = slider.get_attribute("aria-valuetext")
        slider.press("ArrowRight")
        try:
            page.wait_for_function(
                f"window.bench.commits.length > {before}", timeout=120_000
            )
        except Exception as e:  # a bench run hung here once: say what was shown
            raise RuntimeError(f"commit {i} from {shown}: {_stuck(page)}") from e
        wait_idle(page)
        if i:  # the first one warms the new rate's caches
            times.append(page.evaluate("window.bench.commits")[-1])
            sizes.append(frames.take())
    return times, sizes


def _stuck(page) -> str:
    """What a page shows when a change it was given never finished a run."""
    seen = page.evaluate(
        """(slider) => ({
            slider: document.querySelector(slider)?.getAttribute('aria-valuetext'),
            focused: document.activeElement?.getAttribute('aria-label'),
            state: document.querySelector('[data-testid=stApp]')
                .getAttribute('data-test-script-state'),
            status: Boolean(document.querySelector('[data-testid=stStatusWidget]')),
            runs: window.bench.runs, url: location.search})""",
        SLIDER,
    )
    return str(seen)


def _first_load(browser) -> dict:
    """A new server: from its health answer to the charts, and to the first
    visible text (progress)."""
    with streamlit_server() as (url, _):
        page = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
        start = time.perf_counter()
        page.goto(url + QUERY)
        page.wait_for_function(
            "document.querySelector('[data-testid=stMain]') && "
            "document.querySelector('[data-testid=stMain]').innerText.trim().length",
            timeout=120_000,
        )
        visible = time.perf_counter() - start
        wait_for_charts(page, 3)
        charts = time.perf_counter() - start
        page.context.close()
    return {"first_load_s": round(charts, 2), "first_visible_s": round(visible, 2)}


def _warmed(log: Path, timeout: float = 120.0) -> float:
    """Wait until the server's start-up warm-up has ended (its log line);
    returns the seconds waited. After the first page the warm-up compiles the
    lessons' runs for about 3.4 s: cold loads timed then measured a server
    still starting (3.9-4.3 s on 2026-12-08; 3.0 s once it had ended), not a
    later visitor's."""
    began = time.perf_counter()
    ended = ("landscape: warmed", "landscape: warm-up skipped")  # ui/serve.py
    while not any(line in log.read_text(errors="replace") for line in ended):
        if time.perf_counter() - began > timeout:
            raise RuntimeError(f"the server's warm-up did not end in {timeout} s")
        time.sleep(0.2)
    return round(time.perf_counter() - began, 2)


def _app(browser, url: str, log: Path) -> dict:
    page, frames, _ = _open(browser, url + QUERY, 3)
    first_page = frames.take()
    warmup_wait = _warmed(log)
    cold = _cold_load(browser, url + QUERY, 3)
    # The pointer comes over the thumb: the bridge asks for the rate's family
    # (a run of the families' fragment only), timed to its arrival. Wanted,
    # it then comes with every commit, as for a student who drags.
    page.evaluate(WATCH)
    frames.take()
    family_ms = want(page)
    family_bytes = frames.take()
    family_runs = page.evaluate("window.bench.runs")
    times, sizes = _commits(page, frames)
    # One drag across the stops, timed by the bridge itself per input event.
    page.evaluate("window.bench.runs = 0; window.landscapeDrag.times = []")
    frames.take()
    drag(page, MOVES, -6.0)
    swaps = page.evaluate("window.landscapeDrag.times")
    runs, drag_bytes = page.evaluate("window.bench.runs"), frames.take()
    page.mouse.up()
    wait_idle(page)
    page.context.close()
    return {
        "first_page_bytes": first_page,
        "warmup_wait_s": warmup_wait,
        "cold_load_s_median": cold,
        "commit_ms_median": round(statistics.median(times), 1),
        "commit_ms_all": [round(t) for t in times],
        "commit_bytes_median": int(statistics.median(sizes)),
        "family_ms": family_ms,
        "family_bytes": family_bytes,
        "family_script_runs": family_runs,
        "drag_events": len(swaps),
        "drag_redraw_ms_p50": _percentile(swaps, 50),
        "drag_redraw_ms_p95": _percentile(swaps, 95),
        "drag_script_runs": runs,
        "drag_bytes": drag_bytes,
    }


def _floor(browser) -> dict:
    with streamlit_server(script="scripts/bare_page.py") as (url, _):
        page, frames, _ = _open(browser, url, 1)
        first_page = frames.take()
        cold = _cold_load(browser, url, 1)
        times, sizes = _commits(page, frames)
        page.context.close()
    return {
        "first_page_bytes": first_page,
        "cold_load_s_median": cold,
        "commit_ms_median": round(statistics.median(times), 1),
        "commit_bytes_median": int(statistics.median(sizes)),
    }


def main() -> dict:
    """The app's figures, the bare page's, and the app's over the floor's."""
    with chromium() as browser:
        first = _first_load(browser)
        with tempfile.TemporaryDirectory() as tmp:
            log = Path(tmp, "server.log")
            with open(log, "w") as out, streamlit_server(log=out) as (url, _):
                app = _app(browser, url, log)
        floor = _floor(browser)
    return {
        **first,
        **app,
        "floor": floor,
        "commit_vs_floor": round(
            app["commit_ms_median"] / floor["commit_ms_median"], 2
        ),
    }
