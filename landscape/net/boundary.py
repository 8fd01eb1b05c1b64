"""The network's decision over the input plane: P(class 1) on a grid of (x1, x2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from landscape.data.dataset import Dataset
from landscape.net import model
from landscape.net.layout import Architecture

BOUNDARY_GRID = 61  # input points per side
MARGIN = 0.15  # the box reaches this fraction of the data's range past it


@dataclass(frozen=True, eq=False)
class Boundary:
    """x1 (g,), x2 (g,): the input grid; prob (g, g) float64, prob[i, j] the
    network's probability of class 1 at (x1[j], x2[i]) for the weights of `step`."""

    x1: np.ndarray
    x2: np.ndarray
    prob: np.ndarray
    step: int


def input_box(
    data: Dataset, grid: int = BOUNDARY_GRID
) -> tuple[np.ndarray, np.ndarray]:
    """Evenly spaced x1 and x2 (grid,) over the data's range plus MARGIN."""
    lo, hi = data.x.min(axis=0), data.x.max(axis=0)
    pad = MARGIN * np.maximum(hi - lo, 1e-6)
    return tuple(np.linspace(lo[k] - pad[k], hi[k] + pad[k], grid) for k in (0, 1))


def decisions(
    arch: Architecture, ws: np.ndarray, x1: np.ndarray, x2: np.ndarray
) -> np.ndarray:
    """sigmoid(logits) of the network at each of the flat weights ws (k, P) over
    the grid x1 x x2, in one call of the training loop's own forward pass
    (model.logits broadcasts over the leading weight axis).

    Returns:
        (k, len(x2), len(x1)) float64: [s, i, j] is P(class 1) at (x1[j], x2[i])
        for ws[s].
    """
    xx, yy = np.meshgrid(x1, x2)
    x = tf.constant(np.stack([xx.ravel(), yy.ravel()], axis=1), tf.float32)
    ws = np.asarray(ws, np.float32).reshape(-1, arch.size)
    z = model.logits(arch, x, tf.constant(ws))
    prob = tf.math.sigmoid(z).numpy().astype(np.float64)
    return prob.reshape(len(ws), len(x2), len(x1))


def decision(
    arch: Architecture, w: np.ndarray, x1: np.ndarray, x2: np.ndarray, step: int = 0
) -> Boundary:
    """The decision at flat weights w (P,) over the grid x1 x x2 (see decisions)."""
    return Boundary(x1, x2, decisions(arch, np.asarray(w)[None], x1, x2)[0], int(step))
