"""Frozen settings for data, schedules and runs, with their validation."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

MAX_STEPS = 100_000  # a documented cap: 100,000 steps of a 2-weight model is ~1 s
LR_RANGE = (0.0, 1000.0)  # exclusive low, inclusive high
START_LIMIT = 1000.0  # |w1|, |w2| at most this
SCHEDULES = ("constant", "exponential", "cosine")
SCHEDULE_HELP = {
    "constant": "The same learning rate at every step.",
    "exponential": "lr * decay_rate ** (step / decay_steps) (Keras ExponentialDecay).",
    "cosine": "Half a cosine from lr down to alpha * lr over decay_steps "
    "(Keras CosineDecay).",
}


def finite(name: str, value: object, allowed: str) -> float:
    """value as a float, or ValueError naming it and saying what is allowed."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name}={value!r} is not a number; {allowed}") from None
    except OverflowError:  # float(10**400)
        raise ValueError(f"{name}={value!r} is out of range; {allowed}") from None
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} is not finite; {allowed}")
    return number


def whole(name: str, value: object, low: int, high: int) -> int:
    """value as an int in [low, high], or ValueError saying what is allowed."""
    allowed = f"{name} must be a whole number from {low:,} to {high:,}"
    number = finite(name, value, allowed)
    if number != int(number) or not low <= number <= high:
        raise ValueError(f"{name}={value!r} is out of range; {allowed}")
    return int(number)


def learning_rate(value: object) -> float:
    """value as a learning rate in LR_RANGE, or ValueError saying what is allowed."""
    lo, hi = LR_RANGE
    allowed = f"the learning rate must be a number > {lo:g} and <= {hi:g}"
    lr = finite("learning rate", value, allowed)
    if not lo < lr <= hi:
        raise ValueError(f"learning rate {lr!r} is out of range; {allowed}")
    return lr


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: Keras ExponentialDecay or CosineDecay, or none.

    decay_steps None means the run's own number of steps.
    """

    kind: str = "constant"
    decay_steps: int | None = None
    decay_rate: float = 0.5
    staircase: bool = False
    alpha: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(
                f"unknown schedule {self.kind!r}; choose one of {', '.join(SCHEDULES)}"
            )
        if self.decay_steps is not None:
            whole("decay_steps", self.decay_steps, 1, MAX_STEPS)
        rate = finite("decay_rate", self.decay_rate, "decay_rate must be in (0, 1]")
        if not 0 < rate <= 1:
            raise ValueError(f"decay_rate={rate!r} is out of range; allowed: (0, 1]")
        alpha = finite("alpha", self.alpha, "alpha must be in [0, 1]")
        if not 0 <= alpha <= 1:
            raise ValueError(f"alpha={alpha!r} is out of range; allowed: [0, 1]")

    def steps_for(self, steps: int) -> int:
        return self.decay_steps if self.decay_steps is not None else max(steps, 1)


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines one training run, apart from the data.

    params holds the optimizer's hyperparameters as sorted (name, value) pairs,
    so that the config stays hashable; unnamed ones take TensorFlow's defaults.
    """

    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    steps: int = 100
    start: tuple[float, float] = (-2.0, 2.0)
    params: tuple[tuple[str, float], ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    batch_size: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        learning_rate(self.learning_rate)
        whole("steps", self.steps, 0, MAX_STEPS)
        if len(self.start) != 2:
            raise ValueError("start must be two numbers, w1 and w2")
        for name, value in zip(("w1", "w2"), self.start):
            limit = f"start {name} must be between -{START_LIMIT:g} and {START_LIMIT:g}"
            if abs(finite(f"start {name}", value, limit)) > START_LIMIT:
                raise ValueError(f"start {name}={value!r} is out of range; {limit}")
        if self.batch_size is not None:
            whole("batch size", self.batch_size, 1, 10_000_000)
        whole("seed", self.seed, 0, 2**32 - 1)
        # Hyperparameters are checked against their ranges by optimizers.resolve.

    @property
    def param_dict(self) -> dict[str, float]:
        return dict(self.params)


def make_params(params: dict[str, float] | None) -> tuple[tuple[str, float], ...]:
    """Hyperparameters as the sorted pairs RunConfig stores."""
    return tuple(sorted((str(k), float(v)) for k, v in (params or {}).items()))
