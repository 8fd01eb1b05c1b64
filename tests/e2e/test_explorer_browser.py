"""The explorer in real Chromium: what only a browser shows (charts drawn, links)."""

from __future__ import annotations

import asyncio
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from landscape.browser import streamlit_server, wait_for_charts, wait_idle
from landscape.data.presets import make_dataset
from landscape.figures import backdrop
from landscape.surface import loss_surface
from scripts.loadtest_plan import settings_from, verify
from scripts.stream_client import StreamSession

pytestmark = pytest.mark.e2e

LIVE = 3  # contour traces: surface, minimum, the live casing, then its path


def contour_traces(page) -> list[dict]:
    """Type, name and drawn x/y of every trace of the main chart, from Plotly."""
    return page.evaluate(
        """() => document.querySelector('.js-plotly-plot')._fullData.map(d => ({
            type: d.type, name: d.name, mode: d.mode,
            x: d.x ? Array.from(d.x).map(Number) : null,
            y: d.y ? Array.from(d.y).map(Number) : null}))"""
    )


def paths(page) -> dict[str, tuple[list, list]]:
    return {
        t["name"]: (t["x"], t["y"])
        for t in contour_traces(page)[LIVE:]
        if t["type"] == "scatter" and t["mode"] == "lines+markers"
    }


# Each frame from the contour's first draw on: its plot area's top, recorded
# when it changes.
PLACES = """
window.places = [];
const place = () => {
    const g = document.querySelector('.js-plotly-plot .nsewdrag[data-subplot="xy"]');
    const top = g && Math.round(g.getBoundingClientRect().top);
    if (g && window.places[window.places.length - 1] !== top) window.places.push(top);
    requestAnimationFrame(place);
};
requestAnimationFrame(place);
"""


def test_a_fresh_servers_first_page_draws_with_no_error(browser):
    # Its own server: the first page after start-up, which may run while the
    # warm-up imports TensorFlow (then app.py shows its progress message and
    # the preload chart; whether it does depends on timing, so not asserted).
    with streamlit_server() as (url, _):
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.add_init_script(PLACES)
        problems = []
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        chart_code = []  # requests for Streamlit's Plotly chart code
        page.on("request", lambda r: "PlotlyChart" in r.url and chart_code.append(r))
        page.goto(url)
        wait_for_charts(page, 3)
        assert page.get_by_text("Starting TensorFlow").count() == 0  # gone
        assert page.locator("[data-testid=stException]").count() == 0
        heights = page.evaluate(
            "Array.from(document.querySelectorAll('.js-plotly-plot'))"
            ".map(g => g.getBoundingClientRect().height)"
        )
        assert len(heights) == 3 and min(heights) > 200  # no blank preload left
        assert len(chart_code) == 1  # fetched once (by the preload, if shown)
        # Drawn where it stays: the charts do not move once drawn (they did as
        # the notice left the page's flow, and as late widget code replaced
        # skeletons taller than the widgets above them).
        page.wait_for_timeout(1000)
        assert len(page.evaluate("window.places")) == 1
        assert problems == []
        page.close()


def test_the_starting_notice_floats_so_its_removal_moves_nothing(browser):
    # In the page's flow, the notice pushed a fresh server's first charts down
    # until the page had run: they jumped up 46 px just after being drawn.
    with streamlit_server(script="tests/e2e/notice_page.py") as (url, _):
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.add_init_script(
            """window.seen = [];
            const look = () => {
                const g = document.querySelector('.js-plotly-plot .nsewdrag');
                const notice = document.querySelector('.st-key-landscape-starting');
                const shown = Boolean(notice && notice.innerText.includes('Starting'));
                const top = g && Math.round(g.getBoundingClientRect().top);
                if (g) window.seen.push([shown, top]);
                requestAnimationFrame(look);
            };
            requestAnimationFrame(look);"""
        )
        page.goto(url)
        page.wait_for_function(
            "window.seen.length && !window.seen[window.seen.length - 1][0]",
            timeout=60_000,
        )
        page.wait_for_timeout(500)
        seen = page.evaluate("window.seen")
        shown = [top for notice, top in seen if notice]
        after = [top for notice, top in seen if not notice]
        assert shown and after  # the chart was drawn under the notice, then without
        assert set(shown) == set(after) and len(set(after)) == 1
        page.close()


def test_page_draws_the_contour_and_the_live_path(page, server):
    page.goto(server)
    wait_for_charts(page, 3)
    traces = contour_traces(page)
    assert traces[0]["name"] == "loss surface"  # its colour bar and click target
    live = traces[LIVE]
    assert live["name"].endswith("(live)")
    assert len(live["x"]) == 101  # the default 100 steps
    assert (live["x"][0], live["y"][0]) == (-2.0, 2.0)
    # The SVG really holds the surface's picture and the path; the picture the
    # browser got is the engine's surface over the axes' box.
    href = page.evaluate(
        """() => { const g = document.querySelector('.js-plotly-plot');
            const L = g._fullLayout;
            return {href: g.querySelector('.imagelayer image')
                        .getAttribute('href'),
                    x: L.xaxis.range, y: L.yaxis.range}; }"""
    )
    got = page.request.get(urllib.parse.urljoin(server + "/", href["href"]))
    assert got.ok and got.headers["content-type"] == "image/png"
    data = make_dataset("overlap", 200, None, 0)
    surf = loss_surface(data, "cross_entropy", tuple(href["x"]), tuple(href["y"]), 151)
    assert got.body() == backdrop.surface_png(surf)
    assert page.locator(".js-plotly-plot .scatterlayer .js-line").count() >= 1


def test_learning_rate_change_redraws_the_path(page, server):
    page.goto(server)
    wait_for_charts(page, 3)
    # The contour's live path drawn (a full CI run once read the chart before
    # plotly.js had its traces: a KeyError on the name below).
    page.wait_for_function(
        "() => (document.querySelector('.js-plotly-plot')._fullData || [])"
        ".some(d => d.name === 'Gradient descent · lr 0.1 (live)')",
        timeout=60_000,
    )
    x0, y0 = paths(page)["Gradient descent · lr 0.1 (live)"]
    box = page.get_by_label("Exact learning rate")
    box.fill("0.3")
    box.press("Enter")
    # Null-safe: Streamlit remounts a chart whose spec changed (its element id
    # hashes the spec), so for a moment there may be no chart to read.
    page.wait_for_function(
        f"() => document.querySelector('.js-plotly-plot')?._fullData?.[{LIVE}]"
        "?.name.includes('lr 0.3')",
        timeout=60_000,
    )
    wait_idle(page)
    x1, y1 = paths(page)["Gradient descent · lr 0.3 (live)"]
    # Same start and same first gradient, so SGD's first step is exactly 3x
    # longer, up to the float32 weights' rounding near |w| = 2 (2.4e-7 each).
    assert (x1[0], y1[0]) == (x0[0], y0[0])
    assert x1[1] - x1[0] == pytest.approx(3 * (x0[1] - x0[0]), abs=2e-6)
    assert y1[1] - y1[0] == pytest.approx(3 * (y0[1] - y0[0]), abs=2e-6)
    assert abs(x1[1] - x1[0]) > 1e-3  # a step far larger than that rounding
    page.wait_for_function("() => location.search.includes('lr=0.3')")


def test_shared_link_reproduces_settings_and_pins(page, server):
    query = urllib.parse.urlencode(
        [("dataset", "overlap"), ("optimizer", "adam"), ("lr", "0.05"),
         ("steps", "40"), ("w1", "1"), ("w2", "-1"),
         ("pin", "sgd,lr=0.5,steps=40,w1=1,w2=-1"),
         ("pin", "momentum,lr=0.1,steps=40,w1=1,w2=-1,momentum=0.8")]
    )  # fmt: skip
    page.goto(f"{server}/?{query}")
    wait_for_charts(page, 3)
    drawn = paths(page)
    assert set(drawn) == {
        "Adam · lr 0.05 (live)",
        "Gradient descent · lr 0.5",
        "SGD with momentum · lr 0.1",
    }
    for x, y in drawn.values():
        assert len(x) == 41 and (x[0], y[0]) == (1.0, -1.0)
    assert page.get_by_label("Exact learning rate").input_value() == "0.05"
    # The page writes the same settings back into its own URL.
    params = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert params["optimizer"] == ["adam"] and params["dataset"] == ["overlap"]
    assert len(params["pin"]) == 2


@pytest.mark.parametrize(
    "query, names",
    [
        ("lr=abc&optimizer=nope", ["lr", "optimizer"]),
        ("w1=inf&steps=-5&pin=zzz", ["w1", "steps", "pin"]),
        (
            "dataset=..%2F..%2Fetc%2Fpasswd&samples=1e999&beta_1=5",
            ["dataset", "samples"],
        ),
    ],
)
def test_hostile_links_still_render(page, server, query, names):
    page.goto(f"{server}/?{query}")
    wait_for_charts(page, 3)
    warnings = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    text = " ".join(warnings)
    for name in names:
        assert f"URL parameter {name}" in text, (name, warnings)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert len(contour_traces(page)[LIVE]["x"]) > 1


def test_a_browser_back_from_a_dead_server_keeps_the_data_set_it_was_given(server):
    # A page that had uploaded a file loses its server; Streamlit's frontend
    # reconnects (a new session) and reruns with the URL dataset=upload: the
    # upload is lost, the page falls back to 'overlap'. The user's next change
    # still sends the widgets of the page it had, the data set among them as
    # "Uploaded: doses.csv", which the new page does not offer: Streamlit would
    # take the first option ('blobs'), under the warning that names 'overlap'.
    query = "dataset=upload&optimizer=sgd&lr=0.015&w1=-2&w2=2&steps=100"

    async def reconnect():
        async with StreamSession(server, query) as session:
            first = await session.rerun()
            after = await session.rerun(
                {"in_dataset": "Uploaded: doses.csv", "lr_box": 0.0225}
            )
        return first, after

    # In a thread of its own: this module's Playwright runs an event loop here.
    with ThreadPoolExecutor(1) as thread:
        first, after = thread.submit(asyncio.run, reconnect()).result()
    for page in (first, after):
        assert page.ok and not page.errors, page.exceptions
        assert any(w.startswith("The uploaded file was lost") for w in page.warnings)
    s = settings_from(after.query)
    assert (s.dataset, s.lr) == ("overlap", 0.0225)  # the user's change counts
    assert verify([(0, s, *after.live_path())]) == []
