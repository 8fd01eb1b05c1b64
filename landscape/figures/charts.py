"""The charts beside the surface: loss per step, and the data with each run's fit."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from landscape import fit
from landscape.data.dataset import Dataset
from landscape.figures.theme import (
    SCREEN,
    RunView,
    Theme,
    assemble,
    figure,
    finite_span,
    log_ticks,
    part,
    plain,
    style,
)


def loss_line(run: RunView, theme: Theme, **options) -> go.Scatter:
    """A run's full-data loss against step, with its line style; options (name,
    hover, legend) are the caller's."""
    t = run.trajectory
    return go.Scatter(
        x=np.arange(len(t.losses)),
        y=t.losses,
        mode="lines",
        line=run.line(theme),
        meta=part(run, "loss"),
        **options,
    )


def loss_figure(
    runs: list[RunView], theme: Theme = SCREEN, height: int = 420, legend: bool = True
) -> go.Figure:
    """Full-data loss against step for every run, on a log y axis."""
    traces = [
        loss_line(
            run,
            theme,
            name=run.label,
            hovertemplate=f"<b>{run.label}</b><br>step %{{x}}<br>loss %{{y:.5g}}"
            "<extra></extra>",
        )
        for run in runs
    ]
    losses = [r.trajectory.losses for r in runs if len(r.trajectory.losses)]
    ticks = log_ticks(*finite_span(losses))
    layout = dict(
        xaxis=dict(title=dict(text="step")),
        yaxis=dict(title=dict(text="loss (log scale)"), type="log", **ticks),
        showlegend=legend,
        title=dict(text="Loss per step"),
    )
    return assemble(theme, height, traces, layout)


def _points(x0: np.ndarray, x1: np.ndarray, data: Dataset, theme: Theme) -> list:
    """The data as markers: one trace per label, or one for a regression."""
    if data.task != "classification":
        marker = dict(size=theme.marker, color="#606060")
        return [go.Scatter(x=x0, y=x1, mode="markers", name="data", marker=marker)]
    traces = []
    for label, symbol in ((0, "circle-open"), (1, "x")):
        keep = data.y == label
        traces.append(
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
    return traces


def _fit(run: RunView, data: Dataset, xs: np.ndarray, theme: Theme) -> list:
    """The run's last step over xs: P(label 1) for one feature, else its line."""
    if len(run.trajectory.weights) == 0:
        return []
    if fit.predicts(data):  # y against x1: the run's predictions at each point
        rows = fit.prediction_rows(data)
        marker = dict(symbol=run.symbol, size=theme.marker, color=run.color)
        return [
            go.Scatter(
                x=data.x[rows, 0],
                y=fit.drawn_y(data, run.trajectory.weights[-1], xs),
                mode="markers",
                name=f"{run.label}: predictions",
                marker=marker,
                opacity=0.8,
                meta=part(run, "fit"),
            )
        ]
    ys = fit.drawn_y(data, run.trajectory.weights[-1], xs)
    if np.isnan(ys).all():  # a vertical boundary: no y over these x
        return []
    curve = data.n_features == 1 and data.task == "classification"
    name = f"{run.label}: P(label 1)" if curve else run.label
    line = run.line(theme)
    return [go.Scatter(x=xs, y=ys, mode="lines", name=name, line=line,
                       meta=part(run, "fit"))]  # fmt: skip


def fit_xs(data: Dataset) -> np.ndarray:
    """The x values of each run's line in the data view: x1's range, padded."""
    x0 = data.x[:, 0]
    pad = 0.05 * (x0.max() - x0.min() + 1e-9)
    return np.linspace(x0.min() - pad, x0.max() + pad, 100)


def target_name(data: Dataset) -> str:
    """The data view's y axis: the label, y, or the second input."""
    if data.task == "classification":
        return "label" if data.n_features == 1 else plain(data.feature_names[1])
    return "y"


def data_figure(
    data: Dataset,
    runs: list[RunView],
    theme: Theme = SCREEN,
    height: int = 420,
    legend: bool = True,
) -> go.Figure:
    """The data, with each run's decision boundary (or line) at its last step;
    for two inputs and a number to predict, y against x1 with each run's
    predictions."""
    one = data.n_features == 1
    x0 = data.x[:, 0]
    x1 = data.y if one or fit.predicts(data) else data.x[:, 1]
    traces = _points(x0, x1, data, theme)
    xs = fit_xs(data)
    for run in runs:
        traces.extend(_fit(run, data, xs, theme))
    # The data's own range, whatever the lines do: a diverging run's line
    # would otherwise zoom the axis out to millions.
    pad1 = 0.08 * (float(x1.max() - x1.min()) + 1e-9)
    title = {
        "classification": "Data and each run's boundary",
        "regression": "Data and each run's line",
    }[data.task]
    if fit.predicts(data):
        title = "Data (y against x1) and each run's predictions"
    layout = dict(
        xaxis=dict(
            title=dict(text=plain(data.feature_names[0])),
            range=[float(xs[0]), float(xs[-1])],
        ),
        yaxis=dict(
            title=dict(text=target_name(data)),
            range=[float(x1.min()) - pad1, float(x1.max()) + pad1],
        ),
        showlegend=legend,
        title=dict(text=title),
    )
    return assemble(theme, height, traces, layout)


def sharpness_figure(
    runs: list[RunView],
    curves: list[tuple[np.ndarray, np.ndarray | None, str]],
    theme: Theme = SCREEN,
    height: int = 340,
    step: int | None = None,
) -> go.Figure:
    """Each run's sharpness per step, with the edge of stability its rate sets.

    Args:
        runs: the runs, for their styles.
        curves: per run, (sharpness (m+1,), threshold (m,) or None, what the
            sharpness is: "lambda_max" or "preconditioned").
        step: the step the contour's arrows, ellipse and internals show, marked
            by a vertical line (None: no mark).
    """
    fig = figure(theme)
    for run, (sharp, edge, what) in zip(runs, curves):
        name = f"{run.label}: {'P⁻¹H' if what == 'preconditioned' else 'λmax'}"
        fig.add_trace(
            go.Scatter(y=sharp, mode="lines", name=name, line=run.line(theme),
                       legendgroup=run.label)
        )  # fmt: skip
        if edge is not None:
            fig.add_trace(
                go.Scatter(
                    x=np.arange(1, len(edge) + 1), y=edge, mode="lines",
                    name=f"{run.label}: edge of stability", legendgroup=run.label,
                    line=dict(color=run.color, width=1.5, dash="dot"), opacity=0.7,
                )
            )  # fmt: skip
    if step is not None:
        fig.add_vline(
            x=step,
            line=dict(color="#444", width=1.5, dash="dash"),
            annotation_text=f"step {step}",
            annotation_position="top",
        )
    fig.update_xaxes(title_text="step")
    fig.update_yaxes(title_text="sharpness", type="log")
    fig.update_layout(title=dict(text="Sharpness per step, and 2/lr (dotted)"))
    return style(fig, theme, height)
