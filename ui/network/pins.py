"""Pinned runs on the network page: other optimizers, rates, schedules or
hyperparameters on the same network, data and start, each projected onto the
live run's plane with its off-plane distance; pin, sweep and line-up."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import divergence
from landscape.figures.net import PathView
from landscape.net.planes import project
from landscape.net.settings import (
    NET_BY_NAME,
    NetState,
    live,
    net_lineup,
    net_run_config,
    pin_label,
)
from landscape.net.slices import NetSlice
from landscape.runspec import MAX_RUNS
from landscape.settings import SWEEP_FACTORS
from ui.cache import Source
from ui.compare import lineup_picker
from ui.network.cache import get_net_best_rate, get_net_run
from ui.network.state import NetKey
from ui.runs import merged
from ui.session import md

LINEUP_HELP = (
    "The chosen optimizers on this network from the same start, with the live "
    "run's steps and schedule and TensorFlow's default hyperparameters, each at "
    "its best rate on this problem: of "
    + ", ".join(f"{r:g}" for r in divergence.RATE_GRID)
    + ", the one whose run ends lowest without blowing up (real runs). Added to "
    f"the pinned runs while there is room for {MAX_RUNS}; else in their place."
)


def pinned_runs(state: NetState, source: Source, sl: NetSlice) -> list[PathView]:
    """Each pin's path on the live plane (least-squares coordinates), labelled
    with how far it strays from that plane: a projection is honest only with it."""
    out = []
    for slot, pin in enumerate(state.pins, start=1):
        try:
            run = get_net_run(source, net_run_config(state, pin))
        except ValueError as e:
            st.warning(md(f"Pinned run {pin_label(pin)} was not drawn: {e}"))
            continue
        xy, off = project(sl.plane, run.params)
        label = f"pin {slot}: {pin_label(pin)} (up to {off.max():.3g} off the plane)"
        out.append(PathView(label, xy, run.losses, off, slot))
    return out


def _pin() -> None:
    state = st.session_state[NetKey.STATE]
    pins = tuple(dict.fromkeys((*state.pins, live(state))))[:MAX_RUNS]
    st.session_state[NetKey.STATE] = replace(state, pins=pins)


def _sweep() -> None:
    """The live run at the explorer's sweep factors of its rate (not 1x itself),
    replacing the pins."""
    state = st.session_state[NetKey.STATE]
    low, high = NET_BY_NAME["lr"].low, NET_BY_NAME["lr"].high
    pins = [
        replace(live(state), lr=float(f"{min(max(state.lr * f, low), high):.3g}"))
        for f in SWEEP_FACTORS
        if f != 1.0
    ]
    pins = [p for p in dict.fromkeys(pins) if p != live(state)][:MAX_RUNS]
    st.session_state[NetKey.STATE] = replace(state, pins=tuple(pins))


def _clear() -> None:
    state = st.session_state[NetKey.STATE]
    st.session_state[NetKey.STATE] = replace(state, pins=())


def _lineup(state: NetState, source: Source, chosen: list[str]) -> None:
    """Pin the chosen optimizers, each at its best rate (real runs), as the
    first page's line-up does; say what happened to the pins."""
    with st.spinner("Finding each optimizer's best rate on this network..."):
        pins = tuple(
            replace(p, lr=get_net_best_rate(source, net_run_config(state, p)))
            for p in net_lineup(state, chosen)
        )
    new, notice = merged(state.pins, pins, "line-up, each at its best rate,")
    st.session_state[NetKey.STATE] = replace(state, pins=new)
    st.session_state[NetKey.NOTICE] = notice
    st.rerun()


def render_pin_buttons(state: NetState, source: Source) -> None:
    """Pin the live run (it stays drawn on the live run's plane), sweep its
    rate, line up optimizers, or clear."""
    cols = st.columns([0.9, 1.2, 3.6, 1.2, 0.8], vertical_alignment="bottom")
    cols[0].button(
        "Pin this run",
        on_click=_pin,
        disabled=len(state.pins) >= MAX_RUNS,
        help="Keep this run on the chart, projected on the live plane",
    )
    cols[1].button("Learning-rate sweep", on_click=_sweep,
                   help="This run at 0.1, 0.3, 3 and 10 times its rate")  # fmt: skip
    chosen = lineup_picker(cols[2], NetKey.LINEUP)
    if cols[3].button("Optimizer line-up", disabled=not chosen, help=LINEUP_HELP):
        _lineup(state, source, chosen)
    cols[4].button("Clear pins", on_click=_clear, disabled=not state.pins)
    notice = st.session_state.pop(NetKey.NOTICE, "")
    if notice:
        st.info(notice)
    if state.pins:
        st.caption(
            "Pinned: "
            + "; ".join(f"{k}: {md(pin_label(p))}" for k, p in enumerate(state.pins, 1))
            + ". Each is drawn on the live run's plane by least squares; its "
            "distance off that plane is in its legend entry and the table."
        )
