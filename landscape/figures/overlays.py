"""What the contour draws over the loss: labelled arrows and a grid to click on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from landscape import framing
from landscape.figures.theme import RunView, Theme, casing, part
from landscape.surface import Surface


@dataclass(frozen=True, eq=False)
class Arrow:
    """An arrow on the contour, from start (2,) to end (2,), with its label."""

    start: np.ndarray
    end: np.ndarray
    color: str
    label: str


def arrow_notes(arrow: Arrow, theme: Theme, shift: int = 0) -> list[dict]:
    """The arrow in the x/y axes' units and its label at its head, yshift px
    down: two layout annotations."""
    x0, y0 = (float(v) for v in arrow.start)
    x1, y1 = (float(v) for v in arrow.end)
    head = dict(
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
    label = dict(
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
    return [head, label]


def exit_notes(surface: Surface, runs, theme: Theme) -> list[dict]:
    """Mark each run that leaves the drawn surface where it leaves, with its
    step: a layout annotation each.

    The view is framed on the runs that settle, so a run that overshoots away
    is not lost: its path is drawn to the edge and labelled there.
    """
    box = (surface.w1[0], surface.w1[-1], surface.w2[0], surface.w2[-1])
    notes = []
    for run in runs:
        found = framing.exit_point(box, run.trajectory.weights)
        if found is None:
            continue
        step, (x, y) = found
        # The label points inwards, towards the middle of the chart.
        ax = -40 if x >= (box[0] + box[1]) / 2 else 40
        ay = 30 if y >= (box[2] + box[3]) / 2 else -30
        placed = len(notes)
        notes.append(dict(
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
        ))  # fmt: skip
    return notes


def quadratic_shapes(center, h, span: float) -> list[dict]:
    """The local quadratic at a point: its level ellipse d^T H d = r^2 around the
    point (r sized so the longer half-axis is 12% of the view's diagonal) and
    its eigen-axes, as layout shapes (none unless H has a positive curvature).
    The ellipse's long axis is the flat direction (small lambda), its short one
    the steep direction that limits the step size."""
    values, vectors = np.linalg.eigh(np.asarray(h, np.float64))
    if not values[1] > 0:
        return []
    c = np.asarray(center, np.float64)
    positive = values[values > 0]
    r = 0.12 * span * np.sqrt(positive.min())  # longest half-axis = 0.12 span
    half = [r / np.sqrt(v) if v > 0 else 0.12 * span for v in values]
    t = np.linspace(0, 2 * np.pi, 73)
    ring = (c[:, None] + vectors[:, [0]] * half[0] * np.cos(t)
            + vectors[:, [1]] * half[1] * np.sin(t))  # fmt: skip
    path = "M " + " L ".join(f"{x:.6g},{y:.6g}" for x, y in ring.T) + " Z"
    line = dict(color="#6A3D9A", width=2)
    shapes = [dict(type="path", path=path, xref="x", yref="y", line=line)]
    for i in (0, 1):
        a, b = c - half[i] * vectors[:, i], c + half[i] * vectors[:, i]
        shapes.append(dict(type="line", x0=float(a[0]), y0=float(a[1]),
                           x1=float(b[0]), y1=float(b[1]), xref="x", yref="y",
                           line=line | {"dash": "dot"}))  # fmt: skip
    return shapes


def equal_scale(x: str = "x", y: str = "y") -> dict:
    """One unit of w1 drawn as long as one of w2 (the plot area shrinks to
    fit): the layout of axes x and y."""
    return {f"yaxis{y[1:]}": dict(scaleanchor=x, scaleratio=1, constrain="domain"),
            f"xaxis{x[1:]}": dict(constrain="domain")}  # fmt: skip


def path_casing(run: RunView, theme: Theme, opacity: float = 1.0) -> go.Scatter:
    """The contrasting line under a run's path (see theme.casing); not in the
    legend, and toggled with the run."""
    t = run.trajectory
    return go.Scatter(
        x=t.weights[:, 0],
        y=t.weights[:, 1],
        mode="lines",
        line=dict(color=casing(run.color), width=theme.line + 2),
        opacity=opacity,
        hoverinfo="skip",
        showlegend=False,
        legendgroup=run.label,
        name="",
        meta=part(run, "casing"),
    )
