"""How far a path left its plane, in numbers and in words, for the page and notebooks.

A network of P weights moves in P dimensions; the contour shows two. Every
number here comes from a NetSlice, so what the page says is what it drew.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape.net.slices import NetSlice

# Off-plane distance as a fraction of the start-to-end distance: below NEAR the
# path lies nearly in the plane; above FAR most of its motion is out of it.
NEAR, FAR = 0.05, 0.3


@dataclass(frozen=True)
class OffPlane:
    """The facts of one slice: the largest off-plane distance and its step, the
    distance at the end, the straight start-to-end distance in weight space,
    their ratio, and the largest gap between the true loss and the loss the
    contour shows under the path (and its step); explained (2,) for pca or None."""

    max_off: float
    max_step: int
    end_off: float
    travel: float
    ratio: float
    loss_gap: float
    gap_step: int
    explained: tuple[float, float] | None


def off_plane(sl: NetSlice, params: np.ndarray) -> OffPlane:
    """The facts for a slice of the run whose weights are params (m+1, P)."""
    params = np.asarray(params, np.float64)
    travel = float(np.linalg.norm(params[-1] - params[0]))
    gap = np.abs(
        np.asarray(sl.path_loss, np.float64) - np.asarray(sl.plane_loss_at_path)
    )
    k = int(np.argmax(sl.off_plane))
    ev = sl.plane.explained_variance
    return OffPlane(
        max_off=float(sl.off_plane[k]),
        max_step=k,
        end_off=float(sl.off_plane[-1]),
        travel=travel,
        ratio=float(sl.off_plane[k]) / travel if travel > 0 else 0.0,
        loss_gap=float(np.nanmax(gap)) if len(gap) else 0.0,
        gap_step=int(np.nanargmax(gap)) if len(gap) else 0,
        explained=None if ev is None else (float(ev[0]), float(ev[1])),
    )


def describe(facts: OffPlane) -> str:
    """What the numbers mean for reading the contour, in two or three sentences."""
    said = (
        f"The path leaves this plane by up to {facts.max_off:.3g} (at step "
        f"{facts.max_step}), {facts.ratio:.0%} of the {facts.travel:.3g} between "
        f"the start and end weights. Under the path, the contour's loss differs "
        f"from the true loss by up to {facts.loss_gap:.3g} (step {facts.gap_step})."
    )
    if facts.explained is not None:
        said += (
            f" The two directions carry {sum(facts.explained):.1%} of the path's "
            "variance."
        )
    if facts.ratio < NEAR:
        return said + (
            " The path lies nearly in the plane: read the contour as the surface "
            "it moved over."
        )
    if facts.ratio < FAR:
        return said + (
            " Read the drawn path as a shadow: it moved near this plane, not in it, "
            "so the valleys and walls it seems to cross are only roughly the ones "
            "it met."
        )
    return said + (
        " Most of its motion is off this plane: the contour is not the surface "
        "the path moved over; trust the loss per step and the start-to-end line."
    )
