"""Compiled training loop over TensorFlow's own optimizers -> Trajectory."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import tensorflow as tf

from landscape import losses, optimizers
from landscape.config import RunConfig
from landscape.dataset import Dataset

CHUNK = 1024  # steps per compiled call: fixed, so the step count never changes shapes
BATCH_CELLS = 1 << 22  # cap on a mini-batch chunk's (steps, n) weight matrix
SCHEDULE_INDEX = {"constant": 0, "exponential": 1, "cosine": 3}  # 2: staircase


@dataclass(frozen=True, eq=False)
class Trajectory:
    """One run's record; every array is finite.

    weights (m+1, 2): row 0 is the start. losses (m+1,): the full-data loss at
    each row of weights. gradients (m, 2): the gradient step k applied (the
    mini-batch gradient with mini-batches). learning_rates (m,): the rate step k
    used. state: the optimizer's per-weight state after each step, name ->
    (m, 2) or (m,). m is the steps asked for, or fewer if the run diverged:
    diverged_at is then the first step whose weights or loss were not finite.
    """

    weights: np.ndarray
    losses: np.ndarray
    gradients: np.ndarray
    learning_rates: np.ndarray
    state: dict
    diverged_at: int | None
    compiled: bool  # True when XLA compiled the loop


class Engine:
    """One optimizer kind and loss, compiled once and reused for every run.

    All per-run values (learning rate, start, hyperparameters, schedule, steps,
    batches) live in tf.Variables or are arguments of fixed shape, so a new run
    assigns them and calls the same compiled function: no retracing. A lock
    keeps one run at a time, because the variables are shared state.
    """

    def __init__(self, key: str, loss: str, task: str, jit: bool = True):
        self.spec = optimizers.get(key)
        self.loss, self.task = loss, task
        self.lock = threading.Lock()
        self.traces = 0  # Python traces of the loop: each one is a retrace
        self.w = tf.Variable(tf.zeros(2), name="w")
        self.lr = tf.Variable(self.spec.default_lr, name="learning_rate")
        self.base_lr = tf.Variable(self.spec.default_lr, name="base_learning_rate")
        self.hypers = {
            h.name: tf.Variable(h.default, name=h.name) for h in self.spec.hypers
        }
        self.opt = self.spec.make(self.lr, self.hypers)
        if self.spec.family == "keras":
            # Keras keeps the rate in a variable of its own: drive that one.
            self.lr = self.opt._learning_rate
        self.state_vars = self._create_state()
        self._schedules()
        self.jit = jit
        # Shapes left open so a new sample count compiles but never retraces.
        data = [
            tf.TensorSpec([None, 2], tf.float32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([], tf.int32),
            tf.TensorSpec([], tf.int32),
        ]
        self._full = tf.function(
            self._chunk_full, jit_compile=jit, input_signature=data
        )
        self._batched = tf.function(
            self._chunk_batched,
            jit_compile=jit,
            input_signature=data + [tf.TensorSpec([None, None], tf.float32)],
        )

    # --- optimizer state -------------------------------------------------
    def _create_state(self) -> list[tf.Variable]:
        """Create the optimizer's variables eagerly, in the order of spec.slots."""
        if self.spec.family == "keras":
            self.opt.build([self.w])
            skip = {id(self.opt.iterations), id(self.opt._learning_rate)}
            found = [v for v in self.opt.variables if id(v) not in skip]
        else:
            # TF1 optimizers make their slots on the first apply; apply a zero
            # gradient once here, and reset() puts everything back.
            self.opt.apply_gradients([(tf.zeros(2), self.w)])
            found = [self.opt.get_slot(self.w, name) for name in ("m", "v")]
            found = [v for v in found if v is not None]
            if found:
                found += list(self.opt._get_beta_accumulators())
        if len(found) != len(self.spec.slots):
            raise RuntimeError(
                f"{self.spec.key}: expected state {self.spec.slots}, found {found}"
            )
        return found

    def reset(self, cfg: RunConfig, hypers: dict[str, float]) -> None:
        """Put every variable back to a fresh run's values."""
        for name, value in hypers.items():
            self.hypers[name].assign(value)
        for slot, var in zip(self.spec.slots, self.state_vars):
            init = self.spec.slot_init.get(slot, 0.0)
            value = hypers[init] if isinstance(init, str) else init
            var.assign(tf.fill(tf.shape(var), tf.cast(value, var.dtype)))
        if self.spec.family == "keras":
            self.opt.iterations.assign(0)
        self.w.assign(np.asarray(cfg.start, np.float32))
        self.base_lr.assign(cfg.learning_rate)
        self.lr.assign(cfg.learning_rate)
        s = cfg.schedule
        index = SCHEDULE_INDEX[s.kind] + (s.kind == "exponential" and s.staircase)
        self.sched_kind.assign(index)
        self.decay_steps.assign(float(s.steps_for(cfg.steps)))
        self.decay_rate.assign(s.decay_rate)
        self.alpha.assign(s.alpha)

    def _schedules(self) -> None:
        """Keras's own schedules, with variables in place of their numbers."""
        self.sched_kind = tf.Variable(0, dtype=tf.int32, name="schedule")
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

    def _rate(self, step: tf.Tensor) -> tf.Tensor:
        rates = [self.base_lr.read_value()] + [s(step) for s in self.schedules]
        return tf.gather(
            tf.stack([tf.cast(r, tf.float32) for r in rates]), self.sched_kind
        )

    # --- the compiled loop -----------------------------------------------
    def _apply(self, grad: tf.Tensor) -> None:
        if self.spec.family == "keras":
            self.opt.apply_gradients([(grad, self.w)])
        else:
            # What the course's optimizer.minimize(loss) does after
            # compute_gradients: the TF1 optimizer's own apply_gradients.
            self.opt.apply_gradients([(grad, self.w)])

    def _loop(self, x, y, k0, n_steps, size, batch_loss):
        self.traces += 1
        arrays = {
            name: tf.TensorArray(tf.float32, size=size, element_shape=shape)
            for name, shape in [
                ("weights", [2]),
                ("losses", []),
                ("gradients", [2]),
                ("learning_rates", []),
                ("state", [self._state_size()]),
            ]
        }

        def body(i, alive, arrays):
            step = tf.cast(k0 + i, tf.float32)
            rate = self._rate(step)
            self.lr.assign(rate)
            with tf.GradientTape() as tape:
                tape.watch(self.w)
                full = losses.mean_loss(self.loss, self.task, y, x, self.w)
                objective = full if batch_loss is None else batch_loss(i)
            grad = tape.gradient(objective, self.w)
            self._apply(grad)
            w_new = self.w.read_value()
            row = {
                "weights": w_new,
                "losses": full,
                "gradients": grad,
                "learning_rates": rate,
                "state": self._state_vector(),
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
        last = losses.mean_loss(self.loss, self.task, y, x, self.w)
        return i, last, {k: ta.stack() for k, ta in arrays.items()}

    def _chunk_full(self, x, y, k0, n_steps):
        return self._loop(x, y, k0, n_steps, CHUNK, None)

    def _chunk_batched(self, x, y, k0, n_steps, batch_weights):
        def batch_loss(i):
            z = losses.logits(x, self.w)
            each = losses.per_example(self.loss, self.task, y, z)
            return tf.reduce_sum(batch_weights[i] * each)

        return self._loop(x, y, k0, n_steps, tf.shape(batch_weights)[0], batch_loss)

    def _state_size(self) -> int:
        return sum(int(np.prod(v.shape)) for v in self.state_vars)

    def _state_vector(self) -> tf.Tensor:
        if not self.state_vars:
            return tf.zeros([0])
        return tf.concat(
            [tf.reshape(tf.cast(v, tf.float32), [-1]) for v in self.state_vars], 0
        )

    # --- one run ----------------------------------------------------------
    def run(
        self, data: Dataset, cfg: RunConfig, hypers: dict[str, float]
    ) -> Trajectory:
        """Train from cfg.start for cfg.steps steps; see Trajectory."""
        x, y = tf.constant(data.x), tf.constant(data.y)
        n = len(data.y)
        batched = cfg.batch_size is not None and cfg.batch_size < n
        batches = _Batches(n, cfg.batch_size, cfg.seed) if batched else None
        rows = max(1, min(CHUNK, BATCH_CELLS // n)) if batched else CHUNK
        parts, done = [], 0
        with self.lock:
            self.reset(cfg, hypers)
            while True:
                todo = min(cfg.steps - done, rows)
                args = (x, y, tf.constant(done), tf.constant(todo))
                if batches is None:
                    count, last, arrays = self._full(*args)
                else:
                    count, last, arrays = self._batched(
                        *args, batches.weights(done, rows)
                    )
                count = int(count)
                parts.append({k: v.numpy()[:count] for k, v in arrays.items()})
                done += count
                if count < todo or done == cfg.steps:
                    break
        return _assemble(
            cfg, parts, float(last), self.spec.slots, self.state_vars, self.jit
        )


class _Batches:
    """Mini-batches as per-example weights: 1/len(batch) inside, 0 outside.

    Each epoch is a fresh permutation from np.random.default_rng(seed); batches
    are consecutive slices of it, the last one possibly smaller. Weights keep the
    compiled loop's shapes fixed whatever the batch size.
    """

    def __init__(self, n: int, size: int, seed: int):
        self.n, self.size = n, size
        self.per_epoch = -(-n // size)
        self.rng = np.random.default_rng(seed)
        self.perms: list[np.ndarray] = []

    def weights(self, k0: int, rows: int) -> tf.Tensor:
        out = np.zeros((rows, self.n), np.float32)
        for r in range(rows):
            epoch, j = divmod(k0 + r, self.per_epoch)
            while len(self.perms) <= epoch:
                self.perms.append(self.rng.permutation(self.n))
            idx = self.perms[epoch][j * self.size : (j + 1) * self.size]
            out[r, idx] = 1.0 / len(idx)
        return tf.constant(out)


def _assemble(cfg, parts, last, slots, state_vars, compiled) -> Trajectory:
    """Stitch chunks into a Trajectory, cut before the first non-finite step."""
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    weights = np.vstack([np.asarray(cfg.start, np.float32)[None], cat["weights"]])
    loss = np.append(cat["losses"], np.float32(last))
    per_step = [cat["gradients"], cat["learning_rates"], cat["state"]]
    bad_rows = ~np.isfinite(weights).all(axis=1) | ~np.isfinite(loss)
    bad_steps = np.zeros(len(weights), bool)
    for a in per_step:
        bad_steps[1:] |= ~np.isfinite(a).all(axis=tuple(range(1, a.ndim)))
    bad = np.flatnonzero(bad_rows | bad_steps)
    diverged_at = int(bad[0]) if len(bad) else None
    keep = len(weights) if diverged_at is None else diverged_at
    steps = max(keep - 1, 0)
    state, col = {}, 0
    for name, var in zip(slots, state_vars):
        size = int(np.prod(var.shape))
        block = cat["state"][:steps, col : col + size]
        state[name] = block if size > 1 else block[:, 0]
        col += size
    return Trajectory(
        weights=weights[:keep],
        losses=loss[:keep],
        gradients=cat["gradients"][:steps],
        learning_rates=cat["learning_rates"][:steps],
        state=state,
        diverged_at=diverged_at,
        compiled=compiled,
    )


_ENGINES: dict[tuple[str, str, str], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine(optimizer: str, loss: str, task: str) -> Engine:
    """The shared compiled engine for this optimizer, loss and task."""
    key = (optimizer, loss, task)
    with _ENGINES_LOCK:
        if key not in _ENGINES:
            _ENGINES[key] = Engine(optimizer, loss, task)
        return _ENGINES[key]


def run(data: Dataset, cfg: RunConfig) -> Trajectory:
    """Train on data with the settings in cfg; see Trajectory.

    Raises:
        ValueError: an unknown optimizer or hyperparameter, a value out of
            range, or a loss that does not fit the data.
    """
    spec = optimizers.get(cfg.optimizer)
    hypers = spec.resolve(cfg.param_dict)
    losses.check_loss(cfg.loss, data.task)
    traj = engine(cfg.optimizer, cfg.loss, data.task).run(data, cfg, hypers)
    if traj.diverged_at == 0:
        raise ValueError(
            f"the loss at the start {cfg.start} is not finite for this data; "
            "choose a start nearer 0 or rescale the data"
        )
    return traj


def train(
    dataset: Dataset,
    loss: str,
    optimizer: str,
    learning_rate: float,
    steps: int,
    start: tuple[float, float],
    *,
    params: dict[str, float] | None = None,
    schedule=None,
    batch_size: int | None = None,
    seed: int = 0,
) -> Trajectory:
    """Train the two-weight model with a real TensorFlow optimizer.

    Args:
        dataset: the data; its x (n, 2) and y (n,).
        loss: "cross_entropy", "mse" or "mae".
        optimizer: a key of optimizers.REGISTRY.
        learning_rate: > 0.
        steps: 0 to config.MAX_STEPS.
        start: (w1, w2), row 0 of the trajectory.
        params: hyperparameters by their TensorFlow names; others at defaults.
        schedule: a config.Schedule, or None for a constant rate.
        batch_size: None for full batch, else mini-batches reshuffled per epoch.
        seed: feeds the mini-batch shuffle.

    Returns:
        Trajectory with weights (m+1, 2), losses (m+1,), gradients (m, 2).
    """
    from landscape.config import Schedule, make_params

    cfg = RunConfig(
        loss=loss,
        optimizer=optimizer,
        learning_rate=learning_rate,
        steps=steps,
        start=tuple(start),
        params=make_params(params),
        schedule=schedule or Schedule(),
        batch_size=batch_size,
        seed=seed,
    )
    return run(dataset, cfg)
