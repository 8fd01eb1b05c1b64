"""Playback: one Plotly figure whose frames move every run's step in every view."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from landscape import fit
from landscape.data.dataset import Dataset
from landscape.figures import backdrop, overlays
from landscape.figures.charts import data_figure, loss_line, target_name
from landscape.figures.contour import contour_figure, path_line
from landscape.figures.controls import MAX_FRAMES, add_controls, frame_steps, margins
from landscape.figures.overlays import path_casing
from landscape.figures.theme import (
    SCREEN,
    RunView,
    Theme,
    axis_title,
    figure,
    labels_that_fit,
    log_ticks,
    plain,
    style,
)
from landscape.surface import Surface

CURVE_POINTS = 40  # a one-feature boundary's sigmoid curve


def _at(run: RunView, step: int) -> int:
    """The row of run's trajectory at a step: a run that ended stays at its end."""
    return min(step, len(run.trajectory.weights) - 1)


def _data_range(data: Dataset) -> tuple[np.ndarray, list[float], list[float]]:
    x0 = data.x[:, 0]
    pad = 0.05 * (float(np.ptp(x0)) + 1e-9)
    # A straight boundary needs its two ends; a sigmoid curve needs more.
    count = CURVE_POINTS if data.n_features == 1 and data.task != "regression" else 2
    xs = np.linspace(x0.min() - pad, x0.max() + pad, count).astype(np.float32)
    if fit.predicts(data):  # predictions at some of the data's own x1
        xs = x0[fit.prediction_rows(data, fit.PREDICTION_POINTS)]
    x1 = data.y if data.n_features == 1 or fit.predicts(data) else data.x[:, 1]
    span1 = float(np.ptp(x1)) + 1e-9
    return (
        xs,
        [float(xs[0]), float(xs[-1])],
        [float(x1.min() - 0.08 * span1), float(x1.max() + 0.08 * span1)],
    )


def _moving_traces(
    run: RunView, xs: np.ndarray, theme: Theme, points: bool = False
) -> list[go.Scatter]:
    """The three traces that move, for one run, styled once; frames fill them.
    points: the third is the run's predictions (markers), not its line."""
    head = f"<b>{run.label}</b><br>step %{{customdata[0]:d}}"
    marker = dict(
        symbol=run.symbol,
        size=theme.end_marker,
        color=run.color,
        line=dict(color="black", width=2),
    )
    return [
        go.Scatter(
            mode="markers",
            marker=marker,
            showlegend=False,
            hovertemplate=head + "<br>w1 %{x:.4f}<br>w2 %{y:.4f}"
            "<br>loss %{customdata[1]:.5g}<extra></extra>",
        ),
        go.Scatter(
            mode="markers",
            marker=marker,
            showlegend=False,
            hovertemplate=head + "<br>loss %{y:.5g}<extra></extra>",
        ),
        go.Scatter(
            x=xs,
            mode="markers" if points else "lines",
            showlegend=False,
            hoverinfo="skip",
            line=run.line(theme),
            marker=dict(symbol=run.symbol, size=theme.marker, color=run.color),
        ),
    ]


def _r(values) -> list[float]:
    """Six significant digits: far below a pixel, and a third of the payload."""
    return [float(f"{v:.6g}") for v in np.asarray(values, np.float64).ravel()]


def _moving_data(run: RunView, row: int, data: Dataset, xs: np.ndarray) -> list[dict]:
    """Only what changes in a frame: plain dicts, so Plotly validates nothing."""
    t = run.trajectory
    w, loss = _r(t.weights[row]), _r([t.losses[row]])
    return [
        {"x": w[:1], "y": w[1:], "customdata": [[row, loss[0]]]},
        {"x": [row], "y": loss, "customdata": [[row, loss[0]]]},
        {"y": _r(_fit_y(data, t.weights[row], xs).astype(np.float32))},
    ]


def _fit_y(data: Dataset, w: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The data view's moving y values: the boundary or line over xs, or the
    predictions at the rows whose x1 are xs."""
    if fit.predicts(data):
        return fit.prediction(data, w, fit.prediction_rows(data, fit.PREDICTION_POINTS))
    return fit.boundary_y(data, w, xs)


def _static(
    fig, surface: Surface, runs, data: Dataset, theme: Theme, picture: str | None
) -> None:
    # The surface is a picture under the plot (see backdrop.py: an animation
    # frame would remove a contour trace); the minimum marker stays a trace.
    fig.add_layout_image(backdrop.surface_image(surface, source=picture))
    contour = contour_figure(surface, [], data.feature_names, theme)
    for trace in contour.data:
        if trace.type != "contour":
            fig.add_trace(trace, row=1, col=1)
    for note in overlays.exit_notes(surface, runs, theme):
        fig.add_annotation(note)
    for run in runs:
        fig.add_trace(path_casing(run, theme, opacity=0.55), row=1, col=1)
        path = path_line(run, theme, mode="lines", opacity=0.55, hoverinfo="skip")
        fig.add_trace(path, row=1, col=1)
        loss = loss_line(
            run, theme, showlegend=False, legendgroup=run.label, hoverinfo="skip"
        )
        fig.add_trace(loss, row=1, col=2)
    for trace in data_figure(data, [], theme).data:
        trace.showlegend = False
        fig.add_trace(trace, row=2, col=2)


def _add_moving(fig, runs, data: Dataset, xs: np.ndarray, theme: Theme) -> list[int]:
    """Add each run's moving traces, at step 0; returns their indices in fig.data."""
    first = len(fig.data)
    for run in runs:
        for trace, (row, col) in zip(
            _moving_traces(run, xs, theme, fit.predicts(data)),
            [(1, 1), (1, 2), (2, 2)],
        ):
            fig.add_trace(trace, row=row, col=col)
    moving = list(range(first, len(fig.data)))
    initial = [d for run in runs for d in _moving_data(run, 0, data, xs)]
    for index, update in zip(moving, initial):
        fig.data[index].update(update)
    return moving


def playback_figure(
    surface: Surface,
    runs: list[RunView],
    data: Dataset,
    theme: Theme = SCREEN,
    height: int = 700,
    max_frames: int = MAX_FRAMES,
    picture: str | None = None,
) -> go.Figure:
    """Contour, loss per step and data on one timeline, with play, pause and scrub.

    Like the other figures, data goes in and a go.Figure comes out. Frames carry
    only the moving traces (the current point on each path, the marker on each
    loss curve, each run's boundary), never the surface, and every axis range is
    fixed, so Plotly redraws nothing else.

    Args:
        surface: the loss surface behind the paths.
        runs: the runs to play, all together.
        data: the data set, for the boundary view.
        theme: SCREEN or CLASSROOM.
        height: pixels.
        max_frames: long runs are thinned to about this many frames.
        picture: where the browser finds the surface's picture; None embeds it.
    """
    top, bottom = margins(theme)
    # Between the right-hand panels: the loss panel's ticks, then the data
    # panel's title, in pixels whatever the height.
    gap = (4 * theme.tick + theme.title + 12) / max(height - top - bottom, 1)
    spacing = min(max(gap, 0.12), 0.4)
    panel = (1 - spacing) / 2 * (height - top - bottom)  # a right panel's pixels
    fig = make_subplots(
        figure=figure(theme),
        rows=2,
        cols=2,
        column_widths=[0.58, 0.42],
        horizontal_spacing=0.12,
        vertical_spacing=spacing,
        specs=[[{"rowspan": 2}, {}], [None, {}]],
        subplot_titles=("Loss surface", "Loss per step", "Data and boundary"),
    )
    _static(fig, surface, runs, data, theme, picture)
    steps = frame_steps(runs, max_frames)
    xs, x_range, y_range = _data_range(data)
    moving = _add_moving(fig, runs, data, xs, theme)
    frames = _frames(runs, steps, moving, data, xs)
    _axes(fig, surface, runs, data, x_range, y_range, theme, panel)
    style(fig, theme, height)
    add_controls(fig, steps, theme, height)
    fig.frames = frames
    return fig


def _frames(runs, steps, moving: list[int], data: Dataset, xs) -> list[dict]:
    """One frame per step: only the moving traces' data, as plain dicts (thousands
    of validated go.Scatter objects take seconds to build, and they would repeat
    every style in the payload)."""
    return [
        {
            "name": str(s),
            "traces": moving,
            "data": [
                d for run in runs for d in _moving_data(run, _at(run, s), data, xs)
            ],
        }
        for s in steps
    ]


def _axes(fig, surface, runs, data, x_range, y_range, theme, panel: float) -> None:
    names = data.feature_names
    fig.update_xaxes(
        title_text=axis_title("w1", names[0]),
        row=1,
        col=1,
        range=[float(surface.w1[0]), float(surface.w1[-1])],
    )
    fig.update_yaxes(
        title_text=axis_title("w2", names[1]),
        row=1,
        col=1,
        range=[float(surface.w2[0]), float(surface.w2[-1])],
    )
    losses = np.concatenate([r.trajectory.losses for r in runs]) if runs else [1.0]
    lo, hi = max(float(np.min(losses)), 1e-12), max(float(np.max(losses)), 1e-12)
    longest = max((len(r.trajectory.losses) for r in runs), default=2)
    # No "step" title: the panel's own title says it, and a title there ran
    # into the data panel's title below it in classroom type.
    fig.update_xaxes(range=[0, max(longest - 1, 1)], row=1, col=2)
    fig.update_yaxes(
        title_text="loss",
        type="log",
        row=1,
        col=2,
        range=[np.log10(lo) - 0.1, np.log10(hi) + 0.1],
        **log_ticks(lo, hi, labels_that_fit(panel, theme)),
    )
    fig.update_xaxes(title_text=plain(names[0]), range=x_range, row=2, col=2)
    fig.update_yaxes(
        title_text=target_name(data),
        range=y_range,
        row=2,
        col=2,
    )
    fig.update_annotations(font=dict(size=theme.title, color="#222222"))
    # The surface picture fills the contour's plot area, as a contour would.
    fig.update_xaxes(showgrid=False, zeroline=False, row=1, col=1)
    fig.update_yaxes(showgrid=False, zeroline=False, row=1, col=1)
