"""The network page's charts: the plane with the paths, the decision, the loss per
step, the start-to-end line, and what the plane leaves out, in numbers and words."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from landscape.figures import net as figures
from landscape.figures.theme import Theme
from landscape.net import report
from landscape.net.api import NetRun
from landscape.net.config import NetConfig
from landscape.net.settings import (
    NET_BY_NAME,
    NetState,
    live,
    net_run_config,
    pin_label,
)
from landscape.net.slices import NetSlice
from ui.cache import Source
from ui.network.cache import get_between, get_boundary, get_start_to_end
from ui.network.state import NetKey
from ui.session import KEEP

HEIGHT = {False: 520, True: 430}  # the plane and the decision; classroom: 720 px
SIDE = {False: 300, True: 300}
STEP_KEY = NET_BY_NAME["step"].widget
PLAY_KEY = "net_play"
LINE_KEY = "net_line_to"
PLAY_SECONDS = 0.4  # one playback frame
PLAY_FRAMES = 40  # frames from step 0 to the last


def live_label(state: NetState) -> str:
    """The live run's legend entry: its optimizer, rate, steps, schedule and
    hyperparameters, as a pin's reads."""
    return f"{pin_label(live(state))} (live)"


def live_path(state: NetState, sl: NetSlice) -> figures.PathView:
    """The live run's path on its own plane, in the first style slot."""
    return figures.PathView(live_label(state), sl.path, sl.path_loss, sl.off_plane)


def render_step(run: NetRun, advance: bool) -> int:
    """The step slider over the run's rows (the last by default); returns the step.
    advance: move on by one frame's worth of steps (playback); at the last step,
    stop playing and rerun the whole page, so everything shows that step."""
    last = len(run.params) - 1
    value = st.session_state.get(STEP_KEY)
    # At the end, the slider follows the end: a run made longer or shorter
    # shows its new last step, as a link without step= does.
    at_end = value is None or int(value) == st.session_state.get(NetKey.STEP_END)
    step = last if at_end else min(int(value), last)
    st.session_state[NetKey.STEP_END] = last
    if advance:
        if step >= last:
            st.session_state[PLAY_KEY] = False
            st.rerun(scope="app")
        step = min(last, step + max(1, last // PLAY_FRAMES))
        st.query_params["step"] = str(step)
    st.session_state[STEP_KEY] = step
    return st.slider(
        "Step",
        0,
        last,
        key=STEP_KEY,
        persist_state=KEEP,
        help="The step whose weights draw the decision and the marked point",
    )


def _start_playing() -> None:
    if st.session_state.get(PLAY_KEY):
        st.session_state[STEP_KEY] = 0


def render_views(
    state: NetState,
    source: Source,
    cfg: NetConfig,
    run: NetRun,
    sl: NetSlice,
    others: list[figures.PathView],
    theme: Theme,
    classroom: bool,
    play_at,
) -> None:
    """Everything the page draws for the live run and the pins on its plane.
    play_at: where the Play switch goes."""
    facts = report.off_plane(sl, run.params)
    if not classroom:
        render_facts(facts)
    if run.diverged_at is not None:
        st.warning(
            f"The run diverged at step {run.diverged_at}: the loss or the weights "
            f"stopped being finite; {len(run.params) - 1} steps are shown."
        )
    play_at.toggle("Play", key=PLAY_KEY, on_change=_start_playing,
                   help="Move the step from 0 to the end: the decision and the "
                   "marked point follow")  # fmt: skip
    args = (state, source, cfg, run, sl, [live_path(state, sl), *others], theme,
            classroom)  # fmt: skip
    if st.session_state.get(PLAY_KEY):
        # A fragment that reruns alone every PLAY_SECONDS: only these charts move.
        st.fragment(run_every=PLAY_SECONDS)(render_moving)(*args, advance=True)
        step = int(st.session_state[STEP_KEY])
    else:
        step = render_moving(*args, advance=False)
    if classroom:
        render_facts(facts)
        return
    cols = st.columns(3)
    with cols[0]:
        fig = figures.steps_figure(
            run.losses,
            sl.plane_loss_at_path,
            step,
            theme,
            height=SIDE[classroom],
            pins=others,
        )
        st.plotly_chart(fig, key="steps_chart", width="stretch")
        st.caption(
            "Loss per step, and the loss at each step's shadow on the plane"
            + ("; each pin's loss per step in its colour." if others else ".")
        )
    with cols[1]:
        render_line(state, source, cfg, theme)
    with cols[2]:
        st.dataframe(facts_table(sl, facts, step, others), hide_index=True)


def render_line(state: NetState, source: Source, cfg: NetConfig, theme) -> None:
    """The loss on a straight line in weight space: the live run's start to its
    end, or its end to a pin's end (is there a wall between the two minima?)."""
    lines = ["live start → live end"] + [
        f"live end → pin {k} end" for k in range(1, len(state.pins) + 1)
    ]
    chosen = lines[0]
    if state.pins:
        chosen = st.selectbox("Line", lines, key=LINE_KEY, persist_state=KEEP)
    if chosen == lines[0]:
        t, loss = get_start_to_end(source, cfg)
        ends = ("start", "end")
    else:
        k = lines.index(chosen)
        t, loss = get_between(source, cfg, net_run_config(state, state.pins[k - 1]))
        ends = ("live end", f"pin {k} end")
    fig = figures.line_figure(t, loss, theme, height=SIDE[False], ends=ends)
    st.plotly_chart(fig, key="line_chart", width="stretch")
    st.caption(
        f"The loss on the straight line from the {ends[0]} weights to the "
        f"{ends[1]} weights (Goodfellow et al. 2015): one exact direction, no "
        "projection."
    )


def render_moving(state, source, cfg, run, sl, paths, theme, classroom, advance):
    """The plane with the paths and the decision, at the slider's step."""
    left, right = st.columns([5, 4])
    with right:
        step = render_step(run, advance)
        render_decision(source, cfg, run, step, theme, classroom)
    with left:
        fig = figures.plane_figure(
            sl.a1, sl.a2, sl.loss, paths, step, theme, height=HEIGHT[classroom],
            title=f"loss on the {state.plane} plane",
        )  # fmt: skip
        st.plotly_chart(fig, key="plane_chart", width="stretch")
    return step


def render_decision(source, cfg, run, step: int, theme, classroom: bool) -> None:
    b = get_boundary(source, cfg, step)
    fig = figures.boundary_figure(
        b.x1,
        b.x2,
        b.prob,
        run.data,
        theme,
        height=HEIGHT[classroom] - 70,
        title=figures.decision_title(step, run.losses[step]),
    )
    st.plotly_chart(fig, key="decision_chart", width="stretch")


def render_facts(facts: report.OffPlane) -> None:
    """How far the path left the plane and what that means: always on screen."""
    text = report.describe(facts)
    if facts.ratio < report.NEAR:
        st.info(text)
    else:
        st.warning(text)


def facts_table(sl, facts, step: int, others) -> pd.DataFrame:
    """The plane's numbers, and each pin's distance off this plane."""
    ev = facts.explained
    rows = [
        ("plane", sl.plane.kind),
        (
            "explained variance (d1, d2)",
            "only for pca" if ev is None else f"{ev[0]:.1%}, {ev[1]:.1%}",
        ),
        ("largest off-plane distance", f"{facts.max_off:.4g} (step {facts.max_step})"),
        (f"off-plane distance at step {step}", f"{sl.off_plane[step]:.4g}"),
        ("off-plane distance at the end", f"{facts.end_off:.4g}"),
        ("start-to-end distance", f"{facts.travel:.4g}"),
        (
            "largest loss gap under the path",
            f"{facts.loss_gap:.4g} (step {facts.gap_step})",
        ),
    ]
    rows += [
        (f"pin {p.slot}: largest off-plane distance", f"{np.max(p.off_plane):.4g}")
        for p in others
    ]
    return pd.DataFrame(rows, columns=["quantity", "value"])
