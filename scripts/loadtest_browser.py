"""The load test's real-browser sessions: Chromium pages typing learning rates.

Each page opens its own URL, then types a new learning rate into the "Exact
learning rate" box per interaction (one rerun each), timed from Enter until the
live path is redrawn with that rate and Streamlit is idle. The drawn path is
read from Plotly's own data, so it is checked exactly like a websocket session's.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import time
from dataclasses import replace

import numpy as np

from landscape.browser import CHROMIUM, CHROMIUM_ARGS, IDLE
from scripts.loadtest_server import processes, tree_cpu_seconds

TIMEOUT = 240_000  # ms: a page not drawn by then is an error
FAILED = "document.querySelector('[data-testid=\"stException\"]')"
# The contour, found by its surface, not as the page's first chart: Streamlit
# remounts a chart whose figure changed, and while the contour was away the
# first chart was the loss or data view, whose live traces carry the same name
# (a CI run read the data view's 100-point boundary line as the live path; an
# earlier one the loss curve's 201 points). The path is the trace whose
# meta part is "path" (figures.theme.part).
LIVE = """() => {
  const plot = Array.from(document.querySelectorAll('.js-plotly-plot')).find(
    g => (g._fullData || []).some(d => d.name === 'loss surface'));
  const t = plot && plot._fullData.find(d => d.meta && d.meta.part === 'path'
    && (d.name || '').endsWith('(live)'));
  return t ? {name: t.name, x: Array.from(t.x).map(Number),
              y: Array.from(t.y).map(Number)} : null;
}"""


class _Page:
    """Stands in for a websocket Page in Record.page."""

    def __init__(self, seconds: float, name: str, xy: np.ndarray, errors: list[str]):
        self.seconds, self.errors, self.exceptions = seconds, errors, []
        self.ok, self.status = True, 0
        self._live = (name, xy)

    def live_path(self) -> tuple[str, np.ndarray]:
        return self._live


async def settled(page, condition: str = "true") -> dict | None:
    """Wait until the page failed, or until `condition` (JavaScript, which may
    use `live`) holds with the live path drawn and Streamlit idle. Returns
    that live path and the page's query string (its "query"), read in the
    same evaluation (None if the page failed).

    Read after the wait, in a second evaluation, the contour could be away
    being remounted (a fault-test run in CI read no path at all, '' (0, 2)),
    or a next run could have changed the URL (a probe: the reconnect's run
    settled at lr 0.015, then the typed 0.0225 started a run before
    page.url was read)."""
    handle = await page.wait_for_function(
        f"() => {{ if ({FAILED}) return {{failed: true}}; const live = ({LIVE})(); "
        f"return live && ({condition}) && {IDLE} "
        "? {...live, query: location.search.slice(1)} : null; }",
        timeout=TIMEOUT,
    )
    live = await handle.json_value()
    return None if live.get("failed") else live


async def _read(page, seconds: float, live: dict | None) -> _Page:
    """The page's errors and the live path `settled` read (none if it failed)."""
    errors = await page.locator('[data-testid="stException"]').all_inner_texts()
    live = live or {"name": "", "x": [], "y": []}
    xy = np.stack([np.array(live["x"]), np.array(live["y"])], axis=-1)
    return _Page(seconds, live["name"], xy.astype(np.float32), errors)


async def _one(browser, url, who, steps, rec, think) -> None:
    from landscape.runspec import run_label

    context = await browser.new_context(viewport={"width": 1600, "height": 1000})
    page = await context.new_page()
    rng = random.Random(who)
    try:
        started = time.perf_counter()
        await page.goto(f"{url}/?{steps[0].query()}", timeout=TIMEOUT)
        live = await settled(page)  # drawn, or failed: either way, done
        seconds = time.perf_counter() - started
        rec.page(who, steps[0], await _read(page, seconds, live), True)
        for s in steps[1:]:
            s = replace(steps[0], lr=s.lr)  # a browser session changes the rate
            await asyncio.sleep(rng.uniform(0, 2 * think))
            box = page.get_by_label("Exact learning rate")
            await box.fill(f"{s.lr:g}")
            started = time.perf_counter()
            await box.press("Enter")
            label = f"{run_label(s.optimizer, s.lr)} (live)"
            live = await settled(page, f"live.name === {json.dumps(label)}")
            seconds = time.perf_counter() - started
            rec.page(who, s, await _read(page, seconds, live), False)
    except Exception as e:
        with rec.lock:
            first = (str(e).splitlines() or [""])[0]
            rec.errors.append(f"browser session {who}: {type(e).__name__}: {first}")
    finally:
        await context.close()


def _chromium_cpu() -> float:
    """CPU seconds of the Chromium processes this process started (through
    Playwright's driver), each tree from its topmost Chromium process."""
    table = processes()

    def chrome(pid: int) -> bool:
        return pid in table and table[pid][0].startswith("chrom")

    def ours(pid: int) -> bool:  # a descendant of this process
        while pid > 1:
            pid = table[pid][1] if pid in table else 0
            if pid == os.getpid():
                return True
        return False

    roots = [p for p in table if chrome(p) and not chrome(table[p][1]) and ours(p)]
    return sum(tree_cpu_seconds(pid, table) for pid in roots)


async def browser_sessions(url: str, ids, plans, rec, think: float) -> None:
    """Run one Chromium page per plan, all at once, in one headless browser.
    rec.browser_cpu_s: the CPU seconds Chromium took over these sessions (on
    this machine, cores the server does not get)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            cpu = _chromium_cpu()
            await asyncio.gather(
                *(_one(browser, url, i, s, rec, think) for i, s in zip(ids, plans))
            )
            rec.browser_cpu_s = _chromium_cpu() - cpu
        finally:
            await browser.close()
