"""What the engine is timed against: the course's eager loop and NumPy."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from landscape.data.dataset import Dataset


def eager_loop(data: Dataset, key: str, steps: int) -> None:
    """The course's style: GradientTape and apply_gradients in a Python loop."""
    w = tf.Variable([[-2.0], [2.0]])
    opt = {"sgd": tf.keras.optimizers.SGD, "adam": tf.keras.optimizers.Adam}[key](0.05)
    x, labels = tf.constant(data.x), tf.constant(data.y[:, None])
    for _ in range(steps):
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, w)
            cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(
                labels=labels, logits=logits
            )
            loss = tf.math.reduce_mean(cross_entropy)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))


def numpy_loop(data: Dataset, key: str, steps: int) -> np.ndarray:
    """The same update in float64 NumPy: Keras's published SGD and Adam rules."""
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w, m, v = np.array([-2.0, 2.0]), np.zeros(2), np.zeros(2)
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-7
    for t in range(1, steps + 1):
        # d/dw mean(log(1 + e^z) - y z) = mean((sigmoid(z) - y) x)
        g = x.T @ (1.0 / (1.0 + np.exp(-(x @ w))) - y) / len(y)
        if key == "sgd":
            w = w - lr * g
            continue
        m += (1 - b1) * (g - m)
        v += (1 - b2) * (g * g - v)
        w = w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return w


def numpy_surface(data: Dataset, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Cross-entropy over the grid in float32 NumPy, vectorised over the grid."""
    x, y = data.x, data.y
    z = w1[None, :, None] * x[:, 0] + w2[:, None, None] * x[:, 1]
    each = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return each.mean(axis=-1)
