"""Framing the view: the surface minimum, and a box around the start, it and paths."""

from __future__ import annotations

import math

import numpy as np

from landscape.data.dataset import Dataset
from landscape.surface import loss_surface

Box = tuple[float, float, float, float]  # w1 min, w1 max, w2 min, w2 max
SEARCH_GRID = 61
MAX_DOUBLINGS = 3  # a box grows at most 8x to take in a path that leaves it


def search_radius(start: tuple[float, float]) -> float:
    """Half the side of the square estimate_minimum searches: it holds the start."""
    return max(6.0, 1.5 * max(abs(start[0]), abs(start[1])))


def estimate_minimum(data: Dataset, loss: str, start: tuple[float, float]):
    """The lowest point of a coarse surface over a broad square around the origin.

    For separable data the true minimum is at infinity; this then returns a
    point on the square's edge, in the right direction, which is what a view
    needs.
    """
    radius = search_radius(start)
    coarse = loss_surface(data, loss, (-radius, radius), (-radius, radius), SEARCH_GRID)
    w1, w2, _ = coarse.minimum
    return w1, w2


def _nice(lo: float, hi: float) -> tuple[float, float]:
    """Widen (lo, hi) outwards to a grid of 1, 2 or 5 x 10^k, for stable cache keys."""
    span = max(hi - lo, 1e-3)
    step = 10 ** math.floor(math.log10(span / 4))
    for m in (1, 2, 5, 10):
        if span / (m * step) <= 8:
            step *= m
            break
    return math.floor(lo / step) * step, math.ceil(hi / step) * step


def base_box(start: tuple[float, float], minimum: tuple[float, float]) -> Box:
    """A box around the start and the minimum with a 25% margin, at least 2 wide."""
    out = []
    for a, b in zip(start, minimum):
        lo, hi = min(a, b), max(a, b)
        pad = max(0.25 * (hi - lo), 1.0)
        out += _nice(lo - pad, hi + pad)
    return tuple(out)  # type: ignore[return-value]


def fit_paths(box: Box, paths: list[np.ndarray], doublings: int = MAX_DOUBLINGS) -> Box:
    """Double the box about its centre until it holds every path (at most 8x)."""
    points = [p for p in paths if len(p)]
    if not points:
        return box
    allw = np.concatenate(points)
    lo, hi = allw.min(axis=0), allw.max(axis=0)
    a1, b1, a2, b2 = box
    for _ in range(doublings):
        if a1 <= lo[0] and hi[0] <= b1 and a2 <= lo[1] and hi[1] <= b2:
            break
        c1, h1, c2, h2 = (a1 + b1) / 2, b1 - a1, (a2 + b2) / 2, b2 - a2
        a1, b1, a2, b2 = c1 - h1, c1 + h1, c2 - h2, c2 + h2
    return (a1, b1, a2, b2)


def settles(losses: np.ndarray) -> bool:
    """True for a run worth framing: finite all along and its loss did not grow.

    A run that overshoots further each step (its loss growing) or that diverged
    would zoom the view out until the others are a few pixels; it is marked
    where it leaves the frame instead.
    """
    return (
        len(losses) > 0
        and bool(np.isfinite(losses).all())
        and (losses[-1] <= losses[0] * (1 + 1e-6))
    )


def frame(
    start: tuple[float, float],
    minimum: tuple[float, float],
    paths: list[np.ndarray],
    losses: list[np.ndarray],
    fit_all: bool = False,
) -> Box:
    """The view: start and minimum, grown to hold the runs that settle.

    A settling run may double the box once; a run that needs more (a rate that
    bounces far across the valley) does not grow it at all, and is marked where
    it leaves. With fit_all every path counts, and the box may grow 8x.

    Args:
        start, minimum: (w1, w2) each.
        paths: (m+1, 2) weights of each run; losses: (m+1,) of each.
        fit_all: hold every path, the runs that leave included.
    """
    if fit_all:
        return fit_paths(base_box(start, minimum), paths)
    base = base_box(start, minimum)
    a1, b1, a2, b2 = base
    w, h = b1 - a1, b2 - a2
    largest = (a1 - w / 2, b1 + w / 2, a2 - h / 2, b2 + h / 2)  # doubled once
    kept = [
        p
        for p, loss in zip(paths, losses)
        if settles(loss) and inside(largest, p).all()
    ]
    return fit_paths(base, kept, doublings=1)


def inside(box: Box, points: np.ndarray) -> np.ndarray:
    """(k,) True where the (k, 2) points lie in the box."""
    a1, b1, a2, b2 = box
    x, y = points[:, 0], points[:, 1]
    return (
        np.isfinite(points).all(axis=1) & (a1 <= x) & (x <= b1) & (a2 <= y) & (y <= b2)
    )


def exit_point(box: Box, path: np.ndarray) -> tuple[int, np.ndarray] | None:
    """Where a path first leaves the box: (the first step outside, the point on
    the box's edge on the way there), or None if it stays inside."""
    ok = inside(box, path)
    if ok.all() or not ok[0]:
        return None
    k = int(np.argmin(ok))  # the first step outside
    a, b = path[k - 1].astype(np.float64), path[k].astype(np.float64)
    if not np.isfinite(b).all():
        return k, a
    # The largest fraction t of the step a -> b that stays in the box.
    t = 1.0
    for lo, hi, axis in ((box[0], box[1], 0), (box[2], box[3], 1)):
        d = b[axis] - a[axis]
        if d > 0 and b[axis] > hi:
            t = min(t, (hi - a[axis]) / d)
        elif d < 0 and b[axis] < lo:
            t = min(t, (lo - a[axis]) / d)
    return k, a + t * (b - a)


def has_minimum(minimum: tuple[float, float], start: tuple[float, float]) -> bool:
    """False when estimate_minimum stopped at its search square's edge: the loss
    keeps falling outwards (cross-entropy on separable data has no minimum)."""
    radius = search_radius(start)
    step = 2 * radius / (SEARCH_GRID - 1)
    return max(abs(minimum[0]), abs(minimum[1])) < radius - step / 2


CLICK_STEPS = 200  # a click lands on a round step about a 200th of the view's side


def click_start(box: Box, point) -> tuple[float, float] | None:
    """A click at point (w1, w2) in a view of box, as a start: each coordinate
    on the round step (1, 2 or 5 x 10^k) nearest a 200th of the box's side, so
    a link reads w1=0.75 rather than w1=0.7493164. None when the point is not
    finite or not in the box (a click beside the plot area)."""
    p = np.asarray(point, dtype=np.float64)
    if p.shape != (2,) or not inside(box, p[None])[0]:
        return None
    out = []
    for value, lo, hi in zip(p, box[::2], box[1::2]):
        raw = (hi - lo) / CLICK_STEPS
        scale = 10.0 ** math.floor(math.log10(raw))
        step = min((1, 2, 5, 10), key=lambda m: abs(m * scale - raw)) * scale
        out.append(round(round(value / step) * step, 10))
    return out[0], out[1]
