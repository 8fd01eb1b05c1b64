"""Why a run diverged, and a learning rate that does not, found by real runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from landscape import trainer
from landscape.config import RunConfig
from landscape.data.dataset import Dataset
from landscape.trajectory import Trajectory

BISECTIONS = 8  # log-space halvings between a good and a bad rate: within 0.3%
MAX_HALVINGS = 30  # looking down for a rate that does not diverge: 2^-30 x


def blows_up(t: Trajectory) -> bool:
    """The run diverged (a weight or the loss not finite) or ended above its start."""
    return t.diverged_at is not None or (
        len(t.losses) > 1 and not t.losses[-1] <= t.losses[0]
    )


def growth(t: Trajectory) -> float | None:
    """How many times the loss grew per step over its last rising stretch (the
    geometric mean of the ratios), or None if it was not rising at the end."""
    losses = np.asarray(t.losses, dtype=np.float64)
    if len(losses) < 2 or not losses[-1] > losses[-2]:
        return None
    first = len(losses) - 1
    while first > 0 and losses[first] > losses[first - 1]:
        first -= 1
    span = len(losses) - 1 - first
    return float((losses[-1] / losses[first]) ** (1 / span))


@dataclass(frozen=True)
class Suggestion:
    """The largest rate found below the run's own that does not blow up."""

    rate: float | None  # None: none found down to 2^-30 of the rate
    runs: int  # real training runs made to find it


def _round_down(rate: float) -> float:
    """rate to two significant digits, never above it."""
    scale = 10 ** (math.floor(math.log10(rate)) - 1)
    return math.floor(rate / scale) * scale


def stable_rate(data: Dataset, cfg: RunConfig) -> Suggestion:
    """The largest learning rate below cfg's that neither diverges nor ends above
    its start, by bisection of real runs in log space (everything else as cfg).

    Not a formula: the same engine trains each candidate, so the suggested rate
    is one that was seen to work on this data, loss, start and step count.
    """
    runs = 0

    def bad(rate: float) -> bool:
        nonlocal runs
        runs += 1
        return blows_up(trainer.run(data, replace(cfg, learning_rate=rate)))

    high, low = cfg.learning_rate, cfg.learning_rate / 2
    while bad(low):
        high, low = low, low / 2
        if runs > MAX_HALVINGS:
            return Suggestion(None, runs)
    for _ in range(BISECTIONS):
        middle = math.sqrt(low * high)
        if bad(middle):
            high = middle
        else:
            low = middle
    rounded = _round_down(low)
    if rounded > 0 and rounded != low and not bad(rounded):
        low = rounded
    return Suggestion(float(f"{low:.6g}"), runs)


# The line-up's rates: one per optimizer, the best of this log grid on the
# problem at hand (TensorFlow's defaults, 0.001 for most adaptive methods, leave
# them visibly still over 100 steps of a two-weight model).
RATE_GRID = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


def best_rate(data: Dataset, cfg: RunConfig, rates=RATE_GRID, train=None) -> float:
    """The rate of the grid whose run ends lowest without blowing up (the smaller
    rate on a tie); cfg's own rate when every one blows up. Real runs, as set in
    cfg but for the rate.

    train: (data, cfg) -> a run with losses and diverged_at; trainer.run, or
    the small network's landscape.net.api.train with its NetConfig.
    """
    train = train or trainer.run
    best, lowest = cfg.learning_rate, math.inf
    for rate in rates:
        t = train(data, replace(cfg, learning_rate=rate))
        if not blows_up(t) and len(t.losses) and t.losses[-1] < lowest:
            best, lowest = rate, float(t.losses[-1])
    return best
