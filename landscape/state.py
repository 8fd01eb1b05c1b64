"""The explorer's state: URL query parameters <-> frozen settings, with fallbacks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from landscape import optimizers
from landscape.config import (
    LR_RANGE,
    MAX_STEPS,
    SCHEDULES,
    START_LIMIT,
    RunConfig,
    Schedule,
)
from landscape.data.presets import NOISE_RANGE, PRESETS, SAMPLES_RANGE
from landscape.lessons import BY_KEY as _LESSONS
from landscape.losses import LOSSES
from landscape.runspec import MAX_RUNS, run_label

APP_MAX_STEPS = 10_000  # the app's steps box; the engine allows MAX_STEPS
APP_MIN_LR = 1e-6  # the app's smallest learning rate; the engine allows any > 0
SWEEP_FACTORS = (0.1, 0.3, 1.0, 3.0, 10.0)
UPLOAD = "upload"  # the dataset value while an uploaded CSV is in use


@dataclass(frozen=True)
class Pin:
    """A pinned run: it shares the live run's data and loss."""

    optimizer: str
    lr: float
    steps: int
    w1: float
    w2: float
    params: tuple[tuple[str, float], ...] = ()
    schedule: str = "constant"
    batch: int | None = None

    @property
    def label(self) -> str:
        return run_label(self.optimizer, self.lr, self.schedule, self.batch)


@dataclass(frozen=True)
class ExplorerState:
    """Every setting of the live run, plus the pinned runs."""

    dataset: str = "blobs"
    samples: int = 200
    noise: float | None = None
    seed: int = 0
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    lr: float = 0.1
    steps: int = 100
    w1: float = -2.0
    w2: float = 2.0
    batch: int | None = None
    schedule: str = "constant"
    params: tuple[tuple[str, float], ...] = ()
    pins: tuple[Pin, ...] = field(default_factory=tuple)

    @property
    def live(self) -> Pin:
        return Pin(
            self.optimizer,
            self.lr,
            self.steps,
            self.w1,
            self.w2,
            self.params,
            self.schedule,
            self.batch,
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


# --- parsing, one value at a time ------------------------------------------
def _number(text: str, low: float, high: float, whole: bool = False) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError
    if whole and value != int(value):
        raise ValueError
    if not low <= value <= high:
        raise ValueError
    return int(value) if whole else value


def _choice(text: str, choices) -> str:
    if text not in choices:
        raise ValueError
    return text


def _lr(text: str) -> float:
    return _number(text, APP_MIN_LR, LR_RANGE[1])


def _batch(text: str) -> int | None:
    return (
        None if text in ("", "full", "none") else int(_number(text, 1, 100_000, True))
    )


def _noise(text: str) -> float | None:
    return None if text in ("", "default") else _number(text, *NOISE_RANGE)


_PARSERS = {
    "dataset": (
        lambda t: _choice(t, list(PRESETS) + [UPLOAD]),
        f"one of {', '.join(PRESETS)}",
    ),
    "samples": (
        lambda t: int(_number(t, *SAMPLES_RANGE, whole=True)),
        f"a whole number from {SAMPLES_RANGE[0]} to {SAMPLES_RANGE[1]:,}",
    ),
    "noise": (_noise, f"a number from {NOISE_RANGE[0]:g} to {NOISE_RANGE[1]:g}"),
    "seed": (
        lambda t: int(_number(t, 0, 2**32 - 1, whole=True)),
        "a whole number from 0 to 4294967295",
    ),
    "loss": (lambda t: _choice(t, LOSSES), f"one of {', '.join(LOSSES)}"),
    "optimizer": (lambda t: _choice(t, optimizers.REGISTRY), "an optimizer key"),
    "lr": (_lr, f"a number from {APP_MIN_LR:g} to {LR_RANGE[1]:g}"),
    "steps": (
        lambda t: int(_number(t, 1, APP_MAX_STEPS, whole=True)),
        f"a whole number from 1 to {APP_MAX_STEPS:,}",
    ),
    "w1": (
        lambda t: _number(t, -START_LIMIT, START_LIMIT),
        f"a number from -{START_LIMIT:g} to {START_LIMIT:g}",
    ),
    "w2": (
        lambda t: _number(t, -START_LIMIT, START_LIMIT),
        f"a number from -{START_LIMIT:g} to {START_LIMIT:g}",
    ),
    "batch": (_batch, "a whole number from 1 to 100,000, or empty for full batch"),
    "schedule": (lambda t: _choice(t, SCHEDULES), f"one of {', '.join(SCHEDULES)}"),
}
assert MAX_STEPS >= APP_MAX_STEPS


def _hypers(optimizer: str, query: Mapping[str, list[str]], warn) -> tuple:
    spec = optimizers.get(optimizer)
    out = []
    for h in spec.hypers:
        values = query.get(h.name)
        if not values:
            continue
        try:
            value = h.check(float(values[-1]))
        except ValueError:
            warn(h.name, values[-1], f"a number in {h.allowed()}", h.default)
            continue
        if value != h.default:
            out.append((h.name, value))
    return tuple(sorted(out))


def parse_query(query: Mapping[str, list[str]]) -> tuple[ExplorerState, list[str]]:
    """Settings from URL query parameters; invalid ones fall back with a warning.

    Args:
        query: parameter name -> every value given for it (repeats allowed).

    Returns:
        The state, and one warning line per parameter that was ignored.
    """
    warnings: list[str] = []
    defaults = ExplorerState()

    def warn(name, text, allowed, default):
        shown = text if len(text) <= 40 else text[:37] + "..."
        warnings.append(
            f"URL parameter {name}={shown!r} is not valid ({allowed}); "
            f"using {default!r} instead."
        )

    values = {}
    for name, (parse, allowed) in _PARSERS.items():
        given = query.get(name)
        if not given:
            continue
        if len(given) > 1:
            warnings.append(
                f"URL parameter {name} was given {len(given)} times; "
                "using the last one."
            )
        try:
            values[name] = parse(given[-1].strip())
        except (ValueError, OverflowError):
            warn(name, given[-1], allowed, getattr(defaults, name))
    state = replace(defaults, **values)
    state = replace(state, params=_hypers(state.optimizer, query, warn))
    pins = []
    for text in query.get("pin", [])[:MAX_RUNS]:
        try:
            pins.append(parse_pin(text))
        except ValueError as e:
            warnings.append(f"URL parameter pin={text[:40]!r} was ignored: {e}")
    if len(query.get("pin", [])) > MAX_RUNS:
        warnings.append(f"Only the first {MAX_RUNS} pinned runs were kept.")
    known = set(_PARSERS) | {"pin"} | _all_hyper_names() | EXTRA_KEYS
    for name in sorted(set(query) - known):
        warnings.append(f"Unknown URL parameter {name[:40]!r} was ignored.")
    return replace(state, pins=tuple(pins)), warnings


EXTRA_KEYS = {"classroom", "hide", "lesson"}  # read by parse_view
LESSON_KEYS = tuple(_LESSONS)

# Controls a lesson link can hide (hide=a,b,c), as TensorFlow Playground does.
HIDEABLE = (
    "dataset",
    "upload",
    "samples",
    "noise",
    "seed",
    "loss",
    "optimizer",
    "hyperparameters",
    "schedule",
    "lr",
    "steps",
    "batch",
    "start",
    "pin",
    "sweep",
    "lineup",
    "lessons",
    "code",
    "internals",
    "classroom",
)


@dataclass(frozen=True)
class ViewState:
    """How the page is shown (not what is trained): classroom mode, hidden controls."""

    classroom: bool = False
    hide: frozenset[str] = frozenset()
    lesson: str = ""  # a built-in lesson whose text to show


def parse_view(query: Mapping[str, list[str]]) -> tuple[ViewState, list[str]]:
    """classroom=1 and hide=a,b from the URL; unknown values warn and are ignored."""
    warnings = []
    flag = (query.get("classroom") or ["0"])[-1].strip().lower()
    if flag not in ("0", "1", "true", "false", ""):
        warnings.append(
            f"URL parameter classroom={flag[:20]!r} is not valid (1 or 0); "
            "using 0 instead."
        )
    hide = set()
    for text in query.get("hide", []):
        for name in filter(None, (part.strip() for part in text.split(","))):
            if name in HIDEABLE:
                hide.add(name)
            else:
                warnings.append(
                    f"URL parameter hide names an unknown control "
                    f"{name[:30]!r}; controls: {', '.join(HIDEABLE)}."
                )
    lesson = (query.get("lesson") or [""])[-1].strip()
    if lesson and lesson not in LESSON_KEYS:
        warnings.append(
            f"URL parameter lesson={lesson[:30]!r} is not a lesson; "
            f"lessons: {', '.join(LESSON_KEYS)}."
        )
        lesson = ""
    return ViewState(flag in ("1", "true"), frozenset(hide), lesson), warnings


def _all_hyper_names() -> set[str]:
    return {h.name for s in optimizers.REGISTRY.values() for h in s.hypers}


# --- pins as text: "adam,lr=0.1,steps=200,w1=-2,w2=2,beta_1=0.8" -------------
def format_pin(pin: Pin) -> str:
    parts = [
        pin.optimizer,
        f"lr={pin.lr:g}",
        f"steps={pin.steps}",
        f"w1={pin.w1:g}",
        f"w2={pin.w2:g}",
    ]
    if pin.schedule != "constant":
        parts.append(f"schedule={pin.schedule}")
    if pin.batch:
        parts.append(f"batch={pin.batch}")
    parts += [f"{k}={v:g}" for k, v in pin.params]
    return ",".join(parts)


def parse_pin(text: str) -> Pin:
    """A pin from format_pin's text, or ValueError saying what is wrong."""
    head, *rest = text.split(",")
    spec = optimizers.get(head.strip())
    query = {}
    for part in rest:
        name, eq, value = part.partition("=")
        if not eq:
            raise ValueError(f"{part!r} should look like name=value")
        query[name.strip()] = [value]
    state, problems = parse_query(query | {"optimizer": [spec.key]})
    if problems:
        raise ValueError(problems[0])
    return state.live


def to_query(state: ExplorerState) -> dict[str, str | list[str]]:
    """The URL query parameters that reproduce the state, pins included."""
    out: dict[str, str | list[str]] = {}
    for f in fields(ExplorerState):
        if f.name in ("params", "pins"):
            continue
        value = getattr(state, f.name)
        out[f.name] = (
            ""
            if value is None
            else f"{value:g}"
            if isinstance(value, float)
            else str(value)
        )
    out |= {k: f"{v:g}" for k, v in state.params}
    if state.pins:
        out["pin"] = [format_pin(p) for p in state.pins]
    return out


# --- comparisons ------------------------------------------------------------
def sweep(state: ExplorerState, factors=SWEEP_FACTORS) -> tuple[Pin, ...]:
    """The live optimizer at several multiples of its learning rate, same start."""
    pins = []
    for f in factors:
        lr = min(max(state.lr * f, APP_MIN_LR), LR_RANGE[1])
        pins.append(replace(state.live, lr=float(f"{lr:.3g}")))
    return tuple(dict.fromkeys(pins))[:MAX_RUNS]


def lineup(state: ExplorerState, keys) -> tuple[Pin, ...]:
    """Chosen optimizers at their TensorFlow default learning rates, same start."""
    return tuple(
        Pin(k, optimizers.get(k).default_lr, state.steps, state.w1, state.w2)
        for k in keys
    )[:MAX_RUNS]
