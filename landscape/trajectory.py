"""Trajectory, one run's record, stitched from the compiled loop's chunks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One run's record; every array is finite.

    weights (m+1, 2): row 0 is the start. losses (m+1,): the full-data loss at
    each row of weights. gradients (m, 2): the gradient step k applied (the
    mini-batch gradient with mini-batches). learning_rates (m,): the rate step k
    used. state: the optimizer's per-weight state after each step, name ->
    (m, 2) or (m,). m is the steps asked for, or fewer if the run diverged:
    diverged_at is then the first step whose weights or loss were not finite.

    The curvature along the run, filled in after it by curvature.record (None
    until then): sharpness and sharpness_min (m+1,), lambda_max and lambda_min
    of the exact Hessian at each row of weights; preconditioned_sharpness
    (m+1,), for the Adam family only, lambda_max of P^-1 H with P the
    optimizer's own diagonal preconditioner after the step that led to the row
    (row 0 NaN: before a step there is no P).
    """

    weights: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    learning_rates: np.ndarray
    state: dict
    diverged_at: int | None
    compiled: bool  # True when XLA compiled the loop
    sharpness: np.ndarray | None = None
    sharpness_min: np.ndarray | None = None
    preconditioned_sharpness: np.ndarray | None = None

    def curvature(self) -> dict[str, np.ndarray]:
        """The curvature columns recorded, name -> (m+1,); empty if none."""
        names = ("sharpness", "sharpness_min", "preconditioned_sharpness")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


def assemble(cfg, parts, last, slots, state_vars, compiled) -> Trajectory:
    """Stitch chunks into a Trajectory, cut before the first non-finite step."""
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    weights = np.vstack([np.asarray(cfg.start, np.float32)[None], cat["weights"]])
    loss = np.append(cat["losses"], np.float32(last))
    per_step = [cat["gradients"], cat["learning_rates"], cat["state"]]
    bad_rows = ~np.isfinite(weights).all(axis=1) | ~np.isfinite(loss)
    bad_steps = np.zeros(len(weights), bool)
    for a in per_step:
        bad_steps[1:] |= ~np.isfinite(a).all(axis=tuple(range(1, a.ndim)))
    bad = np.flatnonzero(bad_rows | bad_steps)
    diverged_at = int(bad[0]) if len(bad) else None
    keep = len(weights) if diverged_at is None else diverged_at
    steps = max(keep - 1, 0)
    state, col = {}, 0
    for name, var in zip(slots, state_vars):
        size = int(np.prod(var.shape))
        block = cat["state"][:steps, col : col + size]
        state[name] = block if size > 1 else block[:, 0]
        col += size
    return Trajectory(
        weights=weights[:keep],
        losses=loss[:keep],
        gradients=cat["gradients"][:steps],
        learning_rates=cat["learning_rates"][:steps],
        state=state,
        diverged_at=diverged_at,
        compiled=compiled,
    )
