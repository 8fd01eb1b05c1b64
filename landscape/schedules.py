"""Keras's own learning-rate schedules, driven by variables: no run retraces."""

from __future__ import annotations

import tensorflow as tf

from landscape.config import Schedule

SCHEDULE_INDEX = {"constant": 0, "exponential": 1, "cosine": 3}  # 2: staircase


class Schedules:
    """Keras's own schedules, with variables in place of their numbers.

    ``rate(step)`` picks by ``kind``: 0 the base rate, 1 ExponentialDecay, 2 its
    staircase form, 3 CosineDecay. A run sets the kind and the numbers with
    ``assign``, so one compiled loop serves every schedule.
    """

    def __init__(self, base_lr: tf.Variable):
        self.base_lr = base_lr
        self.kind = tf.Variable(0, dtype=tf.int32, name="schedule")
        self.decay_steps = tf.Variable(1.0, name="decay_steps")
        self.decay_rate = tf.Variable(1.0, name="decay_rate")
        self.alpha = tf.Variable(0.0, name="alpha")
        s = tf.keras.optimizers.schedules
        made = [
            s.ExponentialDecay(1.0, 1, 1.0, staircase=False),
            s.ExponentialDecay(1.0, 1, 1.0, staircase=True),
            s.CosineDecay(1.0, 1, alpha=0.0),
        ]
        for sched in made:
            sched.initial_learning_rate = self.base_lr
            sched.decay_steps = self.decay_steps
            if hasattr(sched, "decay_rate"):
                sched.decay_rate = self.decay_rate
            else:
                sched.alpha = self.alpha
        self.schedules = made

    @staticmethod
    def values(schedule: Schedule, steps: int) -> tuple[int, list[float]]:
        """The kind's index and the numbers (decay steps, decay rate, alpha) of
        ``schedule`` for a run of ``steps`` steps, as ``assign_values`` takes them."""
        s = schedule
        index = SCHEDULE_INDEX[s.kind] + (s.kind == "exponential" and s.staircase)
        return int(index), [float(s.steps_for(steps)), s.decay_rate, s.alpha]

    def assign_values(self, index, numbers) -> None:
        """Set the kind and numbers (eagerly or inside a compiled function)."""
        self.kind.assign(index)
        self.decay_steps.assign(numbers[0])
        self.decay_rate.assign(numbers[1])
        self.alpha.assign(numbers[2])

    def rate(self, step: tf.Tensor) -> tf.Tensor:
        """The learning rate at ``step`` (float32) under the assigned schedule."""
        rates = [self.base_lr.read_value()] + [s(step) for s in self.schedules]
        return tf.gather(tf.stack([tf.cast(r, tf.float32) for r in rates]), self.kind)
