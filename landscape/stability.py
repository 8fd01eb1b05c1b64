"""Stability limits of the learning rate from the Hessian's eigenvalues."""

from __future__ import annotations

import numpy as np

GRADIENT_DESCENT = ("sgd", "tf1_gradient_descent")
MOMENTUM = ("momentum", "nesterov")
# Optimizers whose step is lr * m_hat / diag(P), with P from the recorded state.
ADAM_FAMILY = ("adam", "adamw", "nadam", "adamax", "tf1_adam")

ADAPTIVE_REASON = (
    "adaptive: its step is scaled per weight by its own history, so no single "
    "learning rate limit follows from the Hessian; see the preconditioned sharpness"
)
SIGN_REASON = (
    "lion steps by the sign of its momentum: every step has size lr per weight "
    "whatever the curvature, so near a minimum it oscillates with an amplitude "
    "of about lr instead of diverging"
)
L1_REASON = (
    "L1 (mae) on regression data has zero curvature almost everywhere (the loss "
    "is piecewise linear in the weights), so no 2/lambda_max limit exists; what "
    "limits L1 instead is that its gradient never shrinks near the minimum: the "
    "step stays lr times the gradient's size, and the weights oscillate around "
    "the minimum with an amplitude of about that"
)


def stability(
    optimizer: str,
    params: dict[str, float],
    lam_min: float,
    lam_max: float,
    *,
    loss: str = "",
    task: str = "",
) -> tuple[float | None, float | None, str | None]:
    """The largest stable and the fastest learning rate on the local quadratic.

    On a quadratic with Hessian H, each eigen-direction evolves on its own with
    multiplier 1 - lr * lambda per gradient-descent step, so it is stable iff
    |1 - lr * lambda| < 1 for every eigenvalue: lr < 2 / lambda_max. The
    slowest direction contracts by max(|1 - lr lambda_min|, |1 - lr lambda_max|),
    smallest when the two are equal: lr = 2 / (lambda_min + lambda_max), rate
    (kappa - 1) / (kappa + 1).

    Heavy-ball momentum (Keras SGD): v' = b v - lr g, w' = w + v'. On a 1-D
    quadratic g = lambda w, with a = lr lambda, the step matrix has the
    characteristic polynomial mu^2 - (1 + b - a) mu + b. Both roots lie inside
    the unit circle (Jury: |c0| < 1, 1 + c1 + c0 > 0, 1 - c1 + c0 > 0) iff
    0 < a < 2 + 2b: lr < (2 + 2b) / lambda_max.

    Nesterov (Keras SGD, nesterov=True): v' = b v - lr g, w' = w + b v' - lr g.
    Substituting, w' = (1 - a(1 + b)) w + b^2 v, v' = -a w + b v, whose
    characteristic polynomial is mu^2 - (1 + b)(1 - a) mu + b (1 - a). Jury:
    1 + c1 + c0 = a > 0; 1 - c1 + c0 = 1 + (1 + 2b)(1 - a) > 0 iff
    a < (2 + 2b) / (1 + 2b); |c0| = b |1 - a| < 1 holds then too. So
    lr < (2 + 2b) / ((1 + 2b) lambda_max), smaller than heavy ball's limit.

    Args:
        optimizer: a registry key.
        params: its resolved hyperparameters (momentum is read from here).
        lam_min: the smallest eigenvalue of the Hessian.
        lam_max: the largest.
        loss: the loss key, so that L1 on regression gets its own reason.
        task: the data's task.

    Returns:
        (max_stable_lr, best_lr, reason): a limit is None where none applies,
        and reason then says why; best_lr is given for gradient descent only.
    """
    if optimizer not in GRADIENT_DESCENT + MOMENTUM:
        return None, None, SIGN_REASON if optimizer == "lion" else ADAPTIVE_REASON
    if loss == "mae" and task == "regression":
        return None, None, L1_REASON
    if not lam_max > 0:
        return (
            None,
            None,
            (
                f"lambda_max = {lam_max:.4g} <= 0: the loss is not curved upward in "
                "any direction here, so gradient descent has no stability limit at "
                "this point (it moves away, however small the rate)"
            ),
        )
    if optimizer in GRADIENT_DESCENT:
        best = 2 / (lam_min + lam_max) if lam_min > 0 else None
        return 2 / lam_max, best, None
    b = float(params.get("momentum", 0.0))
    if optimizer == "momentum":
        return (2 + 2 * b) / lam_max, None, None
    return (2 + 2 * b) / ((1 + 2 * b) * lam_max), None, None


def describe(h, optimizer: str, params: dict[str, float], loss: str, task: str) -> dict:
    """The curvature at one point as `python -m landscape curvature` reports it.

    Args:
        h: (2, 2) symmetric Hessian.
        optimizer: a registry key.
        params: its resolved hyperparameters.
        loss: the loss key.
        task: the data's task.

    Returns:
        hessian [[a, b], [b, c]], eigenvalues [lambda_min, lambda_max],
        eigenvectors (the two unit columns, in the eigenvalues' order),
        condition_number (None unless both are > 0), max_stable_lr, best_lr
        and reason (None when a limit is given).
    """
    h = np.asarray(h, np.float64)
    if not np.isfinite(h).all():
        raise ValueError("the Hessian is not finite at this point; choose weights "
                         "nearer 0 or rescale the data")  # fmt: skip
    values, vectors = np.linalg.eigh(h)
    lam_min, lam_max = float(values[0]), float(values[1])
    limit, best, reason = stability(
        optimizer, params, lam_min, lam_max, loss=loss, task=task
    )
    ratio = lam_max / lam_min if lam_min > 0 and lam_max > 0 else None
    return {
        "hessian": h.tolist(),
        "eigenvalues": [lam_min, lam_max],
        "eigenvectors": vectors.T.tolist(),
        "condition_number": ratio,
        "max_stable_lr": limit,
        "best_lr": best,
        "reason": reason,
    }


def edge_of_stability(optimizer: str, params: dict, rates: np.ndarray):
    """The sharpness above which a step at each rate is unstable, per step.

    Gradient descent: 2/lr; heavy-ball momentum: (2 + 2b)/lr; Nesterov:
    (2 + 2b)/((1 + 2b) lr) (see `stability`). The Adam family is compared on
    its preconditioned sharpness, with (2 + 2 beta_1)/((1 - beta_1) lr)
    (Cohen et al. 2022). None for the other optimizers.

    Args:
        optimizer: a registry key; params: its resolved hyperparameters.
        rates: (m,) the learning rate of each step.
    """
    rates = np.asarray(rates, np.float64)
    if optimizer in GRADIENT_DESCENT:
        return 2 / rates
    b = float(params.get("momentum", 0.0))
    if optimizer == "momentum":
        return (2 + 2 * b) / rates
    if optimizer == "nesterov":
        return (2 + 2 * b) / ((1 + 2 * b) * rates)
    if optimizer in ADAM_FAMILY:
        b1 = float(params.get("beta_1", params.get("beta1", 0.9)))
        return (2 + 2 * b1) / ((1 - b1) * rates)
    return None
