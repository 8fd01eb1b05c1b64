"""The runs on the chart: the live run and the pins; pin, sweep and line-up buttons."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import divergence, links, optimizers, trainer
from landscape.config import RunConfig
from landscape.figures import RunView
from landscape.runspec import MAX_RUNS
from landscape.settings import BY_NAME, ExplorerState, Pin, lineup, run_config, sweep
from landscape.summary import number
from ui import cache
from ui.session import Key, md, nearest_stop, shown

DEFAULT_LINEUP = ["sgd", "momentum", "rmsprop", "adam"]
LINEUP_HELP = (
    "The chosen optimizers from the live run's start, each at its best rate on "
    "this problem: of "
    + ", ".join(f"{r:g}" for r in divergence.RATE_GRID)
    + ", the one whose run ends lowest without blowing up (real runs; "
    "TensorFlow's own defaults, often 0.001, barely move in 100 steps)."
)


def render_run_controls(current: ExplorerState, source: cache.Source) -> None:
    """Pin the live run; make a learning-rate sweep or an optimizer line-up."""
    if not (shown("pin") or shown("sweep") or shown("lineup")):
        return
    cols = st.columns([1, 1, 2, 1])
    if shown("pin") and cols[0].button(
        "Pin run",
        help="Keep this run on the chart",
        disabled=len(current.pins) >= MAX_RUNS,
    ):
        set_pins(current.pins + (current.live,))
    if shown("sweep") and cols[1].button(
        "Learning-rate sweep",
        help="This optimizer at 0.1x, 0.3x, 1x, 3x and 10x the rate, added to the "
        f"pinned runs while there is room for {MAX_RUNS}; else in their place",
    ):
        set_pins(*merged(current.pins, sweep(current), "learning-rate sweep"))
    if not shown("lineup"):
        return
    chosen = cols[2].multiselect(
        "Line-up",
        list(optimizers.REGISTRY),
        default=DEFAULT_LINEUP,
        key=Key.LINEUP,
        format_func=lambda k: optimizers.get(k).label,
        max_selections=MAX_RUNS,
        label_visibility="collapsed",
    )
    if cols[3].button("Optimizer line-up", help=LINEUP_HELP):
        with st.spinner("Finding each optimizer's best rate on this problem..."):
            pins = tuple(
                replace(p, lr=cache.get_best_rate(source, current.loss, p))
                for p in lineup(current, chosen)
            )
        set_pins(*merged(current.pins, pins, "line-up, each at its best rate,"))


def merged(pinned, new, what: str) -> tuple[tuple[Pin, ...], str]:
    """The new runs added to the pinned ones when all fit, else in their place;
    and a line saying which happened."""
    both = tuple(dict.fromkeys(pinned + new))
    if len(both) <= MAX_RUNS:
        return both, f"The {what} added {len(both) - len(pinned)} pinned runs."
    return new, (
        f"The {what} replaced the {len(pinned)} pinned runs: together they were "
        f"more than {MAX_RUNS}. Remove some pins first to keep them."
    )


def set_pins(pins: tuple[Pin, ...], notice: str = "") -> None:
    st.session_state[Key.EXPLORER] = replace(
        st.session_state[Key.EXPLORER], pins=tuple(dict.fromkeys(pins))[:MAX_RUNS]
    )
    st.session_state[Key.NOTICE] = notice
    st.rerun()


def render_notice() -> None:
    """What the last pin, sweep or line-up did, once."""
    notice = st.session_state.pop(Key.NOTICE, "")
    if notice:
        st.info(notice)


def render_pin_list(current: ExplorerState) -> None:
    """Each pin with a show checkbox and a remove button."""
    if not current.pins:
        return
    with st.expander(
        f"Pinned runs ({len(current.pins)} of {MAX_RUNS})", expanded=False
    ):
        for i, pin in enumerate(current.pins):
            cols = st.columns([4, 1, 1])
            cols[0].markdown(
                f"**{i + 1}.** {pin.label} · start ({pin.w1:g}, {pin.w2:g})"
            )
            cols[1].checkbox("show", value=True, key=_show_key(pin))
            if cols[2].button("remove", key=f"rm_{links.format_pin(pin)}"):
                set_pins(tuple(p for p in current.pins if p != pin))


def _show_key(pin: Pin) -> str:
    """The pin's "show" checkbox; its value is read before the list is drawn."""
    return f"show_{links.format_pin(pin)}"


def collect_runs(current: ExplorerState, source: cache.Source) -> list[RunView]:
    """The live run and the shown pins, trained (or from the cache).

    A run the engine cannot make is one error line naming it; the others still
    show. Each view keeps its style slot: the live run 0, pin i slot i.
    """
    views = []
    slots = _slots(current)
    labels = run_labels([pin for _, pin in slots])
    for (slot, pin), label in zip(slots, labels):
        try:
            trajectory = _train(source, current.loss, pin, label)
        except Exception as e:  # noqa: BLE001 - any engine failure, one line each
            st.error(engine_error(f"Training {label}", e, "change its settings"))
            continue
        views.append(RunView(label, trajectory, slot))
    return views


def run_labels(pins: list[Pin]) -> list[str]:
    """Each run's legend label, the live run (first) marked. Different runs that
    would read the same say their start, or else their settings; the same run
    twice (the live run and its pin) needs no more than "(live)"."""
    labels = [p.label for p in pins]
    for i, pin in enumerate(pins):
        twins = {pins[j] for j, p in enumerate(pins) if p.label == pin.label}
        if len(twins) > 1:
            starts = {(p.w1, p.w2) for p in twins}
            labels[i] += (
                f" · start ({pin.w1:g}, {pin.w2:g})"
                if len(starts) == len(twins)
                else " · " + links.format_pin(pin).split(",", 1)[1]
            )
    if labels:
        labels[0] += " (live)"
    return labels


def _slots(current: ExplorerState) -> list[tuple[int, Pin]]:
    """(style slot, run) of the live run and of each pin whose "show" is ticked."""
    pins = [
        (i, p)
        for i, p in enumerate(current.pins, start=1)
        if st.session_state.get(_show_key(p), True)
    ]
    return [(0, current.live), *pins]


def _train(source: cache.Source, loss: str, pin: Pin, label: str):
    """The run, with a word on the page while its engine compiles (once per
    optimizer, loss and task in a server's life; about 1 s)."""
    key = (pin.optimizer, loss, cache.get_dataset(source).task)
    if key in trainer.engine_keys():
        return cache.get_run(source, loss, pin)
    with st.spinner(f"Compiling TensorFlow's engine for {label} (once per server)"):
        return cache.get_run(source, loss, pin)


def run_configs(current: ExplorerState, runs: list[RunView]) -> list[RunConfig]:
    """The engine settings of the runs drawn, in the runs' order."""
    pins = dict(_slots(current))
    return [run_config(pins[r.slot], current.loss, current.seed) for r in runs]


def engine_error(what: str, error: Exception, change: str) -> str:
    """One line: what failed, the engine's reason, and what to change."""
    reason = " ".join(str(error).split()) or type(error).__name__
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return f"{what} failed: {md(reason)}. To go on, {change}."


def render_divergence(current: ExplorerState, source: cache.Source, runs) -> None:
    """Each run that blows up: why, and a rate that works, with one click to use it."""
    pins = dict(_slots(current))
    for run in runs:
        t = run.trajectory
        if not divergence.blows_up(t):
            continue
        pin = pins[run.slot]
        what = (
            f"diverged at step {t.diverged_at}"
            if t.diverged_at is not None
            else "ends higher than it started"
        )
        grew = divergence.growth(t)
        why = (
            f": each step overshoots the valley, and the loss grew about "
            f"×{number(grew, 3)} per step"
            if grew
            else ""
        )
        found = cache.get_stable_rate(source, current.loss, pin)
        text = f"**{md(run.label)}** {what}{why}." + _limit_text(source, current, pin)
        if found.rate is None:
            st.warning(text + " No smaller rate down to 2⁻³⁰ of it settles either.")
            continue
        left, right = st.columns([5, 1], vertical_alignment="center")
        left.warning(
            f"{text} The largest rate below {pin.lr:g} that does not, found by "
            f"{found.runs} runs with these settings: {number(found.rate)}."
        )
        right.button(
            f"Use lr {number(found.rate)}",
            key=f"stable_{run.slot}",
            on_click=_use_rate,
            args=(run.slot, found.rate),
        )


def _limit_text(source: cache.Source, current: ExplorerState, pin: Pin) -> str:
    """ " lr 10 is above this loss's stability limit 2/λmax = 1.9 at the minimum."
    when the local quadratic gives a limit the run's rate exceeds."""
    try:
        limits = cache.get_limits(source, current.loss, pin)
    except ValueError:
        return ""
    limit = limits["max_stable_lr"]
    if limit is None or pin.lr <= limit:
        return ""
    name = "2/λmax" if pin.optimizer in ("sgd", "tf1_gradient_descent") else "limit"
    return (
        f" lr {pin.lr:g} is above this loss's stability {name} = {number(limit, 3)}"
        f" at {limits['where']}."
    )


def _use_rate(slot: int, rate: float) -> None:
    """The live run (slot 0) or pin number slot takes the suggested rate."""
    if slot == 0:
        st.session_state[BY_NAME["lr"].widget] = rate
        st.session_state[Key.LR_SLIDER] = nearest_stop(rate)
        return
    state = st.session_state[Key.EXPLORER]
    pins = list(state.pins)
    pins[slot - 1] = replace(pins[slot - 1], lr=rate)
    st.session_state[Key.EXPLORER] = replace(state, pins=tuple(dict.fromkeys(pins)))
