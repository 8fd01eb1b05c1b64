"""The loss surface with every run's path: a contour in 2D, a surface in 3D."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from landscape.figures import overlays
from landscape.figures.overlays import Arrow
from landscape.figures.theme import (
    MAX_MARKERS,
    SCREEN,
    SURFACE_SCALE,
    RunView,
    Theme,
    axis_title,
    casing,
    log_levels,
    part,
    style,
)
from landscape.surface import Surface


def path_line(run: RunView, theme: Theme, **options) -> go.Scatter:
    """A run's path over the contour, in its legend group, with its line style;
    options (mode, hover, markers) are the caller's."""
    t = run.trajectory
    return go.Scatter(
        x=t.weights[:, 0],
        y=t.weights[:, 1],
        name=run.label,
        legendgroup=run.label,
        line=run.line(theme),
        **options,
    )


def _path_traces(run: RunView, theme: Theme) -> list[go.Scatter]:
    """The run's casing, its path with step markers, and its start and end."""
    t = run.trajectory
    if len(t.weights) == 0:
        return []
    steps = np.arange(len(t.weights))
    custom = np.stack([steps, t.losses], axis=-1).astype(np.float32)
    hover = (
        f"<b>{run.label}</b><br>step %{{customdata[0]:d}}<br>w1 %{{x:.4f}}"
        "<br>w2 %{y:.4f}<br>loss %{customdata[1]:.5g}<extra></extra>"
    )
    path = path_line(
        run,
        theme,
        customdata=custom,
        mode="lines+markers",
        hovertemplate=hover,
        meta=part(run, "path"),
        marker=dict(
            symbol=run.symbol,
            size=theme.marker,
            color=run.color,
            maxdisplayed=MAX_MARKERS,
            line=dict(color=casing(run.color), width=1.5),
        ),
    )
    ends = go.Scatter(
        x=t.weights[[0, -1], 0],
        y=t.weights[[0, -1], 1],
        mode="markers",
        customdata=custom[[0, -1]],
        hovertemplate=hover,
        showlegend=False,
        legendgroup=run.label,
        name=run.label,
        meta=part(run, "ends"),
        marker=dict(
            symbol=["circle-open", run.symbol],
            size=theme.end_marker,
            color=run.color,
            line=dict(color="black", width=2),
        ),
    )
    return [overlays.path_casing(run, theme), path, ends]


def _contour(surface: Surface, theme: Theme) -> go.Contour:
    return loss_contour(surface.w1, surface.w2, surface.loss, theme)


def loss_contour(x: np.ndarray, y: np.ndarray, loss: np.ndarray, theme: Theme):
    """A loss grid (len(y), len(x)) on log-spaced levels, its colour bar in
    loss units: go.Contour."""
    z, tickvals, ticktext = log_levels(loss)
    return go.Contour(
        x=x,
        y=y,
        z=z,
        colorscale=SURFACE_SCALE,
        ncontours=24,
        contours=dict(coloring="fill", showlines=True),
        # Smoothed level lines: on a plateau (MSE on a sigmoid) the 151-point
        # grid's straight segments showed as jagged steps.
        line=dict(width=0.5, smoothing=1.0),
        colorbar=dict(
            title=dict(text="loss"),
            tickvals=tickvals,
            ticktext=ticktext,
            tickfont=dict(size=theme.tick),
        ),
        hoverinfo="skip",
        name="loss surface",
    )


def _minimum(surface: Surface, theme: Theme) -> go.Scatter:
    w1, w2, best = surface.minimum
    return go.Scatter(
        x=[w1],
        y=[w2],
        mode="markers",
        name=f"surface minimum ({best:.3g})",
        marker=dict(
            symbol="star",
            size=theme.end_marker + 4,
            color="white",
            line=dict(color="black", width=2),
        ),
        hovertemplate=f"surface minimum<br>w1 {w1:.4f}<br>w2 {w2:.4f}"
        f"<br>loss {best:.5g}<extra></extra>",
    )


def contour_figure(
    surface: Surface,
    runs: list[RunView],
    feature_names: tuple[str, str],
    theme: Theme = SCREEN,
    height: int = 620,
    click_grid: int = 0,
    arrows: tuple[Arrow, ...] = (),
    equal: bool = False,
    quadratic: tuple | None = None,
) -> go.Figure:
    """The loss contour on log-spaced levels, the minimum and every run's path.

    Args:
        surface: the loss over the grid.
        runs: the paths to draw.
        feature_names: the inputs w1 and w2 multiply, for the axis titles.
        theme: SCREEN or CLASSROOM.
        height: pixels.
        click_grid: if > 0, an invisible click_grid^2 lattice of points over the
            contour, so that a click anywhere selects a start (Plotly's contour
            traces emit no clicks of their own).
        arrows: arrows to draw on top, e.g. an optimizer step's internals.
        equal: one unit of w1 as long as one of w2, so the gradient is seen at
            right angles to the contours.
        quadratic: (point (2,), Hessian (2, 2)): the local quadratic's ellipse
            and eigen-axes at that point.
    """
    fig = go.Figure(_contour(surface, theme))
    fig.add_trace(_minimum(surface, theme))
    for run in runs:
        for trace in _path_traces(run, theme):
            fig.add_trace(trace)
    if click_grid:  # last, so the path traces keep their indices
        fig.add_trace(overlays.click_grid(surface, click_grid))
    for i, arrow in enumerate(arrows):
        overlays.add_arrow(fig, arrow, theme, shift=-(theme.tick + 6) * i)
    overlays.add_exits(fig, surface, runs, theme)
    if quadratic is not None:
        span = float(np.hypot(np.ptp(surface.w1), np.ptp(surface.w2)))
        overlays.add_quadratic(fig, quadratic[0], quadratic[1], span)
    fig.update_xaxes(
        title_text=axis_title("w1", feature_names[0]),
        range=[float(surface.w1[0]), float(surface.w1[-1])],
    )
    fig.update_yaxes(
        title_text=axis_title("w2", feature_names[1]),
        range=[float(surface.w2[0]), float(surface.w2[-1])],
    )
    fig.update_layout(legend=dict(orientation="h", y=theme.legend_y, x=0))
    if equal:
        overlays.equal_scale(fig)
    return style(fig, theme, height)


WALL = dict(showbackground=True, backgroundcolor="#eef1f4")  # 3D's tinted walls
CAMERA = dict(eye=dict(x=1.6, y=1.6, z=1.25))  # back far enough for the whole box


def surface3d_figure(
    surface: Surface,
    runs: list[RunView],
    feature_names: tuple[str, str],
    theme: Theme = SCREEN,
    height: int = 620,
) -> go.Figure:
    """The loss as a 3D surface with every path lying on it."""
    shade, _, _ = log_levels(surface.loss)  # as the contour: by log10(loss)
    fig = go.Figure(
        go.Surface(
            x=surface.w1,
            y=surface.w2,
            z=surface.loss,
            surfacecolor=shade,
            # Blue-grey at the valley floor, not white: a white floor vanished
            # into the white page and the paths seemed to float.
            colorscale=[[0.0, "#c9d6e3"], *SURFACE_SCALE[1:]],
            contours=dict(z=dict(show=True, color="#333333", width=1)),
            opacity=0.95, showscale=False, hoverinfo="skip", name="loss surface",
        )
    )  # fmt: skip
    for run in runs:
        t = run.trajectory
        fig.add_trace(
            go.Scatter3d(
                x=t.weights[:, 0],
                y=t.weights[:, 1],
                z=t.losses,
                name=run.label,
                mode="lines+markers",
                line=dict(color=run.color, width=theme.line * 2),
                marker=dict(size=3, color=run.color),
            )
        )
    wall = WALL
    fig.update_layout(
        scene=dict(
            xaxis=dict(title=axis_title("w1", feature_names[0]), **wall),
            yaxis=dict(title=axis_title("w2", feature_names[1]), **wall),
            zaxis=dict(title="loss", **wall),
            camera=CAMERA,
        ),
        # Above the scene, not beside it: a legend at the side narrowed it.
        legend=dict(orientation="h", x=0, y=1.0, yanchor="bottom"),
    )
    style(fig, theme, height)
    # The scene fills the chart's width: no side margins to shrink it.
    fig.update_layout(margin=dict(l=12, r=0, t=30, b=0))
    return fig
