"""Comparisons: pin the live run, sweep its rate, sweep around its stability
limit, or line up optimizers at their best rates."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import divergence, optimizers
from landscape.runspec import MAX_RUNS
from landscape.settings import ExplorerState, lineup, sweep
from ui import cache
from ui.limits import limit_sweep
from ui.runs import merged, set_pins
from ui.session import KEEP, Key, shown

DEFAULT_LINEUP = ["sgd", "momentum", "rmsprop", "adam"]
LINEUP_HELP = (
    "The chosen optimizers from the live run's start, each at its best rate on "
    "this problem: of "
    + ", ".join(f"{r:g}" for r in divergence.RATE_GRID)
    + ", the one whose run ends lowest without blowing up (real runs; "
    "TensorFlow's own defaults, often 0.001, barely move in 100 steps)."
)


def lineup_picker(where, key: str) -> list[str]:
    """The optimizers chosen for a line-up (both pages): at most one per style."""
    return where.multiselect(
        "Line-up",
        list(optimizers.REGISTRY),
        default=DEFAULT_LINEUP,
        key=key,
        persist_state=KEEP,
        format_func=lambda k: optimizers.get(k).label,
        max_selections=MAX_RUNS,
        label_visibility="collapsed",
    )


def render_run_controls(current: ExplorerState, source: cache.Source) -> None:
    """Pin the live run; make a learning-rate sweep or an optimizer line-up."""
    if not (shown("pin") or shown("sweep") or shown("lineup")):
        return
    cols = st.columns([0.8, 1.1, 1.2, 2, 1.1])
    if shown("pin") and cols[0].button(
        "Pin run",
        help="Keep this run on the chart",
        disabled=len(current.pins) >= MAX_RUNS,
    ):
        set_pins(current.pins + (current.live,))
    if shown("sweep"):
        _render_sweeps(cols[1], cols[2], current, source)
    if not shown("lineup"):
        return
    chosen = lineup_picker(cols[3], Key.LINEUP)
    if cols[4].button("Optimizer line-up", help=LINEUP_HELP):
        with st.spinner("Finding each optimizer's best rate on this problem..."):
            pins = tuple(
                replace(p, lr=cache.get_best_rate(source, current.loss, p))
                for p in lineup(current, chosen)
            )
        set_pins(*merged(current.pins, pins, "line-up, each at its best rate,"))


def _render_sweeps(left, right, current: ExplorerState, source: cache.Source):
    """Multiples of the rate; and, where the curvature gives a limit, rates
    either side of it, so a class sees the boundary crossed."""
    if left.button(
        "Learning-rate sweep",
        help="This optimizer at 0.1x, 0.3x, 1x, 3x and 10x the rate, added to the "
        f"pinned runs while there is room for {MAX_RUNS}; else in their place",
    ):
        set_pins(*merged(current.pins, sweep(current), "learning-rate sweep"))
    around = limit_sweep(current, source)
    if right.button(
        "Sweep around the limit",
        disabled=around is None,
        help="0.5x, 0.9x, 1.1x and 2x this optimizer's stability limit, and its "
        "fastest rate: runs either side of where too large begins",
    ):
        set_pins(*merged(current.pins, around, "sweep around the limit"))
