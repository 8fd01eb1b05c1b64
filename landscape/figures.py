"""Plotly figures from Surface and Trajectory: data in, go.Figure out, nothing shown."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from landscape.datasets import Dataset
from landscape.surface import Surface
from landscape.trainer import Trajectory

# Okabe & Ito's colour-blind-safe palette (black last), each with its own marker
# shape and dash, so runs stay apart in greyscale and on a washed-out projector.
PALETTE = (
    "#E69F00",
    "#0072B2",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "star",
    "cross",
    "triangle-down",
)
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "solid", "dash", "dot")
# Light (low loss) to dark (high loss) greys: coloured paths stand out on any
# level, and the valley floor, where paths end, is the lightest part.
SURFACE_SCALE = [
    [0.0, "#ffffff"],
    [0.35, "#d9d9d9"],
    [0.7, "#969696"],
    [1.0, "#404040"],
]
MAX_MARKERS = 60  # step markers drawn per path; the line keeps every step


@dataclass(frozen=True, eq=False)
class RunView:
    """A run to draw: its legend label, its trajectory and its style slot (0-7)."""

    label: str
    trajectory: Trajectory
    slot: int = 0

    @property
    def color(self) -> str:
        return PALETTE[self.slot % len(PALETTE)]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.slot % len(SYMBOLS)]

    @property
    def dash(self) -> str:
        return DASHES[self.slot % len(DASHES)]


@dataclass(frozen=True, eq=False)
class Arrow:
    """An arrow on the contour, from start (2,) to end (2,), with its label."""

    start: np.ndarray
    end: np.ndarray
    color: str
    label: str


@dataclass(frozen=True)
class Theme:
    """Sizes for the screen and for a projector (classroom mode)."""

    title: int = 16
    tick: int = 13
    line: float = 2.5
    marker: int = 7
    end_marker: int = 14
    template: str = "plotly_white"


SCREEN = Theme()
# Classroom: axis titles >= 22 px and ticks >= 18 px, thick lines, big markers,
# and "simple_white" (black axes, no grey grid) for contrast on a projector.
CLASSROOM = Theme(
    title=24, tick=19, line=5.0, marker=11, end_marker=22, template="simple_white"
)


def axis_title(name: str, feature: str) -> str:
    """'w1 (sepal_length)'; a bias weight reads 'w2 (bias)'."""
    return f"{name} ({plain(feature)})"


def plain(text: str) -> str:
    """User text (an uploaded column name) as Plotly shows it: no markup.

    Plotly reads <b>, <a href> and friends in titles; escaped, they are text.
    """
    return html.escape(str(text), quote=False)


def _style(fig: go.Figure, theme: Theme, height: int) -> go.Figure:
    # An explicit template: importing Streamlit swaps Plotly's default for one
    # whose colours are placeholders, which static exports draw black.
    fig.update_layout(
        template=theme.template,
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=theme.tick),
        legend=dict(font=dict(size=theme.tick)),
        hoverlabel=dict(font=dict(size=theme.tick)),
    )
    fig.update_xaxes(title_font=dict(size=theme.title), tickfont=dict(size=theme.tick))
    fig.update_yaxes(title_font=dict(size=theme.title), tickfont=dict(size=theme.tick))
    return fig


def _finite_span(arrays) -> tuple[float, float]:
    """The smallest and largest positive values over arrays (1, 1 if none)."""
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.ones(1)
    values = values[np.isfinite(values) & (values > 0)]
    return (float(values.min()), float(values.max())) if len(values) else (1.0, 1.0)


def log_ticks(lo: float, hi: float) -> dict:
    """Ticks at 1, 2 and 5 x 10^k for a log axis, every label at full size.

    Plotly draws the in-between digits of a log axis at 0.75x the tick font,
    too small on a projector; explicit ticks are all drawn at full size.
    """
    first, last = np.floor(np.log10(lo)), np.ceil(np.log10(hi))
    mantissas = (1, 2, 5) if last - first <= 4 else (1,)
    values = [m * 10.0**e for e in np.arange(first, last + 1) for m in mantissas]
    values = [v for v in values if lo / 1.5 <= v <= hi * 1.5] or [lo, hi]
    return dict(tickvals=values, ticktext=[f"{v:.3g}" for v in values])


def log_levels(loss: np.ndarray) -> tuple[np.ndarray, list[float], list[str]]:
    """log10 of the loss for colouring, with colour-bar ticks in loss units."""
    floor = max(float(loss.min()), 1e-6)
    z = np.log10(np.maximum(loss, floor)).astype(np.float32)
    lo, hi = float(z.min()), float(z.max())
    ticks = np.linspace(lo, hi, 6) if hi > lo else np.array([lo])
    return z, ticks.tolist(), [f"{10**t:.3g}" for t in ticks]


def _path_traces(run: RunView, theme: Theme) -> list[go.Scatter]:
    t = run.trajectory
    if len(t.weights) == 0:
        return []
    steps = np.arange(len(t.weights))
    custom = np.stack([steps, t.losses], axis=-1).astype(np.float32)
    hover = (
        f"<b>{run.label}</b><br>step %{{customdata[0]:d}}<br>w1 %{{x:.4f}}"
        "<br>w2 %{y:.4f}<br>loss %{customdata[1]:.5g}<extra></extra>"
    )
    path = go.Scatter(
        x=t.weights[:, 0],
        y=t.weights[:, 1],
        customdata=custom,
        name=run.label,
        mode="lines+markers",
        hovertemplate=hover,
        legendgroup=run.label,
        line=dict(color=run.color, width=theme.line, dash=run.dash),
        marker=dict(
            symbol=run.symbol,
            size=theme.marker,
            color=run.color,
            maxdisplayed=MAX_MARKERS,
            line=dict(color="white", width=1),
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
        marker=dict(
            symbol=["circle-open", run.symbol],
            size=theme.end_marker,
            color=run.color,
            line=dict(color="black", width=2),
        ),
    )
    return [path, ends]


def contour_figure(
    surface: Surface,
    runs: list[RunView],
    feature_names: tuple[str, str],
    theme: Theme = SCREEN,
    height: int = 620,
    click_grid: int = 0,
    arrows: tuple[Arrow, ...] = (),
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
        theme: SCREEN or CLASSROOM.
        height: pixels.
    """
    z, tickvals, ticktext = log_levels(surface.loss)
    fig = go.Figure(
        go.Contour(
            x=surface.w1,
            y=surface.w2,
            z=z,
            colorscale=SURFACE_SCALE,
            ncontours=24,
            contours=dict(coloring="fill", showlines=True),
            line=dict(width=0.5),
            colorbar=dict(
                title=dict(text="loss"),
                tickvals=tickvals,
                ticktext=ticktext,
                tickfont=dict(size=theme.tick),
            ),
            hoverinfo="skip",
            name="loss surface",
        )
    )
    w1, w2, best = surface.minimum
    fig.add_trace(
        go.Scatter(
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
    )
    for run in runs:
        for trace in _path_traces(run, theme):
            fig.add_trace(trace)
    if click_grid:  # last, so the path traces keep their indices
        fig.add_trace(_click_grid(surface, click_grid))
    for i, arrow in enumerate(arrows):
        _add_arrow(fig, arrow, theme, shift=-(theme.tick + 6) * i)
    fig.update_xaxes(
        title_text=axis_title("w1", feature_names[0]),
        range=[float(surface.w1[0]), float(surface.w1[-1])],
    )
    fig.update_yaxes(
        title_text=axis_title("w2", feature_names[1]),
        range=[float(surface.w2[0]), float(surface.w2[-1])],
    )
    fig.update_layout(legend=dict(orientation="h", y=-0.12, x=0))
    return _style(fig, theme, height)


def _add_arrow(fig: go.Figure, arrow: Arrow, theme: Theme, shift: int = 0) -> None:
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
        xanchor="left",
        yanchor="bottom",
        yshift=shift,  # arrows from one point: labels one under another
    )


def _click_grid(surface: Surface, n: int) -> go.Scatter:
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


def loss_figure(
    runs: list[RunView], theme: Theme = SCREEN, height: int = 420, legend: bool = True
) -> go.Figure:
    """Full-data loss against step for every run, on a log y axis."""
    fig = go.Figure()
    for run in runs:
        t = run.trajectory
        fig.add_trace(
            go.Scatter(
                x=np.arange(len(t.losses)),
                y=t.losses,
                name=run.label,
                mode="lines",
                line=dict(color=run.color, width=theme.line, dash=run.dash),
                hovertemplate=f"<b>{run.label}</b><br>step %{{x}}<br>loss %{{y:.5g}}"
                "<extra></extra>",
            )
        )
    fig.update_xaxes(title_text="step")
    losses = [r.trajectory.losses for r in runs if len(r.trajectory.losses)]
    ticks = log_ticks(*_finite_span(losses))
    fig.update_yaxes(title_text="loss (log scale)", type="log", **ticks)
    fig.update_layout(showlegend=legend, title=dict(text="Loss per step"))
    return _style(fig, theme, height)


def surface3d_figure(
    surface: Surface,
    runs: list[RunView],
    feature_names: tuple[str, str],
    theme: Theme = SCREEN,
    height: int = 620,
) -> go.Figure:
    """The loss as a 3D surface with every path lying on it."""
    fig = go.Figure(
        go.Surface(
            x=surface.w1,
            y=surface.w2,
            z=surface.loss,
            colorscale=SURFACE_SCALE,
            opacity=0.9,
            showscale=False,
            hoverinfo="skip",
            name="loss surface",
        )
    )
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
    fig.update_layout(
        scene=dict(
            xaxis_title=axis_title("w1", feature_names[0]),
            yaxis_title=axis_title("w2", feature_names[1]),
            zaxis_title="loss",
        )
    )
    return _style(fig, theme, height)


def _boundary(data: Dataset, w: np.ndarray, xs: np.ndarray) -> np.ndarray | None:
    """y values of a run's boundary (or regression line) over xs."""
    if data.n_features == 1:
        return w[0] * xs + w[1] if data.task == "regression" else None
    if abs(w[1]) < 1e-12:
        return None
    return -w[0] / w[1] * xs  # w1*x1 + w2*x2 = 0


def data_figure(
    data: Dataset,
    runs: list[RunView],
    theme: Theme = SCREEN,
    height: int = 420,
    legend: bool = True,
) -> go.Figure:
    """The data, with each run's decision boundary (or line) at its last step."""
    fig = go.Figure()
    one = data.n_features == 1
    x0 = data.x[:, 0]
    x1 = data.y if one else data.x[:, 1]
    if data.task == "classification":
        for label, symbol in ((0, "circle-open"), (1, "x")):
            keep = data.y == label
            fig.add_trace(
                go.Scatter(
                    x=x0[keep],
                    y=x1[keep],
                    mode="markers",
                    name=f"label {label}",
                    marker=dict(
                        symbol=symbol,
                        size=theme.marker + 1,
                        color="#404040" if label else "#808080",
                    ),
                )
            )
    else:
        fig.add_trace(
            go.Scatter(
                x=x0,
                y=x1,
                mode="markers",
                name="data",
                marker=dict(size=theme.marker, color="#606060"),
            )
        )
    pad = 0.05 * (x0.max() - x0.min() + 1e-9)
    xs = np.linspace(x0.min() - pad, x0.max() + pad, 100)
    for run in runs:
        if len(run.trajectory.weights) == 0:
            continue
        w = run.trajectory.weights[-1].astype(np.float64)
        line = dict(color=run.color, width=theme.line, dash=run.dash)
        if one and data.task == "classification":
            probability = 1 / (1 + np.exp(-(w[0] * xs + w[1])))
            fig.add_trace(
                go.Scatter(
                    x=xs,
                    y=probability,
                    mode="lines",
                    name=f"{run.label}: P(label 1)",
                    line=line,
                )
            )
            continue
        ys = _boundary(data, w, xs)
        if ys is not None:
            fig.add_trace(
                go.Scatter(x=xs, y=ys, mode="lines", name=run.label, line=line)
            )
    fig.update_xaxes(title_text=plain(data.feature_names[0]))
    target = "label" if data.task == "classification" else "y"
    fig.update_yaxes(title_text=target if one else plain(data.feature_names[1]))
    if not one:
        span = [float(x1.min()) - pad, float(x1.max()) + pad]
        fig.update_yaxes(range=span)
    title = (
        "Data and each run's boundary"
        if data.task == "classification"
        else ("Data and each run's line")
    )
    fig.update_layout(showlegend=legend, title=dict(text=title))
    return _style(fig, theme, height)
