"""The live run at every learning-rate stop, packed for dragging the rate.

The page sends the live run's path at each of the slider's stops once; while
the slider is dragged, the browser swaps between them with no round trip to
the server (ui/drag.py). The runs are the engine's own (the caller trains them
exactly as single runs); this module only thins and packs them.
"""

from __future__ import annotations

import base64

import numpy as np

from landscape import fit
from landscape.data.dataset import Dataset
from landscape.trajectory import Trajectory

HEAD = 100  # the first steps, where a path moves most, kept at full detail
LIMIT = 300  # points per path at most: the payload stays bounded for 10,000 steps


def thin(n: int, limit: int = LIMIT, head: int = HEAD) -> np.ndarray:
    """Indices of at most `limit` of n rows: the first `head`, then evenly
    spaced, always the last.

    The loss per step and the path are drawn from the same rows, so a point on
    one is a point on the other.
    """
    if n <= limit:
        return np.arange(n)
    head = min(head, limit - 2)
    tail = np.linspace(head, n - 1, limit - head).round().astype(int)
    return np.unique(np.concatenate([np.arange(head), tail]))


def _packed(values: np.ndarray) -> str:
    """float32 little-endian bytes as base64: a third of JSON's size, and
    NaN-safe (JSON has no NaN, and one breaks a component's whole payload)."""
    return base64.b64encode(np.asarray(values, "<f4").tobytes()).decode()


def stop_record(data: Dataset, traj: Trajectory, label: str, xs: np.ndarray) -> dict:
    """One stop's run as the browser swaps it in.

    Returns:
        label (the legend's text), steps (the thinned rows' step numbers), w1,
        w2 and loss at those rows, fit (the data view's line at the last
        weights, NaN where none) and diverged_at; arrays are _packed float32.
    """
    rows = thin(len(traj.weights))
    last = traj.weights[-1] if len(traj.weights) else np.full(2, np.nan)
    return {
        "label": label,
        "steps": _packed(rows),
        "w1": _packed(traj.weights[rows, 0]),
        "w2": _packed(traj.weights[rows, 1]),
        "loss": _packed(traj.losses[rows]),
        "fit": _packed(fit.drawn_y(data, last, xs)),
        "diverged_at": traj.diverged_at,
    }


def payload(stops: dict[str, dict]) -> dict:
    """What the drag bridge needs: the slider's text for each stop ->
    stop_record of its run. Nothing in it depends on the committed rate (the
    browser finds the live run's traces by style slot 0, and the slider's
    position on the page), so a committed change does not send it again:
    Streamlit's message cache sends a reference for an element it has sent."""
    return {"stops": stops}
