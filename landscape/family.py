"""The live run at every stop of a slider, packed for dragging it.

The page sends the live run's path at each stop of the learning rate's slider
(and of a momentum-like hyperparameter's) once; while a slider is dragged, the
browser swaps between them with no round trip to the server (ui/drag.py). The
runs are the engine's own (the caller trains them exactly as single runs); this
module only thins and packs them.
"""

from __future__ import annotations

import base64
import json

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


def payload_text(knobs: dict[str, dict[str, dict] | None]) -> str:
    """payload(knobs) as the JSON text the bridge receives and parses.

    Sent as text, made once per family (ui/drag.py caches it), because
    Streamlit turns a component's dict into JSON twice on every run (once to
    send, once sorted for the element's identity): for a family's ~100 KB,
    7% of the server's GIL time of a dragging session's rerun (py-spy). A
    string it only escapes."""
    return json.dumps(payload(knobs))


def read_payload(text: str) -> dict:
    """The payload back from payload_text's JSON, as the bridge reads it."""
    return json.loads(text)


def payload(knobs: dict[str, dict[str, dict]]) -> dict:
    """What the drag bridge needs: for each slider by its accessible name (the
    learning rate's, a momentum-like hyperparameter's), the slider's text for
    each stop -> stop_record of its run. Nothing in a slider's family depends on
    that slider's committed value (the browser finds the live run's traces by
    style slot 0, and the slider's position on the page), so committing it does
    not send the family again: Streamlit's message cache sends a reference for
    an element it has sent."""
    return {"knobs": knobs}
