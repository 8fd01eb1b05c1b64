"""Exports: step tables (CSV, JSON), static images (PNG, SVG) and interactive HTML.

No Streamlit and no Plotly import: figures come in as go.Figure objects and go out
as bytes, so the app, the command line and notebooks share one implementation.
Static images go through kaleido 1.x, which drives Debian's Chromium; the
animations (GIF, MP4) are landscape.movie's.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import csv
import io
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from landscape.browser import CHROMIUM
from landscape.figures import RunView
from landscape.trajectory import Trajectory

RENDER_TIMEOUT = 120.0  # seconds for one image; the first one starts Chromium
BASE_COLUMNS = (
    "run",
    "step",
    "w1",
    "w2",
    "loss",
    "grad_w1",
    "grad_w2",
    "learning_rate",
)


# --- step data ------------------------------------------------------------
def _state_columns(runs: Sequence[RunView]) -> list[str]:
    """Every optimizer-state column of any run: a (m, 2) slot gives two."""
    names: dict[str, None] = {}
    for run in runs:
        for name, values in run.trajectory.state.items():
            cols = [f"{name}_w1", f"{name}_w2"] if values.ndim == 2 else [name]
            names.update(dict.fromkeys(cols))
    return list(names)


def _curvature_columns(runs: Sequence[RunView]) -> list[str]:
    """The curvature columns any run recorded (Trajectory.curvature)."""
    names: dict[str, None] = {}
    for run in runs:
        names.update(dict.fromkeys(run.trajectory.curvature()))
    return list(names)


def _state_row(state: dict, k: int) -> dict[str, np.float32]:
    out = {}
    for name, values in state.items():
        if values.ndim == 2:
            out[f"{name}_w1"], out[f"{name}_w2"] = values[k]
        else:
            out[name] = values[k]
    return out


def steps_table(runs: Sequence[RunView]) -> list[dict]:
    """One row per step per run, the start first.

    Row k holds the weights after step k and the full-data loss there; for k >= 1
    also the gradient step k applied, the learning rate it used and the optimizer
    state after it. Row 0 (the start) leaves those blank (None). Values are the
    trajectory's own float32 numbers. Where the curvature was recorded, every
    row also holds it (sharpness, sharpness_min, and preconditioned_sharpness
    for the Adam family, blank on row 0), in float64.

    Args:
        runs: the runs, each with a unique label.

    Returns:
        Dicts keyed by the columns of to_csv; absent state is left out.
    """
    rows = []
    for run in runs:
        t = run.trajectory
        for k in range(len(t.weights)):
            row = {"run": run.label, "step": k, "w1": t.weights[k, 0]}
            row |= {"w2": t.weights[k, 1], "loss": t.losses[k]}
            before = k - 1  # per-step arrays start at step 1
            has_step = k >= 1
            row["grad_w1"] = t.gradients[before, 0] if has_step else None
            row["grad_w2"] = t.gradients[before, 1] if has_step else None
            row["learning_rate"] = t.learning_rates[before] if has_step else None
            if has_step:
                row |= _state_row(t.state, before)
            for name, values in t.curvature().items():
                row[name] = values[k] if np.isfinite(values[k]) else None
            rows.append(row)
    return rows


def to_csv(runs: Sequence[RunView]) -> bytes:
    """steps_table as UTF-8 CSV with a header; blank cells where a value is absent.

    Numbers are written as the shortest text that reads back to the same float32.
    """
    columns = list(BASE_COLUMNS) + _state_columns(runs) + _curvature_columns(runs)
    out = io.StringIO()
    writer = csv.DictWriter(out, columns, restval="", lineterminator="\n")
    writer.writeheader()
    for row in steps_table(runs):
        writer.writerow(
            {k: "" if v is None else str(v) for k, v in row.items()}  # np.float32
        )
    return out.getvalue().encode()


def trajectory_fields(t: Trajectory) -> dict:
    """A trajectory as `train --json` prints it: every array as lists.

    The curvature columns (Trajectory.curvature) follow diverged_at where they
    were recorded, null where not finite (row 0 of preconditioned_sharpness:
    before a step there is no preconditioner).
    """
    curved = {
        name: [v if np.isfinite(v) else None for v in values.tolist()]
        for name, values in t.curvature().items()
    }
    return {
        "weights": t.weights.tolist(),
        "losses": t.losses.tolist(),
        "gradients": t.gradients.tolist(),
        "learning_rates": t.learning_rates.tolist(),
        "state": {k: v.tolist() for k, v in t.state.items()},
        "diverged_at": t.diverged_at,
        **curved,
    }


def trajectory_record(run: RunView, settings: dict | None = None) -> dict:
    """A run as `train --json` prints it, with its label."""
    fields = trajectory_fields(run.trajectory)
    return {"label": run.label} | fields | {"settings": settings or {}}


def to_json(
    runs: Sequence[RunView],
    settings: dict | None = None,
    run_settings: Sequence[dict | None] | None = None,
) -> bytes:
    """Every step of every run as one JSON object.

    Args:
        runs: the runs.
        settings: shared settings (data set, loss, range), stored as "settings".
        run_settings: per run, e.g. runspec.config_settings(cfg); as runs.

    Returns:
        UTF-8 JSON: {"settings": {...}, "runs": [record, ...]}, each record with
        label, weights (m+1, 2), losses (m+1,), gradients (m, 2), learning_rates
        (m,), state, diverged_at and settings, as `train --json`. Floats are the
        float32 values written exactly.
    """
    per_run = list(run_settings or [None] * len(runs))
    records = [trajectory_record(r, s) for r, s in zip(runs, per_run)]
    return json.dumps({"settings": settings or {}, "runs": records}).encode()


# --- static images through kaleido ----------------------------------------
def _run_coroutine(coro) -> Any:
    """Run coro on an event loop of its own thread: safe under Streamlit and Jupyter,
    whose threads may already run a loop."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _render_all(specs: list[tuple[Any, dict]]) -> list[bytes]:
    import kaleido

    # One Chromium for all the images; MathJax off, as it would come from a CDN.
    async with kaleido.Kaleido(
        path=CHROMIUM, mathjax=False, n=1, timeout=RENDER_TIMEOUT
    ) as k:
        return [await k.calc_fig(fig, opts=opts) for fig, opts in specs]


def render_images(specs: list[tuple[Any, dict]]) -> list[bytes]:
    """Render figures with kaleido in one Chromium session.

    Args:
        specs: (figure, opts) pairs; opts has format ("png" or "svg"), width,
            height and optionally scale.

    Returns:
        The image bytes, in order.
    """
    return _run_coroutine(_render_all(specs))


def check_size(width: int, height: int, scale: float = 1.0) -> None:
    """ValueError unless the image size and scale are in range."""
    for name, value in (("width", width), ("height", height)):
        if not isinstance(value, (int, np.integer)) or not 64 <= value <= 4096:
            raise ValueError(f"{name}={value!r} is out of range; allowed: 64 to 4096")
    if not 0.25 <= float(scale) <= 4:
        raise ValueError(f"scale={scale!r} is out of range; allowed: 0.25 to 4")


def to_png(fig, width: int = 960, height: int = 600, scale: float = 1.0) -> bytes:
    """The figure as a PNG of width*scale x height*scale pixels.

    The figure must set its own template (figures' builders do): importing
    Streamlit makes Plotly's default one whose colours export black.
    """
    check_size(width, height, scale)
    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    return render_images([(fig, opts)])[0]


def to_svg(fig, width: int = 960, height: int = 600) -> bytes:
    """The figure as an SVG document of width x height."""
    check_size(width, height, 1.0)
    opts = {"format": "svg", "width": width, "height": height}
    return render_images([(fig, opts)])[0]


def to_html(fig, height: int | None = None) -> bytes:
    """One self-contained HTML page: plotly.js inlined, no network needed.

    Args:
        fig: the figure; it keeps its full width in the page.
        height: pixels, or None for the figure's own height.
    """
    if height is not None:
        fig = type(fig)(fig)  # a copy: the caller's figure stays as it was
        fig.update_layout(height=height, width=None, autosize=True)
    html = fig.to_html(
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=True,
        config={"responsive": True, "displaylogo": False},
    )
    return html.encode()
