"""The small network's figures: the loss over a plane with the projected paths,
the decision over the input plane, the loss per step and along a line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from landscape.data.dataset import Dataset
from landscape.figures.contour import loss_contour
from landscape.figures.theme import (
    DASHES,
    PALETTE,
    SYMBOLS,
    Theme,
    casing,
    figure,
    finite_span,
    log_ticks,
    plain,
    style,
)

# TensorFlow Playground's colours: orange for class 0, blue for class 1, white
# at the boundary (p = 0.5).
CLASS_0, CLASS_1 = "#f59322", "#0877bd"
DECISION_SCALE = [[0.0, CLASS_0], [0.5, "#f7f7f7"], [1.0, CLASS_1]]
LEGEND_CHARS = 40  # a legend line beside the page's third-wide loss chart


@dataclass(frozen=True, eq=False)
class PathView:
    """A run's path on a plane: label, xy (m+1, 2) plane coordinates, losses
    (m+1,), off_plane (m+1,), and its style slot (0 is the live run)."""

    label: str
    xy: np.ndarray
    losses: np.ndarray
    off_plane: np.ndarray
    slot: int = 0

    @property
    def color(self) -> str:
        return PALETTE[self.slot % len(PALETTE)]

    def line(self, theme: Theme) -> dict:
        return dict(color=self.color, width=theme.line, dash=DASHES[self.slot % 9])


def bottom_legend(theme: Theme) -> dict:
    """A horizontal legend at the figure's foot, under the x axis's title (whose
    size the theme sets), with the bottom margin to hold it."""
    return dict(
        legend=dict(orientation="h", x=0, y=0, yref="container", yanchor="bottom"),
        margin=dict(l=10, r=10, t=40, b=4 * theme.title + 2 * theme.tick),
    )


def _path(p: PathView, theme: Theme) -> list[go.Scatter]:
    hover = (
        "%{meta}<br>step %{customdata[0]}<br>a1 %{x:.4g}<br>a2 %{y:.4g}"
        "<br>loss %{customdata[1]:.5g}<br>off the plane %{customdata[2]:.4g}"
        "<extra></extra>"
    )
    steps = np.arange(len(p.xy))
    extra = np.stack([steps, p.losses, p.off_plane], axis=1)
    under = dict(color=casing(p.color), width=theme.line + 3)
    return [
        go.Scatter(
            x=p.xy[:, 0],
            y=p.xy[:, 1],
            mode="lines",
            line=under,
            hoverinfo="skip",
            showlegend=False,
        ),
        go.Scatter(
            x=p.xy[:, 0],
            y=p.xy[:, 1],
            mode="lines+markers",
            name=plain(p.label),
            line=p.line(theme),
            meta=plain(p.label),
            customdata=extra,
            hovertemplate=hover,
            marker=dict(
                size=theme.marker * 0.6,
                symbol=SYMBOLS[p.slot % 9],
                color=p.color,
                maxdisplayed=60,
            ),
        ),
    ]


def plane_figure(
    a1: np.ndarray,
    a2: np.ndarray,
    loss: np.ndarray,
    paths: list[PathView],
    step: int,
    theme: Theme,
    height: int = 560,
    title: str = "",
) -> go.Figure:
    """The loss on the plane (len(a2), len(a1)) with every path; the live path's
    start, end and `step` marked."""
    fig = figure(theme, [loss_contour(a1, a2, loss, theme)])
    for p in paths:
        fig.add_traces(_path(p, theme))
    live = paths[0]
    k = min(step, len(live.xy) - 1)
    marks = [
        (0, "start", "circle-open"),
        (len(live.xy) - 1, "end", "square"),
        (k, f"step {k}", "circle"),
    ]
    for row, name, symbol in marks:
        fig.add_scatter(
            x=[live.xy[row, 0]],
            y=[live.xy[row, 1]],
            mode="markers",
            name=name,
            marker=dict(
                symbol=symbol,
                size=theme.end_marker,
                color=live.color,
                line=dict(color="black", width=2),
            ),
            hovertemplate=f"{name}<extra></extra>",
        )
    # Each pin's legend line, one row each, is added to the height, so that
    # the plot keeps its size.
    style(fig, theme, height + (theme.tick + 9) * (len(paths) - 1))
    fig.update_layout(
        title=dict(text=title, font=dict(size=theme.title)),
        **bottom_legend(theme),
    )
    fig.update_xaxes(title_text="a1 (direction 1)", range=[a1[0], a1[-1]])
    fig.update_yaxes(title_text="a2 (direction 2)", range=[a2[0], a2[-1]])
    return fig


def boundary_figure(
    x1: np.ndarray,
    x2: np.ndarray,
    prob: np.ndarray,
    data: Dataset,
    theme: Theme,
    height: int = 420,
    title: str = "",
) -> go.Figure:
    """P(class 1) (len(x2), len(x1)) filled as in TensorFlow Playground, the
    p = 0.5 boundary drawn, and the data's points in their class colours."""
    fill = go.Contour(
        x=x1,
        y=x2,
        z=prob,
        zmin=0.0,
        zmax=1.0,
        autocontour=False,
        colorscale=DECISION_SCALE,
        contours=dict(coloring="fill", start=0.0, end=1.0, size=0.1, showlines=False),
        colorbar=dict(title=dict(text="P(class 1)"), tickfont=dict(size=theme.tick)),
        name="P(class 1)",
        opacity=0.8,
        hovertemplate="x1 %{x:.3g}<br>x2 %{y:.3g}<br>P(1) %{z:.3f}<extra></extra>",
    )
    # The boundary p = 0.5 alone, one black line.
    edge = go.Contour(
        x=x1,
        y=x2,
        z=prob,
        autocontour=False,
        showscale=False,
        name="boundary (p = 0.5)",
        colorscale=[[0.0, "black"], [1.0, "black"]],
        contours=dict(coloring="lines", start=0.5, end=0.5, size=1.0),
        line=dict(width=theme.line),
        hoverinfo="skip",
    )
    fig = figure(theme, [fill, edge])
    names = data.feature_names
    for label, color in ((0, CLASS_0), (1, CLASS_1)):
        pick = data.y == label
        fig.add_scatter(
            x=data.x[pick, 0],
            y=data.x[pick, 1],
            mode="markers",
            name=f"class {label}",
            marker=dict(
                color=color, size=theme.marker * 0.8, line=dict(color="white", width=1)
            ),
        )
    style(fig, theme, height)
    fig.update_layout(
        title=dict(text=title, font=dict(size=theme.title)),
        **bottom_legend(theme),
    )
    fig.update_xaxes(title_text=plain(names[0]), range=[x1[0], x1[-1]])
    fig.update_yaxes(title_text=plain(names[1]), range=[x2[0], x2[-1]])
    return fig


def _loss_axes(fig: go.Figure, theme: Theme, height: int, x_title: str, arrays):
    """The theme, a log loss axis over arrays' positive values, the legend at
    the foot; returns fig."""
    style(fig, theme, height)
    lo, hi = finite_span(arrays)
    fig.update_yaxes(type="log", title_text="loss", **log_ticks(lo, hi))
    fig.update_xaxes(title_text=x_title)
    fig.update_layout(**bottom_legend(theme))
    return fig


def steps_figure(
    losses: np.ndarray,
    plane_loss: np.ndarray,
    step: int,
    theme: Theme,
    height: int = 300,
    pins: Sequence[PathView] = (),
) -> go.Figure:
    """The true loss per step, and the loss at each step's projection on the
    plane (what the contour shows under the path), in the live run's colour;
    each pin's true loss per step (m_k + 1,) in its slot's colour and dash,
    named as on the plane; `step` marked."""
    steps = np.arange(len(losses))
    fig = figure(theme)
    fig.add_scatter(
        x=steps,
        y=losses,
        mode="lines",
        name="loss (true weights)",
        line=dict(color=PALETTE[0], width=theme.line),
    )
    fig.add_scatter(
        x=steps,
        y=plane_loss,
        mode="lines",
        name="loss on the plane",
        line=dict(color=PALETTE[0], width=theme.line * 0.7, dash="dot"),
    )
    for p in pins:
        fig.add_scatter(
            x=np.arange(len(p.losses)),
            y=p.losses,
            mode="lines",
            name=wrap(plain(p.label)),
            line=p.line(theme),
        )
    fig.add_vline(x=step, line=dict(color="black", width=1, dash="dash"))
    # a legend row more per line of a pin's name, so the plot keeps its size
    rows = sum(wrap(plain(p.label)).count("<br>") + 1 for p in pins)
    height += (theme.tick + 9) * rows
    arrays = [losses, plane_loss, *(p.losses for p in pins)]
    return _loss_axes(fig, theme, height, "step", arrays)


def wrap(text: str, width: int = LEGEND_CHARS) -> str:
    """text broken into lines of at most about `width` characters at spaces
    (<br>): a legend beside a narrow chart does not wrap by itself."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def decision_title(step: int, loss: float) -> str:
    """The decision figure's title at a step, with the full-data loss there."""
    return f"decision at step {step} (loss {loss:.4g})"


def line_figure(
    t: np.ndarray,
    loss: np.ndarray,
    theme: Theme,
    height: int = 300,
    ends: tuple[str, str] = ("start", "end"),
) -> go.Figure:
    """The loss along (1 - t) a + t b (Goodfellow et al. 2015), a and b named
    by ends: a run's start and end, or two runs' final weights."""
    fig = figure(theme)
    fig.add_scatter(
        x=t,
        y=loss,
        mode="lines",
        name="loss on the line",
        line=dict(color=PALETTE[2], width=theme.line),
    )
    for x, name in zip((0.0, 1.0), ends):
        fig.add_vline(x=x, line=dict(color="grey", width=1, dash="dot"))
        fig.add_annotation(
            x=x,
            y=1,
            yref="paper",
            text=name,
            showarrow=False,
            yanchor="bottom",
            font=dict(size=theme.tick),
        )
    a, b = (plain(e) for e in ends)
    _loss_axes(fig, theme, height, f"t: (1 − t)·{a} + t·{b}", [loss])
    fig.update_layout(showlegend=False)
    return fig
