"""Runs as text, "adam lr=0.1 steps=300", for the command line and notebooks."""

from __future__ import annotations

from collections.abc import Sequence

from landscape import optimizers
from landscape.config import MAX_STEPS, RunConfig, Schedule, finite, make_params, whole

MAX_RUNS = 8  # runs on one chart: one per colour, marker and dash
RUN_KEYS = ("lr", "steps", "w1", "w2", "schedule", "batch")
RunSpec = str | dict | RunConfig


def run_label(
    optimizer: str, lr: float, schedule: str = "constant", batch: int | None = None
) -> str:
    """'Adam · lr 0.1', with the schedule and batch size when they are not default."""
    name = optimizers.get(optimizer).label.split(" (")[0]
    if optimizer.startswith("tf1_"):
        name += " (TF1)"
    text = f"{name} · lr {lr:.3g}"
    if schedule != "constant":
        text += f" · {schedule}"
    if batch:
        text += f" · batch {batch}"
    return text


def _from_values(key: str, values: dict) -> RunConfig:
    """A RunConfig from an optimizer key and NAME -> value (text or number)."""
    spec = optimizers.get(key)
    allowed = RUN_KEYS + tuple(h.name for h in spec.hypers)
    unknown = [name for name in values if name not in allowed]
    if unknown:
        raise ValueError(
            f"unknown setting {unknown[0]!r} for {key}; allowed: {', '.join(allowed)}"
        )
    get = values.get
    batch = get("batch")
    params = {
        n: finite(n, v, f"{n} must be a number")
        for n, v in values.items()
        if n not in RUN_KEYS
    }
    spec.resolve(params)  # checks each hyperparameter's range now
    return RunConfig(
        optimizer=key,
        learning_rate=finite("lr", get("lr", spec.default_lr), "lr must be > 0"),
        steps=whole("steps", get("steps", 100), 0, MAX_STEPS),
        start=(
            finite("w1", get("w1", -2.0), "w1 must be a number"),
            finite("w2", get("w2", 2.0), "w2 must be a number"),
        ),
        params=make_params(params),
        schedule=Schedule(str(get("schedule", "constant"))),
        batch_size=None if batch is None else whole("batch", batch, 1, 10_000_000),
    )


def parse_run(spec: RunSpec) -> RunConfig:
    """One run from "KEY NAME=VALUE ...", a dict or a RunConfig.

    Text: an optimizer key, then settings separated by spaces or commas (so the
    app's pin= links work too): lr, steps, w1, w2, schedule, batch and the
    optimizer's hyperparameters by their TensorFlow names, e.g.
    "momentum lr=0.05 steps=300 momentum=0.8". Unset: TF's default rate, 100
    steps, start (-2, 2), a constant rate, full batch. A dict holds the same
    names plus "optimizer".

    Raises:
        ValueError: an unknown optimizer or setting (listing the allowed ones),
            or a value out of range.
    """
    if isinstance(spec, RunConfig):
        return spec
    if isinstance(spec, dict):
        values = dict(spec)
        return _from_values(str(values.pop("optimizer", "sgd")), values)
    try:
        key, values = split_run(str(spec))
        return _from_values(key, values)
    except ValueError as e:
        raise ValueError(f"run {spec!r}: {e}") from None


def split_run(text: str) -> tuple[str, dict[str, str]]:
    """The one run-text format, read: "KEY NAME=VALUE ..." -> (KEY, {NAME: VALUE}).

    Settings are separated by spaces or commas, so a link's pin= value
    ("adam,lr=0.1,steps=300") and a --run spec ("adam lr=0.1 steps=300") are the
    same text. Values stay text: the caller checks them against its limits.

    Raises:
        ValueError: empty text, or a part that is not NAME=VALUE, or a name twice.
    """
    key, *pairs = text.replace(",", " ").split() or [""]
    if not key:
        raise ValueError("empty run; write e.g. 'adam lr=0.1 steps=300'")
    values: dict[str, str] = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name or name in values:
            raise ValueError(f"{pair!r} should be NAME=VALUE, each name once")
        values[name] = value
    return key, values


def format_run(key: str, values: dict[str, str]) -> str:
    """The one run-text format, written with commas (URL-safe): split_run's inverse."""
    return ",".join([key] + [f"{name}={value}" for name, value in values.items()])


def labels(configs: Sequence[RunConfig]) -> list[str]:
    """The app's run labels, numbered where two would read the same."""
    texts = [
        run_label(c.optimizer, c.learning_rate, c.schedule.kind, c.batch_size)
        for c in configs
    ]
    return [
        f"{text} ({texts[:i].count(text) + 1})" if texts.count(text) > 1 else text
        for i, text in enumerate(texts)
    ]


def config_settings(cfg: RunConfig) -> dict:
    """A run's settings as `train --json` reports them, defaults resolved."""
    spec = optimizers.get(cfg.optimizer)
    schedule = vars(cfg.schedule) | {"decay_steps": cfg.schedule.steps_for(cfg.steps)}
    return {
        "loss": cfg.loss,
        "optimizer": cfg.optimizer,
        "learning_rate": cfg.learning_rate,
        "steps": cfg.steps,
        "start": list(cfg.start),
        "params": spec.resolve(cfg.param_dict),
        "schedule": schedule,
        "batch_size": cfg.batch_size,
        "seed": cfg.seed,
    }
