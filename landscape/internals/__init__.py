"""One optimizer step explained: its update rule, then the rule with its numbers."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape import optimizers
from landscape.internals import adam, adaptive, descent, ftrl, lion
from landscape.internals.base import Step, vec
from landscape.trajectory import Trajectory

__all__ = ["RULES", "STEPS", "StepExplanation", "explain", "vec"]

# Registry key -> its rule and the code that fills it, one module per family.
STEPS: dict[str, Step] = (
    descent.STEPS | adaptive.STEPS | adam.STEPS | lion.STEPS | ftrl.STEPS
)
RULES: dict[str, list[str]] = {key: s.rule for key, s in STEPS.items()}
assert set(STEPS) == set(optimizers.REGISTRY)


@dataclass(frozen=True)
class StepExplanation:
    """Step k (1-based) of a run: from weights[k-1] to weights[k]."""

    step: int
    rule: list[str]
    filled: list[str]
    numbers: dict[str, np.ndarray]  # every quantity in the filled rule
    predicted: np.ndarray  # (2,) float64 weights after the step, from the numbers


def _before(spec, traj: Trajectory, k: int, hypers: dict) -> dict[str, np.ndarray]:
    """The optimizer's state before step k: after step k-1, or its start value."""
    out = {}
    for slot in spec.slots:
        if k >= 2:
            out[slot] = traj.state[slot][k - 2].astype(np.float64)
        else:
            init = spec.slot_init.get(slot, 0.0)
            value = hypers[init] if isinstance(init, str) else init
            shape = traj.state[slot].shape[1:]
            out[slot] = np.full(shape, value, np.float64)
    return out


def explain(
    key: str, traj: Trajectory, k: int, params: dict | None = None
) -> StepExplanation:
    """The update rule of step k, filled with its numbers.

    The numbers are recomputed in float64 from the recorded gradient, learning
    rate and state before the step, following the optimizer's published rule, so
    a student can check the arithmetic and a test can check that it lands on the
    recorded next weights.

    Args:
        key: the optimizer's registry key.
        traj: the run.
        k: a step from 1 to len(traj.gradients).
        params: the run's hyperparameters (defaults for the missing ones).

    Returns:
        StepExplanation whose `predicted` should equal traj.weights[k].
    """
    if not 1 <= k <= len(traj.gradients):
        raise ValueError(
            f"step {k} is out of range; this run has steps 1 to {len(traj.gradients)}"
        )
    spec = optimizers.get(key)
    h = spec.resolve(params)
    n = {
        "w": traj.weights[k - 1].astype(np.float64),
        "g": traj.gradients[k - 1].astype(np.float64),
        "eta": np.float64(traj.learning_rates[k - 1]),
        "t": np.float64(k),
    }
    n |= _before(spec, traj, k, h)
    filled = STEPS[key].fill(n, h)
    return StepExplanation(k, RULES[key], filled, n, n["w_new"])
