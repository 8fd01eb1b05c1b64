"""One optimizer's compiled training loop, reused for every run: Engine."""

from __future__ import annotations

import functools

import tensorflow as tf

from landscape import losses, slots
from landscape.batches import Batches
from landscape.config import RunConfig
from landscape.data.dataset import Dataset, padded
from landscape.graphs import graph
from landscape.runvars import RunVariables
from landscape.trajectory import Trajectory, assemble

CHUNK = 1024  # steps per compiled call: fixed, so the step count never changes shapes
BATCH_CELLS = 1 << 22  # cap on a mini-batch chunk's (steps, n) weight matrix


class Engine(RunVariables):
    """One optimizer kind and loss, compiled once and reused for every run.

    All per-run values (learning rate, start, hyperparameters, schedule, steps,
    batches) live in tf.Variables or are arguments of fixed shape, so a new run
    assigns them and calls the same compiled function: no retracing. A lock
    keeps one run at a time, because the variables are shared state.
    """

    def __init__(self, key: str, loss: str, task: str, jit: bool = True):
        super().__init__(key, size=2)
        self.loss, self.task = loss, task
        self.jit = jit
        # Shapes left open so a new sample count never retraces; dataset.padded
        # rounds the count up, so few of them compile.
        data = [
            tf.TensorSpec([None, 2], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([], tf.int32),
            tf.TensorSpec([], tf.int32),
        ]
        self._full = graph(self._chunk_full, jit=jit, input_signature=data)
        self._batched = graph(
            self._chunk_batched,
            jit=jit,
            input_signature=data + [tf.TensorSpec([None, None], tf.float32)],
        )

    # --- one run's fresh values ------------------------------------------
    def reset(self, cfg: RunConfig, hypers: dict[str, float]) -> None:
        """Put every variable back to a fresh run's values."""
        self.reset_run(cfg.start, cfg.learning_rate, cfg.schedule, cfg.steps, hypers)

    # --- the compiled loop -----------------------------------------------
    def _records(self, size) -> dict[str, tf.TensorArray]:
        """One TensorArray of ``size`` rows per column that the loop records."""
        return {
            name: tf.TensorArray(tf.float32, size=size, element_shape=shape)
            for name, shape in [
                ("weights", [2]),
                ("losses", []),
                ("gradients", [2]),
                ("learning_rates", []),
                ("state", [slots.state_size(self.state_vars)]),
            ]
        }

    def _loop(self, x, y, mask, k0, n_steps, size, batch_loss):
        self.traces += 1
        arrays = self._records(size)

        def body(i, alive, arrays):
            step = tf.cast(k0 + i, tf.float32)
            rate = self.schedule.rate(step)
            self.lr.assign(rate)
            with tf.GradientTape() as tape:
                tape.watch(self.w)
                full = losses.mean_loss(self.loss, self.task, y, x, self.w, mask)
                objective = full if batch_loss is None else batch_loss(i)
            grad = tape.gradient(objective, self.w)
            # Keras and tf.compat.v1 optimizers alike take (gradient, variable)
            # pairs; for TF1 it is what the course's optimizer.minimize(loss)
            # does after compute_gradients.
            self.opt.apply_gradients([(grad, self.w)])
            w_new = self.w.read_value()
            row = {
                "weights": w_new,
                "losses": full,
                "gradients": grad,
                "learning_rates": rate,
                "state": slots.state_vector(self.state_vars),
            }
            arrays = {k: ta.write(i, row[k]) for k, ta in arrays.items()}
            alive = tf.math.is_finite(full) & tf.reduce_all(tf.math.is_finite(w_new))
            return i + 1, alive, arrays

        i, alive, arrays = tf.while_loop(
            lambda i, alive, _: (i < n_steps) & alive,
            body,
            (tf.constant(0), tf.constant(True), arrays),
            maximum_iterations=size,
        )
        last = losses.mean_loss(self.loss, self.task, y, x, self.w, mask)
        return i, last, {k: ta.stack() for k, ta in arrays.items()}

    @functools.cached_property
    def _full_now(self):
        """_full's one concrete function, called directly: a tf.function call
        matches its arguments against the signature every time (1.04 ms a
        warm 300-step call against 0.79 ms this way; the same graph, so the
        same numbers). Mini-batch runs, rarer, keep the tf.function."""
        return self._full.get_concrete_function()

    def _chunk_full(self, x, y, mask, k0, n_steps):
        return self._loop(x, y, mask, k0, n_steps, CHUNK, None)

    def _chunk_batched(self, x, y, mask, k0, n_steps, batch_weights):
        def batch_loss(i):
            z = losses.logits(x, self.w)
            each = losses.per_example(self.loss, self.task, y, z)
            return tf.reduce_sum(batch_weights[i] * each)

        size = tf.shape(batch_weights)[0]
        return self._loop(x, y, mask, k0, n_steps, size, batch_loss)

    # --- one run ----------------------------------------------------------
    def run(
        self, data: Dataset, cfg: RunConfig, hypers: dict[str, float]
    ) -> Trajectory:
        """Train from cfg.start for cfg.steps steps; see Trajectory."""
        x, y, mask = (tf.constant(a) for a in padded(data))
        n, width = len(data.y), int(y.shape[0])
        batched = cfg.batch_size is not None and cfg.batch_size < n
        batches = Batches(n, cfg.batch_size, cfg.seed, width) if batched else None
        rows = max(1, min(CHUNK, BATCH_CELLS // width)) if batched else CHUNK
        parts, done = [], 0
        with self.lock:
            self.reset(cfg, hypers)
            while True:
                todo = min(cfg.steps - done, rows)
                args = (x, y, mask, tf.constant(done), tf.constant(todo))
                if batches is None:
                    count, last, arrays = self._full_now(*args)
                else:
                    count, last, arrays = self._batched(
                        *args, batches.weights(done, rows)
                    )
                count = int(count)
                parts.append({k: v.numpy()[:count] for k, v in arrays.items()})
                done += count
                if count < todo or done == cfg.steps:
                    break
        return assemble(
            cfg, parts, float(last), self.spec.slots, self.state_vars, self.jit
        )
