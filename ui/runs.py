"""The runs on the chart: the live run and the pins; pin, sweep and line-up buttons."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import links, trainer
from landscape.config import RunConfig
from landscape.figures import RunView
from landscape.runspec import MAX_RUNS
from landscape.settings import ExplorerState, Pin, run_config
from ui import cache
from ui.session import KEEP, Key, md


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
            cols[1].checkbox("show", value=True, key=_show_key(pin), persist_state=KEEP)
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
    chosen = slots(current)
    labels = run_labels([pin for _, pin in chosen])
    for (slot, pin), label in zip(chosen, labels):
        try:
            trajectory = _train(source, current.loss, pin, label)
        except Exception as e:  # noqa: BLE001 - any engine failure, one line each
            st.error(engine_error(f"Training {label}", e, "change its settings"))
            continue
        views.append(RunView(label, trajectory, slot))
    return views


def live_run(runs: list[RunView]) -> RunView | None:
    """The live run among those drawn (style slot 0), or None if it failed."""
    return runs[0] if runs and runs[0].slot == 0 else None


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


def slots(current: ExplorerState) -> list[tuple[int, Pin]]:
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
    pins = dict(slots(current))
    return [run_config(pins[r.slot], current.loss, current.seed) for r in runs]


def engine_error(what: str, error: Exception, change: str) -> str:
    """One line: what failed, the engine's reason, and what to change."""
    reason = " ".join(str(error).split()) or type(error).__name__
    if len(reason) > 160:
        reason = reason[:157] + "..."
    return f"{what} failed: {md(reason)}. To go on, {change}."
