"""One optimizer step explained: the update rule, then the same rule with its numbers.

The numbers are recomputed here in float64 from the recorded gradient, learning
rate and state before the step, following each optimizer's published rule, so a
student can check the arithmetic and a test can check that it lands on the
recorded next weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape import optimizers
from landscape.trajectory import Trajectory

# The rules as TensorFlow implements them (Keras 3 and tf.compat.v1), in LaTeX.
RULES: dict[str, list[str]] = {
    "sgd": [r"w \leftarrow w - \eta\, g"],
    "tf1_gradient_descent": [r"w \leftarrow w - \eta\, g"],
    "momentum": [r"v \leftarrow \mu v - \eta\, g", r"w \leftarrow w + v"],
    "nesterov": [
        r"v \leftarrow \mu v - \eta\, g",
        r"w \leftarrow w + \mu v - \eta\, g",
    ],
    "adagrad": [
        r"a \leftarrow a + g^2",
        r"w \leftarrow w - \frac{\eta\, g}{\sqrt{a + \epsilon}}",
    ],
    "rmsprop": [
        r"s \leftarrow \rho s + (1-\rho) g^2",
        r"m \leftarrow \mu m + \frac{\eta\, g}{\sqrt{s + \epsilon}}",
        r"w \leftarrow w - m",
    ],
    "adadelta": [
        r"A_g \leftarrow \rho A_g + (1-\rho) g^2",
        r"\Delta = -\frac{\sqrt{A_\Delta + \epsilon}}{\sqrt{A_g + \epsilon}}\, g",
        r"A_\Delta \leftarrow \rho A_\Delta + (1-\rho)\Delta^2",
        r"w \leftarrow w + \eta\, \Delta",
    ],
    "adam": [
        r"m \leftarrow \beta_1 m + (1-\beta_1) g",
        r"v \leftarrow \beta_2 v + (1-\beta_2) g^2",
        r"\hat m = \frac{m}{1-\beta_1^t},\quad \hat v = \frac{v}{1-\beta_2^t}",
        r"w \leftarrow w - \frac{\eta \sqrt{1-\beta_2^t}}{1-\beta_1^t}"
        r"\cdot\frac{m}{\sqrt{v} + \epsilon}",
    ],
    "adamw": [
        r"w \leftarrow w - \eta \lambda w \quad\text{(decoupled weight decay)}",
        r"m \leftarrow \beta_1 m + (1-\beta_1) g",
        r"v \leftarrow \beta_2 v + (1-\beta_2) g^2",
        r"w \leftarrow w - \frac{\eta \sqrt{1-\beta_2^t}}{1-\beta_1^t}"
        r"\cdot\frac{m}{\sqrt{v} + \epsilon}",
    ],
    "tf1_adam": [
        r"\eta_t = \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}",
        r"m \leftarrow \beta_1 m + (1-\beta_1) g",
        r"v \leftarrow \beta_2 v + (1-\beta_2) g^2",
        r"w \leftarrow w - \eta_t \frac{m}{\sqrt{v} + \epsilon}",
    ],
    "adamax": [
        r"m \leftarrow \beta_1 m + (1-\beta_1) g",
        r"u \leftarrow \max(\beta_2 u, |g|)",
        r"w \leftarrow w - \frac{\eta\, m}{(1-\beta_1^t)(u + \epsilon)}",
    ],
    "nadam": [
        r"\mu_t = \beta_1 (1 - \tfrac12 0.96^{t}),\quad"
        r"\Pi_t = \Pi_{t-1}\mu_t",
        r"m \leftarrow \beta_1 m + (1-\beta_1) g,\quad"
        r"v \leftarrow \beta_2 v + (1-\beta_2) g^2",
        r"\hat m = \frac{\mu_{t+1} m}{1-\Pi_t \mu_{t+1}} + "
        r"\frac{(1-\mu_t) g}{1-\Pi_t},\quad \hat v = \frac{v}{1-\beta_2^t}",
        r"w \leftarrow w - \frac{\eta\, \hat m}{\sqrt{\hat v} + \epsilon}",
    ],
    "lion": [
        r"c = \beta_1 m + (1-\beta_1) g",
        r"w \leftarrow w - \eta\, \mathrm{sign}(c)",
        r"m \leftarrow \beta_2 m + (1-\beta_2) g",
    ],
    "ftrl": [
        r"n' = n + g^2,\quad \sigma = \frac{n'^{-p} - n^{-p}}{\eta}",
        r"z \leftarrow z + g + 2\lambda_s w - \sigma w",
        r"w \leftarrow \frac{\mathrm{clip}(z, \pm\lambda_1) - z}"
        r"{n'^{-p}/\eta + 2(\lambda_2 + \beta/2\eta)},\quad n \leftarrow n'",
    ],
}


@dataclass(frozen=True)
class StepExplanation:
    """Step k (1-based) of a run: from weights[k-1] to weights[k]."""

    step: int
    rule: list[str]
    filled: list[str]
    numbers: dict[str, np.ndarray]  # every quantity in the filled rule
    predicted: np.ndarray  # (2,) float64 weights after the step, from the numbers


def vec(a) -> str:
    """A 2-vector (or a scalar) as LaTeX numbers."""
    a = np.atleast_1d(np.asarray(a, np.float64))
    return (
        r"\left(" + r",\ ".join(f"{v:.6g}" for v in a) + r"\right)"
        if a.size > 1
        else f"{a[0]:.6g}"
    )


def _before(spec, traj: Trajectory, k: int, hypers: dict) -> dict[str, np.ndarray]:
    """The optimizer's state before step k: after step k-1, or its start value."""
    out = {}
    for slot in spec.slots:
        if k >= 2:
            out[slot] = traj.state[slot][k - 2].astype(np.float64)
        else:
            init = spec.slot_init.get(slot, 0.0)
            value = hypers[init] if isinstance(init, str) else init
            shape = traj.state[slot].shape[1:]
            out[slot] = np.full(shape, value, np.float64)
    return out


def explain(key: str, traj: Trajectory, k: int, params: dict | None = None):
    """The update rule of step k, filled with its numbers.

    Args:
        key: the optimizer's registry key.
        traj: the run.
        k: a step from 1 to len(traj.gradients).
        params: the run's hyperparameters (defaults for the missing ones).

    Returns:
        StepExplanation whose `predicted` should equal traj.weights[k].
    """
    if not 1 <= k <= len(traj.gradients):
        raise ValueError(
            f"step {k} is out of range; this run has steps 1 to {len(traj.gradients)}"
        )
    spec = optimizers.get(key)
    h = spec.resolve(params)
    n = {
        "w": traj.weights[k - 1].astype(np.float64),
        "g": traj.gradients[k - 1].astype(np.float64),
        "eta": np.float64(traj.learning_rates[k - 1]),
        "t": np.float64(k),
    }
    n |= _before(spec, traj, k, h)
    filled = _STEPS[key](n, h)
    return StepExplanation(k, RULES[key], filled, n, n["w_new"])


def _sgd(n, h):
    n["w_new"] = n["w"] - n["eta"] * n["g"]
    return [
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot{vec(n['g'])}"
        rf" = {vec(n['w_new'])}"
    ]


def _momentum(n, h, nesterov=False):
    mu, v = h["momentum"], n["velocity"]
    n["velocity_new"] = mu * v - n["eta"] * n["g"]
    step = mu * n["velocity_new"] - n["eta"] * n["g"] if nesterov else n["velocity_new"]
    n["w_new"] = n["w"] + step
    return [
        rf"v \leftarrow {mu:g}\cdot{vec(v)} - {vec(n['eta'])}\cdot{vec(n['g'])}"
        rf" = {vec(n['velocity_new'])}",
        rf"w \leftarrow {vec(n['w'])} + {vec(step)} = {vec(n['w_new'])}",
    ]


def _adagrad(n, h):
    a = n["accumulator"] + n["g"] ** 2
    n["accumulator_new"] = a
    n["w_new"] = n["w"] - n["eta"] * n["g"] / np.sqrt(a + h["epsilon"])
    return [
        rf"a \leftarrow {vec(n['accumulator'])} + {vec(n['g'])}^2 = {vec(a)}",
        rf"w \leftarrow {vec(n['w'])} - \frac{{{vec(n['eta'])}\cdot{vec(n['g'])}}}"
        rf"{{\sqrt{{{vec(a)} + {h['epsilon']:g}}}}} = {vec(n['w_new'])}",
    ]


def _rmsprop(n, h):
    rho, mu = h["rho"], h["momentum"]
    s = rho * n["velocity"] + (1 - rho) * n["g"] ** 2
    m = mu * n["momentum"] + n["eta"] * n["g"] / np.sqrt(s + h["epsilon"])
    n |= {"velocity_new": s, "momentum_new": m, "w_new": n["w"] - m}
    return [
        rf"s \leftarrow {rho:g}\cdot{vec(n['velocity'])} + {1 - rho:g}\cdot"
        rf"{vec(n['g'])}^2 = {vec(s)}",
        rf"m \leftarrow {mu:g}\cdot{vec(n['momentum'])} + \frac{{{vec(n['eta'])}"
        rf"\cdot{vec(n['g'])}}}{{\sqrt{{{vec(s)} + {h['epsilon']:g}}}}} = {vec(m)}",
        rf"w \leftarrow {vec(n['w'])} - {vec(m)} = {vec(n['w_new'])}",
    ]


def _adadelta(n, h):
    rho, eps = h["rho"], h["epsilon"]
    ag = rho * n["accumulated_grad"] + (1 - rho) * n["g"] ** 2
    delta = -np.sqrt(n["accumulated_delta"] + eps) / np.sqrt(ag + eps) * n["g"]
    ad = rho * n["accumulated_delta"] + (1 - rho) * delta**2
    n |= {"delta": delta, "w_new": n["w"] + n["eta"] * delta}
    return [
        rf"A_g \leftarrow {vec(ag)}",
        rf"\Delta = {vec(delta)}",
        rf"A_\Delta \leftarrow {vec(ad)}",
        rf"w \leftarrow {vec(n['w'])} + {vec(n['eta'])}\cdot{vec(delta)}"
        rf" = {vec(n['w_new'])}",
    ]


def _adam_core(n, h, b1, b2, eps, tf1=False):
    t, g = n["t"], n["g"]
    m = n["m"] + (1 - b1) * (g - n["m"])
    v = n["v"] + (1 - b2) * (g * g - n["v"])
    rate = n["eta"] * np.sqrt(1 - b2**t) / (1 - b1**t)
    n |= {
        "m_new": m,
        "v_new": v,
        "m_hat": m / (1 - b1**t),
        "v_hat": v / (1 - b2**t),
        "eta_t": rate,
        "w_new": n["w"] - rate * m / (np.sqrt(v) + eps),
    }
    return [
        rf"m \leftarrow {vec(m)},\quad v \leftarrow {vec(v)}",
        rf"\hat m = {vec(n['m_hat'])},\quad \hat v = {vec(n['v_hat'])}",
        rf"w \leftarrow {vec(n['w'])} - {rate:.6g}\cdot\frac{{{vec(m)}}}"
        rf"{{\sqrt{{{vec(v)}}} + {eps:g}}} = {vec(n['w_new'])}",
    ]


def _adam(n, h):
    return _adam_core(n, h, h["beta_1"], h["beta_2"], h["epsilon"])


def _tf1_adam(n, h):
    return _adam_core(n, h, h["beta1"], h["beta2"], h["epsilon"], tf1=True)


def _adamw(n, h):
    decayed = n["w"] - n["w"] * h["weight_decay"] * n["eta"]
    lines = [
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot{h['weight_decay']:g}"
        rf"\cdot{vec(n['w'])} = {vec(decayed)}"
    ]
    n["w"] = decayed
    return lines + _adam(n, h)


def _adamax(n, h):
    b1, t = h["beta_1"], n["t"]
    m = n["m"] + (1 - b1) * (n["g"] - n["m"])
    u = np.maximum(h["beta_2"] * n["u"], np.abs(n["g"]))
    n |= {
        "m_new": m,
        "u_new": u,
        "w_new": n["w"] - n["eta"] * m / ((1 - b1**t) * (u + h["epsilon"])),
    }
    return [
        rf"m \leftarrow {vec(m)},\quad u \leftarrow {vec(u)}",
        rf"w \leftarrow {vec(n['w'])} - \frac{{{vec(n['eta'])}\cdot{vec(m)}}}"
        rf"{{{1 - b1**t:.6g}\cdot({vec(u)} + {h['epsilon']:g})}} = {vec(n['w_new'])}",
    ]


def _nadam(n, h):
    b1, b2, t, g = h["beta_1"], h["beta_2"], n["t"], n["g"]
    mu_t, mu_next = (b1 * (1 - 0.5 * 0.96**s) for s in (t, t + 1))
    prod = n["u_product"] * mu_t
    m = n["m"] + (1 - b1) * (g - n["m"])
    v = n["v"] + (1 - b2) * (g * g - n["v"])
    m_hat = mu_next * m / (1 - prod * mu_next) + (1 - mu_t) * g / (1 - prod)
    v_hat = v / (1 - b2**t)
    n |= {
        "m_hat": m_hat,
        "v_hat": v_hat,
        "u_product_new": prod,
        "w_new": n["w"] - n["eta"] * m_hat / (np.sqrt(v_hat) + h["epsilon"]),
    }
    return [
        rf"\mu_t = {mu_t:.6g},\quad \Pi_t = {prod:.6g}",
        rf"\hat m = {vec(m_hat)},\quad \hat v = {vec(v_hat)}",
        rf"w \leftarrow {vec(n['w'])} - \frac{{{vec(n['eta'])}\cdot{vec(m_hat)}}}"
        rf"{{\sqrt{{{vec(v_hat)}}} + {h['epsilon']:g}}} = {vec(n['w_new'])}",
    ]


def _lion(n, h):
    c = h["beta_1"] * n["m"] + (1 - h["beta_1"]) * n["g"]
    n |= {"c": c, "w_new": n["w"] - n["eta"] * np.sign(c)}
    return [
        rf"c = {vec(c)}",
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot\mathrm{{sign}}"
        rf"{vec(c)} = {vec(n['w_new'])}",
    ]


def _ftrl(n, h):
    p, lr, w, g = -h["learning_rate_power"], n["eta"], n["w"], n["g"]
    acc, new = n["accumulator"], n["accumulator"] + g * g
    sigma = (new**p - acc**p) / lr
    z = n["linear"] + g + 2 * h["l2_shrinkage_regularization_strength"] * w - sigma * w
    l1, l2 = h["l1_regularization_strength"], h["l2_regularization_strength"]
    quad = new**p / lr + 2 * (l2 + h["beta"] / (2 * lr))
    n |= {"sigma": sigma, "linear_new": z, "w_new": (np.clip(z, -l1, l1) - z) / quad}
    return [
        rf"n' = {vec(new)},\quad \sigma = {vec(sigma)}",
        rf"z \leftarrow {vec(z)}",
        rf"w \leftarrow \frac{{{vec(np.clip(z, -l1, l1) - z)}}}{{{vec(quad)}}}"
        rf" = {vec(n['w_new'])}",
    ]


_STEPS = {
    "sgd": _sgd,
    "tf1_gradient_descent": _sgd,
    "momentum": _momentum,
    "nesterov": lambda n, h: _momentum(n, h, nesterov=True),
    "adagrad": _adagrad,
    "rmsprop": _rmsprop,
    "adadelta": _adadelta,
    "adam": _adam,
    "adamw": _adamw,
    "tf1_adam": _tf1_adam,
    "adamax": _adamax,
    "nadam": _nadam,
    "lion": _lion,
    "ftrl": _ftrl,
}
assert set(_STEPS) == set(optimizers.REGISTRY) == set(RULES)
