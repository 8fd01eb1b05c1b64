"""The charts: contour, playback or 3D surface, the loss and data views, captions."""

from __future__ import annotations

import streamlit as st

from landscape import figures, fit, framing, summary
from landscape.data.dataset import Dataset
from landscape.figures import animation
from landscape.surface import Surface
from ui import cache, teaching
from ui.runs import engine_error
from ui.session import Key, md, shown

VIEWS = ["Contour", "Playback", "3D surface"]
CLICK_GRID = 41  # points per side of the contour's invisible click grid
SIDE_HEIGHT = 340  # the loss and data charts beside the contour


def render_charts(surf: Surface, data: Dataset, runs, theme, classroom, arrows) -> None:
    """The chosen view; beside the contour and the 3D view, loss and data."""
    default = "Playback" if classroom else "Contour"
    view = (
        st.segmented_control(
            "View", VIEWS, default=default, key=Key.VIEW, label_visibility="collapsed"
        )
        or default
    )
    said = " · ".join(summary.describe(r.label, r.trajectory) for r in runs)
    if view == "Playback":
        fig = animation.playback_figure(
            surf, runs, data, theme, height=760 if classroom else 700
        )
        st.plotly_chart(fig, key="playback", width="stretch")
        st.caption(f"Playback of every run, one step index for all views. {said}")
        return
    left, right = st.columns([5, 3])
    with left:
        if view == "3D surface":
            fig = figures.surface3d_figure(surf, runs, data.feature_names, theme)
            st.plotly_chart(fig, key="surface3d", width="stretch")
        else:
            render_contour(surf, data, runs, theme, arrows)
        st.caption(f"Loss surface with every path. {said}")
    with right:
        render_side(data, runs, theme)


def render_contour(surf: Surface, data: Dataset, runs, theme, arrows) -> None:
    fig = figures.contour_figure(
        surf,
        runs,
        data.feature_names,
        theme,
        click_grid=CLICK_GRID if shown("start") else 0,
        arrows=arrows,
    )
    st.plotly_chart(
        fig,
        key=Key.CONTOUR,
        width="stretch",
        on_select=_on_click,
        selection_mode="points",
    )


def render_side(data: Dataset, runs, theme) -> None:
    """Loss per step and the data with each run's fit, each with its summary."""
    st.plotly_chart(
        figures.loss_figure(runs, theme, height=SIDE_HEIGHT, legend=False),
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
        figures.data_figure(data, runs, theme, height=SIDE_HEIGHT, legend=False),
        key="data",
        width="stretch",
    )
    st.caption(boundary_text(data, runs))


def _on_click() -> None:
    """A click on the contour's invisible grid starts the live run there."""
    event = st.session_state.get(Key.CONTOUR) or {}
    points = (event.get("selection") or {}).get("points") or []
    if points:
        st.session_state["in_w1"] = round(float(points[-1]["x"]), 3)
        st.session_state["in_w2"] = round(float(points[-1]["y"]), 3)
        st.session_state[Key.STEP] = 1


def boundary_text(data: Dataset, runs) -> str:
    """The data view in words: each run's boundary or line at its last step."""
    parts = [
        f"{r.label}: {md(fit.equation(data, r.trajectory.weights[-1]))}"
        for r in runs
        if len(r.trajectory.weights)
    ]
    what = "line. " if data.task == "regression" else "boundary. "
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


def frame(current, source, runs) -> framing.Box:
    """The axis range: the start, the surface minimum and every path."""
    start = (current.w1, current.w2)
    return framing.fit_paths(
        framing.base_box(start, cache.get_minimum(source, current.loss, start)),
        [r.trajectory.weights for r in runs],
    )


def render_views(current, source, data, runs, classroom: bool) -> Surface | None:
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
    theme = figures.CLASSROOM if classroom else figures.SCREEN
    live = runs[0]
    k = teaching.chosen_step(live) if shown("internals") else 0
    with charts_area:
        for run in runs:
            if run.trajectory.diverged_at is not None:
                st.warning(
                    f"{run.label} diverged at step {run.trajectory.diverged_at}: "
                    "its path ends there."
                )
        params = dict(current.params)
        arrows = tuple(teaching.arrows(live, current.optimizer, params, k, box))
        render_charts(surf, data, runs, theme, classroom, arrows)
        rows = [summary.summary_row(r.label, r.trajectory, surf) for r in runs]
        st.dataframe(rows, hide_index=True, width="stretch")
    return surf
