"""AppTest tests of app.py: URL <-> widgets, runs, pins, sweep, line-up, uploads."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from landscape import trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset
from landscape.divergence import RATE_GRID
from landscape.figures.theme import log_levels
from landscape.surface import loss_surface
from tests.helpers import (
    chart,
    charts,
    click,
    decode,
    make_app,
    path_xy,
    paths,
    query_all,
    run,
    runs_table,
    served_picture,
    warnings,
)
from ui.cache import GRID

DEFAULT_START = (-2.0, 2.0)


pytestmark = pytest.mark.usefixtures("fresh_caches")


# --- reading Plotly figure JSON ----------------------------------------------


def live(at: AppTest) -> dict:
    first = paths(at)[0]
    assert first["name"].endswith("(live)")
    return first


def pin_lrs(at: AppTest) -> list[float]:
    return [float(re.search(r"lr=([^,]+)", p).group(1)) for p in query_all(at, "pin")]


# --- 1. default page ---------------------------------------------------------
def test_default_page_draws_the_surface_and_the_live_path_from_the_start():
    at = run(make_app())

    assert warnings(at) == []
    assert len(at.get("plotly_chart")) == 3
    fig = chart(at, "contour")
    # The surface is its picture under the plot, served by address (sent once,
    # not with every path), over exactly the axes' box; one invisible cell
    # over the same box carries the colour bar.
    key = fig["data"][0]
    assert (key["type"], key["name"], key["opacity"]) == ("heatmap", "loss surface", 0)
    (image,) = fig["layout"]["images"]
    x, y = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    assert (image["x"], image["y"]) == (x[0], y[1])
    assert (image["sizex"], image["sizey"]) == (x[1] - x[0], y[1] - y[0])
    edges = decode(key["x"]), decode(key["y"])
    assert [edges[0][0], edges[0][-1], edges[1][0], edges[1][-1]] == pytest.approx(
        [*x, *y], rel=1e-6
    )
    assert image["layer"] == "below" and image["sizing"] == "stretch"
    # The address is the engine's own surface picture's.
    data = make_dataset("overlap", 200, None, 0)
    served_picture(fig, data, "cross_entropy", GRID)
    surf = loss_surface(data, "cross_entropy", tuple(x), tuple(y), GRID)
    assert np.isfinite(surf.loss).all()
    # Its colour bar spans the picture's log10 loss, ticks in loss units.
    z, tickvals, _ = log_levels(surf.loss)
    assert (key["zmin"], key["zmax"]) == pytest.approx((z.min(), z.max()))
    assert key["colorbar"]["tickvals"] == pytest.approx(tickvals)
    xy = path_xy(live(at))
    assert xy[0].tolist() == list(DEFAULT_START)
    assert len(xy) == 101  # 100 steps plus the starting point
    # The surface minimum marker is the second trace.
    assert chart(at, "contour")["data"][1]["name"].startswith("surface minimum")


# --- 2. widgets change the run -----------------------------------------------
def test_learning_rate_and_optimizer_change_the_live_path():
    at = run(make_app())
    before = path_xy(live(at))

    at.number_input(key="lr_box").set_value(0.3)
    run(at)
    faster = path_xy(live(at))
    assert "lr 0.3" in live(at)["name"]
    assert faster.shape == before.shape
    assert not np.allclose(faster, before)
    # Plain gradient descent: the first step is exactly 3x as long at 3x the rate.
    np.testing.assert_allclose(
        faster[1] - faster[0], 3 * (before[1] - before[0]), rtol=1e-4
    )

    at.selectbox(key="in_optimizer").set_value("adam")
    run(at)
    adam = path_xy(live(at))
    assert "Adam" in live(at)["name"]
    assert not np.allclose(adam, faster)
    # Adam's first step moves each weight by lr (times sign of the gradient).
    np.testing.assert_allclose(np.abs(adam[1] - adam[0]), [0.3, 0.3], rtol=1e-3)


# --- 3. slider <-> number box ------------------------------------------------
def test_learning_rate_slider_and_box_stay_in_sync():
    at = run(make_app())

    # 0.004 lies between the stops 0.003 and 0.005; it is closer to 0.005 in log.
    at.number_input(key="lr_box").set_value(0.004)
    run(at)
    assert at.select_slider(key="lr_slider").value == 0.005
    assert at.number_input(key="lr_box").value == 0.004  # the box keeps its value
    assert "lr 0.004" in live(at)["name"]

    at.select_slider(key="lr_slider").set_value(0.02)
    run(at)
    assert at.number_input(key="lr_box").value == 0.02
    assert "lr 0.02" in live(at)["name"]
    assert at.query_params["lr"] == "0.02"


# --- 4. URL -> widgets -------------------------------------------------------
def test_url_parameters_set_the_widgets_and_the_run():
    at = run(
        make_app(
            optimizer="adam",
            lr="0.05",
            steps="30",
            w1="1",
            w2="-1",
            dataset="overlap",
            loss="mse",
            samples="120",
            seed="7",
            noise="0.7",
            batch="16",
            schedule="cosine",
            beta_1="0.8",
        )
    )

    assert warnings(at) == []
    assert at.selectbox(key="in_optimizer").value == "adam"
    assert at.selectbox(key="in_dataset").value == "overlap"
    assert at.radio(key="in_loss").value == "mse"
    assert at.selectbox(key="in_schedule").value == "cosine"
    assert at.number_input(key="lr_box").value == 0.05
    assert at.select_slider(key="lr_slider").value == 0.05
    numbers = {
        "in_steps": 30,
        "in_w1": 1.0,
        "in_w2": -1.0,
        "in_samples": 120,
        "in_seed": 7,
        "in_noise": 0.7,
        "in_batch": 16,
        "hp_adam_beta_1": 0.8,
    }
    for key, value in numbers.items():
        assert at.number_input(key=key).value == value, key
    xy = path_xy(live(at))
    assert len(xy) == 31
    assert xy[0].tolist() == [1.0, -1.0]
    assert live(at)["name"] == "Adam · lr 0.05 · cosine · batch 16 (live)"
    # The data chart shows the 120 points of the chosen preset.
    data = chart(at, "data")["data"]
    assert sum(len(decode(t["x"])) for t in data if t["mode"] == "markers") == 120


# --- 5. hostile URL parameters -----------------------------------------------
HOSTILE = [
    # (query, name the warning must contain, widget key, default value)
    ({"lr": "abc"}, "lr", "lr_box", 0.1),
    ({"lr": "nan"}, "lr", "lr_box", 0.1),
    ({"lr": "-1"}, "lr", "lr_box", 0.1),
    ({"steps": "-5"}, "steps", "in_steps", 100),
    ({"steps": "1e9"}, "steps", "in_steps", 100),
    ({"steps": "2.5"}, "steps", "in_steps", 100),
    ({"optimizer": "nope"}, "optimizer", "in_optimizer", "sgd"),
    ({"dataset": "../../etc/passwd"}, "dataset", "in_dataset", "overlap"),
    ({"dataset": "upload"}, "dataset", "in_dataset", "overlap"),
    ({"w1": "inf"}, "w1", "in_w1", -2.0),
    ({"w2": "1e308"}, "w2", "in_w2", 2.0),
    ({"samples": "0"}, "samples", "in_samples", 200),
    ({"loss": "hinge"}, "loss", "in_loss", "cross_entropy"),
    ({"pin": "garbage"}, "pin", None, None),
    ({"pin": "adam,lr=xyz"}, "pin", None, None),
    ({"pin": "adam,lr"}, "pin", None, None),
    ({"zzz_unknown": "1"}, "zzz_unknown", None, None),
    ({"optimizer": "adam", "beta_1": "5"}, "beta_1", "hp_adam_beta_1", 0.9),
]


@pytest.mark.parametrize(
    "query, name, key, default",
    HOSTILE,
    ids=["&".join(f"{k}={v}" for k, v in q.items()) for q, *_ in HOSTILE],
)
def test_hostile_url_parameters_warn_and_fall_back(query, name, key, default):
    at = run(make_app(**query))

    assert any(name in w for w in warnings(at)), warnings(at)
    assert len(at.get("plotly_chart")) == 3
    if key is not None:
        widget = {"in_dataset": at.selectbox, "in_optimizer": at.selectbox}.get(
            key, at.radio if key == "in_loss" else at.number_input
        )
        assert widget(key=key).value == default
    # Only the live run is drawn (no bad pin), from the default start.
    assert len(paths(at)) == 1
    assert path_xy(live(at))[0].tolist() == list(DEFAULT_START)
    # The URL is rewritten without the bad value.
    assert query[name] not in query_all(at, name)


# --- 6. state -> URL ---------------------------------------------------------
def test_the_url_is_written_back_and_reproduces_the_pins():
    at = run(make_app())
    assert at.query_params["lr"] == "0.1"
    assert at.query_params["optimizer"] == "sgd"
    assert at.query_params["dataset"] == "overlap"
    assert at.query_params["steps"] == "100"
    assert (at.query_params["w1"], at.query_params["w2"]) == ("-2", "2")
    assert query_all(at, "pin") == []

    click(at, "Pin run")
    at.selectbox(key="in_optimizer").set_value("adam")
    at.number_input(key="lr_box").set_value(0.05)
    run(at)
    click(at, "Pin run")
    assert query_all(at, "pin") == [
        "sgd,lr=0.1,steps=100,w1=-2,w2=2",
        "adam,lr=0.05,steps=100,w1=-2,w2=2",
    ]
    assert at.query_params["optimizer"] == "adam"

    # A fresh session from that URL draws the same runs.
    again = run(make_app(**at.query_params))
    assert warnings(again) == []
    assert [p["name"] for p in paths(again)] == [p["name"] for p in paths(at)]
    for a, b in zip(paths(again), paths(at)):
        np.testing.assert_array_equal(path_xy(a), path_xy(b))


# --- 7. pinning --------------------------------------------------------------
def test_pin_run_adds_a_path_and_a_summary_row():
    at = run(make_app())
    live_xy = path_xy(live(at))

    click(at, "Pin run")
    names = [p["name"] for p in paths(at)]
    assert names == ["Gradient descent · lr 0.1 (live)", "Gradient descent · lr 0.1"]
    np.testing.assert_array_equal(path_xy(paths(at)[1]), live_xy)

    at.number_input(key="lr_box").set_value(0.5)
    run(at)
    click(at, "Pin run")
    names = [p["name"] for p in paths(at)]
    assert names == [
        "Gradient descent · lr 0.5 (live)",
        "Gradient descent · lr 0.1",
        "Gradient descent · lr 0.5",
    ]
    assert runs_table(at)["run"].tolist() == names
    # Contour, minimum, 3 traces per run (casing, path, ends).
    data = chart(at, "contour")["data"]
    assert len(data) == 2 + 3 * 3
    assert [t["name"] for t in data[3::3]] == names
    assert len(chart(at, "losses")["data"]) == 3

    # Pinning the same run twice keeps one copy.
    click(at, "Pin run")
    assert len(query_all(at, "pin")) == 2

    # Unticking "show" hides a pin; "remove" drops it.
    at.checkbox(key="show_sgd,lr=0.1,steps=100,w1=-2,w2=2").uncheck()
    run(at)
    assert [p["name"] for p in paths(at)][1:] == ["Gradient descent · lr 0.5"]
    assert len(query_all(at, "pin")) == 2  # hidden, still pinned
    at.button(key="rm_sgd,lr=0.5,steps=100,w1=-2,w2=2").click()
    run(at)
    assert query_all(at, "pin") == ["sgd,lr=0.1,steps=100,w1=-2,w2=2"]


# --- 8. learning-rate sweep --------------------------------------------------
def test_learning_rate_sweep_pins_five_multiples_from_the_same_start():
    at = run(make_app(lr="0.2", w1="1.5", w2="-0.5", steps="40"))

    click(at, "Learning-rate sweep")
    np.testing.assert_allclose(pin_lrs(at), [0.02, 0.06, 0.2, 0.6, 2.0])
    pinned = paths(at)[1:]
    assert [p["name"] for p in pinned] == [
        f"Gradient descent · lr {lr:g}" for lr in (0.02, 0.06, 0.2, 0.6, 2)
    ]
    for p in pinned:
        xy = path_xy(p)
        assert xy[0].tolist() == [1.5, -0.5]
        assert len(xy) == 41
    # The 1x pin is the live run itself.
    np.testing.assert_array_equal(path_xy(pinned[2]), path_xy(live(at)))


# --- 9. optimizer line-up ----------------------------------------------------
def best_on_grid(key: str) -> float:
    """Each rate of the grid, trained here; the lowest final loss that did not
    grow or diverge (the default page's data, start and steps)."""
    data = make_dataset("overlap")
    ends = {}
    for rate in RATE_GRID:
        t = trainer.run(data, RunConfig(optimizer=key, learning_rate=rate))
        if t.diverged_at is None and t.losses[-1] <= t.losses[0]:
            ends[rate] = float(t.losses[-1])
    return min(ends, key=lambda r: (ends[r], r))


def test_optimizer_line_up_pins_each_choice_at_its_best_rate_and_each_moves():
    at = run(make_app(lr="0.5"))

    click(at, "Optimizer line-up")
    chosen = ["sgd", "momentum", "rmsprop", "adam"]
    assert at.multiselect(key="lineup").value == chosen
    pins = query_all(at, "pin")
    assert [p.split(",")[0] for p in pins] == chosen
    assert pin_lrs(at) == [best_on_grid(k) for k in chosen]
    for p in paths(at)[1:]:
        xy = path_xy(p)
        assert xy[0].tolist() == list(DEFAULT_START)
        # Each one visibly moves (TF's default 0.001 moved Adam by 0.1).
        assert np.hypot(*(xy[-1] - xy[0])) > 1.0, p["name"]
    assert "each at its best rate" in " ".join(i.value for i in at.info)

    # A new line-up joins the pins while all fit, and says so.
    at.multiselect(key="lineup").set_value(["nesterov", "lion"])
    run(at)
    click(at, "Optimizer line-up")
    assert [p.split(",")[0] for p in query_all(at, "pin")] == chosen + [
        "nesterov",
        "lion",
    ]
    assert [p["name"] for p in paths(at)][-2:] == [
        f"Nesterov momentum · lr {best_on_grid('nesterov'):g}",
        f"Lion · lr {best_on_grid('lion'):g}",
    ]
    assert any("added 2 pinned runs" in i.value for i in at.info)
    # Five more would make 11: they replace the pins, and the page says so.
    click(at, "Learning-rate sweep")
    assert len(query_all(at, "pin")) == 5
    assert any("replaced the 6 pinned runs" in i.value for i in at.info)


def test_runs_that_read_the_same_say_their_start_or_their_settings():
    at = run(make_app(pin=["sgd,lr=0.1,w1=1,w2=1"]))
    assert [p["name"] for p in paths(at)] == [
        "Gradient descent · lr 0.1 · start (-2, 2) (live)",
        "Gradient descent · lr 0.1 · start (1, 1)",
    ]
    at = run(make_app(pin=["sgd,lr=0.1,steps=50", "sgd,lr=0.1"]))
    assert [p["name"] for p in paths(at)] == [
        "Gradient descent · lr 0.1 · lr=0.1,steps=100,w1=-2,w2=2 (live)",
        "Gradient descent · lr 0.1 · lr=0.1,steps=50,w1=-2,w2=2",
        "Gradient descent · lr 0.1 · lr=0.1,steps=100,w1=-2,w2=2",
    ]


# --- 10. uploads -------------------------------------------------------------
def test_a_bad_upload_shows_an_error_and_keeps_the_runs():
    at = run(make_app())
    click(at, "Pin run")
    before = [(p["name"], path_xy(p).tolist()) for p in paths(at)]

    at.file_uploader(key="in_file").set_value(("bad.csv", b"a,b\n1,x\n", "text/csv"))
    run(at)
    errors = [e.value for e in at.error]
    assert len(errors) == 1
    assert errors[0].startswith("bad.csv: ")
    assert "'x' is not a number" in errors[0]
    assert at.selectbox(key="in_dataset").value == "overlap"
    assert "upload" not in at.selectbox(key="in_dataset").options
    assert [(p["name"], path_xy(p).tolist()) for p in paths(at)] == before
    assert at.query_params["dataset"] == "overlap"

    # The rejection is remembered on later runs without parsing again.
    run(at)
    assert [e.value for e in at.error] == errors
    assert [(p["name"], path_xy(p).tolist()) for p in paths(at)] == before


def test_a_good_upload_becomes_the_data_set():
    at = run(make_app())
    rows = "".join(f"{i / 10:g},{2 * i / 10 - 1:g}\n" for i in range(30))
    at.file_uploader(key="in_file").set_value(
        ("my_line.csv", f"dose,response\n{rows}".encode(), "text/csv")
    )
    run(at)
    assert at.selectbox(key="in_dataset").value == "upload"
    assert at.query_params["dataset"] == "upload"
    # Regression labels: cross-entropy is not offered.
    assert "cross_entropy" not in at.radio(key="in_loss").options
    data = chart(at, "data")
    assert data["layout"]["xaxis"]["title"]["text"] == "dose"
    assert len(decode(data["data"][0]["x"])) == 30


# --- 11. divergence ----------------------------------------------------------
def test_a_diverging_run_warns_and_the_charts_stay_finite():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="50"))

    (warning,) = warnings(at)
    found = re.search(r"diverged at step (\d+)", warning)
    assert found, warning
    step = int(found.group(1))
    assert warning.startswith("**Gradient descent · lr 50 (live)** diverged at step")
    assert 0 < step < 100
    assert runs_table(at)["diverged"].tolist() == [f"at step {step}"]
    # The path keeps the finite rows before the step that diverged.
    assert len(path_xy(live(at))) == step

    for key in ("contour", "losses", "data"):
        fig = chart(at, key)
        for trace in fig["data"]:
            for axis in ("x", "y", "z"):
                if axis in trace:
                    values = decode(trace[axis])
                    assert np.isfinite(values).all(), (key, trace.get("name"), axis)
    layout = chart(at, "contour")["layout"]
    for axis in ("xaxis", "yaxis"):
        lo, hi = layout[axis]["range"]
        assert math.isfinite(lo) and math.isfinite(hi)
        assert lo < hi
        assert max(abs(lo), abs(hi)) < 1e4


def test_a_link_with_a_repeated_pin_shows_it_once_with_a_warning():
    at = run(make_app(pin=["sgd,lr=0.5", "sgd,lr=0.5", "adam,lr=0.1", "sgd,lr=0.5"]))
    assert [t["name"] for t in paths(at)] == [
        "Gradient descent · lr 0.1 (live)",
        "Gradient descent · lr 0.5",
        "Adam · lr 0.1",
    ]
    repeated = [w for w in warnings(at) if "repeats an earlier pin" in w]
    assert len(repeated) == 2
    assert query_all(at, "pin") == [
        "sgd,lr=0.5,steps=100,w1=-2,w2=2",
        "adam,lr=0.1,steps=100,w1=-2,w2=2",
    ]
    assert len(at.get("plotly_chart")) == 3  # nothing replaced by an error


def test_the_view_lives_in_the_url_and_defaults_leave_no_empty_parameters():
    at = run(make_app(view="playback"))
    assert set(charts(at)) == {"playback"}
    assert at.query_params["view"] == "playback"
    assert "noise" not in at.query_params and "batch" not in at.query_params
    at.segmented_control(key="view").set_value("3D surface")
    run(at)
    assert at.query_params["view"] == "3d"
    assert warnings(run(make_app(view="nope"))) == [
        "URL parameter view='nope' is not a view; views: contour, playback, 3d."
    ]
    assert warnings(run(make_app(noise="x"))) == [
        "URL parameter noise='x' is not valid (a number from 0 to 5); "
        "using the default instead."
    ]
