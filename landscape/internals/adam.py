"""Adam and its kin (AdamW, TF1's Adam, Adamax, Nadam): moments of the gradient."""

from __future__ import annotations

import numpy as np

from landscape.internals.base import step, vec


def _adam(n: dict, b1: float, b2: float, eps: float) -> list[str]:
    # Keras and TF1 alike fold both bias corrections into the rate (eta_t) and add
    # epsilon to sqrt(v), not to sqrt(v_hat): m_hat and v_hat are shown, not used.
    t, g = n["t"], n["g"]
    # m + (1 - b1)(g - m) is b1 m + (1 - b1) g, written as TensorFlow does.
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


@step(r"""
m \leftarrow \beta_1 m + (1-\beta_1) g
v \leftarrow \beta_2 v + (1-\beta_2) g^2
\hat m = \frac{m}{1-\beta_1^t},\quad \hat v = \frac{v}{1-\beta_2^t}
w \leftarrow w - \frac{\eta \sqrt{1-\beta_2^t}}{1-\beta_1^t}\cdot\frac{m}{\sqrt{v} + \epsilon}
""")  # noqa: E501
def adam(n: dict, h: dict) -> list[str]:
    return _adam(n, h["beta_1"], h["beta_2"], h["epsilon"])


@step(r"""
\eta_t = \eta \frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
m \leftarrow \beta_1 m + (1-\beta_1) g
v \leftarrow \beta_2 v + (1-\beta_2) g^2
w \leftarrow w - \eta_t \frac{m}{\sqrt{v} + \epsilon}
""")
def tf1_adam(n: dict, h: dict) -> list[str]:
    return _adam(n, h["beta1"], h["beta2"], h["epsilon"])


@step(r"""
w \leftarrow w - \eta \lambda w \quad\text{(decoupled weight decay)}
m \leftarrow \beta_1 m + (1-\beta_1) g
v \leftarrow \beta_2 v + (1-\beta_2) g^2
w \leftarrow w - \frac{\eta \sqrt{1-\beta_2^t}}{1-\beta_1^t}\cdot\frac{m}{\sqrt{v} + \epsilon}
""")  # noqa: E501
def adamw(n: dict, h: dict) -> list[str]:
    decayed = n["w"] - n["w"] * h["weight_decay"] * n["eta"]
    lines = [
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot{h['weight_decay']:g}"
        rf"\cdot{vec(n['w'])} = {vec(decayed)}"
    ]
    n["w"] = decayed  # the Adam step then starts from the decayed weights
    return lines + adam.fill(n, h)


@step(r"""
m \leftarrow \beta_1 m + (1-\beta_1) g
u \leftarrow \max(\beta_2 u, |g|)
w \leftarrow w - \frac{\eta\, m}{(1-\beta_1^t)(u + \epsilon)}
""")
def adamax(n: dict, h: dict) -> list[str]:
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


@step(r"""
\mu_t = \beta_1 (1 - \tfrac12 0.96^{t}),\quad\Pi_t = \Pi_{t-1}\mu_t
m \leftarrow \beta_1 m + (1-\beta_1) g,\quadv \leftarrow \beta_2 v + (1-\beta_2) g^2
\hat m = \frac{\mu_{t+1} m}{1-\Pi_t \mu_{t+1}} + \frac{(1-\mu_t) g}{1-\Pi_t},\quad \hat v = \frac{v}{1-\beta_2^t}
w \leftarrow w - \frac{\eta\, \hat m}{\sqrt{\hat v} + \epsilon}
""")  # noqa: E501
def nadam(n: dict, h: dict) -> list[str]:
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


STEPS = {
    "adam": adam,
    "adamw": adamw,
    "tf1_adam": tf1_adam,
    "adamax": adamax,
    "nadam": nadam,
}
