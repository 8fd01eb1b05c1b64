"""A run's fit over the data: on its own model's zero (or line), and in words."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from landscape import fit
from landscape.data.presets import make_dataset

XS = np.linspace(-3.0, 4.0, 9)


def test_a_two_feature_boundary_is_where_the_logit_is_zero():
    data = make_dataset("blobs", 40)
    w = np.array([1.5, -0.75], np.float32)
    ys = fit.boundary_y(data, w, XS)
    # Each (x1, x2) on the line gives the model's logit w1*x1 + w2*x2 = 0.
    np.testing.assert_allclose(w[0] * XS + w[1] * ys, 0.0, atol=1e-12)


def test_a_vertical_boundary_has_no_y():
    data = make_dataset("blobs", 40)
    ys = fit.boundary_y(data, np.array([2.0, 0.0]), XS.astype(np.float32))
    assert ys.dtype == np.float32 and np.isnan(ys).all()


def test_one_feature_classification_is_the_probability_of_label_1():
    data = make_dataset("dose", 40)
    w = np.array([0.8, -1.2], np.float32)
    expected = tf.sigmoid(w[0] * XS + w[1]).numpy()
    np.testing.assert_allclose(fit.boundary_y(data, w, XS), expected, rtol=1e-12)


def test_one_feature_regression_is_the_models_prediction():
    data = make_dataset("line", 40)
    w = np.array([0.6, 0.25], np.float32)
    np.testing.assert_allclose(
        fit.boundary_y(data, w, data.x[:, 0]), data.x @ w, rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize(
    ("preset", "w", "text"),
    [
        ("blobs", (1.2345, -0.456), "boundary 1.23·x1 + -0.456·x2 = 0"),
        ("line", (1.2345, 0.5), "line 1.23·x + 0.5·bias"),
        ("dose", (-2.0, 3e-5), "boundary -2·dose + 3e-05·bias = 0"),
    ],
)
def test_equation_in_words(preset, w, text):
    data = make_dataset(preset, 40)
    assert fit.equation(data, np.array(w, np.float32)) == text


def test_two_inputs_and_a_number_show_predictions_against_the_first_input():
    from landscape import figures
    from landscape.data.presets import make_dataset
    from landscape.figures.theme import RunView
    from landscape.trajectory import Trajectory

    data = make_dataset("scaled")
    assert fit.predicts(data) and not fit.predicts(make_dataset("line"))
    w = np.array([[0.0, 0.0], [1.5, -0.3]], dtype=np.float32)
    t = Trajectory(weights=w, losses=np.array([1.0, 0.5], np.float32),
                   gradients=np.zeros((1, 2), np.float32),
                   learning_rates=np.ones(1, np.float32), state={},
                   diverged_at=None, compiled=True)  # fmt: skip
    fig = figures.data_figure(data, [RunView("run", t, 0)])
    points, predicted = fig.data
    np.testing.assert_array_equal(points.y, data.y)  # y itself, not x2
    rows = np.argsort(data.x[:, 0], kind="stable")
    np.testing.assert_allclose(predicted.x, data.x[rows, 0])
    expected = data.x[rows].astype(np.float64) @ w[1].astype(np.float64)
    np.testing.assert_allclose(predicted.y, expected, rtol=1e-6, atol=1e-6)
    assert fig.layout.yaxis.title.text == "y"
    assert fit.equation(data, w[1]).startswith("prediction 1.5·")
