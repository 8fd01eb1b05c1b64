"""The optimizer's own state (its slots): found once, reset per run, one row a step.

The compiled loop records every state variable after each step as one flat
float32 row, the variables' values in the order of ``spec.slots``;
``trajectory.assemble`` cuts that row back into one array per slot name.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf


def create_state(spec, opt, w: tf.Variable) -> list[tf.Variable]:
    """Create the optimizer's variables eagerly, in the order of spec.slots."""
    if spec.family == "keras":
        opt.build([w])
        skip = {id(opt.iterations), id(opt._learning_rate)}
        found = [v for v in opt.variables if id(v) not in skip]
    else:
        # TF1 optimizers make their slots on the first apply; apply a zero
        # gradient once here, and reset_state() puts everything back.
        opt.apply_gradients([(tf.zeros_like(w), w)])
        found = [opt.get_slot(w, name) for name in ("m", "v")]
        found = [v for v in found if v is not None]
        if found:
            found += list(opt._get_beta_accumulators())
    if len(found) != len(spec.slots):
        raise RuntimeError(f"{spec.key}: expected state {spec.slots}, found {found}")
    return found


def reset_state(spec, state_vars: list[tf.Variable], hypers: dict[str, float]) -> None:
    """Put every slot back to its initial value; an init may name a hyperparameter."""
    for slot, var in zip(spec.slots, state_vars):
        init = spec.slot_init.get(slot, 0.0)
        value = hypers[init] if isinstance(init, str) else init
        var.assign(tf.fill(tf.shape(var), tf.cast(value, var.dtype)))


def state_size(state_vars: list[tf.Variable]) -> int:
    """Length of one recorded row: the total size of the state variables."""
    return sum(int(np.prod(v.shape)) for v in state_vars)


def state_vector(state_vars: list[tf.Variable]) -> tf.Tensor:
    """The state variables' current values as one (state_size,) float32 row."""
    if not state_vars:
        return tf.zeros([0])
    return tf.concat([tf.reshape(tf.cast(v, tf.float32), [-1]) for v in state_vars], 0)
