"""Tests for landscape.curvature and landscape.stability against NumPy and TF itself.

The oracles share no code with the engine: float64 NumPy closed forms and finite
differences for the Hessians, NumPy's eigvalsh for the limits, and TensorFlow's
own optimizers crossing (or not) the limits they predict.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from landscape import cli, curvature, optimizers, stability, trainer
from landscape.config import RunConfig, make_params
from landscape.data.presets import make_dataset
from tests.test_cli import assert_one_line_error, run_json

ROOT = Path(__file__).parents[1]


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def numpy_hessian_cross_entropy(x, w) -> np.ndarray:
    """X^T S X / n with S = diag(p (1 - p)), p = sigmoid(X w), per row of w (k, 2)."""
    x = np.asarray(x, np.float64)
    p = sigmoid(np.asarray(w, np.float64) @ x.T)
    return np.einsum("kn,ni,nj->kij", p * (1 - p), x, x) / len(x)


def numpy_gradient_mse_sigmoid(x, y, w) -> np.ndarray:
    """Gradient of mean (sigmoid(x w) - y)^2: mean 2 (p - y) p (1 - p) x."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    p = sigmoid(x @ np.asarray(w, np.float64))
    return (2 * (p - y) * p * (1 - p)) @ x / len(x)


def numpy_lam_max(h) -> float:
    return float(np.linalg.eigvalsh(np.asarray(h, np.float64))[-1])


# --- Hessians against closed forms --------------------------------------------


@pytest.mark.parametrize("samples", [37, 200])  # 37: padded rows must not count
def test_cross_entropy_hessian_is_xt_s_x_over_n(samples):
    data = make_dataset("blobs", samples, seed=1)
    w = np.array([[-2.0, 2.0], [0.0, 0.0], [1.5, -0.7], [4.0, 3.0]])
    h = curvature.hessians(data, "cross_entropy", w)
    assert h.shape == (4, 2, 2) and h.dtype == np.float64
    np.testing.assert_allclose(
        h, numpy_hessian_cross_entropy(data.x, w), rtol=1e-5, atol=1e-9
    )


def test_mse_hessian_is_2_xt_x_over_n_everywhere():
    data = make_dataset("line", 150, seed=2)
    x = data.x.astype(np.float64)
    expected = 2 * x.T @ x / len(x)
    w = np.array([[-2.0, 2.0], [3.0, -1.0]])
    h = curvature.hessians(data, "mse", w)
    np.testing.assert_allclose(h, [expected, expected], rtol=1e-5)


def test_mse_on_sigmoid_hessian_matches_central_differences_of_numpy_gradient():
    # On classification data the app's mse is on sigmoid outputs: not quadratic,
    # and its Hessian can have a negative eigenvalue.
    data = make_dataset("blobs", 120, seed=3)
    step = 1e-5
    for w in ([0.3, -0.4], [-2.0, 2.0], [1.0, 1.0]):
        fd = np.column_stack(
            [
                (
                    numpy_gradient_mse_sigmoid(data.x, data.y, np.add(w, step * e))
                    - numpy_gradient_mse_sigmoid(
                        data.x, data.y, np.subtract(w, step * e)
                    )
                )
                / (2 * step)
                for e in np.eye(2)
            ]
        )
        h = curvature.hessian(data, "mse", w)
        np.testing.assert_allclose(h, (fd + fd.T) / 2, rtol=1e-5, atol=1e-8)


def test_many_rows_in_blocks_equal_one_row_at_a_time():
    data = make_dataset("blobs", 2000, seed=0)
    w = np.random.default_rng(0).normal(size=(3000, 2))
    h = curvature.hessians(data, "cross_entropy", w)
    np.testing.assert_allclose(
        h, numpy_hessian_cross_entropy(data.x, w), rtol=1e-5, atol=1e-9
    )
    np.testing.assert_allclose(
        curvature.hessian(data, "cross_entropy", w[2999]), h[2999], rtol=1e-12
    )


def test_l1_on_regression_has_zero_curvature_and_says_what_limits_it():
    data = make_dataset("line", 100, seed=0)
    h = curvature.hessian(data, "mae", [0.5, 0.5])
    assert np.all(h == 0)
    limit, best, reason = stability.stability(
        "sgd", {}, 0.0, 0.0, loss="mae", task="regression"
    )
    assert limit is None and best is None
    assert "zero curvature" in reason and "oscillate" in reason


# --- the limits, crossed by TensorFlow's own optimizers ------------------------

LIMIT_CASES = [
    ("sgd", {}, lambda lam, b: 2 / lam),
    ("tf1_gradient_descent", {}, lambda lam, b: 2 / lam),
    ("momentum", {"momentum": 0.9}, lambda lam, b: (2 + 2 * b) / lam),
    ("nesterov", {"momentum": 0.9}, lambda lam, b: (2 + 2 * b) / ((1 + 2 * b) * lam)),
]


@pytest.fixture(scope="module")
def quadratic():
    """MSE regression (one feature plus bias) and NumPy's lambda_max of 2 X^T X / n."""
    data = make_dataset("line", 160, seed=0)
    x = data.x.astype(np.float64)
    return data, np.linalg.eigvalsh(2 * x.T @ x / len(x))


@pytest.mark.parametrize("key, params, formula", LIMIT_CASES)
def test_tensorflow_converges_below_the_limit_and_diverges_above(
    quadratic, key, params, formula
):
    data, (lam_min, lam_max) = quadratic
    limit = formula(lam_max, params.get("momentum", 0.0))
    predicted, best, reason = stability.stability(
        key, optimizers.get(key).resolve(params), lam_min, lam_max
    )
    assert reason is None and predicted == pytest.approx(limit, rel=1e-12)
    assert (best is not None) == (key in stability.GRADIENT_DESCENT)
    # And the engine's own Hessian gives the same limit.
    h = curvature.hessian(data, "mse", [0.0, 0.0])
    engine_limit = stability.stability(key, params, *curvature.extremes(h))[0]
    assert engine_limit == pytest.approx(limit, rel=1e-5)

    def run(factor: float):
        cfg = RunConfig(
            loss="mse",
            optimizer=key,
            learning_rate=factor * limit,
            steps=3000,
            params=make_params(params),
        )
        return trainer.run(data, cfg)

    below, above = run(0.97), run(1.03)
    assert below.diverged_at is None
    assert np.isfinite(below.losses).all()
    assert below.losses[-1] < below.losses[0]
    assert below.losses[-1] <= below.losses[-100:].min() + 1e-5  # not growing
    assert above.diverged_at is not None or above.losses[-1] > 1e6 * above.losses[0]


def test_best_rate_is_two_over_the_eigenvalue_sum(quadratic):
    _, (lam_min, lam_max) = quadratic
    _, best, _ = stability.stability("sgd", {}, lam_min, lam_max)
    assert best == pytest.approx(2 / (lam_min + lam_max))
    # The rate there: both extreme directions contract by (kappa-1)/(kappa+1).
    kappa = lam_max / lam_min
    for lam in (lam_min, lam_max):
        assert abs(1 - best * lam) == pytest.approx((kappa - 1) / (kappa + 1))


@pytest.mark.parametrize("key", ["adam", "rmsprop", "adagrad", "ftrl", "tf1_adam"])
def test_adaptive_optimizers_have_no_limit_but_a_reason(key):
    limit, best, reason = stability.stability(key, {}, 0.1, 1.0)
    assert limit is None and best is None and reason.startswith("adaptive")


def test_no_upward_curvature_has_no_limit():
    limit, _, reason = stability.stability("sgd", {}, -1.0, -0.5)
    assert limit is None and "<= 0" in reason


# --- sharpness along a run ----------------------------------------------------


@pytest.mark.parametrize("key", ["adam", "tf1_adam", "adamax", "nadam", "adamw"])
def test_sharpness_along_an_adam_path_matches_numpy(key):
    data = make_dataset("blobs", 200, seed=0)
    params = {"weight_decay": 0.0} if key == "adamw" else {}
    cfg = RunConfig(
        optimizer=key, learning_rate=0.1, steps=60, params=make_params(params)
    )
    traj = trainer.run(data, cfg)
    hypers = optimizers.get(key).resolve(params)
    out = curvature.sharpness_along(data, cfg.loss, key, hypers, traj)
    h = numpy_hessian_cross_entropy(data.x, traj.weights)
    values = np.linalg.eigvalsh(h)
    np.testing.assert_allclose(out["sharpness"], values[:, 1], rtol=1e-5)
    np.testing.assert_allclose(out["sharpness_min"], values[:, 0], rtol=1e-4)
    pre = out["preconditioned_sharpness"]
    assert pre.shape == (61,) and np.isnan(pre[0]) and np.isfinite(pre[1:]).all()
    if key == "nadam":
        return  # its step mixes m and g, so P cannot be read off the step
    # Oracle for P: TF's own step is w_t - w_{t-1} = -lr * m_hat_t / P_t, so
    # P_t = -lr * m_hat_t / step_t; then lambda_max of P^-1 H by NumPy's eig.
    t = np.arange(1, 61)[:, None]
    beta_1 = hypers["beta1" if key == "tf1_adam" else "beta_1"]
    m_hat = traj.state["m"].astype(np.float64) / (1 - beta_1**t)
    p = -0.1 * m_hat / np.diff(traj.weights.astype(np.float64), axis=0)
    oracle = [
        np.linalg.eigvals(np.diag(1 / pi) @ hi).real.max() for pi, hi in zip(p, h[1:])
    ]
    np.testing.assert_allclose(pre[1:], oracle, rtol=2e-3)


def test_plain_optimizers_have_no_preconditioned_sharpness():
    data = make_dataset("blobs", 50, seed=0)
    traj = trainer.run(data, RunConfig(steps=5))
    out = curvature.sharpness_along(data, "cross_entropy", "sgd", {}, traj)
    assert set(out) == {"sharpness", "sharpness_min"}
    assert out["sharpness"].shape == (6,)


# --- the command line ---------------------------------------------------------


def test_curvature_json_matches_numpy(capsys):
    out = run_json(
        [
            "curvature",
            "--dataset",
            "blobs",
            "--samples",
            "90",
            "--loss",
            "cross_entropy",
            "--at",
            "0.7",
            "-1.2",
            "--json",
        ],
        capsys,
    )
    data = make_dataset("blobs", 90, seed=0)
    h = numpy_hessian_cross_entropy(data.x, [[0.7, -1.2]])[0]
    values, vectors = np.linalg.eigh(h)
    np.testing.assert_allclose(out["hessian"], h, rtol=1e-5)
    np.testing.assert_allclose(out["eigenvalues"], values, rtol=1e-5)
    for got, want in zip(out["eigenvectors"], vectors.T):
        assert abs(np.dot(got, want)) == pytest.approx(1.0)  # same axis, any sign
    assert out["condition_number"] == pytest.approx(values[1] / values[0])
    assert out["max_stable_lr"] == pytest.approx(2 / values[1])
    assert out["best_lr"] == pytest.approx(2 / values.sum())
    assert out["reason"] is None
    assert out["settings"]["at"] == [0.7, -1.2]
    assert out["settings"]["optimizer"] == "sgd"


def test_curvature_json_for_momentum_and_adam(capsys):
    base = ["curvature", "--dataset", "line", "--loss", "mse", "--at", "1", "1"]
    x = make_dataset("line", 200, seed=0).x.astype(np.float64)
    lam = numpy_lam_max(2 * x.T @ x / len(x))
    mom = run_json(
        base + ["--optimizer", "momentum", "--param", "momentum=0.5", "--json"], capsys
    )
    assert mom["max_stable_lr"] == pytest.approx(3 / lam)
    assert mom["best_lr"] is None
    adam = run_json(base + ["--optimizer", "adam", "--json"], capsys)
    assert adam["max_stable_lr"] is None and adam["reason"].startswith("adaptive")


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["--at", "nan", "1"], "not finite"),
        (["--at", "1"], "--at"),
        (["--at", "1", "1", "--optimizer", "nope"], "unknown optimizer"),
        (
            ["--at", "1", "1", "--optimizer", "momentum", "--param", "momentum=2"],
            "out of range",
        ),
        (["--dataset", "line", "--at", "1", "1"], "cross_entropy needs labels"),
        ([], "--at"),
    ],
)
def test_curvature_bad_input_is_one_line_and_status_2(argv, fragment, capsys):
    status = cli.main(["curvature", *argv, "--json"])
    captured = capsys.readouterr()
    assert_one_line_error(status, captured.out, captured.err, fragment)


def test_train_json_has_sharpness_per_row(capsys):
    out = run_json(
        ["train", "--optimizer", "adam", "--lr", "0.1", "--steps", "4", "--json"],
        capsys,
    )
    data = make_dataset("blobs", 200, seed=0)
    values = np.linalg.eigvalsh(numpy_hessian_cross_entropy(data.x, out["weights"]))
    np.testing.assert_allclose(out["sharpness"], values[:, 1], rtol=1e-5)
    np.testing.assert_allclose(out["sharpness_min"], values[:, 0], rtol=1e-4)
    pre = out["preconditioned_sharpness"]
    assert len(pre) == 5 and pre[0] is None and all(v > 0 for v in pre[1:])
    sgd = run_json(["train", "--steps", "3", "--json"], capsys)
    assert len(sgd["sharpness"]) == 4 and "preconditioned_sharpness" not in sgd


def test_subprocess_curvature_json_and_bad_input():
    def run(*argv):
        return subprocess.run(
            [sys.executable, "-m", "landscape", "curvature", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )

    good = run("--dataset", "line", "--loss", "mse", "--at", "0", "0", "--json")
    assert good.returncode == 0, good.stderr
    out = json.loads(good.stdout)
    assert set(out) >= {
        "hessian",
        "eigenvalues",
        "eigenvectors",
        "condition_number",
        "max_stable_lr",
        "best_lr",
        "reason",
        "settings",
    }
    bad = run("--at", "1", "x")
    assert_one_line_error(bad.returncode, bad.stdout, bad.stderr, "--at")


def test_hessian_equals_tensorflows_batch_jacobian_of_mean_loss():
    # The whole loss differentiated twice in w by TF in float64, with the
    # padding mask: the engine's chain rule through the logits must agree.
    import tensorflow as tf

    from landscape import losses
    from landscape.data.dataset import padded

    for name, loss in (
        ("blobs", "cross_entropy"),
        ("blobs", "mse"),
        ("line", "mae"),
        ("line", "mse"),
        ("xor", "mae"),
    ):
        data = make_dataset(name, 45, seed=4)
        x, y, mask = (tf.constant(a.astype(np.float64)) for a in padded(data))
        w = tf.constant(np.random.default_rng(1).normal(size=(5, 2)))
        with tf.GradientTape() as outer:
            outer.watch(w)
            with tf.GradientTape() as inner:
                inner.watch(w)
                total = tf.reduce_sum(losses.mean_loss(loss, data.task, y, x, w, mask))
            g = inner.gradient(total, w)
        want = outer.batch_jacobian(g, w).numpy()
        got = curvature.hessians(data, loss, w.numpy())
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-8, err_msg=name + loss)
