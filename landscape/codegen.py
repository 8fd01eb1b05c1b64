"""'Show the TensorFlow code': a self-contained script that reproduces a run.

The TF1 optimizers are written in the course's style (cast the labels,
sigmoid_cross_entropy_with_logits, reduce_mean, optimizer.minimize) in a
tf.compat.v1 graph; the others as a Keras optimizer in an eager GradientTape
loop. The script prints the path as JSON, so a test can run it and compare.
"""

from __future__ import annotations

import numpy as np

from landscape import optimizers
from landscape.config import RunConfig
from landscape.data.dataset import Dataset

_LOSS = {
    "cross_entropy": (
        "labels_float = tf.cast(labels, tf.float32)\n"
        "cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(\n"
        "    labels=labels_float, logits=logits)\n"
        "loss = tf.math.reduce_mean(cross_entropy)"
    ),
    "mse": "loss = tf.math.reduce_mean(tf.square({prediction} - labels))  # L2",
    "mae": "loss = tf.math.reduce_mean(tf.abs({prediction} - labels))  # L1",
}


def _numbers(a: np.ndarray) -> str:
    """float32 values, each in the shortest text that reads back exactly."""
    return ", ".join(
        np.format_float_positional(v, unique=True, trim="-")
        for v in np.asarray(a, np.float32).ravel()
    )


def _data(data: Dataset, source: str) -> str:
    rows = ",\n    ".join(f"[{_numbers(r)}]" for r in data.x)
    bias = "  # column 2 is the bias input, always 1" if data.n_features == 1 else ""
    return (
        f"# Data: {source} ({len(data.y)} rows, {data.task}).\n"
        f"# Inputs {data.feature_names[0]!r} and {data.feature_names[1]!r}.\n"
        f"x = np.array([\n    {rows}], dtype=np.float32){bias}\n"
        f"y = np.array([{_numbers(data.y)}], dtype=np.float32)\n"
    )


def _loss(cfg: RunConfig, data: Dataset) -> str:
    prediction = "tf.sigmoid(logits)" if data.task == "classification" else "logits"
    return _LOSS[cfg.loss].format(prediction=prediction)


def _batches(cfg: RunConfig, n: int) -> str:
    if cfg.batch_size is None or cfg.batch_size >= n:
        return "def batch(step):\n    return np.arange(N)  # full batch\n"
    return (
        f"rng = np.random.default_rng({cfg.seed})\nper_epoch = -(-N // "
        f"{cfg.batch_size})\nepochs = []\n\n\ndef batch(step):\n"
        "    # A fresh permutation each epoch, then consecutive slices of it.\n"
        "    epoch, j = divmod(step, per_epoch)\n"
        "    while len(epochs) <= epoch:\n        epochs.append(rng.permutation(N))\n"
        f"    return epochs[epoch][j * {cfg.batch_size}:(j + 1) * {cfg.batch_size}]\n"
    )


def _schedule(cfg: RunConfig) -> str:
    """The per-step learning rate, as Keras's ExponentialDecay or CosineDecay."""
    s, lr = cfg.schedule, cfg.learning_rate
    decay = s.steps_for(cfg.steps)
    if s.kind == "exponential":
        return (
            f"tf.keras.optimizers.schedules.ExponentialDecay({lr!r}, {decay}, "
            f"{s.decay_rate!r}, staircase={s.staircase})"
        )
    if s.kind == "cosine":
        return (
            f"tf.keras.optimizers.schedules.CosineDecay({lr!r}, {decay}, "
            f"alpha={s.alpha!r})"
        )
    return repr(lr)


def _args(spec, cfg: RunConfig, lr_text: str) -> str:
    """Constructor arguments: the rate, then every hyperparameter, defaults too."""
    args = [f"learning_rate={lr_text}"] if lr_text else []
    args += [f"{k}={v!r}" for k, v in spec.resolve(cfg.param_dict).items()]
    if spec.key == "nesterov":
        args.append("nesterov=True")
    return ", ".join(args)


def script(data: Dataset, cfg: RunConfig, source: str, label: str) -> str:
    """A Python script that reproduces the run exactly and prints its path as JSON.

    Args:
        data: the run's data, embedded in the script.
        cfg: the run's settings.
        source: where the data came from, for a comment (e.g. the preset and seed).
        label: the run's label, for the docstring.
    """
    spec = optimizers.get(cfg.optimizer)
    head = (
        f'"""Reproduces the landscape run "{label}" with TensorFlow.\n\n'
        f"{cfg.steps} steps of {spec.code} from w = {list(cfg.start)};\n"
        'prints {"weights": [[w1, w2], ...]}: the start, then each step."""\n'
        "import json\n\nimport numpy as np\nimport tensorflow as tf\n\n"
    )
    body = _tf1(spec, cfg, data) if spec.family == "tf1" else _keras(spec, cfg, data)
    return (
        head
        + _data(data, source)
        + "N = len(y)\nlabels = y.reshape(-1, 1)\n\n\n"
        + _batches(cfg, len(data.y))
        + "\n\n"
        + body
    )


def _keras(spec, cfg: RunConfig, data: Dataset) -> str:
    return f"""w = tf.Variable([[{cfg.start[0]!r}], [{cfg.start[1]!r}]])
optimizer = {spec.code}({_args(spec, cfg, _schedule(cfg))})


def loss_at(inputs, labels):
    logits = tf.matmul(inputs, w)
    {_loss(cfg, data).replace(chr(10), chr(10) + "    ")}
    return loss


path = [w.numpy().ravel().tolist()]
for step in range({cfg.steps}):
    rows = batch(step)
    with tf.GradientTape() as tape:
        loss = loss_at(x[rows], labels[rows])
    gradients = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(gradients, [w]))
    path.append(w.numpy().ravel().tolist())
print(json.dumps({{"weights": path}}))
"""


def _tf1_optimizer(spec, cfg: RunConfig) -> tuple[str, str]:
    """The optimizer's variable name and its constructor call, as the course
    writes it when the run uses the course's settings."""
    constant = cfg.schedule.kind == "constant"
    name = "adam" if spec.key == "tf1_adam" else "optimizer"
    course = (
        constant
        and spec.key == "tf1_adam"
        and not cfg.params
        and (cfg.learning_rate == spec.default_lr)
    )
    if course:  # exactly the course's call: Adam's defaults are already set
        return name, (
            f"{spec.code}()  # defaults: learning_rate=0.001, beta1=0.9, "
            "beta2=0.999, epsilon=1e-08"
        )
    rate = repr(cfg.learning_rate) if constant else "learning_rate"
    return name, f"{spec.code}({_args(spec, cfg, rate)})"


def _tf1(spec, cfg: RunConfig, data: Dataset) -> str:
    constant = cfg.schedule.kind == "constant"
    name, make = _tf1_optimizer(spec, cfg)
    # Rates come from Keras's schedule, evaluated before the graph is built.
    rates = (
        ""
        if constant
        else (
            f"schedule = {_schedule(cfg)}\nrates = [float(schedule(step)) for step in "
            f"range({cfg.steps})]\n"
        )
    )
    rate_ph = (
        ""
        if constant
        else ("learning_rate = tf.compat.v1.placeholder(tf.float32, [])\n")
    )
    feed = "{inputs: x[rows], labels: labels_all[rows]}" + (
        "" if constant else " | {learning_rate: rates[step]}"
    )
    return f"""{rates}tf.compat.v1.disable_eager_execution()
labels_all = labels
inputs = tf.compat.v1.placeholder(tf.float32, [None, 2])
labels = tf.compat.v1.placeholder(tf.float32, [None, 1])
w = tf.Variable([[{cfg.start[0]!r}], [{cfg.start[1]!r}]])
logits = tf.matmul(inputs, w)
{_loss(cfg, data)}
{rate_ph}{name} = {make}
train_op = {name}.minimize(loss)

with tf.compat.v1.Session() as sess:
    sess.run(tf.compat.v1.global_variables_initializer())
    path = [sess.run(w).ravel().tolist()]
    for step in range({cfg.steps}):
        rows = batch(step)
        sess.run(train_op, feed_dict={feed})
        path.append(sess.run(w).ravel().tolist())
print(json.dumps({{"weights": path}}))
"""
