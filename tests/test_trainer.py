"""Tests for landscape.trainer against hand-worked steps, NumPy and TensorFlow 1.

The oracles here share no code with the engine: float64 NumPy gradients and
update rules written from the papers and the Keras documentation, and the
course's own tf.compat.v1 graph code run in a Session.
"""

import concurrent.futures

import numpy as np
import pytest
import tensorflow as tf

from landscape import optimizers, surface, trainer
from landscape.bench import compiles
from landscape.config import MAX_STEPS, Schedule
from landscape.data.dataset import Dataset, padded_size
from landscape.data.presets import make_dataset
from landscape.engine import CHUNK
from tests.helpers import line_dataset, two_blobs

# --- data -------------------------------------------------------------------


def blobs(n: int = 40, seed: int = 0) -> Dataset:
    """Two overlapping Gaussian classes with unequal means: w1 and w2 move apart."""
    return two_blobs(n, seed, positive=(1.2, 0.4), negative=(-0.8, -0.6), scale=0.9)


def line(n: int = 40, seed: int = 0, scale: float = 1.0) -> Dataset:
    """y = 1.5 x - 0.5 + noise, with the bias column of ones."""
    rng = np.random.default_rng(seed)
    feature = rng.normal(scale=scale, size=n)
    return line_dataset(feature, 1.5 * feature - 0.5 + rng.normal(scale=0.3, size=n))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def loss_and_grad(data: Dataset, loss: str, w: np.ndarray) -> tuple[float, np.ndarray]:
    """The full-data loss and its gradient in float64, derived by hand.

    With z = x @ w and p = sigmoid(z), dp/dz = p (1 - p):
      cross_entropy: log(1 + e^z) - y z,   d/dz = p - y
      mse:           (pred - y)^2,         d/dz = 2 (pred - y) dpred/dz
      mae:           |pred - y|,           d/dz = sign(pred - y) dpred/dz
    where pred = p on classification data and pred = z on regression data.
    """
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w = np.asarray(w, np.float64)
    z = x @ w
    if loss == "cross_entropy":
        per, dz = np.logaddexp(0.0, z) - y * z, sigmoid(z) - y
    else:
        if data.task == "classification":
            pred, dpred = sigmoid(z), sigmoid(z) * (1.0 - sigmoid(z))
        else:
            pred, dpred = z, np.ones_like(z)
        err = pred - y
        if loss == "mse":
            per, dz = err**2, 2.0 * err * dpred
        else:
            per, dz = np.abs(err), np.sign(err) * dpred
    return float(per.mean()), x.T @ dz / len(y)


# --- the update rules, float64, from the papers and the Keras docs ----------
# Each rule takes (w, g, s, t, lr, h): weights, gradient, state dict (updated in
# place), step number t = 1, 2, ..., learning rate, hyperparameters. It returns
# the new weights. State names are the engine's slot names.


def rule_sgd(w, g, s, t, lr, h):
    # w <- w - lr g
    return w - lr * g


def rule_momentum(w, g, s, t, lr, h):
    # Keras SGD docs: velocity = momentum * velocity - lr * g; w = w + velocity
    s["velocity"] = h["momentum"] * s["velocity"] - lr * g
    return w + s["velocity"]


def rule_nesterov(w, g, s, t, lr, h):
    # Keras SGD docs, nesterov=True:
    # velocity = momentum * velocity - lr * g; w = w + momentum * velocity - lr * g
    s["velocity"] = h["momentum"] * s["velocity"] - lr * g
    return w + h["momentum"] * s["velocity"] - lr * g


def rule_adam(w, g, s, t, lr, h):
    # Kingma & Ba (2015), the "epsilon hat" form before their Section 2.1, which
    # the Keras docs name: alpha_t = lr sqrt(1 - b2^t) / (1 - b1^t);
    # w <- w - alpha_t m / (sqrt(v) + eps_hat).
    b1, b2 = h["beta_1"], h["beta_2"]
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    alpha = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return w - alpha * s["m"] / (np.sqrt(s["v"]) + h["epsilon"])


def rule_adamw(w, g, s, t, lr, h):
    # Loshchilov & Hutter (2019), decoupled decay scaled by the rate as Keras
    # does: w <- w - lr wd w, then the Adam step (which does not read w).
    return rule_adam(w - lr * h["weight_decay"] * w, g, s, t, lr, h)


def rule_tf1_adam(w, g, s, t, lr, h):
    # tf.compat.v1.train.AdamOptimizer docs: lr_t = lr sqrt(1 - b2^t) / (1 - b1^t);
    # m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; w -= lr_t m / (sqrt(v) + eps).
    # Its beta powers hold b^(t+1) after step t.
    b1, b2 = h["beta1"], h["beta2"]
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    s["beta1_power"], s["beta2_power"] = b1 ** (t + 1), b2 ** (t + 1)
    lr_t = lr * np.sqrt(1 - b2**t) / (1 - b1**t)
    return w - lr_t * s["m"] / (np.sqrt(s["v"]) + h["epsilon"])


def rule_rmsprop(w, g, s, t, lr, h):
    # Hinton (2012) lecture 6e, with plain momentum on the step. Keras 3 puts
    # epsilon INSIDE the root: velocity = rho velocity + (1 - rho) g^2;
    # step = momentum step + lr g / sqrt(velocity + eps); w <- w - step.
    s["velocity"] = h["rho"] * s["velocity"] + (1 - h["rho"]) * g**2
    s["momentum"] = h["momentum"] * s["momentum"] + lr * g / np.sqrt(
        s["velocity"] + h["epsilon"]
    )
    return w - s["momentum"]


def rule_adagrad(w, g, s, t, lr, h):
    # Duchi et al. (2011); Keras starts the sum at initial_accumulator_value and
    # puts epsilon inside the root: acc += g^2; w -= lr g / sqrt(acc + eps).
    s["accumulator"] = s["accumulator"] + g**2
    return w - lr * g / np.sqrt(s["accumulator"] + h["epsilon"])


def rule_adamax(w, g, s, t, lr, h):
    # Kingma & Ba (2015) Section 7.1, as the Keras docs write it:
    # m = b1 m + (1 - b1) g; u = max(b2 u, |g|); w -= lr / (1 - b1^t) m / (u + eps).
    b1, b2 = h["beta_1"], h["beta_2"]
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["u"] = np.maximum(b2 * s["u"], np.abs(g))
    return w - lr / (1 - b1**t) * s["m"] / (s["u"] + h["epsilon"])


def rule_nadam(w, g, s, t, lr, h):
    # Dozat (2016), Algorithm 2, with Keras's momentum schedule
    # mu_t = b1 (1 - 0.5 * 0.96^t) and u_product = mu_1 ... mu_t (1 at t = 0):
    # m_hat = mu_{t+1} m / (1 - prod_{t+1}) + (1 - mu_t) g / (1 - prod_t);
    # v_hat = v / (1 - b2^t); w -= lr m_hat / (sqrt(v_hat) + eps).
    b1, b2 = h["beta_1"], h["beta_2"]
    mu_t = b1 * (1 - 0.5 * 0.96**t)
    mu_next = b1 * (1 - 0.5 * 0.96 ** (t + 1))
    s["u_product"] = s["u_product"] * mu_t
    s["m"] = b1 * s["m"] + (1 - b1) * g
    s["v"] = b2 * s["v"] + (1 - b2) * g**2
    m_hat = mu_next * s["m"] / (1 - s["u_product"] * mu_next) + (1 - mu_t) * g / (
        1 - s["u_product"]
    )
    v_hat = s["v"] / (1 - b2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + h["epsilon"])


def rule_adadelta(w, g, s, t, lr, h):
    # Zeiler (2012) Algorithm 1, scaled by the learning rate as Keras does:
    # E[g^2] = rho E[g^2] + (1 - rho) g^2;
    # d = -sqrt(E[d^2] + eps) / sqrt(E[g^2] + eps) g;
    # E[d^2] = rho E[d^2] + (1 - rho) d^2; w <- w + lr d.
    rho, eps = h["rho"], h["epsilon"]
    s["accumulated_grad"] = rho * s["accumulated_grad"] + (1 - rho) * g**2
    d = -np.sqrt(s["accumulated_delta"] + eps) / np.sqrt(s["accumulated_grad"] + eps)
    d = d * g
    s["accumulated_delta"] = rho * s["accumulated_delta"] + (1 - rho) * d**2
    return w + lr * d


def rule_lion(w, g, s, t, lr, h):
    # Chen et al. (2023) Algorithm 2 without weight decay:
    # c = b1 m + (1 - b1) g; w -= lr sign(c); m = b2 m + (1 - b2) g.
    c = h["beta_1"] * s["m"] + (1 - h["beta_1"]) * g
    s["m"] = h["beta_2"] * s["m"] + (1 - h["beta_2"]) * g
    return w - lr * np.sign(c)


# key -> (rule, defaults written from the docs, initial state)
ORACLES = {
    "sgd": (rule_sgd, {}, {}),
    "tf1_gradient_descent": (rule_sgd, {}, {}),
    "momentum": (rule_momentum, {"momentum": 0.9}, {"velocity": 0.0}),
    "nesterov": (rule_nesterov, {"momentum": 0.9}, {"velocity": 0.0}),
    "adam": (
        rule_adam, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
        {"m": 0.0, "v": 0.0},
    ),
    "adamw": (
        rule_adamw,
        {"weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
        {"m": 0.0, "v": 0.0},
    ),
    "tf1_adam": (
        rule_tf1_adam, {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
        {"m": 0.0, "v": 0.0, "beta1_power": None, "beta2_power": None},
    ),
    "rmsprop": (
        rule_rmsprop, {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7},
        {"velocity": 0.0, "momentum": 0.0},
    ),
    "adagrad": (
        rule_adagrad, {"initial_accumulator_value": 0.1, "epsilon": 1e-7},
        {"accumulator": "initial_accumulator_value"},
    ),
    "adamax": (
        rule_adamax, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
        {"m": 0.0, "u": 0.0},
    ),
    "nadam": (
        rule_nadam, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
        {"m": 0.0, "v": 0.0, "u_product": 1.0},
    ),
    "adadelta": (
        rule_adadelta, {"rho": 0.95, "epsilon": 1e-7},
        {"accumulated_grad": 0.0, "accumulated_delta": 0.0},
    ),
    "lion": (rule_lion, {"beta_1": 0.9, "beta_2": 0.99}, {"m": 0.0}),
}  # fmt: skip


SCALAR_SLOTS = {"u_product", "beta1_power", "beta2_power"}


def oracle_path(data, loss, key, rates, start, params=None):
    """float64 weights (m+1, 2), losses (m+1,), gradients (m, 2), state (m, ...)."""
    rule, defaults, init = ORACLES[key]
    h = {**defaults, **(params or {})}
    s = {}
    for name, value in init.items():
        value = h[value] if isinstance(value, str) else value
        # One number per optimizer (u_product, beta powers), else one per weight.
        s[name] = value if name in SCALAR_SLOTS else np.full(2, value, np.float64)
    w = np.asarray(start, np.float64)
    weights, values, grads, states = [w], [], [], {name: [] for name in init}
    for t, lr in enumerate(rates, start=1):
        value, g = loss_and_grad(data, loss, w)
        w = rule(w, g, s, t, lr, h)
        weights.append(w)
        values.append(value)
        grads.append(g)
        for name in init:
            states[name].append(s[name])
    values.append(loss_and_grad(data, loss, w)[0])
    states = {name: np.array(v) for name, v in states.items()}
    return np.array(weights), np.array(values), np.array(grads).reshape(-1, 2), states


# --- a hand-computed step ---------------------------------------------------


@pytest.mark.parametrize("key", ["sgd", "tf1_gradient_descent"])
def test_one_sgd_step_by_hand(key):
    # Two points, start w = (1, -1), lr = 0.5:
    #   x_a = (1, 0),  y_a = 0: z_a = 1,  sigmoid(1)  = 0.7310585786
    #   x_b = (0, 2),  y_b = 1: z_b = -2, sigmoid(-2) = 0.1192029220
    # grad = mean((sigmoid(z) - y) x)
    #      = ((0.7310585786 - 0) * (1, 0) + (0.1192029220 - 1) * (0, 2)) / 2
    #      = (0.3655292893, -0.8807970780)
    # w1 = w0 - 0.5 grad = (0.8172353554, -0.5596014610)
    data = Dataset(
        np.array([[1.0, 0.0], [0.0, 2.0]], np.float32),
        np.array([0.0, 1.0], np.float32),
        ("a", "b"),
        "classification",
        "two",
        2,
    )
    run = trainer.train(data, "cross_entropy", key, 0.5, 1, (1.0, -1.0))
    grad = np.array([0.3655292893, -0.8807970780])
    np.testing.assert_allclose(run.gradients[0], grad, rtol=1e-6)
    np.testing.assert_allclose(run.weights[1], [0.8172353554, -0.5596014610], rtol=1e-6)
    # loss at the start: (log(1 + e) + log(1 + e^2)) / 2 = (1.3132617 + 2.1269280) / 2
    np.testing.assert_allclose(run.losses[0], 1.7200948, rtol=1e-6)
    np.testing.assert_array_equal(run.weights[0], [1.0, -1.0])
    assert run.learning_rates.tolist() == [0.5]


# --- every update rule against float64 NumPy ----------------------------------

# Rates and hyperparameters are chosen so the comparison is well-conditioned:
# nudging the start by 1e-6 moves the float64 path by less than 2e-6. (RMSprop at
# lr 0.02, or Adamax with beta_2 0.9, bounce around the minimum and amplify such
# a nudge, and so float32 rounding, by 1e3 to 1e5.)
CASES = [
    ("sgd", 0.1, {}),
    ("tf1_gradient_descent", 0.1, {}),
    ("momentum", 0.05, {}),
    ("momentum", 0.05, {"momentum": 0.8}),
    ("nesterov", 0.05, {"momentum": 0.7}),
    ("adam", 0.05, {}),
    ("adam", 0.05, {"beta_1": 0.85, "beta_2": 0.99, "epsilon": 1e-5}),
    ("adamw", 0.05, {"weight_decay": 0.1}),
    ("tf1_adam", 0.05, {}),
    ("tf1_adam", 0.05, {"beta1": 0.8, "beta2": 0.95}),
    ("rmsprop", 0.01, {}),
    ("rmsprop", 0.02, {"rho": 0.8, "momentum": 0.5, "epsilon": 1e-4}),
    ("adagrad", 0.1, {}),
    ("adagrad", 0.1, {"initial_accumulator_value": 0.5}),
    ("adamax", 0.05, {}),
    ("adamax", 0.05, {"beta_1": 0.85, "beta_2": 0.95}),
    ("adadelta", 1.0, {"rho": 0.9, "epsilon": 1e-6}),
    ("lion", 0.01, {"beta_1": 0.8}),
    ("nadam", 0.05, {}),
]  # fmt: skip


@pytest.mark.parametrize("key, lr, params", CASES)
def test_update_rule_matches_numpy(key, lr, params):
    data, steps, start = blobs(), 150, (-2.0, 2.0)
    run = trainer.train(data, "cross_entropy", key, lr, steps, start, params=params)
    weights, values, grads, state = oracle_path(
        data, "cross_entropy", key, [lr] * steps, start, params
    )
    assert run.diverged_at is None
    assert run.weights.shape == (steps + 1, 2)
    # The path must move, or the comparison below would prove little.
    assert np.abs(weights[-1] - weights[0]).max() > 0.1
    assert np.abs(run.weights - weights).max() < 1e-4
    assert np.abs(run.losses - values).max() < 1e-4
    np.testing.assert_allclose(run.gradients, grads, atol=1e-5)
    np.testing.assert_allclose(run.learning_rates, lr, rtol=1e-7)
    assert set(run.state) == set(optimizers.REGISTRY[key].slots)
    for name, expected in state.items():
        got = run.state[name]
        assert got.shape == expected.shape == (steps, 2)[: got.ndim], name
        np.testing.assert_allclose(got, expected, rtol=1e-3, atol=1e-6, err_msg=name)


def test_sgd_state_is_empty_and_momentum_state_is_the_velocity():
    data = blobs()
    plain = trainer.train(data, "cross_entropy", "sgd", 0.1, 10, (0.0, 0.0))
    assert plain.state == {}
    run = trainer.train(data, "cross_entropy", "momentum", 0.1, 10, (0.0, 0.0))
    # w_{k+1} = w_k + velocity_k, the velocity the engine records after step k
    np.testing.assert_allclose(
        np.diff(run.weights, axis=0), run.state["velocity"], rtol=1e-5, atol=1e-7
    )


# --- the course's TF1 code in a graph Session ---------------------------------


def course_path(data: Dataset, start, make_optimizer, steps: int) -> np.ndarray:
    """Weights (steps+1, 2) from the course's tf.compat.v1 code, float32."""
    with tf.Graph().as_default():
        features = tf.constant(data.x)  # (n, 2)
        labels = tf.constant(data.y.astype(np.int32)[:, None])  # (n, 1)
        w = tf.compat.v1.get_variable(
            "w", initializer=tf.constant(np.reshape(start, (2, 1)), tf.float32)
        )
        logits = tf.matmul(features, w)  # (n, 1)
        labels_float = tf.cast(labels, tf.float32)
        cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(
            labels=labels_float, logits=logits
        )
        loss = tf.math.reduce_mean(cross_entropy)
        optimizer = make_optimizer()
        train_op = optimizer.minimize(loss)
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            path = [session.run(w)[:, 0]]
            for _ in range(steps):
                session.run(train_op)
                path.append(session.run(w)[:, 0])
    return np.array(path)


def test_tf1_adam_reproduces_the_course_code():
    data, start = blobs(), (-2.0, 2.0)
    expected = course_path(data, start, tf.compat.v1.train.AdamOptimizer, 100)
    run = trainer.train(data, "cross_entropy", "tf1_adam", 0.001, 100, start)
    assert np.abs(expected[-1] - expected[0]).max() > 0.05
    np.testing.assert_allclose(run.weights, expected, rtol=0, atol=1e-5)


def test_tf1_gradient_descent_reproduces_the_course_code():
    data, start, lr = blobs(), (-2.0, 2.0), 0.5

    def make():
        return tf.compat.v1.train.GradientDescentOptimizer(lr)

    expected = course_path(data, start, make, 100)
    run = trainer.train(data, "cross_entropy", "tf1_gradient_descent", lr, 100, start)
    assert np.abs(expected[-1] - expected[0]).max() > 1.0
    np.testing.assert_allclose(run.weights, expected, rtol=0, atol=1e-5)


# --- schedules ----------------------------------------------------------------

SCHEDULES = [
    (Schedule("exponential", decay_steps=10, decay_rate=0.5), None),
    (Schedule("exponential", decay_steps=10, decay_rate=0.5, staircase=True), None),
    (Schedule("exponential", decay_rate=0.2), 60),  # decay_steps = the run's steps
    (Schedule("cosine", alpha=0.1), 60),
    (Schedule("cosine", decay_steps=25, alpha=0.2), None),  # floors after step 25
]


def keras_rates(schedule: Schedule, lr: float, steps: int, decay_steps) -> np.ndarray:
    s = tf.keras.optimizers.schedules
    decay_steps = schedule.decay_steps or decay_steps
    if schedule.kind == "exponential":
        made = s.ExponentialDecay(
            lr, decay_steps, schedule.decay_rate, staircase=schedule.staircase
        )
    else:
        made = s.CosineDecay(lr, decay_steps, alpha=schedule.alpha)
    return np.array([float(made(k)) for k in range(steps)])


@pytest.mark.parametrize("schedule, decay_steps", SCHEDULES)
def test_schedule_rates_are_keras_and_sgd_uses_them(schedule, decay_steps):
    data, lr, steps = blobs(), 0.8, 60
    run = trainer.train(
        data, "cross_entropy", "sgd", lr, steps, (-2.0, 2.0), schedule=schedule
    )
    rates = keras_rates(schedule, lr, steps, decay_steps)
    assert rates[-1] < 0.5 * lr  # the schedule really decays
    np.testing.assert_allclose(run.learning_rates, rates, rtol=1e-6)
    step = run.weights[:-1] - rates[:, None] * run.gradients
    np.testing.assert_allclose(run.weights[1:], step, rtol=1e-6, atol=1e-6)
    for k in (0, 17, steps - 1):
        grad = loss_and_grad(data, "cross_entropy", run.weights[k])[1]
        np.testing.assert_allclose(run.gradients[k], grad, atol=1e-6)


def test_adam_follows_a_cosine_schedule():
    data, lr, steps = blobs(), 0.1, 80
    schedule = Schedule("cosine", decay_steps=50, alpha=0.1)
    run = trainer.train(
        data, "cross_entropy", "adam", lr, steps, (-2.0, 2.0), schedule=schedule
    )
    rates = keras_rates(schedule, lr, steps, None)
    weights = oracle_path(data, "cross_entropy", "adam", rates, (-2.0, 2.0))[0]
    assert np.abs(run.weights - weights).max() < 1e-4


# --- mini-batches ---------------------------------------------------------------


def powers_of_two() -> Dataset:
    """40 regression examples whose batch gradients spell out their members.

    Example i < 20 is x = (2^i, 0); example i >= 20 is x = (0, 2^(i-20)); every
    label is 1e12, so with mae and small weights z - y < 0 and each example's
    gradient is exactly -x_i. A batch's mean gradient times minus its size is
    then an integer under 2^20 per axis (exact in float32) whose binary digits
    are the batch's members.
    """
    i = np.arange(40)
    x = np.zeros((40, 2), np.float32)
    x[i < 20, 0] = 2.0 ** i[i < 20]
    x[i >= 20, 1] = 2.0 ** (i[i >= 20] - 20)
    y = np.full(40, 1e12, np.float32)
    return Dataset(x, y, ("a", "b"), "regression", "bits", 2)


def members(gradient: np.ndarray, size: int) -> set[int]:
    total = -gradient.astype(np.float64) * size
    assert np.array_equal(total, np.round(total)), total
    low, high = (int(v) for v in total)
    return {b for b in range(20) if low >> b & 1} | {
        20 + b for b in range(20) if high >> b & 1
    }


@pytest.mark.parametrize("size, per_epoch", [(8, [8] * 5), (16, [16, 16, 8])])
def test_mini_batches_are_a_fresh_partition_each_epoch(size, per_epoch):
    data, epochs = powers_of_two(), 4
    steps = epochs * len(per_epoch)
    run = trainer.train(
        data, "mae", "sgd", 1e-4, steps, (0.0, 0.0), batch_size=size, seed=3
    )
    assert run.diverged_at is None
    batches = [
        members(g, per_epoch[k % len(per_epoch)]) for k, g in enumerate(run.gradients)
    ]
    assert [len(b) for b in batches] == per_epoch * epochs
    epoch_sets = []
    for e in range(epochs):
        these = batches[e * len(per_epoch) : (e + 1) * len(per_epoch)]
        assert set().union(*these) == set(range(40))  # every example once
        epoch_sets.append([frozenset(b) for b in these])
    assert len({tuple(e) for e in epoch_sets}) == epochs  # reshuffled each epoch
    np.testing.assert_allclose(
        run.weights[1:], run.weights[:-1] - 1e-4 * run.gradients, rtol=1e-6
    )
    full = -data.x.astype(np.float64).mean(axis=0)
    assert all(np.abs(g - full).max() > 1.0 for g in run.gradients)


def test_mini_batches_are_seeded():
    data = blobs()

    def go(seed):
        return trainer.train(
            data, "cross_entropy", "sgd", 0.1, 25, (-2.0, 2.0), batch_size=8, seed=seed
        )

    a, b, c = go(0), go(0), go(1)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.gradients, b.gradients)
    assert not np.array_equal(a.weights, c.weights)
    # losses stay full-data losses even when the steps use batches
    np.testing.assert_allclose(
        a.losses,
        [loss_and_grad(data, "cross_entropy", w)[0] for w in a.weights],
        rtol=1e-5,
    )
    full = [loss_and_grad(data, "cross_entropy", w)[1] for w in a.weights[:-1]]
    assert np.abs(a.gradients - np.array(full)).max(axis=1).min() > 1e-4
    bits = powers_of_two()
    a = trainer.train(bits, "mae", "sgd", 1e-4, 5, (0, 0), batch_size=8, seed=0)
    c = trainer.train(bits, "mae", "sgd", 1e-4, 5, (0, 0), batch_size=8, seed=1)
    assert [members(g, 8) for g in a.gradients] != [members(g, 8) for g in c.gradients]


def test_a_batch_as_large_as_the_data_is_full_batch():
    data = blobs()
    full = trainer.train(data, "cross_entropy", "adam", 0.1, 30, (-2.0, 2.0))
    same = trainer.train(
        data, "cross_entropy", "adam", 0.1, 30, (-2.0, 2.0), batch_size=40, seed=5
    )
    np.testing.assert_array_equal(full.weights, same.weights)


# --- losses on the path lie on the surface -------------------------------------


@pytest.mark.parametrize(
    "loss, data",
    [
        ("cross_entropy", blobs()),
        ("mse", blobs()),
        ("mae", blobs()),
        ("mse", line()),
        ("mae", line()),
    ],
    ids=["ce", "mse-class", "mae-class", "mse-reg", "mae-reg"],
)
def test_path_losses_are_the_surface_and_gradients_are_right(loss, data):
    run = trainer.train(data, loss, "sgd", 0.3, 40, (-2.0, 2.0))
    np.testing.assert_allclose(
        run.losses, surface.loss_at(data, loss, run.weights), rtol=1e-5, atol=1e-6
    )
    expected = [loss_and_grad(data, loss, w) for w in run.weights]
    np.testing.assert_allclose(run.losses, [v for v, _ in expected], rtol=1e-5)
    grads = np.array([g for _, g in expected[:-1]])
    np.testing.assert_allclose(run.gradients, grads, rtol=1e-4, atol=1e-6)
    assert np.abs(run.weights[-1] - run.weights[0]).max() > 0.1


# --- divergence -----------------------------------------------------------------


def test_divergence_cuts_the_record_before_the_first_non_finite_step():
    data, lr = line(scale=100.0), 1000.0
    run = trainer.train(data, "mse", "momentum", lr, 50, (1.0, 1.0))
    d = run.diverged_at
    assert isinstance(d, int) and 1 <= d <= 50
    assert len(run.weights) == len(run.losses) == d
    assert len(run.gradients) == len(run.learning_rates) == d - 1
    assert run.state["velocity"].shape == (d - 1, 2)
    arrays = [run.weights, run.losses, run.gradients, run.learning_rates]
    assert all(np.isfinite(a).all() for a in arrays + [run.state["velocity"]])
    # The float64 oracle's next point really leaves float32: its weights or loss
    # pass float32's largest value.
    weights, values, _, _ = oracle_path(data, "mse", "momentum", [lr] * d, (1.0, 1.0))
    big = np.finfo(np.float32).max
    assert np.abs(weights[d]).max() > big or values[d] > big
    np.testing.assert_allclose(run.weights, weights[:d], rtol=1e-4)
    # A run that stops one step short is the same path, and not diverged.
    short = trainer.train(data, "mse", "momentum", lr, d - 1, (1.0, 1.0))
    assert short.diverged_at is None
    np.testing.assert_array_equal(short.weights, run.weights)


def test_a_normal_run_has_full_shapes():
    run = trainer.train(blobs(), "cross_entropy", "tf1_adam", 0.01, 37, (0.5, -0.5))
    assert run.diverged_at is None
    assert run.weights.shape == (38, 2) and run.losses.shape == (38,)
    assert run.gradients.shape == (37, 2) and run.learning_rates.shape == (37,)
    assert run.state["m"].shape == (37, 2) and run.state["beta1_power"].shape == (37,)
    assert run.weights.dtype == np.float32


def test_zero_steps_is_just_the_start():
    data = blobs()
    run = trainer.train(data, "cross_entropy", "adam", 0.1, 0, (0.25, -1.5))
    np.testing.assert_array_equal(run.weights, [[0.25, -1.5]])
    assert run.losses.shape == (1,)
    np.testing.assert_allclose(
        run.losses[0], loss_and_grad(data, "cross_entropy", [0.25, -1.5])[0], rtol=1e-6
    )
    assert run.gradients.shape == (0, 2) and run.learning_rates.shape == (0,)
    assert run.state["m"].shape == (0, 2)
    assert run.diverged_at is None


def test_long_runs_cross_chunks_seamlessly():
    data, steps = blobs(), CHUNK + 300
    run = trainer.train(data, "cross_entropy", "sgd", 0.05, steps, (-2.0, 2.0))
    assert run.weights.shape == (steps + 1, 2)
    np.testing.assert_allclose(
        run.weights[1:], run.weights[:-1] - 0.05 * run.gradients, rtol=1e-6, atol=1e-7
    )
    np.testing.assert_allclose(
        run.losses, surface.loss_at(data, "cross_entropy", run.weights), rtol=1e-5
    )


# --- no retracing ---------------------------------------------------------------


def test_new_settings_do_not_retrace():
    data = blobs()
    engine = trainer.engine("adam", "cross_entropy", "classification")

    def go(**kw):
        args = {"learning_rate": 0.01, "steps": 20, "start": (0.0, 0.0), **kw}
        return trainer.train(data, "cross_entropy", "adam", **args)

    go()
    go(batch_size=8)
    before = engine.traces
    assert before >= 2
    go(learning_rate=0.3, start=(3.0, -1.0))
    for steps in (5, 300, 2000):
        go(steps=steps)
    go(params={"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3})
    go(schedule=Schedule("cosine", alpha=0.3))
    go(schedule=Schedule("exponential", decay_steps=3, staircase=True))
    go(batch_size=4, seed=9)
    go(batch_size=16, steps=300)
    go(batch_size=8, steps=5)
    assert engine.traces == before
    # The fresh run's variables are set by one compiled call, traced once.
    assert engine._assign_all.experimental_get_tracing_count() == 1


def test_a_run_leaves_nothing_behind():
    data = blobs()

    def default():
        return trainer.train(data, "cross_entropy", "rmsprop", 0.01, 60, (-2.0, 2.0))

    first = default()
    trainer.train(
        data,
        "cross_entropy",
        "rmsprop",
        0.3,
        100,
        (4.0, 4.0),
        params={"rho": 0.5, "momentum": 0.9, "epsilon": 0.1},
        schedule=Schedule("exponential", decay_steps=7),
        batch_size=8,
    )
    again = default()
    np.testing.assert_array_equal(first.weights, again.weights)
    np.testing.assert_array_equal(first.state["velocity"], again.state["velocity"])
    np.testing.assert_array_equal(first.learning_rates, np.float32(0.01))


# --- threads ----------------------------------------------------------------------

SETTINGS = [
    ("sgd", 0.1, {}, None),
    ("sgd", 0.4, {}, None),
    ("adam", 0.05, {}, None),
    ("adam", 0.02, {"beta_1": 0.7}, None),
    ("momentum", 0.05, {"momentum": 0.6}, None),
    ("rmsprop", 0.01, {}, None),
    ("tf1_adam", 0.03, {}, None),
    ("sgd", 0.2, {}, 8),
]


def run_setting(data, setting):
    key, lr, params, batch = setting
    return trainer.train(
        data,
        "cross_entropy",
        key,
        lr,
        150,
        (-2.0, 2.0),
        params=params,
        batch_size=batch,
        seed=2,
    )


def test_threads_give_the_sequential_results():
    data = blobs()
    expected = [run_setting(data, s) for s in SETTINGS]

    def worker(t):
        # Each thread runs three settings, overlapping other threads' optimizers.
        picks = [(t + j * 3) % len(SETTINGS) for j in range(3)] * 2
        return [(i, run_setting(data, SETTINGS[i])) for i in picks]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        results = [r for rs in pool.map(worker, range(8)) for r in rs]
    assert len(results) == 48
    for i, run in results:
        want = expected[i]
        for name in ("weights", "losses", "gradients", "learning_rates"):
            assert np.array_equal(getattr(run, name), getattr(want, name)), (i, name)
        assert run.state.keys() == want.state.keys()
        for name in run.state:
            assert np.array_equal(run.state[name], want.state[name]), (i, name)


# --- bad input --------------------------------------------------------------------


def bad(
    match: str, data=None, loss="cross_entropy", optimizer="sgd", lr=0.1, steps=10, **kw
):
    with pytest.raises(ValueError, match=match):
        trainer.train(data or blobs(), loss, optimizer, lr, steps, (0.0, 0.0), **kw)


def test_bad_input_says_what_is_allowed():
    bad("unknown optimizer 'adamm'; choose one of .*sgd.*adam", optimizer="adamm")
    bad(
        "adam has no hyperparameter 'beta'; .*beta_1, beta_2, epsilon",
        optimizer="adam",
        params={"beta": 0.5},
    )
    bad("sgd has no hyperparameter 'momentum'", params={"momentum": 0.5})
    bad(
        r"momentum=1.5 is out of range; allowed: \[0, 1\)",
        optimizer="momentum",
        params={"momentum": 1.5},
    )
    bad(
        r"beta_1=nan is out of range; allowed: \[0, 1\)",
        optimizer="adam",
        params={"beta_1": float("nan")},
    )
    bad("not finite; the learning rate must be a number > 0", lr=float("nan"))
    bad("out of range; the learning rate must be a number > 0", lr=-0.1)
    bad("out of range; the learning rate must be a number > 0", lr=0.0)
    bad("<= 1000", lr=1000.5)
    bad("steps must be a whole number from 0 to 100,000", steps=-1)
    bad("steps must be a whole number from 0 to 100,000", steps=MAX_STEPS + 1)
    bad("steps must be a whole number", steps=2.5)
    bad("use mse or mae for regression data", data=line())
    bad("unknown loss 'hinge'; choose one of cross_entropy, mae, mse", loss="hinge")
    with pytest.raises(ValueError, match="unknown schedule 'step'; choose one of"):
        Schedule("step")
    bad("batch size must be a whole number from 1", batch_size=0)
    with pytest.raises(ValueError, match="start w1 must be between -1000 and 1000"):
        trainer.train(blobs(), "cross_entropy", "sgd", 0.1, 5, (1001.0, 0.0))


@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "mae"])
def test_padding_rows_count_for_nothing(loss):
    # 257 rows run as 320: 63 rows of padding, a quarter of the data.
    data = make_dataset("overlap", 257, seed=5)
    assert padded_size(257) == 320
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    run = trainer.train(data, loss, "sgd", 0.5, 3, (0.7, -1.2))
    for k, w in enumerate(run.weights):
        z = x @ w
        p = 1 / (1 + np.exp(-z))
        each = {
            "cross_entropy": np.maximum(z, 0) - z * y + np.log1p(np.exp(-abs(z))),
            "mse": (p - y) ** 2,
            "mae": abs(p - y),
        }[loss]
        grad = {
            "cross_entropy": x.T @ (p - y),
            "mse": x.T @ (2 * (p - y) * p * (1 - p)),
            "mae": x.T @ (np.sign(p - y) * p * (1 - p)),
        }[loss] / len(y)
        np.testing.assert_allclose(run.losses[k], each.mean(), rtol=1e-5)
        if k < len(run.gradients):
            np.testing.assert_allclose(run.gradients[k], grad, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(
        surface.loss_at(data, loss, run.weights), run.losses, rtol=1e-6
    )


def test_new_sample_counts_of_one_padded_size_compile_nothing():
    # A child process dumps every XLA module it compiles (the bench's counter).
    counts = compiles.count_in_child()
    assert counts is not None
    assert counts["warmup"] > 0  # else the dump counted nothing at all
    assert counts["after_warmup"] == 0
    assert counts["after_new_sample_counts"] == 0
