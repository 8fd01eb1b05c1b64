"""The loss as a 3D surface with every run's path lying on it."""

from __future__ import annotations

import plotly.graph_objects as go

from landscape.figures.theme import (
    SCREEN,
    SURFACE_SCALE,
    RunView,
    Theme,
    axis_title,
    log_levels,
    style,
)
from landscape.surface import Surface

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
