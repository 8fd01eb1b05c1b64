"""Exports: images through kaleido, HTML offline in Chromium, GIF/MP4 frame counts,
CSV/JSON round trips, the render command and the notebook API.

Streamlit is imported first, as in the app: it swaps Plotly's default template for
one whose placeholder colours export black unless a figure sets its own.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import imageio.v3 as iio
import imageio_ffmpeg
import numpy as np
import plotly.io as pio
import pytest
import streamlit  # noqa: F401  (its import changes Plotly's default template)
from PIL import Image

import landscape
from landscape import api, cli, curvature, export, figures, runspec, stability
from landscape.data.presets import make_dataset
from landscape.export import markers, movie, raster
from landscape.figures import theme
from landscape.figures.controls import frame_steps
from tests.helpers import near, rgb
from tests.test_curvature import numpy_hessian_cross_entropy

RUNS = ["adam lr=0.1 steps=30", "sgd lr=0.5 steps=40 w1=-3 w2=3"]
SIZE = (640, 400)
FRAMES = 12


@pytest.fixture(scope="module")
def comp() -> api.Comparison:
    data = make_dataset("overlap", 60, None, 0)
    return api.comparison(data, "cross_entropy", RUNS, grid=41)


@pytest.fixture(scope="module")
def png(comp) -> np.ndarray:
    data = export.to_png(comp.figure(height=SIZE[1]), *SIZE)
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def test_streamlit_really_swapped_the_default_template():
    assert pio.templates.default == "streamlit"  # else the colour test proves nothing


def test_png_has_the_requested_size_and_is_not_flat(png):
    assert png.shape == (SIZE[1], SIZE[0], 3)
    assert png.var() > 500  # a flat (e.g. all-black) image has variance 0


def test_png_keeps_the_pages_colours_after_importing_streamlit(png):
    # Each path in its Okabe-Ito colour; the valley floor white, not black.
    for slot in range(len(RUNS)):
        assert near(png, theme.PALETTE[slot]) > 150, theme.PALETTE[slot]
    assert near(png, "#ffffff", 2) > 0.1 * png.shape[0] * png.shape[1]
    assert near(png, "#000000", 30) < 0.05 * png.shape[0] * png.shape[1]


def test_png_scale_multiplies_the_pixels(comp):
    data = export.to_png(comp.figure(), 200, 150, scale=2)
    assert Image.open(io.BytesIO(data)).size == (400, 300)


def test_svg_parses_with_the_size_and_run_colours(comp):
    svg = export.to_svg(comp.figure(), *SIZE)
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert (root.get("width"), root.get("height")) == tuple(map(str, SIZE))
    text = svg.decode()
    for colour in theme.PALETTE[: len(RUNS)]:
        r, g, b = rgb(colour)
        assert f"rgb({r}, {g}, {b})" in text


def test_html_is_self_contained_with_the_runs(comp):
    html = export.to_html(comp.figure()).decode()
    assert "<script src=" not in html  # nothing fetched: plotly.js is inline
    assert len(html) > 3_000_000 and "plotly.js v" in html
    for run in comp.runs:
        assert json.dumps(run.label)[1:-1] in html  # as the figure's JSON spells it


@pytest.mark.e2e
def test_html_draws_the_runs_in_chromium_with_no_network(comp, tmp_path):
    from landscape.browser import chromium

    page_file = tmp_path / "comparison.html"
    page_file.write_bytes(export.to_html(comp.figure()))
    asked = []
    with chromium() as browser:
        page = browser.new_page()

        def refuse(route):
            asked.append(route.request.url)
            local = route.request.url.startswith(("file:", "data:", "blob:"))
            route.continue_() if local else route.abort()

        page.route("**/*", refuse)
        page.goto(page_file.as_uri())
        page.wait_for_function("window.Plotly && document.querySelector('.main-svg')")
        traces = page.evaluate(
            """() => document.querySelector('.js-plotly-plot')._fullData.map(
                d => ({name: d.name, mode: d.mode,
                       x: Array.from(d.x || []).map(Number)}))"""
        )
    assert all(url.startswith("file:") for url in asked), asked
    drawn = {t["name"]: t["x"] for t in traces if t["mode"] == "lines+markers"}
    for run in comp.runs:
        assert np.array_equal(
            np.float32(drawn[run.label]), run.trajectory.weights[:, 0]
        ), run.label


def test_gif_has_one_frame_per_frame_step(comp):
    data = movie.to_gif(
        comp.surface,
        comp.runs,
        comp.dataset.feature_names,
        width=SIZE[0],
        height=SIZE[1],
        frames=FRAMES,
    )
    frames = iio.imread(data, index=None)
    assert frames.shape == (FRAMES, SIZE[1], SIZE[0], 3)
    assert near(frames[-1], theme.PALETTE[1], 0) > 100  # the exact run colour
    assert near(frames[-1], "#ffffff", 0) > 0.2 * SIZE[0] * SIZE[1]  # exact white
    assert not np.array_equal(frames[0], frames[-1])


def test_frames_are_capped_at_one_per_step(comp):
    longest = max(len(r.trajectory.weights) - 1 for r in comp.runs)
    steps = frame_steps(comp.runs, 1000)
    assert steps.tolist() == list(range(longest + 1))
    assert frame_steps(comp.runs, 5).tolist() == [0, 10, 20, 30, 40]


def test_mp4_has_the_expected_frames(comp, tmp_path):
    path = tmp_path / "playback.mp4"
    path.write_bytes(
        movie.to_mp4(
            comp.surface,
            comp.runs,
            comp.dataset.feature_names,
            width=322,
            height=201,
            frames=FRAMES,
            fps=10,
        )
    )
    assert imageio_ffmpeg.count_frames_and_secs(str(path)) == (FRAMES, FRAMES / 10)


def test_last_frame_matches_plotlys_own_render(comp, png):
    """Pillow's paths land where plotly.js draws them: the final frame against a
    kaleido render of the full figure (the step counter's margin aside)."""
    frames = raster.render_frames(
        comp.surface,
        comp.runs,
        comp.dataset.feature_names,
        width=SIZE[0],
        height=SIZE[1],
        frames=2,
    )
    last = list(frames)[-1].astype(int)
    full = np.asarray(
        Image.open(io.BytesIO(export.to_png(comp.figure(), *SIZE))).convert("RGB")
    ).astype(int)
    diff = np.abs(last - full).sum(-1)[40:]
    assert diff.mean() < 4 and (diff > 60).mean() < 0.02


def test_progress_is_reported_up_to_done(comp):
    seen = []
    names = comp.dataset.feature_names
    report = lambda fraction, message: seen.append(fraction)  # noqa: E731
    movie.to_gif(
        comp.surface, comp.runs, names, width=200, height=150, frames=3, progress=report
    )
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


@pytest.mark.parametrize(
    ("dash", "width", "expected"),
    # plotly.js's Drawing.dashStyle, with d = max(width, 3)
    [("solid", 2.5, ()), ("dot", 2.5, (3, 3)), ("dash", 4, (12, 12)),
     ("longdash", 3, (15, 15)), ("dashdot", 2.5, (9, 3, 3, 3))],
)  # fmt: skip
def test_dash_patterns_are_plotlys(dash, width, expected):
    assert markers.dash_pattern(dash, width) == expected


def test_dashes_follow_the_arc_length_around_corners():
    # An L of 60 + 40 px under 9 on, 9 off: on at 0-9, 18-27, ..., 90-99.
    corner = np.array([[0.0, 0.0], [60.0, 0.0], [60.0, 40.0]])
    pieces = markers._pieces(corner, (9.0, 9.0))
    assert len(pieces) == 6
    lengths = [np.hypot(*np.diff(p, axis=0).T).sum() for p in pieces]
    assert np.allclose(lengths, 9.0)
    assert any(len(p) == 3 and (p[1] == [60, 0]).all() for p in pieces)  # 54-63


def _columns(rows: list[dict], name: str, label: str) -> np.ndarray:
    return np.float32([r[name] for r in rows if r["run"] == label and r[name] != ""])


def test_csv_round_trips_every_step_exactly(comp):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(comp.runs).decode())))
    for run in comp.runs:
        t, label = run.trajectory, run.label
        assert [int(r["step"]) for r in rows if r["run"] == label] == list(
            range(len(t.weights))
        )
        weights = np.stack(
            [_columns(rows, "w1", label), _columns(rows, "w2", label)], 1
        )
        assert np.array_equal(weights, t.weights)
        assert np.array_equal(_columns(rows, "loss", label), t.losses)
        grads = np.stack(
            [_columns(rows, "grad_w1", label), _columns(rows, "grad_w2", label)], 1
        )
        assert np.array_equal(grads, t.gradients)
        assert np.array_equal(_columns(rows, "learning_rate", label), t.learning_rates)
        for name, values in t.state.items():
            cols = [f"{name}_w1", f"{name}_w2"] if values.ndim == 2 else [name]
            got = np.stack([_columns(rows, c, label) for c in cols], -1)
            assert np.array_equal(got.reshape(values.shape), values), name


def test_json_round_trips_every_step_exactly(comp):
    out = json.loads(api.render(comp, "json"))
    assert out["settings"]["loss"] == "cross_entropy"
    for record, run, cfg in zip(out["runs"], comp.runs, comp.configs):
        t = run.trajectory
        assert record["label"] == run.label and record["diverged_at"] == t.diverged_at
        for name in ("weights", "losses", "gradients", "learning_rates"):
            assert np.array_equal(np.float32(record[name]), getattr(t, name)), name
        for name, values in t.state.items():
            assert np.array_equal(np.float32(record["state"][name]), values), name
        assert record["settings"]["learning_rate"] == cfg.learning_rate
        # The curvature along the run, at each row of weights: NumPy's
        # eigenvalues of X^T S X / n there.
        values = np.linalg.eigvalsh(
            numpy_hessian_cross_entropy(comp.dataset.x, t.weights)
        )
        np.testing.assert_allclose(record["sharpness"], values[:, 1], rtol=1e-4)
        np.testing.assert_allclose(record["sharpness_min"], values[:, 0], rtol=1e-4)
        if cfg.optimizer in stability.ADAM_FAMILY:
            pre = record["preconditioned_sharpness"]
            assert pre[0] is None and all(v > 0 for v in pre[1:])
        else:
            assert "preconditioned_sharpness" not in record


def test_csv_carries_the_curvature_of_every_row(comp):
    text = api.render(comp, "csv").decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    header = text.splitlines()[0].split(",")
    assert header[-3:] == ["sharpness", "sharpness_min", "preconditioned_sharpness"]
    for run in comp.runs:
        t, label = run.trajectory, run.label
        values = np.linalg.eigvalsh(
            numpy_hessian_cross_entropy(comp.dataset.x, t.weights)
        )
        got = np.float64([r["sharpness"] for r in rows if r["run"] == label])
        np.testing.assert_allclose(got, values[:, 1], rtol=1e-4)


def test_recording_the_curvature_twice_changes_nothing(comp):
    run, cfg = comp.runs[0], comp.configs[0]
    assert run.trajectory.curvature() == {}  # the engine's run has none
    once = curvature.record(comp.dataset, cfg, run.trajectory)
    assert set(once.curvature()) >= {"sharpness", "sharpness_min"}
    assert curvature.record(comp.dataset, cfg, once) is once
    assert np.array_equal(once.weights, run.trajectory.weights)


def test_steps_table_leaves_the_start_row_blank(comp):
    first = export.steps_table(comp.runs)[0]
    assert first["step"] == 0 and first["grad_w1"] is None
    assert first["learning_rate"] is None and "m_w1" not in first


# --- run specs and the notebook API ---------------------------------------
def test_parse_run_reads_every_setting():
    cfg = runspec.parse_run(
        "momentum lr=0.05 steps=300 w1=-3 w2=1.5 momentum=0.8 schedule=cosine batch=16"
    )
    assert (cfg.optimizer, cfg.learning_rate, cfg.steps) == ("momentum", 0.05, 300)
    assert cfg.start == (-3.0, 1.5) and cfg.param_dict == {"momentum": 0.8}
    assert cfg.schedule.kind == "cosine" and cfg.batch_size == 16
    assert runspec.parse_run("adam,lr=0.1") == runspec.parse_run("adam lr=0.1")
    assert runspec.parse_run({"optimizer": "adam", "lr": 0.1}).learning_rate == 0.1
    assert runspec.parse_run("adam").learning_rate == 0.001  # TF's default


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        ("adam foo=1", ["'foo'", "allowed: lr, steps", "beta_1"]),
        ("adam lr", ["NAME=VALUE"]),
        ("adam lr=1 lr=2", ["each name once"]),
        ("nope", ["unknown optimizer", "adam"]),
        ("adam beta_1=2", ["beta_1", "[0, 1)"]),
        ("", ["empty run"]),
    ],
)
def test_parse_run_rejects_bad_specs_saying_what_is_allowed(spec, fragments):
    with pytest.raises(ValueError) as error:
        runspec.parse_run(spec)
    for fragment in fragments:
        assert fragment in str(error.value)


def test_compare_is_a_figure_with_every_path():
    data = landscape.make_dataset("blobs", 40)
    fig = landscape.compare(data, "cross_entropy", RUNS, grid=21, classroom=True)
    names = [t.name for t in fig.data]
    assert "Adam · lr 0.1" in names and "Gradient descent · lr 0.5" in names
    assert fig.layout.template.layout.paper_bgcolor is not None
    assert fig.layout.font.size == figures.CLASSROOM.tick


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"preset": "blobs", "samples": 60, "noise": None, "seed": 3},
         {"dataset": "blobs", "samples": 60, "noise": 0.5, "seed": 3}),
        ({"preset": "blobs", "samples": 60, "noise": 0.2, "seed": 0},
         {"dataset": "blobs", "samples": 60, "noise": 0.2, "seed": 0}),
        ({"preset": "iris", "samples": 60, "noise": 0.2, "seed": 0},
         {"dataset": "iris"}),
        ({"file": "my data.csv"}, {"data": "my data.csv"}),
        ({}, {"dataset": "blobs"}),
    ],
)  # fmt: skip
def test_data_settings_say_where_the_data_came_from(options, expected):
    data = make_dataset("blobs", 60, None, 0)
    rows = {"rows": 60, "task": "classification"}
    assert api.data_settings(data, **options) == expected | rows
    assert list(api.data_settings(data, **options)) == list(expected | rows)


def test_comparison_settings_are_its_data_settings_then_the_surface(comp):
    assert comp.settings() == {
        "dataset": "overlap",
        "rows": 60,
        "task": "classification",
        "loss": "cross_entropy",
        "grid": 41,
        "w1": [float(comp.surface.w1[0]), float(comp.surface.w1[-1])],
        "w2": [float(comp.surface.w2[0]), float(comp.surface.w2[-1])],
    }
    source = api.data_settings(comp.dataset, file="points.csv")
    mine = api.Comparison(
        comp.dataset, comp.loss, comp.surface, comp.runs, comp.configs, source
    )
    assert list(mine.settings()) == ["data", "rows", "task", "loss", "grid", "w1", "w2"]
    assert json.loads(api.render(mine, "json"))["settings"]["data"] == "points.csv"


def test_same_labels_are_numbered():
    labels = runspec.labels([runspec.parse_run(s) for s in ["sgd", "sgd steps=5"]])
    assert labels[0] != labels[1] and labels[1].endswith("(2)")


# --- the command line -------------------------------------------------------
@pytest.mark.parametrize("fmt", api.FORMATS)
def test_every_format_renders_from_the_command_line(fmt, tmp_path, capsys):
    out = tmp_path / f"comparison.{fmt}"
    argv = ["render", "--dataset", "overlap", "--samples", "60", "--grid", "21"]
    argv += ["--run", RUNS[0], "--run", RUNS[1], "--out", str(out)]
    argv += ["--width", "320", "--height", "200", "--frames", "6", "--classroom"]
    assert cli.main(argv) == 0
    assert f"wrote {out}" in capsys.readouterr().out
    data = out.read_bytes()
    checks = {
        "png": lambda: Image.open(out).size == (320, 200),
        "svg": lambda: ET.fromstring(data).tag.endswith("svg"),
        "html": lambda: b"Plotly.newPlot" in data,
        "gif": lambda: iio.improps(out, index=None).shape[0] == 6,
        "mp4": lambda: imageio_ffmpeg.count_frames_and_secs(str(out))[0] == 6,
        "csv": lambda: data.startswith(b"run,step,w1,w2,loss"),
        "json": lambda: len(json.loads(data)["runs"]) == 2,
    }
    assert checks[fmt]()


def test_render_and_train_record_the_data_alike(tmp_path, capsys):
    data = ["--dataset", "overlap", "--samples", "60", "--seed", "2"]
    out = tmp_path / "comparison.json"
    argv = ["render", *data, "--grid", "11", "--run", "sgd steps=3", "--out", str(out)]
    assert cli.main(argv) == 0
    rendered = json.loads(out.read_bytes())["settings"]
    capsys.readouterr()
    assert cli.main(["train", *data, "--steps", "3", "--json"]) == 0
    trained = json.loads(capsys.readouterr().out)["settings"]
    shared = ["dataset", "samples", "noise", "seed", "rows", "task"]
    assert list(rendered)[:6] == shared
    assert {k: rendered[k] for k in shared} == {k: trained[k] for k in shared}


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--run", "adam", "--out", "{dir}/x.bmp"], [".bmp", ".png", ".mp4"]),
        (["--run", "adam", "--out", "{dir}/x"], ["no extension", ".gif"]),
        (["--run", "adam foo=1", "--out", "{dir}/x.png"], ["'foo'", "allowed"]),
        (["--run", "adam lr=-1", "--out", "{dir}/x.png"], ["learning rate"]),
        (["--run", "nope", "--out", "{dir}/x.png"], ["unknown optimizer"]),
        (["--run", "adam", "--out", "{dir}/no/x.png"], ["folder"]),
        (["--out", "{dir}/x.png"], ["--run"]),
        (["--run", "adam", "--out", "{dir}/x.gif", "--frames", "0"], ["frames"]),
        (["--run", "adam", "--out", "{dir}/x.png", "--width", "9"], ["width"]),
        (["--run", "adam", "--out", "{dir}/x.csv", "--grid", "2"], ["grid"]),
        (["--run", "adam", "--out", "{dir}/x.csv", "--w1", "3", "1"], ["w1 range"]),
        (["--run", "adam", "--dataset", "line", "--out", "{dir}/x.csv"], ["mse"]),
        (["--out", "{dir}/x.csv"] + ["--run", "adam"] * 9, ["1 to 8 runs"]),
    ],
)
def test_bad_render_input_is_one_line_and_status_2(args, fragments, tmp_path, capsys):
    status = cli.main(["render", *[a.format(dir=tmp_path) for a in args]])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err.count("\n") == 1 and captured.err.startswith("landscape: error")
    for fragment in fragments:
        assert fragment in captured.err


def test_render_subprocess_keeps_stderr_clean(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "c.png"
    argv = [sys.executable, "-m", "landscape", "render", "--samples", "40"]
    argv += ["--grid", "21", "--run", "sgd lr=1 steps=5", "--out", str(out)]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=180, cwd=Path(__file__).parents[1]
    )
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert Image.open(out).size == (960, 600)
