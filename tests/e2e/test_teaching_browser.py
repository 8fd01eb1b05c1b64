"""The teaching features in real Chromium: click to start, playback, classroom mode."""

from __future__ import annotations

import io
import urllib.parse

import numpy as np
import pytest
from PIL import Image

from landscape import framing
from landscape.browser import wait_for_charts, wait_idle

pytestmark = pytest.mark.e2e

PLOT = "document.querySelector('.js-plotly-plot')"  # the first chart on the page
LIVE = 3  # the contour's surface, minimum, the live casing, then its path
PLAYBACK_LIVE = 2  # the surface is a picture: minimum, live casing, its path
SCREENSHOT = "/tmp/classroom_720.png"


def url_params(page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


def live_start(page) -> list[float]:
    return page.evaluate(
        f"() => {{ const d = {PLOT}._fullData[{LIVE}]; return [d.x[0], d.y[0]]; }}"
    )


# --- click to start ------------------------------------------------------------
def test_a_click_on_the_contour_starts_the_live_run_there(page, server):
    page.goto(f"{server}/?steps=30")
    wait_for_charts(page, 3)
    assert live_start(page) == [-2.0, 2.0]

    # The chart bridge (a component, loaded after the charts) carries the click.
    page.wait_for_function("() => window.landscapeDrag", timeout=60_000)
    # Read where the point is once the plot area has stayed put for 0.3 s: on
    # a fresh server's first page it moved up 8 px after the charts were first
    # drawn (seen once in three; its cause not found), and a point read before
    # that was clicked 8 px off (CI and here: w2 1.5 where 1.56 was read).
    page.wait_for_function(
        f"""() => {{
            const r = {PLOT}.querySelector('.nsewdrag[data-subplot="xy"]')
                .getBoundingClientRect(), key = [r.left, r.top, r.width, r.height] + '';
            const same = window.lastArea === key;
            window.lastArea = key;
            return same;
        }}""",
        polling=300,
        timeout=60_000,
    )
    # A point inside the contour's plot area, in page pixels and in data units.
    fx, fy = 0.63, 0.41
    area = page.evaluate(
        f"""([fx, fy]) => {{
            const g = {PLOT}, L = g._fullLayout;
            const r = g.querySelector('.nsewdrag[data-subplot="xy"]')
                .getBoundingClientRect();
            const dx = fx * r.width, dy = fy * r.height;
            return {{px: r.left + dx, py: r.top + dy,
                     x: L.xaxis.p2d(dx), y: L.yaxis.p2d(dy),
                     box: [...L.xaxis.range, ...L.yaxis.range]}};
        }}""",
        [fx, fy],
    )
    expected = list(framing.click_start(area["box"], (area["x"], area["y"])))
    assert expected != [-2.0, 2.0]

    page.mouse.move(area["px"], area["py"])  # Plotly picks the point on hover
    hover = page.locator(".hoverlayer").first.text_content()
    assert "click to start here" in hover
    page.mouse.click(area["px"], area["py"])
    page.wait_for_function(
        f"() => Math.abs({PLOT}?._fullData?.[{LIVE}]?.x[0] - ({expected[0]})) < 1e-4",
        timeout=60_000,
    )
    wait_idle(page)
    assert live_start(page) == pytest.approx(expected, abs=1e-5)
    params = url_params(page)
    assert float(params["w1"][0]) == pytest.approx(expected[0])
    assert float(params["w2"][0]) == pytest.approx(expected[1])
    assert params["steps"] == ["30"]
    # One click, one start: the bridge sent it once.
    assert page.evaluate("window.landscapeDrag.clicks") == 1


def test_a_click_sent_with_a_family_request_still_starts_the_run_there(page, server):
    # Streamlit sends the widget updates of one tick as one rerun, scoped to
    # the fragment of the first: a drag family's request (a fragment) batched
    # with a click made the click's rerun the fragment's, and the start stayed.
    page.goto(f"{server}/?steps=30")
    wait_for_charts(page, 3)
    wait_idle(page)
    label = "Learning rate (log scale)"
    page.wait_for_function(
        "(l) => window.landscapeDrag && window.landscapeDrag.pending[l]", arg=label
    )
    page.evaluate(
        """(l) => { const d = window.landscapeDrag;
            d.pending[l].trigger('want', l);
            d.trigger('start', {w1: 0.5, w2: 1.5, box: [-4, 2, -3, 3]}); }""",
        label,
    )
    page.wait_for_function(
        f"() => Math.abs({PLOT}?._fullData?.[{LIVE}]?.x[0] - 0.5) < 1e-6",
        timeout=60_000,
    )
    page.wait_for_function(
        "(l) => window.landscapeDrag.drag && window.landscapeDrag.drag.knobs[l]",
        arg=label,
        timeout=60_000,
    )
    wait_idle(page)
    assert live_start(page) == pytest.approx([0.5, 1.5], abs=1e-6)
    params = url_params(page)
    assert (params["w1"], params["w2"]) == (["0.5"], ["1.5"])


# --- playback ------------------------------------------------------------------
# The playback's slider, its step, the live run's moving point and its path.
PLAYBACK = """(live) => {
    const g = document.querySelector('.js-plotly-plot');
    const frames = g._transitionData._frames, path = g._fullData[live];
    const i = frames[0].traces[0], active = g._fullLayout.sliders[0].active;
    // The current-value text is the one label outside the step labels' groups.
    const label = Array.from(g.querySelectorAll('.slider-label')).find(
        e => !e.parentNode.classList.contains('slider-label-group'));
    return {frames: frames.length, active, step: Number(frames[active].name),
            label: label.textContent,
            point: [g._fullData[i].x[0], g._fullData[i].y[0]],
            path: [Array.from(path.x), Array.from(path.y)]};
}"""


def test_playback_plays_every_run_from_step_zero(page, server):
    rates = (0.01, 0.03, 0.05, 0.2, 0.3, 0.5, 1.0)  # the live run is at 0.1
    query = "steps=1000&" + "&".join(
        f"pin=sgd,lr={lr},steps=1000,w1=-2,w2=2" for lr in rates
    )
    sizes = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: sizes.append(len(payload))),
    )
    page.goto(f"{server}/?{query}")
    wait_for_charts(page, 3)
    sizes.clear()

    page.get_by_role("radio", name="Playback").click()
    page.wait_for_function(
        f"() => ({PLOT}?._transitionData?._frames?.length ?? 0) > 0", timeout=60_000
    )
    wait_idle(page)
    print(
        f"\nplayback payload, 8 runs x 1000 steps: {max(sizes) / 1e6:.2f} MB "
        f"in the largest websocket message ({sum(sizes) / 1e6:.2f} MB in all)"
    )
    before = page.evaluate(PLAYBACK, PLAYBACK_LIVE)
    assert before["frames"] == 300
    assert before["active"] == 0 and before["label"] == "step 0"
    assert before["point"] == [-2.0, 2.0]

    page.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_timeout(1000)
    page.locator(".updatemenu-button", has_text="Pause").click()
    page.wait_for_timeout(200)
    after = page.evaluate(PLAYBACK, PLAYBACK_LIVE)
    assert after["active"] > 0
    assert after["label"] == f"step {after['step']}"
    assert after["point"] != before["point"]
    # The point is the live run at the slider's step (six significant digits).
    x, y = after["path"]
    assert after["point"] == pytest.approx(
        [x[after["step"]], y[after["step"]]], rel=1e-5
    )


COMPARE = "dataset=overlap&optimizer=momentum&lr=0.1&pin=sgd,lr=1&pin=adam,lr=0.1"


def surface_seen(page) -> dict:
    """What the playback's surface panel shows: its pictures and how much of its
    plot area is the surface's grey rather than the page's white."""
    box = page.evaluate(
        f"""() => {{ const r = {PLOT}.querySelector('.nsewdrag[data-subplot="xy"]')
            .getBoundingClientRect();
            return {{x: r.left, y: r.top, width: r.width, height: r.height}}; }}"""
    )
    pixels = np.asarray(Image.open(io.BytesIO(page.screenshot(clip=box))).convert("L"))
    images = page.evaluate(
        f"() => {PLOT}.querySelectorAll('.layer-subplot image').length"
    )
    return {"images": images, "grey": float((pixels < 245).mean())}


def test_the_surface_stays_through_play_speed_and_scrubbing(page, server):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/?{COMPARE}")
    wait_for_charts(page, 3)
    page.get_by_role("radio", name="Playback").click()
    page.wait_for_function(
        f"() => ({PLOT}?._transitionData?._frames?.length ?? 0) > 0", timeout=60_000
    )
    wait_idle(page)
    before = surface_seen(page)
    assert before["images"] == 1 and before["grey"] > 0.5, before

    seen = {}
    page.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_timeout(1200)
    seen["playing"] = surface_seen(page)
    page.locator(".updatemenu-button", has_text="2x").click()
    page.wait_for_timeout(800)
    seen["at 2x"] = surface_seen(page)
    page.locator(".updatemenu-button", has_text="Pause").click()
    seen["paused"] = surface_seen(page)
    rail = page.locator(".slider-rail-rect").first.bounding_box()
    page.mouse.click(rail["x"] + 0.3 * rail["width"], rail["y"] + rail["height"] / 2)
    page.wait_for_timeout(500)
    seen["scrubbed"] = surface_seen(page)
    step = page.evaluate(PLAYBACK, PLAYBACK_LIVE)["step"]

    assert step > 0
    for moment, now in seen.items():
        assert now["images"] == 1, (moment, now)
        assert abs(now["grey"] - before["grey"]) < 0.05, (moment, now, before)
    assert errors == []


# --- classroom mode at a projector's 1280x720 ------------------------------------
@pytest.fixture(scope="module")
def classroom(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{server}/?classroom=1")
    wait_for_charts(page, 1)
    page.screenshot(path=SCREENSHOT)
    yield page
    context.close()


def font_sizes(page, selector: str) -> list[tuple[str, str, float]]:
    """(class of the element or its group, text, computed font size in px)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map(e => [
            e.getAttribute('class') || e.parentNode.getAttribute('class'),
            e.textContent, parseFloat(getComputedStyle(e).fontSize)])""",
        selector,
    )


def test_classroom_collapses_the_sidebar_and_draws_large_type(classroom):
    sidebar = classroom.evaluate(
        """() => { const s = document.querySelector('[data-testid="stSidebar"]');
            const r = s.getBoundingClientRect();
            return {expanded: s.getAttribute('aria-expanded'), right: r.right,
                    width: r.width}; }"""
    )
    assert sidebar["expanded"] in (None, "false")
    assert sidebar["right"] <= 0 or sidebar["width"] < 50, sidebar
    assert url_params(classroom)["classroom"] == ["1"]

    titles = font_sizes(classroom, ".js-plotly-plot text[class$='title']")
    axis_titles = [t for t in titles if t[0] in ("xtitle", "ytitle")]
    assert [t[1] for t in axis_titles] == ["w1 (x1)", "w2 (x2)"]
    # The playback's three subplots: w1, w2; loss (its panel's title says
    # "per step"); the data's two axes.
    assert [t[1] for t in titles] == ["w1 (x1)", "x1", "w2 (x2)", "loss", "x2"]
    for cls, text, size in titles:
        assert size >= 22, (cls, text, size)

    ticks = font_sizes(classroom, ".js-plotly-plot g[class$='tick'] text")
    contour_ticks = [t for t in ticks if t[0] in ("xtick", "ytick")]
    assert len(contour_ticks) >= 6
    # The log loss axis's minor digits are checked in the test below.
    for cls, text, size in ticks:
        if cls != "y2tick":
            assert size >= 18, (cls, text, size)

    plot = classroom.evaluate(
        f"""() => {{ const r = {PLOT}.querySelector('.nsewdrag[data-subplot="xy"]')
            .getBoundingClientRect(); return [r.top, r.bottom]; }}"""
    )
    print(f"\ncontour plot area at 1280x720: y {plot[0]:.0f} to {plot[1]:.0f} px")


def test_classroom_loss_axis_labels_are_large_too(classroom):
    ticks = font_sizes(classroom, ".js-plotly-plot g[class$='y2tick'] text")
    assert ticks
    small = [(text, size) for _, text, size in ticks if size < 18]
    assert small == []
