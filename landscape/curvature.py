"""The exact full-data Hessian of the loss at many weights, by TensorFlow's tapes."""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from landscape import losses, optimizers
from landscape.data.dataset import Dataset, padded, padded_size
from landscape.stability import ADAM_FAMILY
from landscape.stability import stability as stability  # re-exported

# Rows of weights per compiled call times padded examples: bounds the (rows, n)
# intermediates the tapes keep, so 1,001 rows over 100,000 examples stay small.
CELLS_PER_BLOCK = 1 << 22


def _evaluate(loss: str, task: str):
    """(k, 2) weights -> (k, 2, 2) Hessians, for one loss and task."""

    def evaluate(x, y, mask, w):
        # The loss is mean_i f(z_i) over the real rows, z = x . w, so
        # H = sum_i mask_i f''(z_i) x_i x_i^T / sum(mask): the logits are
        # linear in w and add no curvature of their own. f'' is
        # TensorFlow's own second derivative of losses.per_example,
        # by two nested tapes on z (elementwise, so the gradient of the
        # summed first derivative is each example's second).
        z = losses.logits(x, w)
        with tf.GradientTape() as outer:
            outer.watch(z)
            with tf.GradientTape() as inner:
                inner.watch(z)
                each = losses.per_example(loss, task, y, z)
            first = tf.reduce_sum(inner.gradient(each, z))
        second = outer.gradient(first, z)
        # float32 like the trainer's loss; summed in float64. H is symmetric,
        # so its three entries a, b, c come from one (k, n) x (n, 3) product
        # with the columns x1^2, x1 x2, x2^2 (a third cheaper than the einsum
        # "kn,ni,nj->kij", measured).
        c = tf.cast(second * mask, tf.float64)
        x1, x2 = tf.unstack(tf.cast(x, tf.float64), axis=1)
        total = tf.reduce_sum(tf.cast(mask, tf.float64))
        a, b, c = tf.unstack(
            tf.matmul(c, tf.stack([x1 * x1, x1 * x2, x2 * x2], 1)), axis=1
        )
        return tf.reshape(tf.stack([a, b, b, c], axis=1), (-1, 2, 2)) / total

    return evaluate


_compiled = losses.compiled_per_loss(_evaluate)
_concrete: dict[tuple, object] = {}


def _function(loss: str, task: str, rows: int, n: int):
    """The compiled function's concrete form for these shapes.

    Calling a tf.function matches its arguments against every signature on
    each call: 0.25 ms, a fifth of the curvature of a 1,000-step run
    (measured); the concrete function skips that. At most a few row blocks
    times the ~50 padded sample counts, so the dict stays small.
    """
    key = (loss, task, rows, n)
    if key not in _concrete:  # a race only builds the same function twice
        spec = [tf.TensorSpec((n, 2)), tf.TensorSpec((n,)), tf.TensorSpec((n,))]
        _concrete[key] = _compiled(loss, task).get_concrete_function(
            *spec, tf.TensorSpec((rows, 2))
        )
    return _concrete[key]


def hessians(data: Dataset, loss: str, weights: np.ndarray) -> np.ndarray:
    """The Hessian of the full-data loss (losses.mean_loss) at each row of weights.

    The loss is the trainer's and the surface's own float32 function; its
    second derivative comes from nested GradientTapes under XLA (never finite
    differences), and the mean over examples is taken in float64.

    Args:
        data: the data.
        loss: a key of losses.LOSSES.
        weights: (k, 2) weights, rounded to float32 as the trainer holds them.

    Returns:
        (k, 2, 2) float64 symmetric Hessians.
    """
    losses.check_loss(loss, data.task)
    w = np.asarray(weights, np.float32).reshape(-1, 2)
    k = len(w)
    if k == 0:
        return np.zeros((0, 2, 2))
    x, y, mask = (tf.constant(a) for a in padded(data))
    # Blocks of a padded row count, so a few compiled shapes serve every k.
    rows = min(padded_size(k), max(16, CELLS_PER_BLOCK // int(y.shape[0])))
    n_blocks = -(-k // rows)
    w = np.concatenate([w, np.zeros((rows * n_blocks - k, 2), np.float32)])
    fn = _function(loss, data.task, rows, int(y.shape[0]))
    blocks = [
        fn(x, y, mask, tf.constant(w[i : i + rows])).numpy()
        for i in range(0, len(w), rows)
    ]
    return np.concatenate(blocks)[:k]


def hessian(data: Dataset, loss: str, w) -> np.ndarray:
    """The (2, 2) float64 Hessian at one weight vector w (2,)."""
    return hessians(data, loss, np.asarray(w, np.float64).reshape(1, 2))[0]


def eigen(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues ascending (..., 2) and eigenvectors as columns (..., 2, 2)."""
    return np.linalg.eigh(np.asarray(h, np.float64))


def extremes(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lambda_min, lambda_max), each (...), of symmetric (..., 2, 2) matrices."""
    h = np.asarray(h, np.float64)
    a, b, c = h[..., 0, 0], h[..., 0, 1], h[..., 1, 1]
    # [[a, b], [b, c]]: (a + c)/2 -/+ sqrt(((a - c)/2)^2 + b^2), hypot avoiding
    # overflow; 10x faster than eigvalsh over a run's rows.
    mid, radius = (a + c) / 2, np.hypot((a - c) / 2, b)
    return mid - radius, mid + radius


def preconditioner(
    optimizer: str, hypers: dict[str, float], state: dict, steps: int
) -> np.ndarray:
    """The diagonal P of the Adam family's step at rows 1..steps, (steps, 2).

    Each of these optimizers steps by w -= lr * m_hat / P, with
    m_hat = m / (1 - beta_1^t) the bias-corrected mean after t steps; P is what
    the step divides by, exactly as TensorFlow computes it:
    - adam, adamw, tf1_adam: TensorFlow folds both corrections into the rate,
      lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + eps), so
      P = (sqrt(v) + eps) / sqrt(1 - beta_2^t) = sqrt(v_hat) + eps / sqrt(1 - beta_2^t);
    - nadam: P = sqrt(v_hat) + eps, v_hat = v / (1 - beta_2^t);
    - adamax: P = u + eps (u, the infinity norm, needs no correction).
    AdamW's decoupled decay adds lr * weight_decay to the step's curvature and
    is left out, as in Cohen et al. (2022).

    Args:
        optimizer: a key of ADAM_FAMILY.
        hypers: its resolved hyperparameters.
        state: Trajectory.state, name -> (steps, 2).
        steps: the number of steps recorded.

    Returns:
        (steps, 2) float64; row t-1 is P after step t.
    """
    t = np.arange(1, steps + 1, dtype=np.float64)[:, None]
    eps = hypers["epsilon"]
    if optimizer == "adamax":
        return np.asarray(state["u"], np.float64)[:steps] + eps
    beta_2 = hypers["beta2" if optimizer == "tf1_adam" else "beta_2"]
    v = np.asarray(state["v"], np.float64)[:steps]
    correction = np.sqrt(1 - beta_2**t)
    if optimizer == "nadam":
        return np.sqrt(v) / correction + eps
    return (np.sqrt(v) + eps) / correction


def preconditioned_sharpness(p: np.ndarray, h: np.ndarray) -> np.ndarray:
    """lambda_max of P^-1 H per row, for diagonal P (k, 2) and Hessians (k, 2, 2).

    P^-1 H is similar to the symmetric P^-1/2 H P^-1/2, so its eigenvalues are
    real: those of that symmetric matrix.
    """
    d = 1 / np.sqrt(np.asarray(p, np.float64))
    return extremes(d[:, :, None] * h * d[:, None, :])[1]


def sharpness_along(data: Dataset, loss: str, cfg_optimizer: str, hypers, traj):
    """Sharpness along a run: computed after it, for all rows in one batched call.

    Args:
        data: the run's data.
        loss: its loss.
        cfg_optimizer: its optimizer key.
        hypers: its resolved hyperparameters.
        traj: its Trajectory, weights (m+1, 2).

    Returns:
        dict with "sharpness" and "sharpness_min" (m+1,) float64, and for
        ADAM_FAMILY "preconditioned_sharpness" (m+1,) with row 0 NaN: before
        the first step the optimizer has no state, so there is no P yet.
    """
    h = hessians(data, loss, traj.weights)
    lam_min, lam_max = extremes(h)
    out = {"sharpness": lam_max, "sharpness_min": lam_min}
    if cfg_optimizer in ADAM_FAMILY:
        steps = len(traj.weights) - 1
        p = preconditioner(cfg_optimizer, hypers, traj.state, steps)
        out["preconditioned_sharpness"] = np.concatenate(
            [[np.nan], preconditioned_sharpness(p, h[1:])]
        )
    return out


def record(data: Dataset, cfg, traj):
    """The run's Trajectory with its curvature filled in (see Trajectory).

    Args:
        data: the run's data.
        cfg: its trainer.RunConfig (loss, optimizer, params).
        traj: its Trajectory; returned as is if it already holds the curvature.
    """
    if traj.sharpness is not None:
        return traj
    hypers = optimizers.get(cfg.optimizer).resolve(cfg.param_dict)
    return dataclasses.replace(
        traj, **sharpness_along(data, cfg.loss, cfg.optimizer, hypers, traj)
    )


def limits_at(data: Dataset, loss: str, optimizer: str, params, point, where: str):
    """The rate limits of the local quadratic at a point, for the app's hints.

    Returns a dict: max_stable_lr, best_lr and reason as `stability` gives them,
    the eigenvalues [lambda_min, lambda_max], and where ("the minimum" or "the
    start").
    """
    resolved = optimizers.get(optimizer).resolve(dict(params))
    values = np.linalg.eigvalsh(hessian(data, loss, np.asarray(point)))
    limit, best, reason = stability(
        optimizer, resolved, float(values[0]), float(values[1]),
        loss=loss, task=data.task,
    )  # fmt: skip
    return {"max_stable_lr": limit, "best_lr": best, "reason": reason,
            "eigenvalues": [float(v) for v in values], "where": where}  # fmt: skip
