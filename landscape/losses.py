"""The two-weight model's logits and losses, defined once for surface and trainer."""

from __future__ import annotations

import threading

import tensorflow as tf

# Re-exported beside LOSSES: the tasks check_loss fits a loss to.
from landscape.data.dataset import TASKS as TASKS
from landscape.graphs import graph

LOSSES: dict[str, str] = {
    "cross_entropy": "Cross-entropy (log loss): small when the predicted probability "
    "is near the label, large when it is confidently wrong. Classification only.",
    "mse": "L2 / mean squared error: the average squared distance between "
    "prediction and label.",
    "mae": "L1 / mean absolute error: the average distance between prediction "
    "and label; its gradient has the same size everywhere.",
}


def check_loss(loss: str, task: str) -> None:
    """Raise ValueError if `loss` is unknown or does not fit a data set's task.

    Args:
        loss: a key of LOSSES.
        task: "classification" or "regression".
    """
    if loss not in LOSSES:
        raise ValueError(
            f"unknown loss {loss!r}; choose one of {', '.join(sorted(LOSSES))}"
        )
    if loss == "cross_entropy" and task != "classification":
        raise ValueError(
            "cross_entropy needs labels that are all 0 or 1; "
            "use mse or mae for regression data"
        )


def logits(x: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """The model's output before any sigmoid.

    Written as w1*x1 + w2*x2 with broadcasting rather than a matmul, so that the
    same expression serves one weight vector (the trainer) and a whole grid of
    them (the surface) and XLA can fuse it into the loss without materialising
    the (grid, grid, n) logits.

    Args:
        x: (n, 2) design matrix (column 1 is all ones for a one-feature model).
        w: (..., 2) weights.

    Returns:
        (..., n) logits.
    """
    return w[..., 0:1] * x[:, 0] + w[..., 1:2] * x[:, 1]


def per_example(loss: str, task: str, labels: tf.Tensor, z: tf.Tensor) -> tf.Tensor:
    """Each example's loss, broadcasting labels (n,) against logits (..., n).

    Args:
        loss: a key of LOSSES.
        task: "classification" (predictions are sigmoid(z)) or "regression"
            (predictions are z).
        labels: (n,) float32.
        z: (..., n) logits.

    Returns:
        (..., n) losses.
    """
    if loss == "cross_entropy":
        # TensorFlow's own stable form, max(z, 0) - z*y + log1p(exp(-|z|)),
        # exactly as the course calls it.
        labels = tf.broadcast_to(labels, tf.shape(z))
        return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=z)
    prediction = tf.sigmoid(z) if task == "classification" else z
    error = prediction - labels
    if loss == "mse":
        return tf.square(error)
    if loss == "mae":
        return tf.abs(error)
    raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")


def mean_loss(
    loss: str,
    task: str,
    labels: tf.Tensor,
    x: tf.Tensor,
    w: tf.Tensor,
    mask: tf.Tensor,
) -> tf.Tensor:
    """The full-data loss at weights w: the mean over examples, as the course takes it.

    Args:
        loss: a key of LOSSES.
        task: "classification" or "regression".
        labels: (n,) float32.
        x: (n, 2) float32 design matrix.
        w: (..., 2) float32 weights.
        mask: (n,) float32, 1 on real examples and 0 on the padding rows that
            dataset.padded appends: the mean is over the real ones only, the
            sum of their losses over their count (reduce_mean's value when
            nothing is padded). Zero rows have finite losses, so 0 * loss adds
            exactly 0.

    Returns:
        (...) float32 losses.
    """
    return mean_over_examples(loss, task, labels, logits(x, w), mask)


def mean_over_examples(
    loss: str, task: str, labels: tf.Tensor, z: tf.Tensor, mask: tf.Tensor
) -> tf.Tensor:
    """The masked mean of per_example over the last axis: see mean_loss.

    Args:
        z: (..., n) logits, of any model.

    Returns:
        (...) float32 losses.
    """
    each = per_example(loss, task, labels, z)
    return tf.math.reduce_sum(each * mask, axis=-1) / tf.math.reduce_sum(mask)


def compiled_per_loss(build):
    """One XLA-compiled function per (loss, task), built on first use and kept.

    build(loss, task) returns the Python function to compile. A lock, because
    Streamlit's session threads may ask for the same one at once, and each
    tf.function compiles on its own.
    """
    functions: dict[tuple[str, str], object] = {}
    lock = threading.Lock()

    def get(loss: str, task: str):
        with lock:
            if (loss, task) not in functions:
                functions[loss, task] = graph(build(loss, task))
            return functions[loss, task]

    return get
