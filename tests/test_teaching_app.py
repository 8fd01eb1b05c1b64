"""AppTest tests of the teaching features: playback, click to start, internals,
the TensorFlow code, classroom mode, hidden controls and lessons."""

from __future__ import annotations

import io
import re
import urllib.parse
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

from landscape import lessons, links
from landscape.data import presets
from landscape.figures import animation
from tests.helpers import (
    chart,
    make_app,
    open_internals,
    path_xy,
    paths,
    query_all,
    run,
    send_trigger,
    served_picture,
    warnings,
)
from ui.layout import PLAYBACK_HEIGHT

HIDDEN = "dataset,loss,optimizer,steps,start,pin,sweep,lineup"


pytestmark = pytest.mark.usefixtures("fresh_caches")


# --- driving the app -----------------------------------------------------------


POWER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def numbers(text: str) -> list[float]:
    """The numbers in a text, "1.5 × 10⁻⁶" (as the page writes them) included."""
    found = re.findall(r"(-?\d[\d,]*(?:\.\d+)?)(?: × 10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+))?", text)
    return [
        float(m.replace(",", "")) * 10 ** int(e.translate(POWER) or 0) for m, e in found
    ]


def click_contour(at: AppTest, w1: float, w2: float, box=None) -> AppTest:
    """Send what the chart bridge sends for a click on the contour, and rerun;
    box defaults to the contour's axis ranges.
    tests/e2e/test_teaching_browser.py clicks the real page.
    """
    if box is None:
        x, y = axes_range(at)
        box = [*x, *y]
    return send_trigger(at, "bridge", "start", {"w1": w1, "w2": w2, "box": list(box)})


def show_playback(at: AppTest) -> dict:
    at.segmented_control(key="view").set_value("Playback")
    run(at)
    return chart(at, "playback")


# --- 1. playback ---------------------------------------------------------------
def playback_parts(fig: dict) -> tuple[list[int], list[int]]:
    """Indices of the contour's path lines and of the moving points on it."""
    data = fig["data"]
    lines = [
        i for i, t in enumerate(data) if t.get("name") and t.get("mode") == "lines"
    ]
    moving = fig["frames"][0]["traces"]
    points = [i for i in moving if data[i]["mode"] == "markers" and "xaxis" in data[i]]
    points = [i for i in points if data[i]["xaxis"] == "x"]
    return lines, points


def test_playback_frames_move_only_the_points_along_each_run():
    pins = ["adam,lr=0.1,steps=60,w1=-2,w2=2", "momentum,lr=0.05,steps=30,w1=1,w2=1"]
    at = run(make_app(steps="60", pin=pins))
    fig = show_playback(at)
    data, frames = fig["data"], fig["frames"]

    # Every step of the longest run (60 steps: 61 frames), by step number.
    lengths = [61, 61, 31]
    runs = [SimpleNamespace(trajectory=SimpleNamespace(weights=np.zeros((n, 2))))
            for n in lengths]  # fmt: skip
    steps = animation.frame_steps(runs)
    assert steps.tolist() == list(range(61))
    assert [f["name"] for f in frames] == [str(s) for s in steps]
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(frames)

    # Frames update the same moving traces, which are scatters and not the surface.
    moving = frames[0]["traces"]
    assert all(f["traces"] == moving for f in frames)
    assert len(moving) == 3 * len(lengths)  # point, loss marker, boundary per run
    # The surface is a picture under the plot, never a trace a frame could drop.
    assert not any(d["type"] == "contour" for d in data)
    assert data[0]["name"].startswith("surface minimum") and 0 not in moving
    for i in moving:
        assert data[i]["type"] == "scatter"
        assert "name" not in data[i]  # not a path, a minimum or a data trace
    for f in frames:
        assert len(f["data"]) == len(moving)
        assert all("z" not in d for d in f["data"])

    # The point on run r in frame k is that run's weights at step k (the path
    # trace's data), and a run that ended stays at its end.
    lines, points = playback_parts(fig)
    assert len(lines) == len(points) == 3
    assert [data[i]["name"] for i in lines] == [
        "Gradient descent · lr 0.1 (live)",
        "Adam · lr 0.1",
        "SGD with momentum · lr 0.05",
    ]
    for line, point, length in zip(lines, points, lengths):
        xy = path_xy(data[line])
        assert len(xy) == length
        slot = moving.index(point)
        drawn = np.array(
            [[f["data"][slot]["x"][0], f["data"][slot]["y"][0]] for f in frames]
        )
        expected = xy[np.minimum(steps, length - 1)]
        np.testing.assert_allclose(drawn, expected, rtol=1e-5, atol=1e-6)
        assert len(np.unique(drawn[:length], axis=0)) == length  # it moves each step
    # Step 0 of every run is its start.
    assert [data[p]["x"][0] for p in points] == [-2.0, -2.0, 1.0]

    # Every axis range is fixed, so a frame redraws nothing else.
    axes = {k: v for k, v in fig["layout"].items() if re.fullmatch(r"[xy]axis\d*", k)}
    assert len(axes) == 6
    for name, axis in axes.items():
        lo, hi = axis["range"]
        assert lo < hi, name
        assert axis.get("autorange") in (None, False), name
    (image,) = fig["layout"]["images"]
    (x0, x1), (y0, y1) = (
        fig["layout"]["xaxis"]["range"],
        fig["layout"]["yaxis"]["range"],
    )
    assert (image["x"], image["x"] + image["sizex"]) == pytest.approx((x0, x1))
    assert (image["y"] - image["sizey"], image["y"]) == pytest.approx((y0, y1))
    assert (image["xref"], image["yref"], image["layer"]) == ("x", "y", "below")
    # Where the surface is lowest the picture is lightest, and it is darker at
    # the start, far up the slope.
    png = served_picture(fig, presets.make_dataset("overlap", 200, None, 0),
                         "cross_entropy")  # fmt: skip
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).mean(axis=-1)
    h, w = pixels.shape

    def pixel(wx, wy):
        return pixels[round((y1 - wy) / (y1 - y0) * (h - 1)),
                      round((wx - x0) / (x1 - x0) * (w - 1))]  # fmt: skip

    best = pixel(data[0]["x"][0], data[0]["y"][0])
    assert best >= np.percentile(pixels, 99)
    assert pixel(-2.0, 2.0) < best - 20
    assert fig["layout"]["xaxis2"]["range"] == [0, 60]


def test_a_long_playback_is_thinned_to_300_frames():
    at = run(make_app(steps="1000", pin="sgd,lr=0.03,steps=1000,w1=-2,w2=2"))
    fig = show_playback(at)

    frames = fig["frames"]
    names = [int(f["name"]) for f in frames]
    assert len(frames) == animation.MAX_FRAMES == 300
    assert names[0] == 0 and names[-1] == 1000
    assert names == sorted(set(names))
    runs = [SimpleNamespace(trajectory=SimpleNamespace(weights=np.zeros((1001, 2))))]
    assert names == animation.frame_steps(runs).tolist()
    assert len(fig["layout"]["sliders"][0]["steps"]) == 300
    # A thinned frame still shows the run at that exact step.
    lines, points = playback_parts(fig)
    xy = path_xy(fig["data"][lines[0]])
    slot = frames[0]["traces"].index(points[0])
    k = len(frames) // 2
    np.testing.assert_allclose(
        [frames[k]["data"][slot]["x"][0], frames[k]["data"][slot]["y"][0]],
        xy[names[k]],
        rtol=1e-5,
    )


# --- 2. click to start ---------------------------------------------------------
def test_a_click_on_the_contour_starts_the_live_run_there():
    at = run(make_app(steps="30"))
    surface = chart(at, "contour")["data"][0]
    assert surface["meta"] == {"part": "surface"}  # the bridge listens to it
    assert surface["hovertemplate"].startswith("click to start here")
    # No lattice of invisible markers: the click comes through the bridge.
    names = [t.get("name") for t in chart(at, "contour")["data"]]
    assert "click to start here" not in names
    open_internals(at)
    at.slider(key="internals_step").set_value(7)
    run(at)

    # A view of w1 -4..2 and w2 -3..3: round steps of 0.02 (a 200th is 0.03).
    click_contour(at, 0.7493, -1.2345, box=[-4, 2, -3, 3])
    start = [0.74, -1.24]
    assert path_xy(paths(at)[0])[0].tolist() == pytest.approx(start, abs=1e-6)
    assert len(path_xy(paths(at)[0])) == 31
    assert at.number_input(key="in_w1").value == start[0]
    assert at.number_input(key="in_w2").value == start[1]
    assert (at.query_params["w1"], at.query_params["w2"]) == ("0.74", "-1.24")
    # The internals go back to the new run's first step.
    assert at.slider(key="internals_step").value == 1


@pytest.mark.parametrize(
    "w1, w2, box",
    [
        (9.0, 0.0, [-4, 2, -3, 3]),  # beside the plot area
        (float("nan"), 0.0, [-4, 2, -3, 3]),
        (0.5, 0.5, [2, -4, -3, 3]),  # a box upside down
        (0.5, 0.5, [-4, 2, -3]),
        ("a", 0.5, [-4, 2, -3, 3]),
        (2000.0, 0.0, [-4000, 4000, -3, 3]),  # beyond the start's limits
    ],
)
def test_a_click_that_is_not_a_point_in_the_view_changes_nothing(w1, w2, box):
    at = run(make_app(steps="30"))
    before = path_xy(paths(at)[0]).tolist()
    click_contour(at, w1, w2, box)
    assert path_xy(paths(at)[0]).tolist() == before
    assert at.number_input(key="in_w1").value == -2.0
    assert not at.warning and not at.error


# --- 3. optimizer internals ----------------------------------------------------
def internals_table(at: AppTest) -> dict[str, list[float]]:
    (table,) = [d.value for d in at.dataframe if "quantity" in d.value.columns]
    return {q: numbers(v) for q, v in zip(table["quantity"], table["value"])}


def test_internals_show_the_chosen_step_with_its_numbers_and_arrows():
    at = open_internals(run(make_app(steps="20")))
    (expander,) = [e for e in at.expander if e.label.startswith("Optimizer internals")]
    assert at.slider(key="internals_step").value == 1
    xy = path_xy(paths(at)[0])
    data = presets.make_dataset("overlap", 200, None, 0)

    seen = []
    for k in (1, 5):
        at.slider(key="internals_step").set_value(k)
        run(at)
        table = internals_table(at)
        w, g = np.array(table["w"]), np.array(table["g"])
        np.testing.assert_allclose(w, xy[k - 1], rtol=1e-5)
        # An independent oracle: the mean cross-entropy gradient, in NumPy.
        z = data.x.astype(np.float64) @ w
        expected = ((1 / (1 + np.exp(-z)) - data.y)[:, None] * data.x).mean(axis=0)
        np.testing.assert_allclose(g, expected, rtol=1e-4, atol=1e-6)
        assert table["eta"] == [0.1]
        # The filled rule: w - 0.1 g, which lands on the recorded weights[k].
        (filled,) = [x.value for x in at.latex if r"\cdot" in x.value]
        values = numbers(filled)
        np.testing.assert_allclose(values[:2], w, rtol=1e-5)
        np.testing.assert_allclose(values[-2:], xy[k], rtol=1e-5)
        np.testing.assert_allclose(w - 0.1 * g, xy[k], rtol=1e-4)
        # Arrows on the contour: the gradient, and the update from w_k-1 to w_k.
        notes = chart(at, "contour")["layout"]["annotations"]
        arrows = [a for a in notes if a.get("showarrow")]
        labels = [a["text"] for a in notes if not a.get("showarrow")]
        assert len(arrows) == 2
        assert labels[0].startswith("gradient g") and labels[1] == "update Δw"
        update = arrows[1]
        np.testing.assert_allclose([update["ax"], update["ay"]], xy[k - 1], rtol=1e-5)
        np.testing.assert_allclose([update["x"], update["y"]], xy[k], rtol=1e-5)
        seen.append((filled, table["w"]))
    assert seen[0][0] != seen[1][0]
    assert seen[0][1] != seen[1][1]
    assert expander.label == "Optimizer internals: one step, by the numbers"


def test_a_one_step_run_explains_its_step_without_a_slider():
    # A slider from 1 to 1 raised StreamlitInvalidMinMaxError: the page showed
    # "This app has encountered an error" for the valid link steps=1.
    at = open_internals(run(make_app(steps="1")))
    assert not [s for s in at.slider if s.key == "internals_step"]
    xy = path_xy(paths(at)[0])
    assert len(xy) == 2
    w, g = np.array(internals_table(at)["w"]), np.array(internals_table(at)["g"])
    np.testing.assert_allclose(w, xy[0], rtol=1e-5)
    np.testing.assert_allclose(w - 0.1 * g, xy[1], rtol=1e-4)  # sgd, lr 0.1
    assert any(m.value.startswith("**Step 1 with its numbers**") for m in at.markdown)


# --- 4. the TensorFlow code ----------------------------------------------------
def test_closed_internals_send_nothing_but_keep_their_step_and_arrows():
    # Closed (a first page): no LaTeX, no table, no slider reach the browser,
    # whose first load would fetch KaTeX and the DataFrame's chunks for them.
    at = run(make_app(steps="20"))
    (box,) = [e for e in at.expander if e.label.startswith("Optimizer internals")]
    assert not box.children and not at.latex
    assert not [d for d in at.dataframe if "quantity" in d.value.columns]
    assert not [s for s in at.slider if s.key == "internals_step"]
    open_internals(at)
    at.slider(key="internals_step").set_value(6)
    run(at)
    assert [x for x in at.latex if r"\cdot" in x.value]
    at.session_state["internals_open"] = False
    run(at)
    assert not at.latex and at.query_params["step"] == "6"
    # The contour's update arrow still shows step 6: from w_5 to w_6.
    xy = path_xy(paths(at)[0])
    update = [a for a in chart(at, "contour")["layout"]["annotations"]
              if a.get("showarrow")][-1]  # fmt: skip
    np.testing.assert_allclose([update["ax"], update["ay"]], xy[5], rtol=1e-5)
    np.testing.assert_allclose([update["x"], update["y"]], xy[6], rtol=1e-5)
    open_internals(at)  # and it opens again at that step
    assert at.slider(key="internals_step").value == 6


def test_the_tensorflow_code_is_the_courses_call_and_compiles():
    at = run(make_app(optimizer="tf1_adam", lr="0.001", steps="20"))
    (section,) = [e for e in at.expander if e.label == "Show the TensorFlow code"]
    assert not section.code  # written only on request
    section.toggle(key="code_on").set_value(True)
    run(at)

    (section,) = [e for e in at.expander if e.label == "Show the TensorFlow code"]
    (code,) = [c for c in section.code if c.language == "python"]
    compile(code.value, "run.py", "exec")
    assert "tf.compat.v1.train.AdamOptimizer()" in code.value
    assert "w = tf.Variable([[-2.0], [2.0]])" in code.value
    assert "range(20)" in code.value
    (download,) = section.get("download_button")
    assert download.proto.label == "Download the script"
    select = at.selectbox(key="code_run")
    assert select.value == 0 and select.options == ["1. Adam (TF1) · lr 0.001 (live)"]

    # Another rate is no longer the bare default call.
    at.number_input(key="lr_box").set_value(0.01)
    run(at)
    (code,) = [c for c in at.code if c.language == "python"]
    compile(code.value, "run.py", "exec")
    assert "tf.compat.v1.train.AdamOptimizer(" in code.value
    assert "tf.compat.v1.train.AdamOptimizer()" not in code.value
    assert "0.01" in code.value


# --- 5. classroom mode ---------------------------------------------------------
def keys(widgets) -> set[str]:
    return {w.key for w in widgets}


def assert_classroom_fonts(fig: dict) -> None:
    axes = [v for k, v in fig["layout"].items() if re.fullmatch(r"[xy]axis\d*", k)]
    assert axes
    for axis in axes:
        assert axis["title"]["font"]["size"] >= 22
        assert axis["tickfont"]["size"] >= 18


def test_classroom_link_puts_the_essentials_above_the_charts_in_large_type():
    at = run(make_app(classroom="1", optimizer="adam", lr="0.05", steps="40"))

    assert at.toggle(key="classroom").value is True
    assert {"in_optimizer"} <= keys(at.main.selectbox)
    assert "in_optimizer" not in keys(at.sidebar.selectbox)
    assert "lr_slider" in keys(at.main.select_slider)
    assert "lr_box" in keys(at.main.number_input)
    assert not keys(at.sidebar.select_slider) & {"lr_slider"}
    assert "lr_box" not in keys(at.sidebar.number_input)
    # Data, loss and training stay in the (collapsed) sidebar.
    assert "in_dataset" in keys(at.sidebar.selectbox)
    assert "in_loss" in keys(at.sidebar.radio)
    assert {"in_steps", "in_w1"} <= keys(at.sidebar.number_input)
    assert at.selectbox(key="in_optimizer").value == "adam"
    assert at.number_input(key="lr_box").value == 0.05
    # Only the essentials: no run buttons.
    assert not [b for b in at.button if b.label == "Pin run"]

    # Playback is the classroom's first view, in the classroom's type sizes.
    assert at.segmented_control(key="view").value == "Playback"
    playback = chart(at, "playback")
    assert_classroom_fonts(playback)
    assert playback["layout"]["height"] == PLAYBACK_HEIGHT[True]
    assert at.query_params["classroom"] == "1"

    at.segmented_control(key="view").set_value("Contour")
    run(at)
    assert_classroom_fonts(chart(at, "contour"))
    assert_classroom_fonts(chart(at, "losses"))
    assert at.query_params["classroom"] == "1"
    assert at.query_params["optimizer"] == "adam"


def test_classroom_toggle_keeps_the_settings_and_the_url_follows():
    at = run(make_app())
    at.selectbox(key="in_optimizer").set_value("adam")
    at.number_input(key="lr_box").set_value(0.05)
    run(at)

    at.toggle(key="classroom").set_value(True)
    run(at)
    assert at.selectbox(key="in_optimizer").value == "adam"
    assert at.number_input(key="lr_box").value == 0.05
    assert at.query_params["classroom"] == "1"
    assert at.query_params["lr"] == "0.05"
    # The view the page had stays (the classroom default is for a first visit).
    assert at.segmented_control(key="view").value == "Contour"
    assert_classroom_fonts(chart(at, "contour"))

    at.toggle(key="classroom").set_value(False)
    run(at)
    assert "classroom" not in at.query_params
    assert at.selectbox(key="in_optimizer").value == "adam"
    assert "in_optimizer" in keys(at.sidebar.selectbox)
    assert chart(at, "contour")["layout"]["xaxis"]["title"]["font"]["size"] < 22


# --- 6. hidden controls --------------------------------------------------------
def test_hidden_controls_are_gone_but_the_url_still_sets_them():
    at = run(
        make_app(
            hide=HIDDEN,
            dataset="line",
            loss="mae",
            optimizer="adam",
            lr="0.05",
            steps="30",
            w1="1",
            w2="-1",
        )
    )

    assert warnings(at) == []
    assert "in_dataset" not in keys(at.selectbox)
    assert "in_optimizer" not in keys(at.selectbox)
    assert "in_loss" not in keys(at.radio)
    assert not keys(at.number_input) & {"in_steps", "in_w1", "in_w2"}
    assert "lineup" not in keys(at.multiselect)
    labels = {b.label for b in at.button}
    assert not labels & {"Pin run", "Learning-rate sweep", "Optimizer line-up"}
    # No click grid: the start is not the student's to change.
    assert "click to start here" not in [
        t.get("name") for t in chart(at, "contour")["data"]
    ]
    # The learning rate is still there, and the run uses the URL's hidden values.
    assert at.number_input(key="lr_box").value == 0.05
    assert at.select_slider(key="lr_slider").value == 0.05
    xy = path_xy(paths(at)[0])
    assert paths(at)[0]["name"] == "Adam · lr 0.05 (live)"
    assert len(xy) == 31 and xy[0].tolist() == [1.0, -1.0]
    # Adam's first step moves each weight by lr.
    np.testing.assert_allclose(np.abs(xy[1] - xy[0]), [0.05, 0.05], rtol=1e-3)
    assert chart(at, "data")["layout"]["yaxis"]["title"]["text"] == "y"  # line: 1-D

    at.number_input(key="lr_box").set_value(0.2)
    run(at)
    assert paths(at)[0]["name"] == "Adam · lr 0.2 (live)"
    assert path_xy(paths(at)[0])[0].tolist() == [1.0, -1.0]
    assert at.query_params["hide"] == ",".join(sorted(HIDDEN.split(",")))
    assert at.query_params["optimizer"] == "adam"
    assert at.query_params["loss"] == "mae"
    assert at.query_params["lr"] == "0.2"


def test_an_unknown_hidden_control_warns_and_the_rest_are_hidden():
    at = run(make_app(hide="zzz_button,lr"))

    (warning,) = warnings(at)
    assert "hide" in warning and "zzz_button" in warning
    assert "lr_box" not in keys(at.number_input)
    assert "lr_slider" not in keys(at.select_slider)
    assert "in_optimizer" in keys(at.selectbox)
    assert paths(at)[0]["name"] == "Gradient descent · lr 0.1 (live)"
    assert at.query_params["hide"] == "lr"


# --- 7. lessons ----------------------------------------------------------------
def test_each_lesson_loads_with_one_click():
    at = run(make_app())
    for lesson in lessons.LESSONS:
        at.button(key=f"lesson_{lesson.key}").click()
        run(at)

        expected, problems = links.parse_query(
            urllib.parse.parse_qs(lesson.query, keep_blank_values=True)
        )
        assert problems == [], lesson.key
        assert at.session_state["explorer"] == expected, lesson.key
        assert f"**{lesson.title}.** {lesson.text}" in [i.value for i in at.info]
        assert at.selectbox(key="in_dataset").value == expected.dataset
        assert at.selectbox(key="in_optimizer").value == expected.optimizer
        assert at.radio(key="in_loss").value == expected.loss
        assert at.number_input(key="lr_box").value == expected.lr
        drawn = paths(at)
        assert len(drawn) == 1 + len(expected.pins), lesson.key
        for trace, pin in zip(drawn, (expected.live, *expected.pins)):
            xy = path_xy(trace)
            assert xy[0].tolist() == [pin.w1, pin.w2], (lesson.key, pin)
            assert trace["name"].startswith(pin.label)
            assert len(xy) == pin.steps + 1 or "diverged" in " ".join(warnings(at))
        assert query_all(at, "pin") == [links.format_pin(p) for p in expected.pins]
        assert at.query_params["optimizer"] == expected.optimizer
        assert at.query_params["lesson"] == lesson.key
        assert at.session_state["internals_step"] == 1


@pytest.mark.parametrize("key", [lesson.key for lesson in lessons.LESSONS])
def test_a_lesson_link_loads_the_lesson_as_its_button_does(key):
    by_link = run(make_app(lesson=key))
    by_button = run(make_app())
    by_button.button(key=f"lesson_{key}").click()
    run(by_button)

    # No warning about the link; a lesson's diverging run is explained alike.
    assert not any("URL parameter" in w for w in warnings(by_link))
    assert warnings(by_link) == warnings(by_button)
    assert by_link.session_state["explorer"] == by_button.session_state["explorer"]
    assert paths(by_link) == paths(by_button)  # the same runs, point for point
    assert by_link.query_params["dataset"] == by_button.query_params["dataset"]
    assert by_link.query_params["lesson"] == key
    assert query_all(by_link, "pin") == query_all(by_button, "pin")


def test_a_lesson_link_with_changes_keeps_the_changes():
    """A link shared after a change: the link's own settings win over the lesson's."""
    at = run(make_app(classroom="1", lesson="learning_rate", lr="0.3"))
    lesson, _ = links.parse_query(links.lesson_query("learning_rate"))
    state = at.session_state["explorer"]
    assert (state.dataset, state.optimizer, state.lr) == ("line", lesson.optimizer, 0.3)
    assert state.pins == lesson.pins
    assert at.query_params["lr"] == "0.3"


# --- known bugs (strict: each fails loudly once it is fixed) -------------------
def test_a_lesson_resets_the_hyperparameters_it_does_not_set():
    at = run(make_app(optimizer="momentum", momentum="0.5"))
    assert at.session_state["explorer"].params == (("momentum", 0.5),)

    at.button(key="lesson_momentum").click()
    run(at)
    # The lesson says "momentum 0.9"; its link leaves momentum at the default.
    assert at.session_state["explorer"].params == ()
    assert at.number_input(key="hp_momentum_momentum").value == 0.9


def test_the_code_of_two_pins_with_the_same_label_keeps_their_starts():
    pins = ["sgd,lr=0.1,steps=20,w1=-2,w2=2", "sgd,lr=0.1,steps=20,w1=1,w2=1"]
    at = run(make_app(steps="20", pin=pins))
    at.toggle(key="code_on").set_value(True)
    run(at)
    assert len(at.selectbox(key="code_run").options) == 3

    for index, start in ((1, "[[-2.0], [2.0]]"), (2, "[[1.0], [1.0]]")):
        at.selectbox(key="code_run").select_index(index)
        run(at)
        (code,) = [c for c in at.code if c.language == "python"]
        assert f"w = tf.Variable({start})" in code.value, index


def axes_range(at: AppTest) -> tuple[list[float], list[float]]:
    layout = chart(at, "contour")["layout"]
    return layout["xaxis"]["range"], layout["yaxis"]["range"]


def test_a_click_that_sets_the_start_keeps_the_view_where_it_is():
    at = run(make_app(steps="30"))
    before = axes_range(at)
    click_contour(at, 0.5, 0.5)
    assert path_xy(paths(at)[0])[0].tolist() == [0.5, 0.5]
    assert axes_range(at) == before


def test_locked_axes_stay_through_a_change_and_fit_all_takes_in_every_path():
    sweep = [f"pin=sgd,lr={lr},steps=60,w1=-3,w2=3" for lr in (0.3, 1, 10, 30)]
    query = {"optimizer": "sgd", "lr": "3", "steps": "60", "w1": "-3", "w2": "3"}
    at = run(make_app(**query, pin=[p.split("=", 1)[1] for p in sweep]))
    framed = axes_range(at)
    at.segmented_control(key="axes").set_value("Lock axes")
    run(at)
    at.number_input(key="lr_box").set_value(0.5)
    run(at)
    assert axes_range(at) == framed
    at.segmented_control(key="axes").set_value("Fit all")
    run(at)
    (x0, x1), (y0, y1) = axes_range(at)
    every = np.concatenate([path_xy(p) for p in paths(at)])
    assert x0 <= every[:, 0].min() and every[:, 0].max() <= x1
    assert y0 <= every[:, 1].min() and every[:, 1].max() <= y1
    assert x1 - x0 > framed[0][1] - framed[0][0]


def test_the_lesson_link_is_built_only_while_its_expander_is_open():
    at = run(make_app(optimizer="adam", lr="0.05"))
    assert at.code.len == 0  # closed: no code block (nor its highlighter) sent
    at.session_state["link_open"] = True  # as the browser reports an opened one
    run(at)
    (code,) = at.code
    query = urllib.parse.parse_qs(code.value.split("?", 1)[1])
    assert query["optimizer"] == ["adam"] and query["lr"] == ["0.05"]
    hidden = [c for c in links.HIDEABLE if c != "lr"]
    assert query["hide"] == [",".join(hidden)]
    at.session_state["link_open"] = False
    run(at)
    assert at.code.len == 0
