"""The small-network page's table of settings, its state type and its URL text.

The same Setting rows as the explorer's table (landscape.settings), so the
page's URL reading and writing and its widgets' limits are driven by one row
each. The optimizer's hyperparameters are not rows: as on the first page, each
optimizer's own table of them (landscape.optimizers) drives them, and a link
names them by TensorFlow's names (momentum=0.95). Other runs ride along as pins
in the run-text format of landscape.runspec
("momentum,lr=0.1,steps=300,schedule=cosine,momentum=0.95"); each carries its
optimizer, rate, steps, schedule and hyperparameters, and they share the live
run's data, network, loss and Glorot start (init_seed), so every path begins
at the same weights and differs only by how it was trained.
"""

from __future__ import annotations

from dataclasses import field, make_dataclass, replace

from landscape import links, optimizers
from landscape.config import LR_RANGE, SCHEDULES, Schedule
from landscape.data.presets import NET_PRESETS, NOISE_RANGE, SAMPLES_RANGE, SEED_RANGE
from landscape.net.config import NetConfig, net_config
from landscape.net.layout import ACTIVATIONS, MAX_HIDDEN_LAYERS, UNITS_RANGE
from landscape.net.model import NET_LOSSES
from landscape.net.planes import PLANES
from landscape.net.slices import GRID_RANGE, SPAN_LIMIT
from landscape.runspec import MAX_RUNS, format_run, split_run
from landscape.settings import APP_MIN_LR, UPLOAD, Params, Setting, choice

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
    Setting("init_seed", "int", 0, *SEED_RANGE, widget="net_init_seed"),
    choice("optimizer", "adam", optimizers.REGISTRY, per_run=True,
            widget="net_optimizer", describe="an optimizer key"),
    Setting("lr", "float", 0.03, APP_MIN_LR, LR_RANGE[1], per_run=True,
            widget="net_lr"),
    Setting("steps", "int", 300, 2, NET_APP_MAX_STEPS, per_run=True,
            widget="net_steps"),
    choice("schedule", "constant", SCHEDULES, per_run=True, widget="net_schedule"),
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

# A pinned run: the per-run settings and the optimizer's hyperparameters.
NetPin = make_dataclass(
    "NetPin",
    [(s.name, object, field(default=s.default)) for s in NET_RUN_SETTINGS]
    + [("params", Params, field(default=()))],
    frozen=True,
    namespace={"__module__": __name__},
)
NetState = make_dataclass(
    "NetState",
    [(s.name, object, field(default=s.default)) for s in NET_SETTINGS]
    + [("params", Params, field(default=())), ("pins", tuple, field(default=()))],
    frozen=True,
    namespace={"__module__": __name__},
)


def hidden(state: NetState) -> tuple[int, ...]:
    """Units per hidden layer: (units,) or (units, units2)."""
    return (state.units, state.units2)[: state.layers]


def net_run_config(state: NetState, pin: NetPin | None = None) -> NetConfig:
    """The engine's settings for the live run, or for a pin on the same network
    and from the same Glorot start."""
    run = pin or live(state)
    return net_config(
        hidden=hidden(state),
        activation=state.activation,
        params=dict(run.params),
        loss=state.loss,
        optimizer=run.optimizer,
        learning_rate=run.lr,
        steps=run.steps,
        schedule=Schedule(run.schedule),
        init_seed=state.init_seed,
    )


def live(state: NetState) -> NetPin:
    """The live run as a pin: its per-run settings and hyperparameters."""
    values = {s.name: getattr(state, s.name) for s in NET_RUN_SETTINGS}
    return NetPin(**values, params=state.params)


def pin_label(pin: NetPin) -> str:
    """'SGD with momentum · lr 0.1 · 300 steps', then the schedule and the
    hyperparameters that differ from TensorFlow's defaults."""
    parts = [optimizers.get(pin.optimizer).label, f"lr {pin.lr:g}",
             f"{pin.steps} steps"]  # fmt: skip
    if pin.schedule != NET_BY_NAME["schedule"].default:
        parts.append(pin.schedule)
    parts += [f"{name} {value:g}" for name, value in pin.params]
    return " · ".join(parts)


def format_net_pin(pin: NetPin) -> str:
    """A pin as link text: "momentum,lr=0.1,steps=300,momentum=0.95"; the rate
    and steps always, the schedule when not constant, the hyperparameters that
    differ from TensorFlow's defaults."""
    values = {n: NET_BY_NAME[n].format(getattr(pin, n)) for n in ("lr", "steps")}
    if pin.schedule != NET_BY_NAME["schedule"].default:
        values["schedule"] = pin.schedule
    values |= {name: f"{value:g}" for name, value in pin.params}
    return format_run(pin.optimizer, values)


def parse_net_pin(text: str) -> NetPin:
    """A pin from its link text, or ValueError saying what is wrong."""
    key, values = split_run(text)
    spec = optimizers.get(key)
    rows = [s.name for s in NET_RUN_SETTINGS[1:]]
    allowed = rows + [h.name for h in spec.hypers]
    unknown = [name for name in values if name not in allowed]
    if unknown:
        raise ValueError(
            f"unknown setting {unknown[0]!r} for {key}; allowed: {', '.join(allowed)}"
        )
    problems: list[str] = []
    query = {k: [v] for k, v in values.items()}
    given = links.read_rows(NET_RUN_SETTINGS[1:], query, problems)
    params = links.read_hypers(spec.key, query, problems)
    if problems:
        raise ValueError(problems[0])
    return NetPin(optimizer=spec.key, **given, params=params)


def net_lineup(state: NetState, keys) -> tuple[NetPin, ...]:
    """The live run's steps and schedule under each chosen optimizer, at its
    TensorFlow default rate and hyperparameters (another optimizer's momentum
    or beta_1 means something else, or nothing)."""
    return tuple(
        replace(live(state), optimizer=k, lr=optimizers.get(k).default_lr, params=())
        for k in keys
    )[:MAX_RUNS]


def parse_net_query(query: links.Query) -> tuple[NetState, list[str]]:
    """The page's state from URL query parameters; invalid values warn (one
    line each) and keep their default, unknown parameters warn and are ignored."""
    warnings: list[str] = []
    state = NetState(**links.read_rows(NET_SETTINGS, query, warnings))
    state = replace(state, params=links.read_hypers(state.optimizer, query, warnings))
    pins = links.read_pins(query.get("pin", []), warnings, parse_net_pin)
    known = set(NET_BY_NAME) | {"pin"} | links.hyper_names() | NET_VIEW_KEYS
    for name in sorted(set(query) - known):
        warnings.append(f"Unknown URL parameter {name[:40]!r} was ignored.")
    return replace(state, pins=pins), warnings


def net_to_query(state: NetState) -> dict[str, str | list[str]]:
    """The URL query parameters that reproduce the state, pins included."""
    out: dict[str, str | list[str]] = {
        s.name: s.format(getattr(state, s.name))
        for s in NET_SETTINGS
        if getattr(state, s.name) is not None
    }
    if state.layers == 1:
        out.pop("units2")
    out |= {name: f"{value:g}" for name, value in state.params}
    if state.pins:
        out["pin"] = [format_net_pin(p) for p in state.pins]
    return out
