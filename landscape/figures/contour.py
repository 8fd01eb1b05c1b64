"""The loss surface with every run's path: a contour in 2D, a surface in 3D."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from landscape.figures import backdrop, overlays
from landscape.figures.overlays import Arrow
from landscape.figures.theme import (
    MAX_MARKERS,
    SCREEN,
    SURFACE_SCALE,
    RunView,
    Theme,
    assemble,
    axis_title,
    casing,
    figure,
    log_levels,
    merged,
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


CLICK_HINT = "click to start here<br>w1 %{x:.3f}<br>w2 %{y:.3f}<extra></extra>"


def _colorbar(tickvals, ticktext, theme: Theme) -> dict:
    return dict(
        title=dict(text="loss"),
        tickvals=tickvals,
        ticktext=ticktext,
        tickfont=dict(size=theme.tick),
    )


KEY_CELLS = 24  # the invisible key's cells per side: its hover label sits on the cell


def _surface_key(surface: Surface, theme: Theme, clickable: bool) -> go.Heatmap:
    """With the surface as a picture: invisible cells over its whole box,
    which carry the colour bar (the picture's colours, in loss units) and, if
    clickable, the hover that invites a click (plotly.js reports clicks only
    on a trace under the pointer, and puts its label on the cell's centre:
    one cell put it in the middle of the chart, so 24 x 24 small ones)."""
    z, tickvals, ticktext = log_levels(surface.loss)
    w1, w2 = surface.w1, surface.w2
    hover = (
        dict(hovertemplate="click to start here<extra></extra>")
        if clickable
        else dict(hoverinfo="skip")
    )
    return go.Heatmap(
        # KEY_CELLS + 1 edges per axis: the cells cover the box exactly.
        x=np.linspace(w1[0], w1[-1], KEY_CELLS + 1, dtype=np.float32),
        y=np.linspace(w2[0], w2[-1], KEY_CELLS + 1, dtype=np.float32),
        z=np.zeros((KEY_CELLS, KEY_CELLS), dtype=np.uint8),
        zmin=float(z.min()),
        zmax=float(z.max()),
        colorscale=SURFACE_SCALE,
        opacity=0,
        colorbar=_colorbar(tickvals, ticktext, theme),
        name="loss surface",
        meta={"part": "surface"},
        **hover,
    )


def _contour(surface: Surface, theme: Theme, clickable: bool = False) -> go.Contour:
    """The surface on log-spaced levels, its colour bar in loss units.

    clickable: hovering says "click to start here" (the page's chart bridge
    turns the click into a start); otherwise the surface takes no hover.
    """
    trace = loss_contour(surface.w1, surface.w2, surface.loss, theme)
    trace.update(meta={"part": "surface"})
    if clickable:
        trace.update(hovertemplate=CLICK_HINT, hoverinfo=None)
    return trace


def loss_contour(x: np.ndarray, y: np.ndarray, loss: np.ndarray, theme: Theme):
    """A loss grid (len(y), len(x)) on log-spaced levels, its colour bar in
    loss units, taking no hover: go.Contour."""
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
        colorbar=_colorbar(tickvals, ticktext, theme),
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
    clickable: bool = False,
    picture: str | None = None,
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
        clickable: the surface's hover invites a click to start there (the
            click itself reaches Python through ui/drag.py's bridge).
        picture: if given, the surface is drawn as its picture
            (backdrop.surface_png, the playback's), found at this address,
            and not as a contour trace: the page serves it once, so a new path
            does not send the surface again (a contour trace's 151 x 151
            values were ~120 KB of every change).
        arrows: arrows to draw on top, e.g. an optimizer step's internals.
        equal: one unit of w1 as long as one of w2, so the gradient is seen at
            right angles to the contours.
        quadratic: (point (2,), Hessian (2, 2)): the local quadratic's ellipse
            and eigen-axes at that point.
    """
    traces = [
        _contour(surface, theme, clickable)
        if picture is None
        else _surface_key(surface, theme, clickable),
        _minimum(surface, theme),
    ]
    for run in runs:
        traces.extend(_path_traces(run, theme))
    # plotly.js draws grid lines over a layout image (a contour trace covered
    # them): the picture has its own level lines.
    axis = dict(showgrid=False, zeroline=False) if picture is not None else {}
    layout = dict(
        xaxis=axis | dict(
            title=dict(text=axis_title("w1", feature_names[0])),
            range=[float(surface.w1[0]), float(surface.w1[-1])],
        ),
        yaxis=axis | dict(
            title=dict(text=axis_title("w2", feature_names[1])),
            range=[float(surface.w2[0]), float(surface.w2[-1])],
        ),
        legend=dict(orientation="h", y=theme.legend_y, x=0),
        annotations=[
            note
            for i, arrow in enumerate(arrows)
            for note in overlays.arrow_notes(arrow, theme, shift=-(theme.tick + 6) * i)
        ] + overlays.exit_notes(surface, runs, theme),
    )  # fmt: skip
    if picture is not None:
        layout["images"] = [backdrop.surface_image(surface, source=picture)]
    if quadratic is not None:
        span = float(np.hypot(np.ptp(surface.w1), np.ptp(surface.w2)))
        shapes = overlays.quadratic_shapes(quadratic[0], quadratic[1], span)
        layout |= dict(shapes=shapes) if shapes else {}
    if equal:
        layout = merged(layout, overlays.equal_scale())
    return assemble(theme, height, traces, layout)


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
    fig = figure(
        theme,
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
