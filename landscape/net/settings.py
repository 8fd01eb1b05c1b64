"""The small-network page's table of settings, its state type and its URL text.

The same Setting rows as the explorer's table (landscape.settings), so the
page's URL reading and writing and its widgets' limits are driven by one row
each. Other runs ride along as pins in the run-text format of landscape.runspec
("sgd,lr=0.3,steps=200"); they share the live run's data, network and loss.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass, replace

from landscape import links, optimizers
from landscape.config import LR_RANGE
from landscape.data.presets import NET_PRESETS, NOISE_RANGE, SAMPLES_RANGE, SEED_RANGE
from landscape.net.config import NetConfig, net_config
from landscape.net.layout import ACTIVATIONS, MAX_HIDDEN_LAYERS, UNITS_RANGE
from landscape.net.model import NET_LOSSES
from landscape.net.planes import PLANES
from landscape.net.slices import GRID_RANGE, SPAN_LIMIT
from landscape.runspec import MAX_RUNS, format_run, split_run
from landscape.settings import APP_MIN_LR, UPLOAD, Setting, choice

NET_APP_MAX_STEPS = 2_000  # the page's steps: every step's weights are kept
NET_VIEW_KEYS = {"classroom"}

NET_SETTINGS: tuple[Setting, ...] = (
    choice("dataset", "circles", [*NET_PRESETS, UPLOAD], widget="net_dataset",
            describe=f"one of {', '.join(NET_PRESETS)}"),
    Setting("samples", "int", 200, *SAMPLES_RANGE, widget="net_samples"),
    Setting("noise", "float", None, *NOISE_RANGE, optional=True, widget="net_noise"),
    Setting("seed", "int", 0, *SEED_RANGE, widget="net_seed"),
    Setting("layers", "int", 1, 1, MAX_HIDDEN_LAYERS, widget="net_layers"),
    Setting("units", "int", 8, *UNITS_RANGE, widget="net_units"),
    Setting("units2", "int", 4, *UNITS_RANGE, widget="net_units2"),
    choice("activation", "tanh", ACTIVATIONS, widget="net_activation"),
    choice("loss", "cross_entropy", NET_LOSSES, widget="net_loss"),
    choice("optimizer", "adam", optimizers.REGISTRY, per_run=True,
            widget="net_optimizer", describe="an optimizer key"),
    Setting("lr", "float", 0.03, APP_MIN_LR, LR_RANGE[1], per_run=True,
            widget="net_lr"),
    Setting("steps", "int", 300, 2, NET_APP_MAX_STEPS, per_run=True,
            widget="net_steps"),
    choice("plane", "pca", PLANES, widget="net_plane"),
    Setting("grid", "int", 31, *GRID_RANGE, widget="net_grid"),
    Setting("span", "float", None, 1e-3, SPAN_LIMIT, optional=True,
            widget="net_span", describe=f"a number above 0 up to {SPAN_LIMIT:g}, "
            "or empty to fit the path"),
    Setting("dseed", "int", 0, *SEED_RANGE, widget="net_dseed"),
    Setting("step", "int", None, 0, NET_APP_MAX_STEPS, optional=True,
            widget="net_step", describe="a step number, or empty for the last"),
)  # fmt: skip
NET_BY_NAME = {s.name: s for s in NET_SETTINGS}
NET_RUN_SETTINGS = tuple(s for s in NET_SETTINGS if s.per_run)

NetPin = make_dataclass(
    "NetPin",
    [(s.name, object, field(default=s.default)) for s in NET_RUN_SETTINGS],
    frozen=True,
    namespace={"__module__": __name__},
)
NetState = make_dataclass(
    "NetState",
    [(s.name, object, field(default=s.default)) for s in NET_SETTINGS]
    + [("pins", tuple, field(default=()))],
    frozen=True,
    namespace={"__module__": __name__},
)


def hidden(state: NetState) -> tuple[int, ...]:
    """Units per hidden layer: (units,) or (units, units2)."""
    return (state.units, state.units2)[: state.layers]


def net_run_config(state: NetState, pin: NetPin | None = None) -> NetConfig:
    """The engine's settings for the live run, or for a pin on the same network."""
    run = pin or live(state)
    return net_config(
        hidden=hidden(state),
        activation=state.activation,
        loss=state.loss,
        optimizer=run.optimizer,
        learning_rate=run.lr,
        steps=run.steps,
    )


def live(state: NetState) -> NetPin:
    return NetPin(**{s.name: getattr(state, s.name) for s in NET_RUN_SETTINGS})


def pin_label(pin: NetPin) -> str:
    return f"{optimizers.get(pin.optimizer).label} · lr {pin.lr:g} · {pin.steps} steps"


def format_net_pin(pin: NetPin) -> str:
    """A pin as link text: "sgd,lr=0.3,steps=200"."""
    by_name = NET_BY_NAME
    return format_run(
        pin.optimizer,
        {n: by_name[n].format(getattr(pin, n)) for n in ("lr", "steps")},
    )


def parse_net_pin(text: str) -> NetPin:
    """A pin from its link text, or ValueError saying what is wrong."""
    key, values = split_run(text)
    spec = optimizers.get(key)
    unknown = [name for name in values if name not in ("lr", "steps")]
    if unknown:
        raise ValueError(f"unknown setting {unknown[0]!r}; allowed: lr, steps")
    problems: list[str] = []
    given = links.read_rows(
        NET_RUN_SETTINGS[1:], {k: [v] for k, v in values.items()}, problems
    )
    if problems:
        raise ValueError(problems[0])
    return NetPin(optimizer=spec.key, **given)


def parse_net_query(query: links.Query) -> tuple[NetState, list[str]]:
    """The page's state from URL query parameters; invalid values warn (one
    line each) and keep their default, unknown parameters warn and are ignored."""
    warnings: list[str] = []
    state = NetState(**links.read_rows(NET_SETTINGS, query, warnings))
    pins: dict = {}
    for text in query.get("pin", [])[:MAX_RUNS]:
        try:
            pins[parse_net_pin(text)] = None
        except ValueError as e:
            warnings.append(f"URL parameter pin={text[:40]!r} was ignored: {e}")
    if len(query.get("pin", [])) > MAX_RUNS:
        warnings.append(f"Only the first {MAX_RUNS} pinned runs were kept.")
    known = set(NET_BY_NAME) | {"pin"} | NET_VIEW_KEYS
    for name in sorted(set(query) - known):
        warnings.append(f"Unknown URL parameter {name[:40]!r} was ignored.")
    return replace(state, pins=tuple(pins)), warnings


def net_to_query(state: NetState) -> dict[str, str | list[str]]:
    """The URL query parameters that reproduce the state, pins included."""
    out: dict[str, str | list[str]] = {
        s.name: s.format(getattr(state, s.name))
        for s in NET_SETTINGS
        if getattr(state, s.name) is not None
    }
    if state.layers == 1:
        out.pop("units2")
    if state.pins:
        out["pin"] = [format_net_pin(p) for p in state.pins]
    return out
