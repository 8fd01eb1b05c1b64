"""The page's output for fixed links, compared with JSON recorded from the app.

Every Plotly figure, every text element, the table and the URL the page writes,
for 24 links and actions (each view, lessons, pins, classroom, hidden controls,
uploads, bad values). Large arrays are recorded as their dtype, shape,
SHA-256, mean and 32 evenly spaced values: the same bits pass; other bits pass
only if those values agree to within rounding (rtol 1e-4). XLA compiles for
the CPU it runs on, and on another CPU the same code moved the RMSprop and
FTRL paths by up to 5e-7 (1.6e-6 relative; XLA on and off here differ as
much), while a changed update rule, data set or framing moves them far more.
Re-record only when a change is meant to alter what the user sees:

    LANDSCAPE_RECORD_GOLDEN=1 python -m pytest tests/test_golden_pages.py
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
import streamlit as st

from landscape.lessons import BY_KEY
from tests.helpers import make_app, name_the_upload, query_all, run

GOLDEN = Path(__file__).parent / "golden" / "pages.json"
RECORD = os.environ.get("LANDSCAPE_RECORD_GOLDEN") == "1"
GOOD_CSV = b"dose,label\n" + b"".join(
    f"{i / 10:g},{i % 2 if i % 7 else 1 - i % 2}\n".encode() for i in range(40)
)
REGRESSION_CSV = b"x1,x2,y\n" + b"".join(
    f"{i / 10:g},{(i * 7) % 5 - 2},{0.3 * i - 1:g}\n".encode() for i in range(30)
)
ONLY_LR = (
    "dataset,upload,samples,noise,seed,loss,optimizer,hyperparameters,"
    "schedule,steps,batch,start,pin,sweep,lineup"
)
COMPARE = {
    "dataset": "overlap",
    "optimizer": "momentum",
    "lr": "0.1",
    "pin": ["sgd,lr=1", "adam,lr=0.1"],
}
EIGHT_PINS = [f"sgd,lr={lr},steps=60" for lr in (0.1, 0.3, 1, 2, 3, 5, 8, 12)]


def lesson(key: str) -> dict[str, str | list[str]]:
    """A lesson's link as query parameters (repeated names as lists)."""
    out: dict[str, list[str]] = {"lesson": [key]}
    for part in BY_KEY[key].query.split("&"):
        name, _, value = part.partition("=")
        out.setdefault(name, []).append(value)
    return {k: v[0] if len(v) == 1 else v for k, v in out.items()}


# name -> (query, view to choose or None, (file name, bytes) to upload or None)
CASES: dict[str, tuple[dict, str | None, tuple[str, bytes] | None]] = {
    "default": ({}, None, None),
    "default_playback": ({}, "Playback", None),
    "default_3d": ({}, "3D surface", None),
    "compare": (COMPARE, None, None),
    "compare_playback": (COMPARE, "Playback", None),
    "compare_3d": (COMPARE, "3D surface", None),
    "lesson_learning_rate": (lesson("learning_rate"), None, None),
    "lesson_momentum": (lesson("momentum"), None, None),
    "lesson_adam_vs_sgd": (lesson("adam_vs_sgd"), None, None),
    "lesson_mse_sigmoid": (lesson("mse_sigmoid"), None, None),
    "lesson_xor": (lesson("xor"), None, None),
    "classroom": ({"classroom": "1"}, None, None),
    "classroom_lesson_contour": (
        {"classroom": "1"} | lesson("learning_rate"),
        "Contour",
        None,
    ),
    "classroom_3d": ({"classroom": "1", "dataset": "iris"}, "3D surface", None),
    "only_lr": ({"hide": ONLY_LR, "dataset": "dose", "lr": "0.5"}, None, None),
    "diverging": (
        {"dataset": "line", "loss": "mse", "optimizer": "sgd", "lr": "10"},
        None,
        None,
    ),
    "scaled_mae_rmsprop": (
        {"dataset": "scaled", "loss": "mae", "optimizer": "rmsprop", "lr": "0.05"},
        None,
        None,
    ),
    "nadam_cosine_batch": (
        {
            "dataset": "imbalanced",
            "optimizer": "nadam",
            "lr": "0.02",
            "schedule": "cosine",
            "batch": "16",
            "beta_1": "0.8",
            "steps": "150",
        },
        None,
        None,
    ),
    "bad_values": (
        {"lr": "abc", "steps": "-1", "dataset": "nope", "foo": "1", "pin": "zzz"},
        None,
        None,
    ),
    "eight_pins": ({"dataset": "overlap", "pin": EIGHT_PINS}, None, None),
    "tf1_adam_noise_seed": (
        {
            "optimizer": "tf1_adam",
            "lr": "0.05",
            "samples": "50",
            "noise": "0.9",
            "seed": "7",
            "w1": "1.5",
            "w2": "-3",
        },
        None,
        None,
    ),
    "ftrl_params_pins": (
        {
            "dataset": "xor",
            "optimizer": "ftrl",
            "lr": "0.3",
            "l1_regularization_strength": "0.01",
            "pin": ["adagrad,lr=0.5,initial_accumulator_value=0.2", "lion,lr=0.01"],
        },
        None,
        None,
    ),
    "upload_classification": ({}, None, ("doses.csv", GOOD_CSV)),
    "upload_regression_playback": (
        {"loss": "mse"},
        "Playback",
        ("two_inputs.csv", REGRESSION_CSV),
    ),
}


SAMPLES = 32  # evenly spaced values kept of each typed array
RTOL, ATOL = 1e-4, 1e-5  # how far they may move when the bits differ


def hashed(tree):
    """The tree with each typed array replaced by its dtype, shape, SHA-256,
    mean and SAMPLES evenly spaced values."""
    if isinstance(tree, dict):
        if "bdata" in tree:
            values = np.frombuffer(base64.b64decode(tree["bdata"]), tree["dtype"])
            values = values.astype(float)
            picked = np.linspace(0, len(values) - 1, min(SAMPLES, len(values)))
            finite = values[np.isfinite(values)]
            return {
                "dtype": tree["dtype"],
                "shape": tree.get("shape"),
                "sha256": hashlib.sha256(tree["bdata"].encode()).hexdigest(),
                "mean": float(finite.mean()) if len(finite) else None,
                "values": [float(v) for v in values[picked.round().astype(int)]],
            }
        return {k: hashed(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [hashed(v) for v in tree]
    return tree


def page(query: dict, view: str | None, upload: tuple[str, bytes] | None) -> dict:
    """What the page shows for one link and action, as plain JSON."""
    at = run(make_app(**query))
    if upload is not None:
        at.file_uploader(key="in_file").set_value((*upload, "text/csv"))
        run(at)
        name_the_upload(at, upload[0])
    if view is not None:
        at.segmented_control(key="view").set_value(view)
        run(at)
    figures = {
        c.proto.id.rsplit("-", 1)[-1]: hashed(json.loads(c.proto.spec))
        for c in at.get("plotly_chart")
    }
    kinds = ("markdown", "caption", "error", "warning", "info", "success", "latex")
    return {
        "figures": figures,
        "texts": {k: [e.value for e in at.get(k)] for k in kinds},
        "tables": [df.value.to_dict(orient="list") for df in at.dataframe],
        "query": {k: query_all(at, k) for k in sorted(at.query_params)},
    }


def canonical(tree):
    return json.loads(json.dumps(tree, sort_keys=True, default=str))


def close(a: dict, b: dict) -> bool:
    """Two recorded arrays: the same bits, or the same dtype and shape with
    their mean and sampled values equal to within RTOL (NaN equal to NaN)."""
    if a["sha256"] == b["sha256"]:
        return True
    if (a["dtype"], a["shape"], len(a["values"])) != (
        b["dtype"], b["shape"], len(b["values"])
    ):  # fmt: skip
        return False
    both = [[np.nan if v is None else v for v in (x["mean"], *x["values"])]
            for x in (a, b)]  # fmt: skip
    return bool(np.allclose(*both, rtol=RTOL, atol=ATOL, equal_nan=True))


def first_difference(a, b, where: str = "") -> str | None:
    """The JSON path of the first place two trees differ, with both values;
    None where they agree (arrays: `close`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        if "sha256" in a and "sha256" in b:
            return None if close(a, b) else f"{where}: recorded {a} != now {b}"
        for k in sorted(set(a) | set(b)):
            found = first_difference(a.get(k, "<missing>"), b.get(k, "<missing>"),
                                     f"{where}.{k}")  # fmt: skip
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    if a == b:
        return None
    return f"{where}: recorded {str(a)[:300]} != now {str(b)[:300]}"


@pytest.fixture(scope="module")
def recorded() -> dict:
    if RECORD:
        return {}
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module", autouse=True)
def _write(recorded):
    yield
    if RECORD:
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(recorded, sort_keys=True, indent=1) + "\n")


@pytest.mark.parametrize("name", list(CASES))
def test_the_page_shows_what_was_recorded(name, recorded):
    st.cache_data.clear()
    st.cache_resource.clear()
    now = canonical(page(*CASES[name]))
    assert now["figures"], "every case draws at least one chart"
    if RECORD:
        recorded[name] = now
        return
    assert name in recorded, f"{name} was never recorded"
    difference = first_difference(recorded[name], now)
    assert difference is None, difference


def test_every_case_was_recorded(recorded):
    assert RECORD or set(recorded) == set(CASES)
    assert len(CASES) >= 20


def test_an_array_may_move_by_rounding_but_not_by_more():
    path = np.linspace(-2.0, 0.5, 402, dtype=np.float32)

    def typed(a):
        data = base64.b64encode(a.astype(np.float32).tobytes()).decode()
        return canonical(hashed({"dtype": "f4", "bdata": data, "shape": str(a.shape)}))

    recorded = typed(path)
    assert first_difference(recorded, typed(path)) is None
    rounding = np.nextafter(path, np.float32(9), dtype=np.float32)  # one ulp
    assert first_difference(recorded, typed(rounding)) is None
    for moved in (path + 1e-3, path[::-1], np.r_[path[:-1], np.nan]):
        assert first_difference(recorded, typed(moved)) is not None
    assert first_difference(recorded, typed(path[:-2])) is not None  # shape
