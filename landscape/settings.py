"""The one table of the explorer's settings: name, type, default, limits, URL text.

Like TensorFlow Playground's PROPS list in state.ts, each setting is written
once, as a row of SETTINGS. The explorer's state type, URL reading and writing
(landscape.links), the widgets' limits and loading a lesson into the widgets
(ui/) are all driven by it: adding a setting means adding one row. The
optimizer's hyperparameters are not rows: each optimizer's own table of them
(landscape.optimizers, with TensorFlow's names, defaults and ranges) drives
them the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, make_dataclass, replace

from landscape import optimizers
from landscape.config import (
    LR_RANGE,
    MAX_STEPS,
    SCHEDULES,
    START_LIMIT,
    RunConfig,
    Schedule,
)
from landscape.data.presets import NOISE_RANGE, PRESETS, SAMPLES_RANGE, SEED_RANGE
from landscape.losses import LOSSES
from landscape.runspec import MAX_RUNS, run_label

APP_MAX_STEPS = 10_000  # the app's steps; the engine allows MAX_STEPS
APP_MIN_LR = 1e-6  # the app's smallest learning rate; the engine allows any > 0
MAX_BATCH = 100_000
FULL_BATCH = f"a whole number from 1 to {MAX_BATCH:,}, or empty for full batch"
UPLOAD = "upload"  # the dataset value while an uploaded CSV is in use
SWEEP_FACTORS = (0.1, 0.3, 1.0, 3.0, 10.0)
# The learning-rate slider's 31 stops, log-spaced from 1e-4 to 10.
LR_STOPS = sorted(
    {round(m * 10.0**e, 6) for e in range(-4, 1) for m in (1, 1.5, 2, 3, 5, 7)} | {10.0}
)
assert MAX_STEPS >= APP_MAX_STEPS
# The momentum-like hyperparameter's slider: momentum (Gradient descent with
# momentum, RMSprop) or beta_1 (Adam and its kin), as Distill's "Why Momentum
# Really Works" drags it. Each optimizer keeps the stops its range allows.
MOMENTUM_NAMES = ("momentum", "beta_1", "beta1")
MOMENTUM_STOPS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99)


def momentum_knob(key: str) -> tuple[str, tuple[float, ...]] | None:
    """The optimizer's momentum-like hyperparameter and its slider's stops,
    or None if it has none."""
    for h in optimizers.get(key).hypers:
        if h.name in MOMENTUM_NAMES:
            stops = []
            for v in MOMENTUM_STOPS:
                try:
                    stops.append(h.check(v))
                except ValueError:
                    continue
            return h.name, tuple(stops)
    return None


@dataclass(frozen=True)
class Setting:
    """One setting: its URL name (also the state's field), default and limits.

    kind is "choice" (one of choices), "int" or "float" (in [low, high]).
    optional: the URL may leave it empty (None: the preset's noise, a full
    batch). per_run: a pinned run carries its own value (else runs share it).
    """

    name: str
    kind: str
    default: object
    low: float = -math.inf
    high: float = math.inf
    choices: tuple[str, ...] = ()
    optional: bool = False
    per_run: bool = False
    widget: str = ""  # the session key of its widget
    describe: str = ""  # what is allowed, when it is not a range or a list

    @property
    def allowed(self) -> str:
        """What a URL may say, for warnings."""
        if self.describe:
            return self.describe
        if self.kind == "choice":
            return f"one of {', '.join(self.choices)}"
        if self.kind == "int":
            return f"a whole number from {self.low:,} to {self.high:,}"
        return f"a number from {self.low:g} to {self.high:g}"

    def parse(self, text: str) -> object:
        """The value a URL's text gives, or ValueError if it is not allowed."""
        text = text.strip()
        if self.optional and text in ("", "default", "full", "none"):
            return None
        if self.kind == "choice":
            if text not in self.choices:
                raise ValueError(text)
            return text
        value = float(text)
        if not math.isfinite(value) or not self.low <= value <= self.high:
            raise ValueError(text)
        if self.kind == "int":
            if value != int(value):
                raise ValueError(text)
            return int(value)
        return value

    def format(self, value: object) -> str:
        """The URL's text for a value: parse(format(v)) == v for what %g keeps."""
        if value is None:
            return ""
        return f"{value:g}" if isinstance(value, float) else str(value)


def choice(name: str, default: str, choices, **kw) -> Setting:
    """A setting that takes one of `choices`."""
    return Setting(name, "choice", default, choices=tuple(choices), **kw)


SETTINGS: tuple[Setting, ...] = (
    # overlap, not blobs: separable classes put the minimum at infinity, and the
    # first screen should show a valley with its minimum in view.
    choice("dataset", "overlap", [*PRESETS, UPLOAD], widget="in_dataset",
            describe=f"one of {', '.join(PRESETS)}"),
    Setting("samples", "int", 200, *SAMPLES_RANGE, widget="in_samples"),
    Setting("noise", "float", None, *NOISE_RANGE, optional=True, widget="in_noise"),
    Setting("seed", "int", 0, *SEED_RANGE, widget="in_seed"),
    choice("loss", "cross_entropy", LOSSES, widget="in_loss"),
    choice("optimizer", "sgd", optimizers.REGISTRY, per_run=True,
            widget="in_optimizer", describe="an optimizer key"),
    Setting("lr", "float", 0.1, APP_MIN_LR, LR_RANGE[1], per_run=True,
            widget="lr_box"),
    Setting("steps", "int", 100, 1, APP_MAX_STEPS, per_run=True, widget="in_steps"),
    Setting("w1", "float", -2.0, -START_LIMIT, START_LIMIT, per_run=True,
            widget="in_w1"),
    Setting("w2", "float", 2.0, -START_LIMIT, START_LIMIT, per_run=True,
            widget="in_w2"),
    choice("schedule", "constant", SCHEDULES, per_run=True, widget="in_schedule"),
    Setting("batch", "int", None, 1, MAX_BATCH, optional=True, per_run=True,
            widget="in_batch",
            describe=FULL_BATCH),
)  # fmt: skip
BY_NAME = {s.name: s for s in SETTINGS}
RUN_SETTINGS = tuple(s for s in SETTINGS if s.per_run)
Params = tuple[tuple[str, float], ...]  # hyperparameters, sorted (name, value) pairs


def _fields(rows) -> list:
    return [(s.name, object, field(default=s.default)) for s in rows]


def _label(self) -> str:
    return run_label(self.optimizer, self.lr, self.schedule, self.batch)


# A pinned run: the per-run settings and the optimizer's hyperparameters. It
# shares the live run's data and loss.
Pin = make_dataclass(
    "Pin",
    [*_fields(RUN_SETTINGS), ("params", Params, field(default=()))],
    frozen=True,
    namespace={"label": property(_label), "__module__": __name__},
)


def _live(self) -> Pin:
    return Pin(
        **{s.name: getattr(self, s.name) for s in RUN_SETTINGS}, params=self.params
    )


# Every setting of the live run (one field per row of SETTINGS), its
# hyperparameters and the pinned runs.
ExplorerState = make_dataclass(
    "ExplorerState",
    [
        *_fields(SETTINGS),
        ("params", Params, field(default=())),
        ("pins", tuple, field(default=())),
    ],
    frozen=True,
    namespace={"live": property(_live), "__module__": __name__},
)


def run_config(pin: Pin, loss: str, seed: int) -> RunConfig:
    """The engine's settings for a run."""
    return RunConfig(
        loss=loss,
        optimizer=pin.optimizer,
        learning_rate=pin.lr,
        steps=pin.steps,
        start=(pin.w1, pin.w2),
        params=pin.params,
        schedule=Schedule(pin.schedule),
        batch_size=pin.batch,
        seed=seed,
    )


def sweep(state: ExplorerState, factors=SWEEP_FACTORS) -> tuple[Pin, ...]:
    """The live optimizer at several multiples of its learning rate, same start."""
    low, high = BY_NAME["lr"].low, BY_NAME["lr"].high
    pins = []
    for f in factors:
        lr = min(max(state.lr * f, low), high)
        pins.append(replace(state.live, lr=float(f"{lr:.3g}")))
    return tuple(dict.fromkeys(pins))[:MAX_RUNS]


def lineup(state: ExplorerState, keys) -> tuple[Pin, ...]:
    """Chosen optimizers at their TensorFlow default learning rates, same start."""
    return tuple(
        Pin(
            optimizer=k,
            lr=optimizers.get(k).default_lr,
            steps=state.steps,
            w1=state.w1,
            w2=state.w2,
        )
        for k in keys
    )[:MAX_RUNS]
