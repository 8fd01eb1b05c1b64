"""The figures' cut-down Plotly templates draw what Plotly's full ones draw."""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
import streamlit  # noqa: F401  (its import changes Plotly's default template)
from PIL import Image

from landscape import export, figures, surface, trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset
from landscape.figures import animation, controls, theme

THEMES = [figures.SCREEN, figures.CLASSROOM]


@pytest.fixture(scope="module")
def scene():
    data = make_dataset("overlap", 200, seed=0)
    configs = [
        RunConfig(optimizer=key, learning_rate=lr, steps=80, start=(-3.0, 3.0))
        for key, lr in [("sgd", 0.5), ("adam", 0.1)]
    ]
    runs = [
        figures.RunView(f"{c.optimizer} {c.learning_rate}", trainer.run(data, c), slot)
        for slot, c in enumerate(configs)
    ]
    surf = surface.loss_surface(data, "cross_entropy", (-4, 4), (-4, 4), 61)
    return data, runs, surf


def every_figure(scene, style: figures.Theme) -> dict[str, go.Figure]:
    data, runs, surf = scene
    arrow = figures.Arrow(np.zeros(2), np.ones(2), "#000000", "gradient")
    names = data.feature_names
    return {
        "contour": figures.contour_figure(
            surf, runs, names, style, clickable=True, arrows=(arrow,)
        ),
        "3d": figures.surface3d_figure(surf, runs, names, style),
        "loss": figures.loss_figure(runs, style, height=340),
        "data": figures.data_figure(data, runs, style, height=340),
        "playback": animation.playback_figure(surf, runs, data, style),
    }


@pytest.mark.parametrize("style", THEMES, ids=lambda t: t.template)
def test_every_trace_drawn_is_of_a_type_the_template_keeps(scene, style):
    for name, fig in every_figure(scene, style).items():
        kinds = {t.type for t in fig.data} | {
            t.type for frame in fig.frames for t in frame.data
        }
        assert kinds <= set(theme.TRACE_TYPES), (name, kinds)


@pytest.mark.parametrize("style", THEMES, ids=lambda t: t.template)
def test_the_cut_template_keeps_plotlys_layout_and_drawn_trace_defaults(style):
    full = pio.templates[style.template]
    cut = theme.template(style.template)
    assert cut.layout == full.layout
    for kind in theme.TRACE_TYPES:
        assert cut.data[kind] == full.data[kind], kind
    assert len(cut.to_plotly_json()["data"]) < len(full.to_plotly_json()["data"])


@pytest.mark.parametrize("style", THEMES, ids=lambda t: t.template)
def test_every_figure_passes_plotlys_own_validation_unchanged(scene, style):
    # theme.assemble builds the contour, loss and data figures without
    # Plotly's validation (it was most of a rerun's CPU): Plotly itself
    # validates each whole spec here, and must find nothing to change.
    data, runs, surf = scene
    arrow = figures.Arrow(np.zeros(2), np.ones(2), "#000000", "gradient")
    built = every_figure(scene, style) | {
        "contour, picture, equal, quadratic, diverging": figures.contour_figure(
            surf,
            [*runs, figures.RunView("far", trainer.run(data, RunConfig(
                optimizer="sgd", learning_rate=40.0, steps=40, start=(-3.0, 3.0)
            )), 2)],
            data.feature_names,
            style,
            picture="app/static/x.png",
            arrows=(arrow, arrow),
            equal=True,
            quadratic=(np.zeros(2), np.array([[2.0, 0.3], [0.3, 1.0]])),
        ),
    }  # fmt: skip
    for name, fig in built.items():
        spec = fig.to_dict()
        checked = go.Figure(spec)  # raises on any property Plotly does not know
        as_sent = json.loads(pio.to_json(spec, validate=False))  # as st.plotly_chart
        assert json.loads(pio.to_json(checked.to_dict(), validate=False)) == as_sent, (
            name
        )


@pytest.mark.parametrize("style", THEMES, ids=lambda t: t.template)
def test_every_figure_carries_its_themes_template_not_streamlits(scene, style):
    # The template is given when a figure is made (theme.figure), no longer by
    # style(): a figure made another way would fall back to Streamlit's.
    assert pio.templates.default == "streamlit"
    for name, fig in every_figure(scene, style).items():
        assert fig.layout.template == theme.template(style.template), name
        assert fig.layout.font.size == style.tick, name


def pixels(fig: go.Figure) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(export.to_png(fig, 640, 420))))


@pytest.mark.parametrize("kind", ["contour", "3d"])
def test_the_cut_template_draws_the_same_pixels_as_plotlys(scene, kind):
    fig = every_figure(scene, figures.CLASSROOM)[kind]
    cut = pixels(fig)
    full = pixels(fig.update_layout(template=figures.CLASSROOM.template))
    assert cut.std() > 10  # a real picture, not a blank page
    assert np.array_equal(cut, full)


@pytest.mark.parametrize(
    "lo, hi, expected",
    [
        (0.3, 20.0, [0.2, 0.5, 1, 2, 5, 10, 20]),  # 1-2-5 within a few decades
        (0.05, 1e4, [0.1, 1, 10, 100, 1e3, 1e4]),  # powers only beyond four
        (0.5, 1e13, [1, 1e3, 1e6, 1e9, 1e12]),  # every third power
    ],
)
def test_log_ticks_stay_few_enough_to_read(lo, hi, expected):
    ticks = theme.log_ticks(lo, hi)
    np.testing.assert_allclose(ticks["tickvals"], expected)
    assert len(ticks["ticktext"]) == len(expected) <= 7


def test_a_short_classroom_loss_panel_keeps_its_labels_apart(scene):
    # The classroom playback at the page's height: its loss panel, in pixels,
    # from the figure's own layout.
    data, runs, surf = scene
    height = 540  # ui.layout.PLAYBACK_HEIGHT in classroom mode
    fig = animation.playback_figure(surf, runs, data, figures.CLASSROOM, height)
    lay, font = fig.layout, figures.CLASSROOM.tick
    bottom, top = lay.yaxis2.domain
    pixels = (top - bottom) * (height - lay.margin.t - lay.margin.b)
    assert pixels < 120  # short: the case this is about
    most = theme.labels_that_fit(pixels, figures.CLASSROOM)
    assert len(lay.yaxis2.tickvals) <= most
    # A diverging run (13 decades), a few decades, a flat loss: each label's
    # centre at least 1.3 label heights from the next (one label is ~1.2 fonts).
    for lo, hi in [(0.5, 1e13), (0.3, 20.0), (0.9, 1.4)]:
        values = theme.log_ticks(lo, hi, most)["tickvals"]
        at = (np.log10(values) - np.log10(lo)) / (np.log10(hi) - np.log10(lo))
        assert 2 <= len(values) <= most
        assert np.diff(np.sort(at)).min() * pixels >= 1.3 * font, (lo, hi, values)
    # Without the limit, the diverging run's five labels had run together.
    five = theme.log_ticks(0.5, 1e13)["tickvals"]
    assert (pixels / (len(five) - 1)) < 1.3 * font


def fake_runs(*lengths: int) -> list:
    """Runs with weights of these lengths (steps + 1): all frame_steps reads."""
    return [SimpleNamespace(trajectory=SimpleNamespace(weights=np.zeros((n, 2))))
            for n in lengths]  # fmt: skip


@pytest.mark.parametrize("runs", [[], fake_runs(1), fake_runs(1, 1)])
@pytest.mark.parametrize("frames", [1, 5, 300])
def test_runs_of_no_steps_play_one_frame_at_the_start(runs, frames):
    assert controls.frame_steps(runs, frames).tolist() == [0]


@pytest.mark.parametrize("longest", [1, 2, 7, 40, 299, 300, 1000, 4321])
@pytest.mark.parametrize("frames", [1, 2, 3, 12, 200, 300, 301, 1000])
def test_frames_spread_from_the_start_to_the_longest_run_and_never_repeat(
    longest, frames
):
    steps = controls.frame_steps(fake_runs(1, longest + 1), frames)
    assert len(steps) == min(frames, longest + 1)
    assert steps[0] == 0 and (steps[-1] == longest or frames == 1)
    assert (np.diff(steps) > 0).all()


def test_a_thinned_playback_shows_frame_steps(scene):
    data, runs, surf = scene  # 80 steps in 7 frames: every 13.3 steps, rounded
    fig = animation.playback_figure(surf, runs, data, max_frames=7)
    names = [int(f.name) for f in fig.frames]
    assert names == controls.frame_steps(runs, 7).tolist()
    assert names == [0, 13, 27, 40, 53, 67, 80]


def test_the_playback_backdrop_bands_follow_the_loss_and_its_orientation():
    """Bands rise with the loss (a lower loss never gets a darker band), pixel row 0
    is w2's top, and the picture spans the grid exactly."""
    from landscape.figures import backdrop
    from landscape.surface import Surface

    w1 = np.linspace(-2, 3, 41)
    w2 = np.linspace(-1, 4, 31)
    # An anisotropic bowl whose minimum, 0.01, is at (0.5, 1.5).
    loss = 0.01 + (w1[None, :] - 0.5) ** 2 + 5 * (w2[:, None] - 1.5) ** 2
    surf = Surface(w1, w2, loss.astype(np.float32))
    bands = backdrop.band_index(surf, factor=1)[::-1]  # back to loss[i, j] rows
    order = np.argsort(loss, axis=None)
    assert np.all(np.diff(bands.ravel()[order]) >= 0)
    assert bands.min() == 0 and bands.max() == backdrop.BANDS - 1
    assert bands[np.unravel_index(loss.argmin(), loss.shape)] == 0
    assert backdrop.band_index(surf).shape == (30 * 4 + 1, 40 * 4 + 1)
    png = Image.open(io.BytesIO(backdrop.surface_png(surf))).convert("RGB")
    grey = np.asarray(png).mean(axis=-1)
    # The top-left pixel is (w1 -2, w2 4): far from the minimum, so dark.
    at_minimum = grey[int((4 - 1.5) / 5 * 120), int(2.5 / 5 * 160)]
    assert grey[0, 0] < at_minimum - 50
    image = backdrop.surface_image(surf)
    assert (image["x"], image["sizex"], image["y"], image["sizey"]) == (-2, 5, 4, 5)


def test_the_backdrop_upsamples_exactly_as_np_interp_does_row_by_row():
    """The picture's bilinear upsampling, all rows at once, against np.interp
    along every row and then every column (its implementation until
    2026-12-08): equal bit for bit, on a grid that is not square."""
    from landscape.figures import backdrop

    z = np.log10(np.random.default_rng(3).random((31, 41)) * 100 + 1e-3)
    for factor in (1, 3, 4):
        rows = np.linspace(0, 30, 30 * factor + 1)
        cols = np.linspace(0, 40, 40 * factor + 1)
        across = np.stack([np.interp(cols, np.arange(41), row) for row in z])
        want = np.stack([np.interp(rows, np.arange(31), c) for c in across.T], axis=1)
        got = backdrop._upsample(z, factor)
        assert got.shape == want.shape == (30 * factor + 1, 40 * factor + 1)
        assert np.array_equal(got, want)


def test_the_backdrop_picture_is_each_bands_colour_with_lines_where_bands_meet(scene):
    # The oracle: every pixel worked out on its own from its band (the
    # picture itself is a palette PNG of the bands' colours).
    from landscape.figures import backdrop

    surf = scene[2]
    bands = backdrop.band_index(surf)
    rgb = backdrop._colours((bands + 0.5) / backdrop.BANDS)
    edge = np.zeros(bands.shape, dtype=bool)
    edge[:, 1:] |= bands[:, 1:] != bands[:, :-1]
    edge[1:, :] |= bands[1:, :] != bands[:-1, :]
    alpha = backdrop.LINE_ALPHA
    rgb[edge] = (1 - alpha) * rgb[edge] + alpha * backdrop.LINE_RGB
    want = np.round(rgb).astype(np.uint8)
    got = np.asarray(Image.open(io.BytesIO(backdrop.surface_png(surf))).convert("RGB"))
    assert got.shape == want.shape == (*bands.shape, 3)
    assert np.array_equal(got, want)
    assert 0.02 < edge.mean() < 0.5  # lines drawn, and not everywhere


def test_arrow_labels_sit_beyond_their_heads_so_opposite_arrows_never_share_a_side():
    from landscape.figures.overlays import Arrow, arrow_notes

    w = np.array([0.0, 0.0])
    notes = arrow_notes(
        Arrow(w, np.array([1.0, 0.5]), "#D55E00", "gradient g"), figures.SCREEN
    ) + arrow_notes(
        Arrow(w, np.array([-0.2, -0.1]), "#000000", "update Δw"), figures.SCREEN
    )
    fig = go.Figure(layout=dict(annotations=notes))  # validated by Plotly
    labels = {a.text: a for a in fig.layout.annotations if a.text}
    assert (labels["gradient g"].xanchor, labels["gradient g"].yanchor) == (
        "left",
        "bottom",
    )
    assert (labels["update Δw"].xanchor, labels["update Δw"].yanchor) == (
        "right",
        "top",
    )


def test_equal_scale_ties_w2s_unit_to_w1s():
    data = make_dataset("scaled")
    surf = surface.loss_surface(data, "mse", (-3, 3), (-1, 1), 21)
    fig = figures.contour_figure(
        surf, [], data.feature_names, figures.SCREEN, equal=True
    )
    assert (fig.layout.yaxis.scaleanchor, fig.layout.yaxis.scaleratio) == ("x", 1)
    plain_fig = figures.contour_figure(surf, [], data.feature_names, figures.SCREEN)
    assert plain_fig.layout.yaxis.scaleanchor is None


def test_a_figure_built_without_validation_checks_every_later_change(scene):
    # assemble() skips Plotly's validation while it builds; changes made after
    # (an export's layout, a named template) are checked as Plotly always does.
    fig = every_figure(scene, figures.SCREEN)["contour"]
    with pytest.raises(ValueError):
        fig.update_layout(no_such_property=1)
    with pytest.raises(ValueError):
        fig.data[-1].update(no_such_property=1)
    fig.update_layout(template="simple_white")
    assert fig.layout.template.layout.xaxis.showgrid is False  # expanded by name
