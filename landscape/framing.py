"""Framing the view: the surface minimum, and a box around the start, it and paths."""

from __future__ import annotations

import math

import numpy as np

from landscape.data.dataset import Dataset
from landscape.surface import loss_surface

Box = tuple[float, float, float, float]  # w1 min, w1 max, w2 min, w2 max
SEARCH_GRID = 61
MAX_DOUBLINGS = 3  # a box grows at most 8x to take in a path that leaves it


def estimate_minimum(data: Dataset, loss: str, start: tuple[float, float]):
    """The lowest point of a coarse surface over a broad square around the origin.

    For separable data the true minimum is at infinity; this then returns a
    point on the square's edge, in the right direction, which is what a view
    needs.
    """
    radius = max(6.0, 1.5 * max(abs(start[0]), abs(start[1])))
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


def fit_paths(box: Box, paths: list[np.ndarray]) -> Box:
    """Double the box about its centre until it holds every path (at most 8x)."""
    points = [p for p in paths if len(p)]
    if not points:
        return box
    allw = np.concatenate(points)
    lo, hi = allw.min(axis=0), allw.max(axis=0)
    a1, b1, a2, b2 = box
    for _ in range(MAX_DOUBLINGS):
        if a1 <= lo[0] and hi[0] <= b1 and a2 <= lo[1] and hi[1] <= b2:
            break
        c1, h1, c2, h2 = (a1 + b1) / 2, b1 - a1, (a2 + b2) / 2, b2 - a2
        a1, b1, a2, b2 = c1 - h1, c1 + h1, c2 - h2, c2 + h2
    return (a1, b1, a2, b2)
