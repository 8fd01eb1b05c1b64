"""The settings' controls: loss, optimizer, hyperparameters, learning rate, training.

In classroom mode the optimizer and the learning rate sit in one row above the
charts; everything else stays in the (collapsed) sidebar.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import optimizers
from landscape.config import SCHEDULE_HELP, SCHEDULES
from landscape.losses import LOSSES
from landscape.settings import BY_NAME, LR_STOPS, ExplorerState
from landscape.summary import number
from ui import cache, teaching
from ui.data import number_box, render_data
from ui.hypers import hyper_boxes
from ui.layout import Slots
from ui.session import (
    KEEP,
    LR_LABEL,
    Key,
    hyper_key,
    load_state,
    nearest_stop,
    offered,
    shown,
    stop_text,
)

LOSS_LABELS = {
    "cross_entropy": "Cross-entropy",
    "mse": "L2 (mean squared error)",
    "mae": "L1 (mean absolute error)",
}
FULL_BATCH_HELP = "0 = full batch (every example, every step)"
LR_HINT = "Usually between 0.001 and 0.1: too large overshoots, too small is slow."
NO_CROSS_ENTROPY = (
    "Cross-entropy is not offered: it needs labels that are all 0 or 1, "
    "and this data set's labels are other numbers (regression)."
)


def render_controls(slots: Slots) -> tuple[ExplorerState, cache.Source, object]:
    """Every setting, the essential ones where slots say. Returns the current
    state, where the data comes from, and the data."""
    if shown("lessons"):
        teaching.render_lessons(load_state)
    key_where, lr_where = slots.optimizer, slots.lr
    source, data = render_data()
    # Each section returns the settings it owns, by their names in the table.
    current = replace(
        st.session_state[Key.EXPLORER],
        dataset=source.preset,
        samples=source.samples,
        noise=source.noise,
        seed=source.seed,
        loss=render_loss(data.task),
        **render_optimizer(key_where),
        lr=render_lr(lr_where),
        **render_training(),
    )
    st.session_state[Key.EXPLORER] = current
    if shown("lr") and lr_where is st.sidebar:
        render_limits(source, current)
    return current, source, data


def render_limits(source: cache.Source, current: ExplorerState) -> None:
    """Where "too large" begins for this data, loss, optimizer and start: the
    local quadratic's limits (2/lambda_max, ...), or why there is none."""
    try:
        found = cache.get_limits(source, current.loss, current.live)
    except ValueError:  # a Hessian that is not finite: no hint, nothing lost
        return
    where = found["where"]
    if found["max_stable_lr"] is None:
        st.sidebar.caption(f"No stability limit at {where}: {found['reason']}.")
        return
    text = f"Stable below {number(found['max_stable_lr'], 3)}"
    if found["best_lr"] is not None:
        text += f", fastest near {number(found['best_lr'], 3)}"
    st.sidebar.caption(
        f"{text}, from the curvature at {where} (λ = "
        f"{number(found['eigenvalues'][0], 3)}, {number(found['eigenvalues'][1], 3)})."
    )


def render_loss(task: str) -> str:
    allowed = [k for k in LOSSES if task == "classification" or k != "cross_entropy"]
    widget = BY_NAME["loss"].widget
    if not shown("loss"):
        saved = st.session_state[Key.EXPLORER].loss
        return saved if saved in allowed else allowed[0]
    st.sidebar.header("Loss")
    offered(widget, allowed, st.session_state[Key.EXPLORER].loss)
    loss = st.sidebar.radio(
        "Loss",
        allowed,
        key=widget,
        persist_state=KEEP,
        format_func=LOSS_LABELS.get,
        label_visibility="collapsed",
    )
    st.sidebar.caption(LOSSES[loss])
    if task != "classification":
        st.sidebar.caption(NO_CROSS_ENTROPY)
    return loss


def render_optimizer(where) -> dict[str, object]:
    """The optimizer, its hyperparameters and the learning-rate schedule."""
    saved = st.session_state[Key.EXPLORER]
    compact = where is not st.sidebar  # classroom: one row above the charts
    key = saved.optimizer
    if shown("optimizer"):
        if not compact:
            where.header("Optimizer")
        key = where.selectbox(
            "Optimizer",
            list(optimizers.REGISTRY),
            key=BY_NAME["optimizer"].widget,
            persist_state=KEEP,
            format_func=lambda k: optimizers.get(k).label,
            label_visibility="visible" if compact else "collapsed",
        )
        if not compact:
            where.caption(optimizers.get(key).description)
    if shown("hyperparameters"):
        params = render_hypers(key)
    else:
        params = saved.params if key == saved.optimizer else ()
    schedule = saved.schedule
    if shown("schedule"):
        schedule = st.sidebar.selectbox(
            "Learning-rate schedule",
            SCHEDULES,
            key=BY_NAME["schedule"].widget,
            persist_state=KEEP,
            help=" ".join(SCHEDULE_HELP.values()),
        )
    return {"optimizer": key, "params": params, "schedule": schedule}


def render_hypers(key: str) -> tuple:
    """The optimizer's hyperparameters that differ from TensorFlow's defaults."""
    # Drawn only for the chosen optimizer, so not kept for the session (KEEP):
    # another optimizer's boxes start at TensorFlow's defaults, as its link would.
    # The last run's values come back after the other page: Streamlit dropped them.
    saved = st.session_state[Key.EXPLORER]
    given = dict(saved.params) if saved.optimizer == key else {}
    return hyper_boxes(key, given, hyper_key, drag=True)


def _lr_from_slider() -> None:
    st.session_state[BY_NAME["lr"].widget] = st.session_state[Key.LR_SLIDER]


def _lr_from_box() -> None:
    box = st.session_state[BY_NAME["lr"].widget]
    st.session_state[Key.LR_SLIDER] = nearest_stop(box)


def render_lr(where) -> float:
    """A log-scale slider kept in sync with an exact number box."""
    if not shown("lr"):
        return st.session_state[Key.EXPLORER].lr
    compact = where is not st.sidebar  # classroom: one row above the charts
    if compact:
        where, box_where = where.columns([2.6, 1], vertical_alignment="bottom")
    else:
        where.header("Learning rate")
        box_where = where
    where.select_slider(
        LR_LABEL,
        LR_STOPS,
        key=Key.LR_SLIDER,
        persist_state=KEEP,
        on_change=_lr_from_slider,
        format_func=stop_text,
        label_visibility="visible" if compact else "collapsed",
        help=LR_HINT,
    )
    lr = number_box(
        box_where,
        "lr",
        "Exact learning rate",
        format="%.6g",
        on_change=_lr_from_box,
        step=None,
        # In the classroom's one row the slider's label names both.
        label_visibility="collapsed" if compact else "visible",
    )
    if not compact:  # in classroom mode the slider's own help says it
        where.caption(LR_HINT)
    return float(lr)


def render_training() -> dict[str, object]:
    """Steps, batch size and the start (w1, w2); a batch of 0 is None: full."""
    saved = st.session_state[Key.EXPLORER]
    if shown("steps") or shown("batch") or shown("start"):
        st.sidebar.header("Training")
    cols = st.sidebar.columns(2)
    steps = saved.steps if not shown("steps") else number_box(cols[0], "steps", "Steps")
    batch = (
        (saved.batch or 0)
        if not shown("batch")
        else number_box(
            cols[1],
            "batch",
            "Batch size",
            help="0 = full batch (every example, every step)",
        )
    )
    if not shown("start"):
        return {"steps": int(steps), "w1": saved.w1, "w2": saved.w2,
                "batch": int(batch) or None}  # fmt: skip
    cols = st.sidebar.columns(2)
    w1 = number_box(cols[0], "w1", "Start w1", step=0.5)
    w2 = number_box(cols[1], "w2", "Start w2", step=0.5)
    st.sidebar.caption("Or click anywhere on the contour to start there.")
    return {"steps": int(steps), "w1": float(w1), "w2": float(w2),
            "batch": int(batch) or None}  # fmt: skip
