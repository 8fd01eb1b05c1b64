"""A real optimizer over one weight vector, every per-run value a variable.

Shared by the two-weight engine and the small network's: a new run assigns
these variables (rate, hyperparameters, slots, schedule, start) and calls the
same compiled function, so nothing retraces.
"""

from __future__ import annotations

import functools
import threading

import tensorflow as tf

from landscape import optimizers, slots
from landscape.config import Schedule
from landscape.graphs import graph
from landscape.schedules import Schedules


class RunVariables:
    """The optimizer `key` over w (size,), with its rate, hyperparameters,
    slots and schedule as tf.Variables; `lock` keeps one run at a time, since
    they are shared state, and `traces` counts the compiled loop's traces."""

    def __init__(self, key: str, size: int):
        self.spec = optimizers.get(key)
        self.lock = threading.Lock()
        self.traces = 0  # Python traces of the loop: each one is a retrace
        self.w = tf.Variable(tf.zeros(size), name="w")
        self.lr = tf.Variable(self.spec.default_lr, name="learning_rate")
        self.base_lr = tf.Variable(self.spec.default_lr, name="base_learning_rate")
        self.hypers = {
            h.name: tf.Variable(h.default, name=h.name) for h in self.spec.hypers
        }
        self.opt = self.spec.make(self.lr, self.hypers)
        if self.spec.family == "keras":
            # Keras keeps the rate in a variable of its own: drive that one.
            self.lr = self.opt._learning_rate
        self.state_vars = slots.create_state(self.spec, self.opt, self.w)
        self.schedule = Schedules(self.base_lr)
        # Every variable of a fresh run in one compiled call. Assigned one by
        # one in eager mode they cost ~4 ms (SGD) to ~7 ms (Adam) a run, as
        # much as a warm 100-step run itself: measured under the drag family,
        # which starts 31 runs per rerun. One graph call: 0.7-1.0 ms; with XLA
        # 0.5-0.55 ms (a warm 100-step run: ~1.6 ms). No retrace: fixed shapes.
        self._assign_all = graph(
            self._assign_fresh,
            input_signature=[
                tf.TensorSpec([size], tf.float32),
                tf.TensorSpec([], tf.float32),
                tf.TensorSpec([len(self.hypers)], tf.float32),
                tf.TensorSpec([], tf.int32),
                tf.TensorSpec([3], tf.float32),
            ],
        )

    def reset_run(
        self,
        start,
        learning_rate: float,
        schedule: Schedule,
        steps: int,
        hypers: dict[str, float],
    ) -> None:
        """Put every variable back to a fresh run's values, w to `start`.
        hypers: every hyperparameter of the optimizer (spec.resolve)."""
        index, numbers = self.schedule.values(schedule, steps)
        self._assign_now(
            tf.constant(start, tf.float32),
            tf.constant(learning_rate, tf.float32),
            tf.constant([hypers[name] for name in self.hypers], tf.float32),
            tf.constant(index, tf.int32),
            tf.constant(numbers, tf.float32),
        )

    @functools.cached_property
    def _assign_now(self):
        """_assign_all's one concrete function, called directly: a tf.function
        call matches its arguments against the signature every time, 0.36 ms
        of a run against 0.15 ms this way (measured warm; the same graph)."""
        return self._assign_all.get_concrete_function()

    def _assign_fresh(self, start, rate, hyper_values, index, numbers) -> None:
        hypers = {
            name: hyper_values[k] for k, name in enumerate(self.hypers)
        }  # tensors, in the order of self.hypers
        for name, value in hypers.items():
            self.hypers[name].assign(value)
        slots.reset_state(self.spec, self.state_vars, hypers)
        if self.spec.family == "keras":
            self.opt.iterations.assign(0)
        self.w.assign(start)
        self.base_lr.assign(rate)
        self.lr.assign(rate)
        self.schedule.assign_values(index, numbers)
