"""What the contour draws over the loss: labelled arrows and a grid to click on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from landscape import framing
from landscape.figures.theme import Theme
from landscape.surface import Surface


@dataclass(frozen=True, eq=False)
class Arrow:
    """An arrow on the contour, from start (2,) to end (2,), with its label."""

    start: np.ndarray
    end: np.ndarray
    color: str
    label: str


def add_arrow(fig: go.Figure, arrow: Arrow, theme: Theme, shift: int = 0) -> None:
    """The arrow in the x/y axes' units, its label at its head, yshift px down."""
    x0, y0 = (float(v) for v in arrow.start)
    x1, y1 = (float(v) for v in arrow.end)
    fig.add_annotation(
        x=x1,
        y=y1,
        ax=x0,
        ay=y0,
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        showarrow=True,
        arrowhead=3,
        arrowsize=1.2,
        arrowwidth=theme.line,
        arrowcolor=arrow.color,
        text="",
    )
    fig.add_annotation(
        x=x1,
        y=y1,
        xref="x",
        yref="y",
        text=arrow.label,
        showarrow=False,
        font=dict(color=arrow.color, size=theme.tick),
        bgcolor="rgba(255,255,255,0.8)",
        # Beyond the head, on the side the arrow points to: the gradient and
        # the update point opposite ways, so their labels never meet.
        xanchor="left" if x1 >= x0 else "right",
        yanchor="bottom" if y1 >= y0 else "top",
        yshift=shift,  # arrows the same way: labels one under another
    )


def click_grid(surface: Surface, n: int) -> go.Scatter:
    """An invisible n x n lattice of points over the surface's ranges: a click
    anywhere selects one (Plotly's contour traces emit no clicks of their own)."""
    g1 = np.linspace(surface.w1[0], surface.w1[-1], n, dtype=np.float32)
    g2 = np.linspace(surface.w2[0], surface.w2[-1], n, dtype=np.float32)
    m1, m2 = np.meshgrid(g1, g2)
    return go.Scatter(
        x=m1.ravel(),
        y=m2.ravel(),
        mode="markers",
        name="click to start here",
        marker=dict(size=10, opacity=0),
        showlegend=False,
        hovertemplate="click to start here<br>w1 %{x:.2f}<br>w2 %{y:.2f}"
        "<extra></extra>",
    )


def add_exits(fig: go.Figure, surface: Surface, runs, theme: Theme) -> None:
    """Mark each run that leaves the drawn surface where it leaves, with its step.

    The view is framed on the runs that settle, so a run that overshoots away
    is not lost: its path is drawn to the edge and labelled there.
    """
    box = (surface.w1[0], surface.w1[-1], surface.w2[0], surface.w2[-1])
    placed = 0
    for run in runs:
        found = framing.exit_point(box, run.trajectory.weights)
        if found is None:
            continue
        step, (x, y) = found
        # The label points inwards, towards the middle of the chart.
        ax = -40 if x >= (box[0] + box[1]) / 2 else 40
        ay = 30 if y >= (box[2] + box[3]) / 2 else -30
        fig.add_annotation(
            x=float(x),
            y=float(y),
            xref="x",
            yref="y",
            # The run's colour names it; the text says which rate and when.
            text=f"{run.label.split(' · ', 1)[-1]} leaves at step {step}",
            hovertext=f"{run.label} leaves the chart at step {step}",
            showarrow=True,
            arrowhead=2,
            arrowwidth=2,
            arrowcolor=run.color,
            ax=ax,
            ay=ay + 24 * placed * (1 if ay > 0 else -1),
            font=dict(color="#222222", size=theme.tick),
            bgcolor="rgba(255,255,255,0.85)",
            bordercolor=run.color,
            borderwidth=2,
        )
        placed += 1
