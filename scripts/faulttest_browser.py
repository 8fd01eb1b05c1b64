"""The fault test's Chromium page: it uploads a CSV, then outlives its replica.

The page opens through the balancer, uploads a small CSV (the data set becomes
"upload", and so does the URL's dataset=), and reports which replica its
affinity cookie names: that replica is the one the fault test kills. When the
replica dies, Streamlit's own frontend reconnects through the balancer and
opens a new session. A page idle at the kill reruns on the user's next change
(Streamlit reruns at once only if a run was under way), so the page then types
a new learning rate. It must say that the upload was lost, show no exception,
keep the URL's other settings, and draw the live run of the settings its URL
now holds, checked against the engine like every other path.
"""

from __future__ import annotations

import asyncio
import time
import urllib.parse
from dataclasses import dataclass, field, replace

from deploy.haproxy import COOKIE
from landscape.browser import CHARTS, CHROMIUM, CHROMIUM_ARGS, IDLE
from scripts.loadtest_browser import LIVE, TIMEOUT, _read, settled
from scripts.loadtest_plan import Settings, settings_from

CSV = b"dose,label\n" + b"".join(f"{i / 10:g},{i % 2}\n".encode() for i in range(40))
LOST = "The uploaded file was lost"


@dataclass
class UploadPage:
    """What the uploading page saw: its replica, then its page after the kill."""

    settings: Settings
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    replica: str = ""
    warning: str = ""
    recovery_s: float | None = None
    path: tuple | None = None  # (settings, name, xy) after the reconnect
    errors: list[str] = field(default_factory=list)
    # Every URL the page's main frame went to (time.monotonic(), URL): the
    # evidence when a page comes back with settings other than its own.
    urls: list[tuple[float, str]] = field(default_factory=list)

    def url_history(self, killed_at: float | None) -> str:
        """The URLs' dataset and lr in order, timed from the kill."""
        steps = []
        for at, url in self.urls:
            t = at - (killed_at or at)
            q = urllib.parse.parse_qs(url.partition("?")[2])
            steps.append(f"{t:+.1f}s {q.get('dataset')} {q.get('lr')}")
        return "; ".join(steps)


async def _uploaded(page, url: str, s: Settings) -> None:
    await page.goto(f"{url}/?{s.query()}", timeout=TIMEOUT)
    await page.wait_for_function(
        f"() => document.querySelector('{CHARTS}') && ({LIVE})() && {IDLE}",
        timeout=TIMEOUT,
    )
    await page.locator('input[type="file"]').set_input_files(
        files=[{"name": "doses.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    await page.wait_for_url("**dataset=upload**", timeout=TIMEOUT)
    await page.wait_for_function(f"() => {IDLE}", timeout=TIMEOUT)


async def _recover(page, out: UploadPage, sockets: list[float], killed_at: float):
    """Wait for the frontend's new socket, change the rate, check the page."""
    while not any(t > killed_at for t in sockets):
        if time.monotonic() - killed_at > TIMEOUT / 1000:
            raise TimeoutError("the page opened no new websocket")
        await asyncio.sleep(0.1)
    typed = round(out.settings.lr * 1.5, 6)
    box = page.get_by_label("Exact learning rate")
    await box.fill(f"{typed:g}")
    await box.press("Enter")
    # Until the page has settled on the fallback: the message shown, the URL
    # no longer naming the lost upload (the reconnect takes more than one run,
    # and the first can still carry the old query: read there, the check
    # below failed on a page that was still on its way).
    live = await settled(
        page,
        f"document.body.innerText.includes({LOST!r}) "
        "&& !location.search.includes('dataset=upload')",
    )
    out.recovery_s = time.monotonic() - killed_at
    alerts = await page.locator('[data-testid="stAlert"]').all_inner_texts()
    out.warning = next((a for a in alerts if LOST in a), "")
    got = await _read(page, out.recovery_s, live)
    out.errors += got.errors
    # The URL's other settings stand; the data set is the default one again.
    # The URL as the path was read: the typed rate's run may follow the
    # reconnect's (settled, and checked, in between).
    query = (live or {}).get("query", page.url.partition("?")[2])
    s = settings_from(query)
    before = replace(out.settings, dataset="overlap", seed=0, lr=s.lr)
    if s != before or s.lr not in (out.settings.lr, typed):
        out.errors.append(
            f"upload page came back with {s}, not {before}; its URLs: "
            f"{out.url_history(killed_at)}; read with the path: {query}"
        )
    else:  # its path is checked against the engine with the others'
        out.path = (s, *got.live_path())


async def upload_page(url: str, out: UploadPage, killed: asyncio.Event,
                      clock: dict) -> None:  # fmt: skip
    """Upload, report the replica (out.ready), wait for the kill, then recover."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1600, "height": 900})
            page = await context.new_page()

            def went(frame) -> None:
                if frame == page.main_frame:
                    out.urls.append((time.monotonic(), frame.url))

            page.on("framenavigated", went)
            await _uploaded(page, url, out.settings)
            cookies = {c["name"]: c["value"] for c in await context.cookies()}
            out.replica = cookies.get(COOKIE, "")
            sockets: list[float] = []
            page.on("websocket", lambda _: sockets.append(time.monotonic()))
            out.ready.set()
            await killed.wait()
            await _recover(page, out, sockets, clock["killed_at"])
        except Exception as e:
            first = (str(e).splitlines() or [""])[0]
            out.errors.append(f"upload page: {type(e).__name__}: {first}")
            out.ready.set()
        finally:
            await browser.close()
