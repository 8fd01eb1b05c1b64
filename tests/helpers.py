"""Shared test helpers: small data sets; AppTest: start the page, read its charts."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.components.v2.bidi_component.main import _make_trigger_id
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.runtime.state.common import TESTING_KEY
from streamlit.testing.v1 import AppTest

from landscape.data.dataset import Dataset
from landscape.figures import backdrop
from landscape.settings import BY_NAME, UPLOAD
from landscape.surface import loss_surface
from ui.session import LR_LABEL

ROOT = Path(__file__).resolve().parents[1]
TEXT_ELEMENTS = ("markdown", "caption", "error", "warning", "info", "success")

# --- small data sets ------------------------------------------------------------


def two_blobs(
    n: int,
    seed: int,
    positive: tuple[float, float],
    negative: tuple[float, float],
    scale: float,
) -> Dataset:
    """Two Gaussian classes of std ``scale``, labels alternating in a random order.

    Returns x (n, 2) and y (n,) as a classification Dataset named "blobs".
    """
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % 2).astype(np.float64)
    centres = np.where(y[:, None] == 1, positive, negative)
    x = centres + rng.normal(scale=scale, size=(n, 2))
    return Dataset(
        x.astype(np.float32),
        y.astype(np.float32),
        ("x1", "x2"),
        "classification",
        "blobs",
        2,
    )


def line_dataset(feature: np.ndarray, y: np.ndarray) -> Dataset:
    """Regression Dataset "line" with x (n, 2) = [feature, 1]: w2 is the bias."""
    x = np.stack([feature, np.ones(len(feature))], axis=1)
    return Dataset(
        x.astype(np.float32),
        y.astype(np.float32),
        ("x", "bias"),
        "regression",
        "line",
        1,
    )


# --- driving the app --------------------------------------------------------------


def make_app(**query: str | list[str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    for name, value in query.items():
        at.query_params[name] = value
    return at


def net_app(**query: str | list[str]) -> AppTest:
    """The network page opened with a link's query, run once."""
    at = make_app(**query)
    at.switch_page("ui/pages/network.py")  # its url_path is its file name
    return run(at)


def traces(at: AppTest, key: str, mode: str) -> list[dict]:
    return [t for t in chart(at, key)["data"] if t.get("mode") == mode]


def drawn_path(at: AppTest, index: int = 0) -> np.ndarray:
    """The network plane's path number index (0: the live run), (m+1, 2)."""
    t = traces(at, "plane_chart", "lines+markers")[index]
    return np.stack([decode(t["x"]), decode(t["y"])], axis=-1)


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def send_trigger(at: AppTest, key: str, event: str, value) -> AppTest:
    """Send what a chart bridge element (ui/drag.py; key: its widget key) sends
    as a trigger value, and rerun. AppTest cannot run the bridge's JavaScript,
    so this adds the trigger to the next run's widget states, as the browser
    does; the e2e tests use the real page."""
    (element,) = [e for e in at.get("bidi_component") if e.proto.id.endswith(f"-{key}")]
    states = at._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = _make_trigger_id(element.proto.id, "events")
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def want_family(at: AppTest, *labels: str) -> AppTest:
    """Ask for the drag family of each slider named, as the bridge does when a
    pointer comes over it."""
    for label in labels:
        key = "bridge_lr" if label == LR_LABEL else "bridge_hyper"
        send_trigger(at, key, "want", label)
    return at


def open_internals(at: AppTest) -> AppTest:
    """Open the Optimizer internals' expander, as the browser reports a click on
    it (its body is built only while open), and run."""
    at.session_state["internals_open"] = True
    return run(at)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def decode(value) -> np.ndarray:
    """A Plotly array: a typed array {"dtype", "bdata", "shape"?} or a plain list."""
    if isinstance(value, dict) and "bdata" in value:
        dtype = np.dtype(value["dtype"]).newbyteorder("<")
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
        if "shape" in value:
            out = out.reshape([int(s) for s in str(value["shape"]).split(",")])
        return out.astype(np.float64)
    return np.array(value, dtype=np.float64)


def chart_element(at: AppTest, key: str):
    """The one Plotly chart element whose key is ``key``."""
    (found,) = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return found


def chart(at: AppTest, key: str) -> dict:
    return json.loads(chart_element(at, key).proto.spec)


def paths(at: AppTest) -> list[dict]:
    """The contour's path traces (one per run), live first."""
    return [t for t in chart(at, "contour")["data"] if t.get("mode") == "lines+markers"]


def path_xy(trace: dict) -> np.ndarray:
    return np.stack([decode(trace["x"]), decode(trace["y"])], axis=-1)


def query_all(at: AppTest, name: str) -> list[str]:
    """Every value of a query parameter (AppTest collapses a single one to str)."""
    value = at.query_params.get(name, [])
    return [value] if isinstance(value, str) else list(value)


def warnings(at: AppTest) -> list[str]:
    return [w.value for w in at.warning]


def charts(at: AppTest) -> dict[str, dict]:
    """Every Plotly chart on the page by its key, as parsed figure JSON."""
    return {
        c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec)
        for c in at.get("plotly_chart")
    }


def live_xy(at: AppTest) -> np.ndarray:
    """The contour's live path, (m+1, 2)."""
    traces = charts(at)["contour"]["data"]
    live = next(t for t in traces if str(t.get("name", "")).endswith("(live)"))
    return np.stack([decode(live["x"]), decode(live["y"])], axis=-1)


def path_names(at: AppTest) -> list[str]:
    traces = charts(at)["contour"]["data"]
    return [t["name"] for t in traces if t.get("mode") == "lines+markers"]


def texts(at: AppTest) -> list[str]:
    """The bodies of every element that Streamlit renders as Markdown."""
    return [e.value for kind in TEXT_ELEMENTS for e in at.get(kind)]


def strings(tree) -> list[str]:
    """Every string inside a parsed JSON tree (titles, names, hover templates)."""
    if isinstance(tree, str):
        return [tree]
    if isinstance(tree, dict):
        return [s for v in tree.values() for s in strings(v)]
    if isinstance(tree, list):
        return [s for v in tree for s in strings(v)]
    return []


def name_the_upload(at: AppTest, filename: str) -> None:
    """AppTest formats options in the test's thread, where the app's format_func
    cannot read st.session_state; give it the same option names the app shows."""
    box = at.selectbox(key=BY_NAME["dataset"].widget)
    at.session_state[TESTING_KEY][box.id] = lambda k: (
        f"Uploaded: {filename}" if k == UPLOAD else k
    )


def runs_table(at: AppTest):
    """The runs table (Markdown, ui.layout.markdown_table): the one table with
    a "run" column, as a DataFrame of its cells' text (escapes undone)."""
    (text,) = [m.value for m in at.markdown if m.value.startswith("| run |")]
    lines = text.splitlines()
    cells = [
        [re.sub(r"\\(.)", r"\1", c.strip()) for c in line.strip("| ").split(" | ")]
        for line in lines[:1] + lines[2:]
    ]
    return pd.DataFrame(cells[1:], columns=cells[0])


def served_picture(fig: dict, data: Dataset, loss: str, grid: int = 151) -> bytes:
    """The engine's own surface picture (backdrop.surface_png) over the
    figure's axes, after checking that the figure's surface image is served at
    its address: Streamlit names a media file by its bytes' hash. grid is
    ui.cache.GRID."""
    (image,) = fig["layout"]["images"]
    x, y = fig["layout"]["xaxis"]["range"], fig["layout"]["yaxis"]["range"]
    png = backdrop.surface_png(loss_surface(data, loss, tuple(x), tuple(y), grid))
    assert image["source"].endswith(f"/{_calculate_file_id(png, 'image/png')}.png")
    return png


def rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])


def near(image: np.ndarray, colour: str, tolerance: int = 12) -> int:
    """How many pixels are within tolerance of a colour, per channel."""
    return int(
        (np.abs(image[..., :3].astype(int) - rgb(colour)) <= tolerance).all(-1).sum()
    )
