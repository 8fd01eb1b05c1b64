"""The small-network page in real Chromium: the contour, the projected path and the
decision drawn with the engine's numbers, a shared link, no console errors, and
the sidebar between the two pages."""

from __future__ import annotations

import urllib.parse

import numpy as np
import pytest
from playwright.sync_api import expect

from landscape import links, trainer
from landscape.browser import IDLE, wait_for_charts, wait_idle
from landscape.data.presets import make_dataset
from landscape.net import api
from landscape.net.config import net_config
from landscape.settings import run_config
from tests import net_numpy

pytestmark = pytest.mark.e2e

QUERY = {"dataset": "moons", "samples": "80", "layers": "2", "units": "5",
         "units2": "3", "optimizer": "sgd", "lr": "0.3", "steps": "40",
         "plane": "pca", "grid": "11", "step": "12"}  # fmt: skip
# Streamlit's frontend, opened at /network, first looks for its server under
# that path, then at the root: these two 404s are its probe, not the page's.
PROBES = ("/network/_stcore/health", "/network/_stcore/host-config")


def figures(page) -> list[list[dict]]:
    """Each drawn Plotly chart's traces (type, name, mode, x, y, z) in page order."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
            el => el._fullData.map(d => ({type: d.type, name: d.name, mode: d.mode,
              x: d.x ? Array.from(d.x).map(Number) : null,
              y: d.y ? Array.from(d.y).map(Number) : null,
              z: d.z ? Array.from(d.z).map(r => Array.from(r).map(Number)) : null})))"""
    )


def engine_run():
    data = make_dataset("moons", 80, None, 0)
    cfg = net_config((5, 3), "tanh", optimizer="sgd", learning_rate=0.3, steps=40)
    return api.train(data, cfg)


def watch(page) -> tuple[list, list]:
    errors, missing = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    return errors, missing


def check_quiet(errors: list, missing: list) -> None:
    """No console error but the frontend's own probe (exactly those URLs 404)."""
    assert all(urllib.parse.urlparse(u).path in PROBES for u in missing), missing
    assert len(errors) == len(missing), errors
    assert all("404" in e for e in errors), errors


def test_page_draws_the_contour_the_path_and_the_decision(page, server):
    errors, missing = watch(page)
    page.goto(f"{server}/network?{urllib.parse.urlencode(QUERY)}")
    wait_for_charts(page, 4)
    plane, decision = figures(page)[:2]
    run = engine_run()
    want = api.slice_run(run, "pca", 11)
    assert plane[0]["type"] == "contour"
    np.testing.assert_allclose(plane[0]["x"], want.a1, rtol=1e-6)
    path = next(t for t in plane if t["mode"] == "lines+markers")
    assert path["name"].endswith("(live)")
    np.testing.assert_allclose(np.stack([path["x"], path["y"]], 1), want.path,
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    # The decision's fill: a float64 NumPy forward pass at step 12.
    fill = decision[0]
    xx, yy = np.meshgrid(fill["x"], fill["y"])
    layout = [{"name": n, "shape": list(s)} for n, s in run.layout]
    z = net_numpy.forward(layout, "tanh", np.stack([xx.ravel(), yy.ravel()], 1),
                          run.params[12])[2]  # fmt: skip
    np.testing.assert_allclose(np.ravel(fill["z"]), net_numpy.sigmoid(z), atol=2e-6)
    # The SVG really holds them: filled levels, the path's line, the p = 0.5 line.
    charts = page.locator(".js-plotly-plot")
    assert charts.nth(0).locator(".contourlayer path").count() > 10
    assert charts.nth(0).locator(".scatterlayer .js-line").count() >= 1
    assert charts.nth(1).locator(".contourlayer .contourlevel path").count() >= 1
    assert page.get_by_text("The path leaves this plane").count() == 1
    check_quiet(errors, missing)


def test_a_shared_link_restores_the_page(page, browser, server):
    page.goto(f"{server}/network?{urllib.parse.urlencode(QUERY)}")
    wait_for_charts(page, 4)
    link = page.url
    assert all(f"{k}={v}" in link for k, v in QUERY.items())
    drawn = figures(page)[0]
    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    errors, missing = watch(other)
    other.goto(link)
    wait_for_charts(other, 4)
    assert figures(other)[0] == drawn
    assert other.get_by_label("Units (2nd)").input_value() == "3"
    assert other.url == link
    check_quiet(errors, missing)
    other.context.close()


def test_the_sidebar_leads_from_the_explorer_to_the_network(page, server):
    page.goto(server)
    wait_for_charts(page, 3)
    page.get_by_role("link", name="Small network").click()
    page.wait_for_url("**/network**")
    wait_for_charts(page, 4)
    # its own defaults, not the explorer's link read as its own (sgd, overlap)
    assert "dataset=circles" in page.url and "optimizer=adam" in page.url
    assert page.get_by_text("URL parameter").count() == 0


# The explorer's live path as plotly.js drew it, once that page is back and idle.
EXPLORER_LIVE = f"""() => {{
  if (!document.querySelector('input[aria-label="Exact learning rate"]')) return null;
  if (!{IDLE}) return null;
  const plot = document.querySelector('.js-plotly-plot');
  const t = plot && (plot._fullData || []).find(d => (d.name || '').endsWith('(live)'));
  return t ? {{name: t.name, x: Array.from(t.x).map(Number),
              y: Array.from(t.y).map(Number)}} : null;
}}"""


def test_the_sidebar_leads_back_to_the_explorer_as_it_was_left(page, server):
    """Streamlit drops a page's widget values when the sidebar opens the other
    page; the explorer came back at its widgets' minimum (blobs, samples 2, lr
    1e-06, steps 1, w1 = w2 = -1000) and raised an error."""
    link = ("dataset=dose&samples=120&seed=7&loss=mse&optimizer=adam&lr=0.05"
            "&steps=40&w1=1&w2=-1")  # fmt: skip
    page.goto(f"{server}/?{link}")
    wait_for_charts(page, 3)
    box = page.get_by_label("Exact learning rate")
    box.fill("0.07")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('lr=0.07')")
    wait_idle(page)
    left = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)

    page.get_by_role("link", name="Small network").click()
    page.wait_for_url("**/network**")
    wait_for_charts(page, 4)
    page.get_by_role("link", name="Two weights").click()
    page.wait_for_url(lambda u: "/network" not in u)
    live = page.wait_for_function(EXPLORER_LIVE, timeout=120_000).json_value()

    assert page.locator('[data-testid="stException"]').count() == 0
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert query == left
    state, said = links.parse_query(query)
    assert said == [] and (state.dataset, state.lr) == ("dose", 0.07)
    data = make_dataset(state.dataset, state.samples, state.noise, state.seed)
    want = trainer.run(data, run_config(state.live, state.loss, state.seed)).weights
    assert live["name"] == f"{state.live.label} (live)"
    drawn = np.stack([live["x"], live["y"]], axis=-1)
    np.testing.assert_allclose(drawn, want, rtol=0, atol=1e-6)


def test_play_moves_the_decision_to_the_end_and_stops(page, server):
    errors, missing = watch(page)
    page.goto(f"{server}/network?steps=40&grid=7&samples=60")
    wait_for_charts(page, 4)
    titles = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
        .map(e => e.layout && e.layout.title ? e.layout.title.text : '').join()"""
    assert "decision at step 40" in page.evaluate(titles)
    page.get_by_text("Play", exact=True).click()
    page.wait_for_function(f"({titles})().match(/decision at step ([1-9]|1[0-9]) /)")
    page.wait_for_url("**step=40*", timeout=120_000)
    # at the last step the page reruns whole with Play off
    expect(page.get_by_role("switch", name="Play")).not_to_be_checked(timeout=60_000)
    wait_idle(page)
    assert "decision at step 40" in page.evaluate(titles)
    check_quiet(errors, missing)


def test_classroom_fits_a_1280x720_projector(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{server}/network?classroom=1&steps=60&grid=9")
    wait_for_charts(page, 2)
    bottoms = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot'),
                  [...document.querySelectorAll('[data-testid=stAlert]')].pop()]
            .map(e => e.getBoundingClientRect().bottom)"""
    )
    assert len(bottoms) == 3 and max(bottoms) <= 720, bottoms
    assert page.get_by_text("The path leaves this plane").is_visible()
    context.close()
