"""A run's fitted model over the data: its boundary, line or curve, and in words."""

from __future__ import annotations

import numpy as np

from landscape.data.dataset import Dataset


def boundary_y(data: Dataset, w: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """The fit at weights w over xs, in the data view's y units.

    One feature (x, bias): the line w1*x + w2 of a regression, or the curve
    P(label 1) = sigmoid(w1*x + w2) of a classifier. Two features: the boundary
    w1*x1 + w2*x2 = 0, i.e. x2 = -w1/w2 * x1.

    Args:
        data: the data set, for its task and feature count.
        w: (2,) weights, computed in float64.
        xs: (k,) x values (feature 0).

    Returns:
        (k,) y values; all NaN where the boundary is vertical (w2 about 0),
        which has no y for these x.
    """
    w = np.asarray(w, np.float64)
    if data.n_features == 1:
        z = w[0] * xs + w[1]
        return z if data.task == "regression" else 1 / (1 + np.exp(-z))
    if abs(w[1]) < 1e-12:
        return np.full_like(xs, np.nan)
    return -w[0] / w[1] * xs


def equation(data: Dataset, w: np.ndarray) -> str:
    """The fit at weights w in words, e.g. "boundary 1.23·x1 + -0.456·x2 = 0" or
    "line 1.23·x + 0.5·bias"; feature names as they are (escape them to show)."""
    w1, w2 = w
    name0, name1 = data.feature_names
    if data.task == "regression":
        what = "prediction" if data.n_features == 2 else "line"
        return f"{what} {w1:.3g}·{name0} + {w2:.3g}·{name1}"
    return f"boundary {w1:.3g}·{name0} + {w2:.3g}·{name1} = 0"


PREDICTION_POINTS = 40  # the playback's predicted points per run and frame


def predicts(data: Dataset) -> bool:
    """Two inputs and a number to predict: no line can be drawn in the data's
    own plane, so the data view shows y against x1 and each run's predictions."""
    return data.task == "regression" and data.n_features == 2


def prediction_rows(data: Dataset, count: int | None = None) -> np.ndarray:
    """Up to count rows spread evenly over x1's order (all rows when None)."""
    order = np.argsort(data.x[:, 0], kind="stable")
    if count is None or count >= len(order):
        return order
    return order[np.round(np.linspace(0, len(order) - 1, count)).astype(int)]


def prediction(data: Dataset, w: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The model's output w1*x1 + w2*x2 at the given rows, in float64."""
    return data.x[rows].astype(np.float64) @ np.asarray(w, np.float64)


def drawn_y(data: Dataset, w: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """What the data view draws for weights w: the predictions at
    prediction_rows when it shows y against x1 (predicts), else the boundary
    or line over xs (boundary_y). The data view and the drag bridge share it."""
    if predicts(data):
        return prediction(data, w, prediction_rows(data))
    return boundary_y(data, w, xs)
