"""The loss over a plane's grid, the path projected on it, and 1-D lines."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from landscape.data.dataset import Dataset, padded, padded_size
from landscape.net import model
from landscape.net.layout import Architecture
from landscape.net.planes import Plane, project

GRID_RANGE = (3, 81)
SPAN_LIMIT = 1e4
# Cap on one compiled call's (weights, examples, widest layer) work: a 41x41
# grid over 500 points is one call; 81x81 over 10,000 points goes in blocks.
CELLS_PER_CALL = 1 << 26


@dataclass(frozen=True, eq=False)
class NetSlice:
    """The loss over a plane and the run's path seen on it.

    a1, a2 (g,): the grid's coordinates along d1 and d2. loss (g, g) float32,
    loss[i, j] at center + a1[j] d1 + a2[i] d2. path (m+1, 2): each step's
    least-squares coordinates on the plane; path_loss (m+1,): the true loss
    there; plane_loss_at_path (m+1,): the loss at the projected point, which is
    what the contour shows under the path; off_plane (m+1,): how far each step
    lies from the plane.
    """

    plane: Plane
    a1: np.ndarray
    a2: np.ndarray
    loss: np.ndarray
    path: np.ndarray
    path_loss: np.ndarray
    plane_loss_at_path: np.ndarray
    off_plane: np.ndarray


def loss_at(
    data: Dataset, arch: Architecture, loss: str, points: np.ndarray
) -> np.ndarray:
    """The full-data loss at many weight vectors, by the training loop's own code.

    The batch is padded to dataset.padded_size rows (or to equal blocks when
    large), so few batch shapes ever compile.

    Args:
        points: (m, P) flat weights.

    Returns:
        (m,) float32 losses.
    """
    model.check_loss(loss, data.task)
    points = np.asarray(points, np.float32).reshape(-1, arch.size)
    x, y, mask = (tf.constant(a) for a in padded(data))
    per_point = int(y.shape[0]) * max(arch.widths)
    block = 1 << max(0, (CELLS_PER_CALL // per_point).bit_length() - 1)
    size = min(padded_size(len(points)), block)
    n_blocks = -(-len(points) // size)
    rows = np.zeros((n_blocks * size, arch.size), np.float32)
    rows[: len(points)] = points
    fn = model.batch_loss(arch, loss, data.task)
    out = [fn(x, y, mask, tf.constant(rows[k : k + size])).numpy()
           for k in range(0, len(rows), size)]  # fmt: skip
    return np.concatenate(out)[: len(points)]


def check_grid(grid: int) -> int:
    lo, hi = GRID_RANGE
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)):
        raise ValueError(f"grid={grid!r} must be a whole number from {lo} to {hi}")
    if not lo <= grid <= hi:
        raise ValueError(f"grid={grid!r} is out of range; allowed: {lo} to {hi}")
    return int(grid)


def check_span(span: float) -> float:
    if not (np.isfinite(span) and 0 < span <= SPAN_LIMIT):
        raise ValueError(
            f"span={span!r} is out of range; allowed: above 0, up to {SPAN_LIMIT:g}"
        )
    return float(span)


def plane_grid(
    data: Dataset,
    arch: Architecture,
    loss: str,
    plane: Plane,
    a1: np.ndarray,
    a2: np.ndarray,
) -> np.ndarray:
    """The loss at center + a1[j] d1 + a2[i] d2 for every (i, j): (g2, g1)."""
    d1, d2 = plane.directions
    points = (
        plane.center
        + a1[None, :, None] * d1[None, None, :]
        + a2[:, None, None] * d2[None, None, :]
    )
    return loss_at(data, arch, loss, points.reshape(-1, arch.size)).reshape(
        len(a2), len(a1)
    )


def default_span(plane: Plane, coords: np.ndarray) -> float:
    """Half the side of a square that holds the path with a margin; at least 1."""
    reach = float(np.abs(coords).max()) if len(coords) else 0.0
    return max(1.25 * reach, 1.0 if plane.kind != "pca" else 0.0) or 1.0


def slice_path(
    data: Dataset,
    arch: Architecture,
    loss: str,
    plane: Plane,
    params: np.ndarray,
    path_loss: np.ndarray,
    grid: int,
    span: float | None = None,
) -> NetSlice:
    """The grid over [-span, span]^2 on the plane and the path projected on it.

    Args:
        params: (m+1, P) the run's weights; path_loss (m+1,) its losses.
        grid: points per side, 3 to 81.
        span: half the side of the square; None: the path's reach plus 25%.
    """
    grid = check_grid(grid)
    coords, off = project(plane, params)
    span = default_span(plane, coords) if span is None else check_span(span)
    axis = np.linspace(-span, span, grid)
    on_plane = plane.center + coords @ plane.directions
    return NetSlice(
        plane=plane,
        a1=axis,
        a2=axis.copy(),
        loss=plane_grid(data, arch, loss, plane, axis, axis),
        path=coords,
        path_loss=np.asarray(path_loss),
        plane_loss_at_path=loss_at(data, arch, loss, on_plane),
        off_plane=off,
    )


def line(
    data: Dataset,
    arch: Architecture,
    loss: str,
    a: np.ndarray,
    b: np.ndarray,
    points: int = 101,
    reach: float = 0.25,
) -> tuple[np.ndarray, np.ndarray]:
    """The loss along the straight line (1 - t) a + t b (Goodfellow et al. 2015).

    Args:
        a, b: (P,) weights: a run's start and end, or two runs' final weights.
        points: samples of t, evenly from -reach to 1 + reach.

    Returns:
        t (points,) and the loss there (points,).
    """
    t = np.linspace(-reach, 1.0 + reach, points)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return t, loss_at(data, arch, loss, (1.0 - t)[:, None] * a + t[:, None] * b)
