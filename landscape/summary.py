"""Runs in words and numbers: the runs table and the charts' one-line summaries."""

from __future__ import annotations

import numpy as np

from landscape.surface import Surface
from landscape.trajectory import Trajectory


def within_step(losses: np.ndarray, minimum: float, tolerance: float = 0.01):
    """The first step whose loss is within 1% of the surface minimum, or None."""
    hits = np.flatnonzero(losses <= minimum + tolerance * abs(minimum))
    return int(hits[0]) if len(hits) else None


def summary_row(label: str, t: Trajectory, surface: Surface) -> dict:
    """One line of the runs table."""
    best = surface.minimum[2]
    step = within_step(t.losses, best)
    return {
        "run": label,
        "final loss": float(t.losses[-1]) if len(t.losses) else None,
        "lowest loss": float(t.losses.min()) if len(t.losses) else None,
        "within 1% of min at step": step,
        "diverged": "no" if t.diverged_at is None else f"at step {t.diverged_at}",
    }


def describe(label: str, t: Trajectory) -> str:
    """A one-line text summary of a run, for screen readers and the table."""
    if len(t.losses) == 0:
        return f"{label}: diverged at once"
    steps = len(t.losses) - 1
    text = f"{label}: loss {t.losses[0]:.3g} → {t.losses[-1]:.3g} in {steps} steps"
    if t.diverged_at is not None:
        text += f", then diverged at step {t.diverged_at}"
    return text
