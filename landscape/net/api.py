"""The small network's Python API, for the page and the command line.

run = train(data, net_config(hidden=(8,), optimizer="adam", learning_rate=0.01))
view = slice_run(run, "pca", grid=41)
t, loss = start_to_end(run)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape import divergence, optimizers
from landscape.config import whole
from landscape.data.dataset import Dataset
from landscape.net import slices
from landscape.net.config import NetConfig
from landscape.net.engine import engine
from landscape.net.layout import glorot
from landscape.net.model import check_loss
from landscape.net.planes import check_plane, make_plane
from landscape.net.slices import NetSlice


@dataclass(frozen=True, eq=False)
class NetRun:
    """One network run: params (m+1, P) float32, row 0 the Glorot start;
    losses (m+1,) float32, the full-data loss at each row; diverged_at None or
    the first row whose loss or weights were not finite (m is then one less);
    layout [(name, shape)] in flattening order; the data and config it came from.
    """

    data: Dataset
    config: NetConfig
    params: np.ndarray
    losses: np.ndarray
    diverged_at: int | None

    @property
    def layout(self) -> list[tuple[str, tuple[int, ...]]]:
        return self.config.arch.layout


def check_data(data: Dataset, loss: str) -> None:
    """Raise ValueError unless the network can train `loss` on `data`."""
    if data.n_features != 2:
        raise ValueError(
            f"the network needs 2 feature columns; {data.name} has "
            f"{data.n_features} (a CSV needs x1,x2,label)"
        )
    check_loss(loss, data.task)


def train(data: Dataset, cfg: NetConfig) -> NetRun:
    """Train the network on data with a real TensorFlow optimizer, full batch.

    Raises:
        ValueError: bad settings, data the network cannot take, or a loss
            that is not finite at the start.
    """
    check_data(data, cfg.loss)
    hypers = optimizers.get(cfg.optimizer).resolve(cfg.param_dict)
    eng = engine(cfg.arch, cfg.optimizer, cfg.loss, data.task)
    start = glorot(cfg.arch, cfg.init_seed)
    params, losses, diverged_at = eng.run(
        data, start, cfg.learning_rate, cfg.schedule, cfg.steps, hypers
    )
    if diverged_at == 0:
        raise ValueError("the loss at the start is not finite; rescale the data")
    return NetRun(data, cfg, params, losses, diverged_at)


def best_rate(data: Dataset, cfg: NetConfig) -> float:
    """The rate of divergence.RATE_GRID whose run of cfg ends lowest without
    diverging or ending above its start: real runs of the network, as the
    first page's line-up finds each optimizer's rate."""
    return divergence.best_rate(data, cfg, train=train)


def check_slice(
    plane: str, grid: int, span: float | None, direction_seed: int = 0
) -> None:
    """Raise ValueError for settings that slice_run would refuse."""
    check_plane(plane)
    whole("direction seed", direction_seed, 0, 2**32 - 1)
    slices.check_grid(grid)
    if span is not None:
        slices.check_span(span)


def slice_run(
    run: NetRun,
    plane: str = "pca",
    grid: int = 41,
    span: float | None = None,
    direction_seed: int = 0,
) -> NetSlice:
    """The loss over a plane through the run's final weights, with its path.

    Args:
        plane: "pca", "random" or "interpolate" (see planes.py).
        grid: points per side, 3 to 81.
        span: the grid covers [-span, span] on both axes; None fits the path.
        direction_seed: seeds the random and interpolate planes' directions.

    Returns:
        NetSlice: loss (grid, grid), path (m+1, 2), off_plane (m+1,), ...
    """
    check_slice(plane, grid, span, direction_seed)
    arch = run.config.arch
    made = make_plane(plane, run.params, arch, direction_seed)
    return slices.slice_path(
        run.data, arch, run.config.loss, made, run.params, run.losses, grid, span
    )


def start_to_end(run: NetRun, points: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """The loss on the straight line from the start (t = 0) to the end (t = 1)."""
    return slices.line(
        run.data, run.config.arch, run.config.loss, run.params[0], run.params[-1],
        points,
    )  # fmt: skip


def between(a: NetRun, b: NetRun, points: int = 101) -> tuple[np.ndarray, np.ndarray]:
    """The loss on the line from run a's final weights (t = 0) to run b's (t = 1),
    on a's data; both runs must share the architecture and the loss."""
    if (a.config.arch, a.config.loss) != (b.config.arch, b.config.loss):
        raise ValueError("both runs need the same architecture and loss")
    return slices.line(
        a.data, a.config.arch, a.config.loss, a.params[-1], b.params[-1], points
    )
