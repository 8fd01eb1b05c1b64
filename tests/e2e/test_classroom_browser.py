"""What a teacher sees first, in real Chromium: a projector-sized screen, nine
runs told apart, and a diverging run that does not crush the others."""

from __future__ import annotations

import pytest

from landscape.browser import wait_for_charts

pytestmark = pytest.mark.e2e

PLOT = "document.querySelector('.js-plotly-plot')"
BOXES = """() => {
    const g = document.querySelector('.js-plotly-plot');
    const box = e => { const r = e.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom]; };
    const play = Array.from(g.querySelectorAll('.updatemenu-button'))
        .find(b => b.textContent.includes('Play'));
    const slider = document.querySelector('[data-testid="stSlider"]');
    return {
        contour: box(g.querySelector('.nsewdrag[data-subplot="xy"]')),
        xticks: Array.from(g.querySelectorAll('.xtick text')).map(box),
        yticks: Array.from(g.querySelectorAll('.ytick text')).map(box),
        xtitle: box(g.querySelector('text.xtitle')),
        ytitle: box(g.querySelector('text.ytitle')),
        legend: box(g.querySelector('.legend')),
        titles: Array.from(g.querySelectorAll('.annotation')).map(
            a => [a.textContent, box(a)]),
        x2ticks: Array.from(g.querySelectorAll('.x2tick text')).map(box),
        play: box(play),
        rate: box(slider),
        rateName: slider.textContent,
    };
}"""


def within(box, width, height) -> bool:
    left, top, right, bottom = box
    return left >= 0 and top >= 0 and right <= width and bottom <= height


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_classroom_fits_the_first_screen_of_a_projector(browser, server, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(f"{server}/?classroom=1&lesson=learning_rate")
    wait_for_charts(page, 1)
    page.wait_for_timeout(500)
    b = page.evaluate(BOXES)
    page.screenshot(path=f"/tmp/classroom_{width}x{height}.png")
    context.close()

    # The contour with both axes, the play control and the learning rate.
    for name in ("contour", "xtitle", "ytitle", "play", "rate", "legend"):
        assert within(b[name], width, height), (name, b[name])
    for tick in b["xticks"] + b["yticks"]:
        assert within(tick, width, height), tick
    assert "Learning rate" in b["rateName"]
    # No title runs into another text.
    assert not overlap(b["xtitle"], b["legend"])
    data_title = next(box for text, box in b["titles"] if text == "Data and boundary")
    for tick in b["x2ticks"]:
        assert not overlap(tick, data_title), (tick, data_title)


NINE = "&".join(
    ["dataset=overlap", "steps=40"]
    + [f"pin=sgd,lr={lr},steps=40" for lr in (0.2, 0.3, 0.5, 0.7, 1, 1.5, 2, 3)]
)


def test_nine_runs_differ_in_colour_marker_and_dash_and_none_is_the_star(page, server):
    page.goto(f"{server}/?{NINE}")
    wait_for_charts(page, 3)
    styles = page.evaluate(
        f"""() => {PLOT}._fullData.filter(d => d.mode === 'lines+markers').map(d =>
            [d.name, d.line.color, d.line.dash, d.marker.symbol])"""
    )
    assert len(styles) == 9
    for k in (1, 2, 3):
        values = [s[k] for s in styles]
        assert len(set(values)) == 9, values
    symbols = page.evaluate(
        f"""() => {PLOT}._fullData.flatMap(d =>
            d.marker && d.marker.symbol ? [].concat(d.marker.symbol) : [])"""
    )
    assert symbols.count("star") == 1  # the surface minimum's, and only it


SWEEP = "&".join(
    ["dataset=overlap", "optimizer=sgd", "lr=3", "steps=60", "w1=-3", "w2=3"]
    + [f"pin=sgd,lr={lr},steps=60,w1=-3,w2=3" for lr in (0.3, 1, 10, 30)]
)


def test_a_run_that_bounces_away_is_marked_and_the_others_stay_large(page, server):
    page.goto(f"{server}/?{SWEEP}")
    wait_for_charts(page, 3)
    view = page.evaluate(
        f"""() => {{ const L = {PLOT}._fullLayout;
            return {{x: L.xaxis.range, y: L.yaxis.range,
                     notes: (L.annotations || []).map(a => a.text)}}; }}"""
    )
    # The settling runs reach |w| of about 3; lr 30 bounces out to about 15.
    assert view["x"][1] - view["x"][0] <= 14, view
    assert any(n.startswith("lr 30 leaves at step") for n in view["notes"]), view


def test_a_lesson_link_typed_by_hand_loads_the_lesson(page, server):
    page.goto(f"{server}/?lesson=xor")
    wait_for_charts(page, 3)
    params = page.evaluate("() => new URLSearchParams(location.search).get('dataset')")
    assert params == "xor"
    names = page.evaluate(
        f"""() => {PLOT}._fullData.filter(d => d.mode === 'lines+markers')
            .map(d => d.name)"""
    )
    assert names == ["Adam · lr 0.05 (live)", "Gradient descent · lr 0.5"]
    assert page.get_by_text("XOR: no line fits.").count() == 1


def test_a_link_with_a_repeated_pin_draws_it_once_and_no_error(page, server):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{server}/?pin=sgd,lr=0.5&pin=sgd,lr=0.5")
    wait_for_charts(page, 3)
    assert page.get_by_text("This app has encountered an error").count() == 0
    assert page.locator('[data-testid="stException"]').count() == 0
    names = page.evaluate(
        f"""() => {PLOT}._fullData.filter(d => d.mode === 'lines+markers')
            .map(d => d.name)"""
    )
    assert names == ["Gradient descent · lr 0.1 (live)", "Gradient descent · lr 0.5"]
    assert page.get_by_text("repeats an earlier pin").count() == 1
    assert errors == []
