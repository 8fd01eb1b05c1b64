"""Pinned runs on the network page: other optimizers or rates on the same network
and data, each projected onto the live run's plane with its off-plane distance."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape.figures.net import PathView
from landscape.net.planes import project
from landscape.net.settings import (
    NET_BY_NAME,
    NetState,
    live,
    net_run_config,
    pin_label,
)
from landscape.net.slices import NetSlice
from landscape.runspec import MAX_RUNS
from landscape.settings import SWEEP_FACTORS
from ui.cache import Source
from ui.network.cache import get_net_run
from ui.network.state import NetKey
from ui.session import md


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


def render_pin_buttons(state: NetState) -> None:
    """Pin the live run (it stays drawn on the live run's plane), or clear."""
    cols = st.columns([1, 1.3, 1, 3.4])
    cols[0].button(
        "Pin this run",
        on_click=_pin,
        disabled=len(state.pins) >= MAX_RUNS,
        help="Keep this run on the chart, projected on the live plane",
    )
    cols[1].button("Learning-rate sweep", on_click=_sweep,
                   help="This run at 0.1, 0.3, 3 and 10 times its rate")  # fmt: skip
    cols[2].button("Clear pins", on_click=_clear, disabled=not state.pins)
    if state.pins:
        cols[3].caption(
            "Pinned: "
            + "; ".join(f"{k}: {md(pin_label(p))}" for k, p in enumerate(state.pins, 1))
            + ". Each is drawn on the live run's plane by least squares; its "
            "distance off that plane is in its legend entry and the table."
        )
