"""Training runs over TensorFlow's own optimizers: the shared engines -> Trajectory."""

from __future__ import annotations

import threading

from landscape import losses, optimizers
from landscape.config import RunConfig, Schedule, make_params
from landscape.data.dataset import Dataset
from landscape.engine import Engine
from landscape.trajectory import Trajectory

_ENGINES: dict[tuple[str, str, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine(optimizer: str, loss: str, task: str) -> Engine:
    """The shared compiled engine for this optimizer, loss and task."""
    key = (optimizer, loss, task)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = Engine(optimizer, loss, task)
        return _ENGINES[key]


def engine_keys() -> frozenset[tuple[str, str, str]]:
    """The (optimizer, loss, task) of every engine compiled so far."""
    with _ENGINES_LOCK:
        return frozenset(_ENGINES)


def run(data: Dataset, cfg: RunConfig) -> Trajectory:
    """Train on data with the settings in cfg; see Trajectory.

    Raises:
        ValueError: an unknown optimizer or hyperparameter, a value out of
            range, or a loss that does not fit the data.
    """
    spec = optimizers.get(cfg.optimizer)
    hypers = spec.resolve(cfg.param_dict)
    losses.check_loss(cfg.loss, data.task)
    traj = engine(cfg.optimizer, cfg.loss, data.task).run(data, cfg, hypers)
    if traj.diverged_at == 0:
        raise ValueError(
            f"the loss at the start {cfg.start} is not finite for this data; "
            "choose a start nearer 0 or rescale the data"
        )
    return traj


def train(
    dataset: Dataset,
    loss: str,
    optimizer: str,
    learning_rate: float,
    steps: int,
    start: tuple[float, float],
    *,
    params: dict[str, float] | None = None,
    schedule=None,
    batch_size: int | None = None,
    seed: int = 0,
) -> Trajectory:
    """Train the two-weight model with a real TensorFlow optimizer.

    Args:
        dataset: the data; its x (n, 2) and y (n,).
        loss: "cross_entropy", "mse" or "mae".
        optimizer: a key of optimizers.REGISTRY.
        learning_rate: > 0.
        steps: 0 to config.MAX_STEPS.
        start: (w1, w2), row 0 of the trajectory.
        params: hyperparameters by their TensorFlow names; others at defaults.
        schedule: a config.Schedule, or None for a constant rate.
        batch_size: None for full batch, else mini-batches reshuffled per epoch.
        seed: feeds the mini-batch shuffle.

    Returns:
        Trajectory with weights (m+1, 2), losses (m+1,), gradients (m, 2).
    """
    cfg = RunConfig(
        loss=loss,
        optimizer=optimizer,
        learning_rate=learning_rate,
        steps=steps,
        start=tuple(start),
        params=make_params(params),
        schedule=schedule or Schedule(),
        batch_size=batch_size,
        seed=seed,
    )
    return run(dataset, cfg)
