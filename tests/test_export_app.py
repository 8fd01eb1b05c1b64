"""The app's download buttons hand over the comparison on screen, not another one."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pytest
import streamlit as st
from PIL import Image
from streamlit.testing.v1 import AppTest

from landscape import trainer
from landscape.config import RunConfig
from landscape.data import presets
from tests.test_curvature import numpy_hessian_cross_entropy

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def at():
    st.cache_data.clear()
    st.cache_resource.clear()
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    app.query_params.update(optimizer="adam", lr="0.05", steps="20", w1="1", w2="-1",
                            pin="sgd,lr=0.5,steps=10,w1=1,w2=-1")  # fmt: skip
    app.run()
    assert not app.exception
    return app


def prepare(at, kind: str) -> bytes:
    at.segmented_control(key="export_kind").set_value(kind).run()
    at.button(key="export_go").click().run()
    assert not at.exception
    button = at.get("download_button")
    assert len(button) == 1
    return at.session_state["export_file"][1]


def test_csv_download_holds_every_step_of_the_shown_runs(at):
    rows = list(csv.DictReader(io.StringIO(prepare(at, "CSV").decode())))
    data = presets.make_dataset("overlap", 200)
    live = trainer.run(data, RunConfig(optimizer="adam", learning_rate=0.05, steps=20,
                                       start=(1.0, -1.0)))  # fmt: skip
    mine = [r for r in rows if r["run"].endswith("(live)")]
    assert len(mine) == 21 and len(rows) == 21 + 11
    got = np.array([[float(r["w1"]), float(r["w2"])] for r in mine], np.float32)
    np.testing.assert_array_equal(got, live.weights)
    # The curvature columns: the exact Hessian's eigenvalues at each row,
    # against NumPy's closed form; Adam's P^-1 H blank before the first step.
    values = np.linalg.eigvalsh(numpy_hessian_cross_entropy(data.x, live.weights))
    for name, column in (("sharpness", 1), ("sharpness_min", 0)):
        got = np.array([float(r[name]) for r in mine])
        np.testing.assert_allclose(got, values[:, column], rtol=1e-4)
    pre = [r["preconditioned_sharpness"] for r in mine]
    assert pre[0] == "" and all(float(v) > 0 for v in pre[1:])


def test_png_download_is_the_requested_size_and_not_flat(at):
    image = np.asarray(Image.open(io.BytesIO(prepare(at, "PNG"))).convert("RGB"))
    assert image.shape == (600, 960, 3)
    assert image.std() > 20


def exports_panel():
    """The export panel alone, over a comparison built as the app builds one."""
    from landscape import api
    from landscape.data.presets import make_dataset
    from ui import exports

    data = make_dataset("overlap", 40, None, 0)
    source = api.data_settings(data, preset="overlap", samples=40, seed=0)
    runs = ["sgd lr=0.5 steps=5", "adam lr=0.1 steps=3"]
    comp = api.comparison(data, "cross_entropy", runs, grid=11, data_settings=source)
    exports.render_exports(comp, classroom=True)


@pytest.fixture
def panel():
    panel = AppTest.from_function(exports_panel, default_timeout=180)
    panel.run()
    assert not panel.exception
    return panel


def test_json_download_records_the_data_settings_and_the_surface(panel):
    out = json.loads(prepare(panel, "JSON"))
    assert out["settings"] == {
        "dataset": "overlap",
        "samples": 40,
        "noise": presets.PRESETS["overlap"].default_noise,
        "seed": 0,
        "rows": 40,
        "task": "classification",
        "loss": "cross_entropy",
        "grid": 11,
        "w1": out["settings"]["w1"],
        "w2": out["settings"]["w2"],
    }
    assert [r["settings"]["steps"] for r in out["runs"]] == [5, 3]


def test_gif_download_plays_every_step_at_the_panels_size(panel):
    frames = iio.imread(prepare(panel, "GIF"), index=None)
    assert frames.shape == (6, 600, 960, 3)  # steps 0 to 5 of the longest run
