"""The MLP's forward pass and full-data loss in TensorFlow, for one weight vector
or a whole batch of them (the grid), with the two-weight model's own losses."""

from __future__ import annotations

import threading
from collections import OrderedDict

import tensorflow as tf

from landscape import losses
from landscape.graphs import graph
from landscape.net.layout import Architecture

NET_LOSSES = ("cross_entropy", "mse")


def check_loss(loss: str, task: str) -> None:
    """Raise ValueError unless the network can train `loss` on data of `task`."""
    if loss not in NET_LOSSES:
        raise ValueError(f"the network trains {' or '.join(NET_LOSSES)}, not {loss!r}")
    losses.check_loss(loss, task)


def _activation(name: str):
    return {"tanh": tf.math.tanh, "relu": tf.nn.relu}[name]


def logits(arch: Architecture, x: tf.Tensor, w: tf.Tensor) -> tf.Tensor:
    """The output unit's logit for every example, at every weight vector.

    Args:
        arch: the architecture that lays out w.
        x: (n, 2) float32 inputs.
        w: (..., P) float32 flat weights (see Architecture).

    Returns:
        (..., n) logits: sigmoid of them is the network's probability of class 1.
    """
    lead = tf.shape(w)[:-1]
    act = _activation(arch.activation)
    h, offset = x, 0
    for k, (fan_in, fan_out) in enumerate(arch.layers):
        end = offset + fan_in * fan_out
        kernel = tf.reshape(w[..., offset:end], tf.concat([lead, [fan_in, fan_out]], 0))
        bias = tf.expand_dims(w[..., end : end + fan_out], -2)  # (..., 1, out)
        offset = end + fan_out
        # (n, in) @ (..., in, out) broadcasts over the leading weight axes
        h = tf.linalg.matmul(h, kernel) + bias
        if k < len(arch.layers) - 1:
            h = act(h)
    return h[..., 0]


def mean_loss(arch: Architecture, loss: str, task: str, y, x, w, mask) -> tf.Tensor:
    """The full-data loss (...) at weights w (..., P), by losses.mean_over_examples:
    the mean over the real examples (mask 1), labels y (n,), inputs x (n, 2)."""
    return losses.mean_over_examples(loss, task, y, logits(arch, x, w), mask)


class Bounded:
    """At most `limit` objects made by `build(*key)`, least recently used dropped.

    A link can ask for any architecture, and each one compiles its own
    functions, so the cache is bounded. A lock, because Streamlit's session
    threads may ask for the same key at once. A dropped object that a thread
    still holds stays alive for that thread.
    """

    def __init__(self, build, limit: int):
        self.build, self.limit = build, limit
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def __call__(self, *key):
        with self.lock:
            if key not in self.items:
                self.items[key] = self.build(*key)
                while len(self.items) > self.limit:
                    self.items.popitem(last=False)
            self.items.move_to_end(key)
            return self.items[key]

    def keys(self) -> list:
        with self.lock:
            return list(self.items)


def _batch_loss(arch: Architecture, loss: str, task: str):
    def evaluate(x, y, mask, w):
        return mean_loss(arch, loss, task, y, x, w, mask)

    spec = [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None, arch.size], tf.float32)]  # fmt: skip
    return graph(evaluate, input_signature=spec)


# The loss at a batch of weight vectors (m, P) -> (m,), one XLA function per
# (architecture, loss, task); XLA compiles one executable per shape within it.
batch_loss = Bounded(_batch_loss, limit=16)
