"""The small network's compiled training loop, one per architecture, loss and
optimizer, reused for every run: NetEngine -> (params, losses, diverged_at)."""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from landscape.data.dataset import Dataset, padded
from landscape.graphs import graph
from landscape.net import model
from landscape.net.layout import Architecture
from landscape.runvars import RunVariables

CHUNK = 1024  # steps per compiled call: fixed, so the step count never changes shapes
MAX_ENGINES = 12  # compiled engines kept; any architecture can come from a link


class NetEngine(RunVariables):
    """One architecture, optimizer and loss, compiled once for every run.

    The weights are one flat variable w (P,), so every registry optimizer,
    Keras's or tf.compat.v1's, updates the network exactly as it would its
    separate kernels and biases: each of them works weight by weight. Rate,
    start, hyperparameters, schedule and steps are variables or fixed-shape
    arguments, so a new run never retraces; the lock keeps one run at a time.
    """

    def __init__(self, arch: Architecture, key: str, loss: str, task: str):
        super().__init__(key, size=arch.size)
        self.arch, self.loss, self.task = arch, loss, task
        spec = [tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32),
                tf.TensorSpec([], tf.int32)]  # fmt: skip
        self._chunk = graph(self._loop, input_signature=spec)

    def _loss(self, x, y, mask):
        return model.mean_loss(self.arch, self.loss, self.task, y, x, self.w, mask)

    def _loop(self, x, y, mask, k0, n_steps):
        self.traces += 1
        weights = tf.TensorArray(tf.float32, CHUNK, element_shape=[self.arch.size])
        values = tf.TensorArray(tf.float32, CHUNK, element_shape=[])

        def body(i, alive, weights, values):
            self.lr.assign(self.schedule.rate(tf.cast(k0 + i, tf.float32)))
            with tf.GradientTape() as tape:
                full = self._loss(x, y, mask)
            grad = tape.gradient(full, self.w)
            self.opt.apply_gradients([(grad, self.w)])
            w_new = self.w.read_value()
            alive = tf.math.is_finite(full) & tf.reduce_all(tf.math.is_finite(w_new))
            return i + 1, alive, weights.write(i, w_new), values.write(i, full)

        i, _, weights, values = tf.while_loop(
            lambda i, alive, *_: (i < n_steps) & alive,
            body,
            (tf.constant(0), tf.constant(True), weights, values),
            maximum_iterations=CHUNK,
        )
        return i, self._loss(x, y, mask), weights.stack(), values.stack()

    def run(
        self,
        data: Dataset,
        start: np.ndarray,
        learning_rate: float,
        schedule,
        steps: int,
        hypers: dict[str, float],
    ) -> tuple[np.ndarray, np.ndarray, int | None]:
        """Train from start (P,) for `steps` full-batch steps.

        Returns:
            params (m+1, P) with row 0 the start, losses (m+1,) the full-data
            loss at each row, and diverged_at: None, or the first row whose
            loss or weights were not finite (m is then that row - 1: the
            finite rows are kept).
        """
        x, y, mask = (tf.constant(a) for a in padded(data))
        rows, values, done = [], [], 0
        with self.lock:
            self.reset_run(start, learning_rate, schedule, steps, hypers)
            while True:
                todo = min(steps - done, CHUNK)
                count, last, w, loss = self._chunk(x, y, mask, done, todo)
                count = int(count)
                rows.append(w.numpy()[:count])
                values.append(loss.numpy()[:count])
                done += count
                if count < todo or done == steps:
                    break
        params = np.vstack([np.asarray(start, np.float32)[None], *rows])
        losses = np.concatenate([*values, [np.float32(last)]])
        return _cut(params, losses)


def _cut(params: np.ndarray, losses: np.ndarray):
    """(params, losses, diverged_at), cut before the first non-finite row."""
    bad = np.flatnonzero(~np.isfinite(params).all(axis=1) | ~np.isfinite(losses))
    if not len(bad):
        return params, losses, None
    first = int(bad[0])
    return params[:first], losses[:first], first


# The shared engines: at most MAX_ENGINES kept, least recently used dropped.
engine = model.Bounded(NetEngine, limit=MAX_ENGINES)
