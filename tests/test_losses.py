"""Tests for landscape.losses against TensorFlow's own op and float64 NumPy."""

import numpy as np
import pytest
import tensorflow as tf

from landscape import losses

RNG = np.random.default_rng(11)
X = RNG.normal(size=(25, 2)).astype(np.float32)
Y = (RNG.uniform(size=25) < 0.5).astype(np.float32)
Y_REGRESSION = RNG.normal(scale=2.0, size=25).astype(np.float32)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def log_loss(y, z):
    """The textbook log loss, -y log p - (1 - y) log(1 - p), in float64."""
    p = sigmoid(np.asarray(z, np.float64))
    return -y * np.log(p) - (1 - y) * np.log(1 - p)


def mean_loss(loss, task, y, w):
    # As the engine calls it: with a padding row (zeros, mask 0) after the data.
    x = np.concatenate([X, np.zeros((1, 2), np.float32)])
    labels = np.concatenate([np.asarray(y, np.float32), [0.0]]).astype(np.float32)
    mask = (np.arange(len(x)) < len(X)).astype(np.float32)
    args = (tf.constant(a) for a in (labels, x, w, mask))
    return losses.mean_loss(loss, task, *args)


def test_the_three_losses():
    assert set(losses.LOSSES) == {"cross_entropy", "mse", "mae"}
    assert losses.TASKS == ("classification", "regression")


def test_logits_are_x_times_w_for_one_or_many_weights():
    w = RNG.normal(size=(3, 4, 2)).astype(np.float32)
    z = losses.logits(tf.constant(X), tf.constant(w)).numpy()
    assert z.shape == (3, 4, 25)
    np.testing.assert_allclose(
        z, w.astype(np.float64) @ X.T.astype(np.float64), rtol=1e-5, atol=1e-6
    )
    one = losses.logits(tf.constant(X), tf.constant(w[1, 2])).numpy()
    assert one.shape == (25,)
    np.testing.assert_allclose(one, z[1, 2], rtol=1e-6)


@pytest.mark.parametrize("w", [(0.3, -0.7), (2.0, 1.5), (-3.0, 0.5)])
def test_cross_entropy_is_tensorflows_and_the_log_loss(w):
    w = np.array(w, np.float32)
    got = float(mean_loss("cross_entropy", "classification", Y, w))
    z = X @ w
    tf_value = tf.math.reduce_mean(
        tf.nn.sigmoid_cross_entropy_with_logits(labels=Y, logits=z)
    )
    np.testing.assert_allclose(got, float(tf_value), rtol=1e-6)
    np.testing.assert_allclose(got, log_loss(Y, z).mean(), rtol=1e-5)


def test_cross_entropy_is_small_when_right_and_large_when_wrong():
    # The course's example: predicting 0.99 for a label of 1, and for a label of 0.
    z = np.float32(np.log(0.99 / 0.01))
    right, wrong = losses.per_example(
        "cross_entropy", "classification", tf.constant([1.0, 0.0]), tf.constant([z, z])
    ).numpy()
    np.testing.assert_allclose(right, -np.log(0.99), rtol=1e-5)
    np.testing.assert_allclose(wrong, -np.log(0.01), rtol=1e-5)


def test_cross_entropy_is_stable_for_huge_logits():
    labels = tf.constant([0.0, 1.0, 1.0, 0.0, 0.0, 1.0])
    z = tf.constant([100.0, -100.0, 100.0, -100.0, 1000.0, -1000.0])
    with tf.GradientTape() as tape:
        tape.watch(z)
        each = losses.per_example("cross_entropy", "classification", labels, z)
    grad = tape.gradient(each, z).numpy()
    each = each.numpy()
    assert np.isfinite(each).all() and np.isfinite(grad).all()
    # wrong sign: log(1 + e^|z|) = |z| to float precision; right sign: ~e^-|z|
    np.testing.assert_allclose(each[[0, 1, 4, 5]], [100.0, 100.0, 1000.0, 1000.0])
    assert 0.0 <= each[2] < 1e-40 and 0.0 <= each[3] < 1e-40
    # d/dz = sigmoid(z) - y
    np.testing.assert_allclose(grad, [1.0, -1.0, 0.0, 0.0, 1.0, -1.0], atol=1e-30)


def test_mean_loss_is_stable_through_the_weights():
    # x of order 100 and w of order 10: logits near ±1000 on every example
    x = np.array([[100.0, 1.0], [-100.0, 1.0]], np.float32)
    got = losses.mean_loss(
        "cross_entropy",
        "classification",
        tf.constant([0.0, 1.0]),
        tf.constant(x),
        tf.constant([10.0, 0.0]),
        tf.ones(2),
    ).numpy()
    np.testing.assert_allclose(got, 1000.0)


@pytest.mark.parametrize("w", [(0.3, -0.7), (2.0, 1.5)])
def test_classification_predicts_the_sigmoid(w):
    w = np.array(w, np.float32)
    p = sigmoid(X.astype(np.float64) @ w)
    mse = float(mean_loss("mse", "classification", Y, w))
    mae = float(mean_loss("mae", "classification", Y, w))
    np.testing.assert_allclose(mse, ((p - Y) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(mae, np.abs(p - Y).mean(), rtol=1e-5)
    # both bounded by 1, as errors of probabilities are
    assert mse < 1.0 and mae < 1.0


@pytest.mark.parametrize("w", [(0.3, -0.7), (2.0, 1.5)])
def test_regression_predicts_the_logit(w):
    w = np.array(w, np.float32)
    z = X.astype(np.float64) @ w
    mse = float(mean_loss("mse", "regression", Y_REGRESSION, w))
    mae = float(mean_loss("mae", "regression", Y_REGRESSION, w))
    np.testing.assert_allclose(mse, ((z - Y_REGRESSION) ** 2).mean(), rtol=1e-5)
    np.testing.assert_allclose(mae, np.abs(z - Y_REGRESSION).mean(), rtol=1e-5)


def test_one_prediction_by_hand():
    # z = 5, y = 1: classification predicts sigmoid(5) = 0.9933071491, so
    # mse = (1 - 0.9933071491)^2 = 4.47942e-5; regression predicts 5, so mse = 16.
    labels, z = tf.constant([1.0]), tf.constant([5.0])
    classification = losses.per_example("mse", "classification", labels, z)
    regression = losses.per_example("mse", "regression", labels, z)
    np.testing.assert_allclose(classification.numpy(), [4.47942e-5], rtol=1e-4)
    np.testing.assert_allclose(regression.numpy(), [16.0])
    absolute = losses.per_example("mae", "regression", labels, tf.constant([-2.5]))
    np.testing.assert_allclose(absolute.numpy(), [3.5])


def test_per_example_broadcasts_labels_over_a_grid():
    z = tf.constant(RNG.normal(size=(3, 4, 25)).astype(np.float32))
    for loss in losses.LOSSES:
        each = losses.per_example(loss, "classification", tf.constant(Y), z).numpy()
        assert each.shape == (3, 4, 25)
        one = losses.per_example(loss, "classification", tf.constant(Y), z[2, 1])
        np.testing.assert_allclose(each[2, 1], one.numpy(), rtol=1e-6)


def test_check_loss():
    for loss in ("mse", "mae"):
        losses.check_loss(loss, "classification")
        losses.check_loss(loss, "regression")
    losses.check_loss("cross_entropy", "classification")
    with pytest.raises(ValueError, match="use mse or mae for regression data"):
        losses.check_loss("cross_entropy", "regression")
    with pytest.raises(
        ValueError, match="unknown loss 'hinge'; choose one of cross_entropy, mae, mse"
    ):
        losses.check_loss("hinge", "classification")
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        losses.per_example("l1", "regression", tf.constant([1.0]), tf.constant([1.0]))
