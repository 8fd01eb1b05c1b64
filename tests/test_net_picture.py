"""The network page's files (landscape.net.picture, export.netfilm, export.row):
images of the right size with both figures, the engine's numbers in the SVG and
HTML, a playback whose frames follow the steps and match Plotly's own render,
and the loss chart's pins.

Streamlit is imported first, as in the app: it swaps Plotly's default template.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import imageio.v3 as iio
import numpy as np
import pytest
import streamlit  # noqa: F401  (its import changes Plotly's default template)
from PIL import Image

from landscape.data.presets import make_dataset
from landscape.export import netfilm, raster, row
from landscape.figures import SCREEN
from landscape.figures import net as figures
from landscape.figures.theme import DASHES, PALETTE, plain
from landscape.net import api, picture
from landscape.net.config import net_config
from landscape.net.planes import project
from tests import net_numpy
from tests.helpers import decode, near, rgb

SIZE = (900, 450)
FRAMES = 12
LIVE_STEPS, PIN_STEPS = 40, 30


@pytest.fixture(scope="module")
def runs() -> tuple[api.NetRun, api.NetRun]:
    data = make_dataset("circles", 80, None, 0)
    adam = net_config((6,), "tanh", optimizer="adam", learning_rate=0.05,
                      steps=LIVE_STEPS)  # fmt: skip
    sgd = net_config((6,), "tanh", optimizer="sgd", learning_rate=0.5,
                     steps=PIN_STEPS)  # fmt: skip
    return api.train(data, adam), api.train(data, sgd)


@pytest.fixture(scope="module")
def pic(runs) -> picture.NetPicture:
    live, pin = runs
    sl = api.slice_run(live, "pca", 21)
    xy, off = project(sl.plane, pin.params)
    paths = (
        figures.PathView("adam (live)", sl.path, sl.path_loss, sl.off_plane),
        figures.PathView("pin 1: sgd", xy, pin.losses, off, 1),
    )
    return picture.NetPicture(live, sl, paths, {"page": {"optimizer": "adam"}})


@pytest.fixture(scope="module")
def png(pic) -> np.ndarray:
    data = picture.render(pic, "png", width=SIZE[0], height=SIZE[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


@pytest.fixture(scope="module")
def gif(pic) -> np.ndarray:
    data = picture.render(pic, "gif", width=SIZE[0], height=SIZE[1], frames=FRAMES)
    return iio.imread(data, index=None)


def split(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The plane's part and the decision's part of a side-by-side image."""
    wp, _ = row.widths(SIZE[0], [picture.SHARE, 1 - picture.SHARE])
    return image[:, :wp], image[:, wp:]


def test_png_is_the_stated_size_with_the_plane_beside_the_decision(png):
    assert png.shape == (SIZE[1], SIZE[0], 3)
    assert png.var() > 500  # a flat (e.g. all-black) image has variance 0
    plane, decision = split(png)
    # the live run and the pin in their colours on the plane, not on the decision
    for slot in (0, 1):
        assert near(plane, PALETTE[slot]) > 60, PALETTE[slot]
    assert near(decision, PALETTE[0], 4) < 20
    # the data's points in Playground's class colours on the decision only
    for colour in (figures.CLASS_0, figures.CLASS_1):
        assert near(decision, colour, 4) > 100, colour
        assert near(plane, colour, 4) < 20, colour


def svg_vertices(d: str) -> np.ndarray:
    return np.array(re.findall(r"[ML]([-\d.]+),([-\d.]+)", d), float)


def test_svg_nests_both_figures_and_draws_the_engines_path(pic):
    svg = picture.render(pic, "svg", width=SIZE[0], height=SIZE[1])
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == tuple(map(str, SIZE))
    inner = [e for e in root if e.tag.endswith("svg")]
    wp, wd = row.widths(SIZE[0], [picture.SHARE, 1 - picture.SHARE])
    assert [(e.get("x"), e.get("width")) for e in inner] == [
        ("0", str(wp)),
        (str(wp), str(wd)),
    ]
    # The live path's line in pixels: the engine's plane coordinates through
    # the plot area and the axis ranges. Plotly drops points on straight runs,
    # so every drawn vertex is one of the path's points, and both ends are.
    text = svg.decode()  # the plot area's size, unrounded
    width = float(raster.X_CLIP.search(text)[2])
    height = float(raster.Y_CLIP.search(text)[2])
    sl = pic.slice
    px = (sl.path[:, 0] - sl.a1[0]) / (sl.a1[-1] - sl.a1[0]) * width
    py = (sl.a2[-1] - sl.path[:, 1]) / (sl.a2[-1] - sl.a2[0]) * height
    want = np.stack([px, py], axis=1)
    orange = "stroke: rgb(230, 159, 0)"
    (layer,) = [e for e in inner[0].iter() if "scatterlayer" in e.get("class", "")]
    (line,) = [e for e in layer.iter() if e.get("class") == "js-line"
               and orange in (e.get("style") or "")]  # fmt: skip
    got = svg_vertices(line.get("d"))
    assert len(got) >= 3
    gap = np.abs(got[:, None, :] - want[None]).max(-1).min(1)
    assert gap.max() < 0.02  # Plotly writes two decimals
    np.testing.assert_allclose(got[[0, -1]], want[[0, -1]], atol=0.01)


def plotly_calls(html: str) -> list[list]:
    """The data of each Plotly.newPlot call in a page, as JSON."""
    decoder, out = json.JSONDecoder(), []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[\w-]+",\s*', html):
        data, _ = decoder.raw_decode(html, m.end())
        out.append(data)
    return out


def test_html_holds_the_engines_path_and_the_networks_decision(pic, runs):
    html = picture.render(pic, "html").decode()
    assert html.count("plotly.js v") == 1  # inlined once for both figures
    assert "<script src=" not in html  # nothing fetched: plotly.js is inline
    plane, decision = plotly_calls(html)
    paths = [t for t in plane if t.get("mode") == "lines+markers"]
    for trace, view in zip(paths, pic.paths, strict=True):
        np.testing.assert_allclose(decode(trace["x"]), view.xy[:, 0], rtol=1e-6)
        np.testing.assert_allclose(decode(trace["y"]), view.xy[:, 1], rtol=1e-6)
    np.testing.assert_allclose(decode(paths[0]["x"]), pic.slice.path[:, 0], 1e-6)
    # the decision at the last step, by a float64 NumPy forward pass
    live = runs[0]
    fill = decision[0]
    xx, yy = np.meshgrid(decode(fill["x"]), decode(fill["y"]))
    layout = [{"name": n, "shape": list(s)} for n, s in live.layout]
    z = net_numpy.forward(layout, "tanh", np.stack([xx.ravel(), yy.ravel()], 1),
                          live.params[-1])[2]  # fmt: skip
    np.testing.assert_allclose(decode(fill["z"]).ravel(), net_numpy.sigmoid(z),
                               atol=2e-6)  # fmt: skip


def test_gif_has_a_frame_per_step_shown_and_the_frames_move(gif):
    assert gif.shape == (FRAMES, SIZE[1], SIZE[0], 3)
    planes, decisions = zip(*(split(f.astype(int)) for f in gif))
    # the marker moves on the plane, and the decision changes, frame to frame
    moved = [np.abs(a - b).sum(-1).astype(bool).sum() for a, b in
             zip(planes, planes[1:])]  # fmt: skip
    changed = [np.abs(a - b).sum(-1).astype(bool).sum() for a, b in
               zip(decisions, decisions[1:])]  # fmt: skip
    assert min(moved) > 50 and min(changed) > 50


def test_last_frame_matches_plotlys_render_of_the_last_step(gif, png):
    # The frame draws the marker and the decision's fill itself; Plotly's own
    # PNG of the same figures is the oracle. The legend's "step" entry and the
    # GIF's palette differ a little; the first frame, at step 0, differs a lot.
    plane, decision = split(gif[-1].astype(int))
    want_plane, want_decision = split(png.astype(int))
    assert np.abs(plane - want_plane).mean() < 1.5
    assert np.abs(decision - want_decision).mean() < 2.0
    first = split(gif[0].astype(int))[1]
    assert (
        np.abs(first - want_decision).mean()
        > 4 * np.abs(decision - want_decision).mean()
    )


def test_frames_are_capped_at_one_per_step(pic):
    data = picture.render(pic, "gif", width=320, height=200, frames=500)
    assert iio.imread(data, index=None).shape[0] == LIVE_STEPS + 1


def test_mp4_holds_the_frames(pic, tmp_path):
    path = tmp_path / "net.mp4"
    path.write_bytes(picture.render(pic, "mp4", width=320, height=201, frames=5))
    frames = iio.imread(path, plugin="FFMPEG", index=None)
    assert frames.shape == (5, 202, 320, 3)  # padded to even sides for H.264


def test_progress_goes_up_to_done(pic):
    said = []
    picture.render(pic, "gif", width=320, height=200, frames=4,
                   progress=lambda f, m: said.append((f, m)))  # fmt: skip
    fractions = [f for f, _ in said]
    assert fractions == sorted(fractions) and said[-1] == (1.0, "done")
    assert sum(m.startswith("frame ") for _, m in said) == 4


def test_csv_and_json_are_the_live_run_and_its_slice(pic, runs):
    rows = picture.render(pic, "csv").decode().splitlines()
    assert len(rows) == LIVE_STEPS + 2  # the header, then step 0 to the last
    out = json.loads(picture.render(pic, "json"))
    np.testing.assert_allclose(out["path"], pic.slice.path, rtol=1e-6)
    np.testing.assert_allclose(out["losses"], runs[0].losses, rtol=1e-6)
    assert out["settings"]["page"] == {"optimizer": "adam"}


@pytest.mark.parametrize(
    "fmt, options, fragment",
    [
        ("bmp", {}, "use one of .png"),
        ("png", {"width": 10}, "width=10 is out of range"),
        ("gif", {"frames": 0}, "frames=0 is out of range"),
    ],
)
def test_bad_requests_say_what_is_allowed(pic, fmt, options, fragment):
    with pytest.raises(ValueError, match=re.escape(fragment)):
        picture.render(pic, fmt, **options)


def test_decisions_are_each_steps_decision(runs):
    live = runs[0]
    x1, x2 = np.linspace(-1, 1, 5), np.linspace(-2, 2, 7)
    steps = [0, 13, LIVE_STEPS]
    many = picture.boundary.decisions(live.config.arch, live.params[steps], x1, x2)
    assert many.shape == (3, 7, 5)
    # Each step's decision by a float64 NumPy forward pass (rows: x2, columns: x1).
    xx, yy = np.meshgrid(x1, x2)
    layout = [{"name": n, "shape": list(s)} for n, s in live.layout]
    for k, step in enumerate(steps):
        z = net_numpy.forward(layout, "tanh", np.stack([xx.ravel(), yy.ravel()], 1),
                              live.params[step])[2]  # fmt: skip
        np.testing.assert_allclose(
            many[k], net_numpy.sigmoid(z).reshape(7, 5), atol=2e-6
        )
    assert not np.allclose(many[0], many[-1])  # the steps differ


def test_the_loss_chart_draws_each_pins_losses_in_its_style(pic, runs):
    live, pin = runs
    fig = figures.steps_figure(
        live.losses, pic.slice.plane_loss_at_path, 5, SCREEN, pins=pic.paths[1:]
    )
    assert len(fig.data) == 3
    trace = fig.data[2]
    np.testing.assert_array_equal(trace.y, pin.losses)
    np.testing.assert_array_equal(trace.x, np.arange(PIN_STEPS + 1))
    assert trace.name == plain(pic.paths[1].label)  # short: on one line
    assert (trace.line.color, trace.line.dash) == (PALETTE[1], DASHES[1])
    # the live run's two curves keep its colour; the pin's is another
    assert {fig.data[0].line.color, fig.data[1].line.color} == {PALETTE[0]}


def test_long_legend_names_break_at_spaces_into_short_lines():
    name = "pin 1: Adam · lr 0.03 · 300 steps (up to 3.42 off the plane)"
    wrapped = figures.wrap(name, 40)
    assert wrapped.replace("<br>", " ") == name
    assert all(len(line) <= 40 for line in wrapped.split("<br>"))
    assert wrapped.count("<br>") == 1


def test_palette_colours_are_the_bands_over_white():
    fig = figures.boundary_figure(
        np.linspace(0, 1, 3), np.linspace(0, 1, 3), np.full((3, 3), 0.5),
        make_dataset("circles", 10, None, 0), SCREEN,
    )  # fmt: skip
    colours = netfilm.palette_colours(fig)
    assert len(colours) == 11 and colours[-1] == (0, 0, 0)
    # the lowest band: 0.05 of the way from orange to the middle, at 0.8 over white
    low = (0.9 * rgb(figures.CLASS_0) + 0.1 * rgb("#f7f7f7")) * 0.8 + 255 * 0.2
    assert colours[0] == tuple(int(v) for v in np.round(low))
