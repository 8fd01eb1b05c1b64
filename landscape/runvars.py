"""A real optimizer over one weight vector, every per-run value a variable.

Shared by the two-weight engine and the small network's: a new run assigns
these variables (rate, hyperparameters, slots, schedule, start) and calls the
same compiled function, so nothing retraces.
"""

from __future__ import annotations

import threading

import tensorflow as tf

from landscape import optimizers, slots
from landscape.config import Schedule
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

    def reset_run(
        self,
        start,
        learning_rate: float,
        schedule: Schedule,
        steps: int,
        hypers: dict[str, float],
    ) -> None:
        """Put every variable back to a fresh run's values, w to `start`."""
        for name, value in hypers.items():
            self.hypers[name].assign(value)
        slots.reset_state(self.spec, self.state_vars, hypers)
        if self.spec.family == "keras":
            self.opt.iterations.assign(0)
        self.w.assign(tf.constant(start, tf.float32))
        self.base_lr.assign(learning_rate)
        self.lr.assign(learning_rate)
        self.schedule.assign(schedule, steps)
