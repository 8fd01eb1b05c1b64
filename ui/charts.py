"""The charts: contour, playback or 3D surface, the loss and data views, captions."""

from __future__ import annotations

import numpy as np
import streamlit as st

from landscape import figures, fit, framing, summary
from landscape.data.dataset import Dataset
from landscape.figures import animation
from landscape.surface import Surface
from ui import cache, layout, panels, teaching
from ui.limits import render_divergence
from ui.runs import engine_error, live_run
from ui.session import KEEP, Key, md, shown

VIEWS = ["Contour", "Playback", "3D surface"]
AXES = ["Frame settling runs", "Fit all", "Lock axes"]
AXES_HELP = (
    "Frame settling runs: the start, the minimum and every run whose loss does "
    "not grow; a run that leaves is marked where it leaves. Fit all: every "
    "path. Lock axes: keep this range while the start stays in it."
)


def render_charts(
    current, surf: Surface, data: Dataset, runs, theme, view_where, overlays, picture
) -> None:
    """The chosen view; beside the contour and the 3D view, loss and data.

    view_where: where the view selector goes (classroom: the top row), or None.
    overlays: the internals' arrows and local quadratic, for the contour.
    picture: the surface picture's address, for the contour.
    """
    arrows, quadratic = overlays
    classroom = view_where is not None
    view = render_selectors(view_where)
    said = " · ".join(summary.describe(r.label, r.trajectory) for r in runs)
    if view == "Playback":
        fig = animation.playback_figure(
            surf, runs, data, theme, height=layout.PLAYBACK_HEIGHT[classroom],
            picture=picture,
        )  # fmt: skip
        st.plotly_chart(fig, key="playback", width="stretch")
        st.caption(f"Playback of every run, one step index for all views. {said}")
        panels.render_internals(current, runs, classroom, quadratic)
        return
    left, right = st.columns([5, 3])
    with left:
        if view == "3D surface":
            fig = figures.surface3d_figure(surf, runs, data.feature_names, theme)
            st.plotly_chart(fig, key="surface3d", width="stretch")
        else:
            render_contour(surf, data, runs, theme, overlays, classroom, picture)
        st.caption(f"Loss surface with every path. {said}")
        panels.render_internals(current, runs, classroom, quadratic)  # under the arrows
    with right:
        render_side(data, runs, theme, layout.SIDE_HEIGHT[classroom])


def render_selectors(view_where) -> str:
    """The view selector (classroom: in the top row), the axes' framing and the
    equal-scale switch (classroom: in the sidebar). Returns the view."""
    classroom = view_where is not None
    default = "Playback" if classroom else "Contour"
    row = None if classroom else st.columns([1, 1])
    # A link's view= already set the key; a default as well would warn.
    preset = Key.VIEW in st.session_state
    view = (view_where or row[0]).segmented_control(
        "View",
        VIEWS,
        default=None if preset else default,
        key=Key.VIEW,
        persist_state=KEEP,
        label_visibility="collapsed",
    ) or default
    axes, scale = (st.sidebar, st.sidebar) if classroom else row[1].columns([3, 1.2])
    axes.segmented_control(
        "Axes",
        AXES,
        default=AXES[0],
        key=Key.AXES,
        label_visibility="visible" if classroom else "collapsed",
        help=AXES_HELP,
    )
    scale.toggle(
        "Equal scale",
        key=Key.EQUAL,
        help="One unit of w1 as long as one of w2: the gradient is then seen at "
        "right angles to the contours.",
    )
    return view


def render_contour(
    surf: Surface, data: Dataset, runs, theme, overlays, classroom, picture
):
    """The contour; overlays: the internals' arrows and local quadratic;
    picture: the surface picture's address (cache.surface_address)."""
    arrows, quadratic = overlays
    fig = figures.contour_figure(
        surf,
        runs,
        data.feature_names,
        theme,
        height=layout.CONTOUR_HEIGHT[classroom],
        clickable=shown("start"),
        picture=picture,
        arrows=arrows,
        quadratic=quadratic,
        equal=bool(st.session_state.get(Key.EQUAL)),
    )
    # A click reaches Python through the chart bridge (ui/drag.py), not
    # through a selection: see there why.
    st.plotly_chart(fig, key=Key.CONTOUR, width="stretch")


def render_side(data: Dataset, runs, theme, height: int) -> None:
    """Loss per step and the data with each run's fit, each with its summary."""
    st.plotly_chart(
        figures.loss_figure(runs, theme, height=height, legend=False),
        key="losses",
        width="stretch",
    )
    lowest = (
        f"{r.label}: lowest {r.trajectory.losses.min():.3g}"
        for r in runs
        if len(r.trajectory.losses)
    )
    st.caption("Loss per step, log scale. " + "; ".join(lowest))
    st.plotly_chart(
        figures.data_figure(data, runs, theme, height=height, legend=False),
        key="data",
        width="stretch",
    )
    st.caption(boundary_text(data, runs))


def boundary_text(data: Dataset, runs) -> str:
    """The data view in words: each run's boundary or line at its last step."""
    parts = [
        f"{r.label}: {md(fit.equation(data, r.trajectory.weights[-1]))}"
        for r in runs
        if len(r.trajectory.weights)
    ]
    what = "boundary. "
    if data.task == "regression":
        what = "predictions. " if fit.predicts(data) else "line. "
    return "Data with each run's final " + what + "; ".join(parts)


def render_range(box: framing.Box) -> framing.Box:
    """The automatic axis range, or one typed in (checked: min below max)."""
    with st.expander("Axis range"):
        auto = st.checkbox(
            "Fit the paths and the minimum automatically",
            value=True,
            key=Key.AUTO_RANGE,
        )
        if auto:
            st.caption(f"w1 {box[0]:g} to {box[1]:g}, w2 {box[2]:g} to {box[3]:g}")
            return box
        cols = st.columns(4)
        values = [
            c.number_input(n, -1e4, 1e4, float(v), key=f"range_{n}")
            for c, n, v in zip(cols, ("w1 min", "w1 max", "w2 min", "w2 max"), box)
        ]
        if values[0] >= values[1] or values[2] >= values[3]:
            st.error(
                "Each minimum must be below its maximum; showing the automatic range."
            )
            return box
        return tuple(values)  # type: ignore[return-value]


def local_quadratic(source, loss: str, live, k: int):
    """(w, H) where the internals' step k starts, for the contour's ellipse."""
    if live is None or k == 0:
        return None
    w = live.trajectory.weights[k - 1].astype(float)
    try:
        return w, cache.get_hessian(source, loss, float(w[0]), float(w[1]))
    except ValueError:  # a Hessian that is not finite: no ellipse
        return None


def frame(current, source, runs) -> framing.Box:
    """The axis range: the start, the surface minimum and the runs that settle
    (every run with "fit all"); "lock" keeps the last range while it holds the
    start. A click on the contour keeps the range too."""
    start = (current.w1, current.w2)
    mode = st.session_state.get(Key.AXES) or AXES[0]
    last = st.session_state.get(Key.FRAME)
    keep = mode == "Lock axes" or st.session_state.pop(Key.CLICKED, False)
    if keep and last is not None and framing.inside(last, np.array([start]))[0]:
        return last
    box = framing.frame(
        start,
        cache.get_minimum(source, current.loss, start),
        [r.trajectory.weights for r in runs],
        [r.trajectory.losses for r in runs],
        fit_all=mode == "Fit all",
    )
    st.session_state[Key.FRAME] = box
    return box


def render_views(current, source, data, runs, view_where) -> Surface | None:
    """Divergence warnings, the charts and the runs table, over the surface.

    Returns the surface drawn (None when the engine could not make it).
    """
    charts_area, below = st.container(), st.container()  # in this order on the page
    with below:
        box = render_range(frame(current, source, runs))
    try:
        surf = cache.get_surface(source, current.loss, box)
    except Exception as e:  # noqa: BLE001 - any engine failure, one line
        st.error(engine_error("Computing the loss surface", e, "change the data"))
        return None
    classroom = view_where is not None
    theme = figures.CLASSROOM if classroom else figures.SCREEN
    live = live_run(runs)
    k = teaching.chosen_step(live) if shown("internals") and live else 0
    with charts_area:
        # Above the charts on a screen; under them in classroom mode, where the
        # first screen (1280x720) is for the charts.
        above = st.container() if not classroom else None
        params = dict(current.params)
        arrows = tuple(teaching.arrows(live, current.optimizer, params, k, box))
        quadratic = local_quadratic(source, current.loss, live, k)
        picture = cache.surface_address(source, current.loss, box)
        render_charts(
            current, surf, data, runs, theme, view_where, (arrows, quadratic), picture
        )
        with above or st.container():
            render_divergence(current, source, runs)
        rows = [summary.summary_row(r.label, r.trajectory, surf) for r in runs]
        st.markdown(layout.markdown_table(rows))
    return surf
