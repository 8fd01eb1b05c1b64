"""Where "too large" begins: a diverging run explained, a rate that works, and
the stability limits the curvature gives."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import divergence
from landscape.settings import BY_NAME, ExplorerState, Pin
from landscape.summary import number
from ui import cache
from ui.runs import slots
from ui.session import Key, md, nearest_stop

LIMIT_FACTORS = (0.5, 0.9, 1.1, 2.0)


def limit_sweep(current: ExplorerState, source: cache.Source):
    """The live run at LIMIT_FACTORS times its stability limit and at its best
    rate; None where the curvature gives no limit."""
    try:
        limits = cache.get_limits(source, current.loss, current.live)
    except ValueError:
        return None
    limit = limits["max_stable_lr"]
    if limit is None:
        return None
    rates = [limit * f for f in LIMIT_FACTORS] + [limits["best_lr"] or limit]
    return tuple(
        replace(current.live, lr=float(f"{r:.3g}")) for r in sorted(set(rates))
    )


def render_divergence(current: ExplorerState, source: cache.Source, runs) -> None:
    """Each run that blows up: why, and a rate that works, with one click to use it."""
    pins = dict(slots(current))
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
