"""The loss over a grid of (w1, w2) -> Surface, with the trainer's own loss function."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from landscape import losses
from landscape.data.dataset import Dataset, padded

GRID_RANGE = (3, 401)
RANGE_LIMIT = 1e4  # |w| bound for a surface's axes
# Rows of the grid evaluated per compiled call: bounds the (rows, g, n) work so
# memory stays flat for 401^2 grids over 100,000 examples.
CELLS_PER_BLOCK = 1 << 28


@dataclass(frozen=True, eq=False)
class Surface:
    """Axes w1 (g,), w2 (g,); loss (g, g) float32 with loss[i, j] at (w1[j], w2[i])."""

    w1: np.ndarray
    w2: np.ndarray
    loss: np.ndarray

    @property
    def minimum(self) -> tuple[float, float, float]:
        """(w1, w2, loss) of the lowest grid point."""
        i, j = np.unravel_index(np.argmin(self.loss), self.loss.shape)
        return float(self.w1[j]), float(self.w2[i]), float(self.loss[i, j])


def _evaluate(loss: str, task: str):
    """The mean loss at weights w; XLA fuses logits, loss and mean."""

    def evaluate(x, y, mask, w):
        return losses.mean_loss(loss, task, y, x, w, mask)

    return evaluate


_compiled = losses.compiled_per_loss(_evaluate)


def check_range(name: str, lo: float, hi: float) -> tuple[float, float]:
    """(lo, hi) as floats, or ValueError saying what is allowed."""
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise ValueError(f"{name} range must be finite numbers, got {lo} to {hi}")
    if not lo < hi:
        raise ValueError(
            f"{name} range is empty or reversed ({lo:g} to {hi:g}); "
            "give MIN then MAX with MIN < MAX"
        )
    if max(abs(lo), abs(hi)) > RANGE_LIMIT:
        raise ValueError(f"{name} range must lie within ±{RANGE_LIMIT:g}")
    return lo, hi


def loss_at(dataset: Dataset, loss: str, points: np.ndarray) -> np.ndarray:
    """The full-data loss at arbitrary weights, by the surface's own code.

    Args:
        dataset: the data.
        loss: a key of losses.LOSSES.
        points: (m, 2) weights.

    Returns:
        (m,) float32 losses.
    """
    losses.check_loss(loss, dataset.task)
    w = tf.constant(np.asarray(points, np.float32).reshape(-1, 2))
    fn = _compiled(loss, dataset.task)
    return fn(*padded(dataset), w).numpy()


def loss_surface(
    dataset: Dataset,
    loss: str,
    w1_range: tuple[float, float],
    w2_range: tuple[float, float],
    grid: int = 201,
) -> Surface:
    """The loss over a grid x grid lattice of weights.

    Args:
        dataset: the data.
        loss: a key of losses.LOSSES.
        w1_range: (min, max) of w1, the x axis.
        w2_range: (min, max) of w2, the y axis.
        grid: points per side, 3 to 401.

    Returns:
        Surface with loss (grid, grid), loss[i, j] at (w1[j], w2[i]).
    """
    losses.check_loss(loss, dataset.task)
    lo, hi = GRID_RANGE
    if not isinstance(grid, (int, np.integer)) or not lo <= grid <= hi:
        raise ValueError(f"grid={grid!r} is out of range; allowed: {lo} to {hi}")
    w1 = np.linspace(*check_range("w1", *w1_range), grid, dtype=np.float32)
    w2 = np.linspace(*check_range("w2", *w2_range), grid, dtype=np.float32)
    mesh = np.stack(np.meshgrid(w1, w2), axis=-1)  # (g, g, 2), [i, j] = (w1[j], w2[i])
    x, y, mask = (tf.constant(a) for a in padded(dataset))
    fn = _compiled(loss, dataset.task)
    # Equal blocks, the last padded, so one compiled shape serves them all.
    n_blocks = -(-grid * grid * int(y.shape[0]) // CELLS_PER_BLOCK)
    rows = -(-grid // n_blocks)
    mesh = np.concatenate(
        [mesh, np.zeros((rows * n_blocks - grid, grid, 2), np.float32)]
    )
    blocks = [
        fn(x, y, mask, tf.constant(mesh[i : i + rows])).numpy()
        for i in range(0, grid, rows)
    ]
    return Surface(w1=w1, w2=w2, loss=np.concatenate(blocks)[:grid])
