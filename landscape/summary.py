"""Runs in words and numbers: the runs table and the charts' one-line summaries."""

from __future__ import annotations

import numpy as np

from landscape.surface import Surface
from landscape.trajectory import Trajectory


def within_step(losses: np.ndarray, minimum: float, tolerance: float = 0.01):
    """The first step whose loss is within 1% of the surface minimum, or None."""
    hits = np.flatnonzero(losses <= minimum + tolerance * abs(minimum))
    return int(hits[0]) if len(hits) else None


SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def number(value: float | None, digits: int = 4) -> str:
    """A number as people write it: 0.2605, 1,234, 2.98 × 10¹³; "—" for none."""
    if value is None or not np.isfinite(value):
        return "—"
    if 1e3 <= abs(value) < 1e5:
        return f"{value:,.0f}"
    if value == 0 or 1e-3 <= abs(value) < 1e3:
        return f"{value:.{digits}g}"
    mantissa, exponent = scientific(value, digits)
    return f"{mantissa} × 10{str(exponent).translate(SUPERSCRIPT)}"


def scientific(value: float, digits: int) -> tuple[str, int]:
    """value as (mantissa text, power of ten), digits significant, no trailing
    zeros: 2.98249e13 -> ("2.982", 13) with 4 digits. Shared by the page's
    text and the internals' LaTeX."""
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return mantissa.rstrip("0").rstrip("."), int(exponent)


def summary_row(label: str, t: Trajectory, surface: Surface) -> dict[str, str]:
    """One line of the runs table, as text people read."""
    best = surface.minimum[2]
    step = within_step(t.losses, best)
    return {
        "run": label,
        "final loss": number(float(t.losses[-1])) if len(t.losses) else "—",
        "lowest loss": number(float(t.losses.min())) if len(t.losses) else "—",
        "within 1% of min at step": "—" if step is None else f"{step:,}",
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
