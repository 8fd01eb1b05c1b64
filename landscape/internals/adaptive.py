"""Adagrad, RMSprop and Adadelta: per-weight rates from squared gradients."""

from __future__ import annotations

import numpy as np

from landscape.internals.base import step, vec


@step(r"""
a \leftarrow a + g^2
w \leftarrow w - \frac{\eta\, g}{\sqrt{a + \epsilon}}
""")
def adagrad(n: dict, h: dict) -> list[str]:
    a = n["accumulator"] + n["g"] ** 2
    n["accumulator_new"] = a
    n["w_new"] = n["w"] - n["eta"] * n["g"] / np.sqrt(a + h["epsilon"])
    return [
        rf"a \leftarrow {vec(n['accumulator'])} + {vec(n['g'])}^2 = {vec(a)}",
        rf"w \leftarrow {vec(n['w'])} - \frac{{{vec(n['eta'])}\cdot{vec(n['g'])}}}"
        rf"{{\sqrt{{{vec(a)} + {h['epsilon']:g}}}}} = {vec(n['w_new'])}",
    ]


@step(r"""
s \leftarrow \rho s + (1-\rho) g^2
m \leftarrow \mu m + \frac{\eta\, g}{\sqrt{s + \epsilon}}
w \leftarrow w - m
""")
def rmsprop(n: dict, h: dict) -> list[str]:
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


@step(r"""
A_g \leftarrow \rho A_g + (1-\rho) g^2
\Delta = -\frac{\sqrt{A_\Delta + \epsilon}}{\sqrt{A_g + \epsilon}}\, g
A_\Delta \leftarrow \rho A_\Delta + (1-\rho)\Delta^2
w \leftarrow w + \eta\, \Delta
""")
def adadelta(n: dict, h: dict) -> list[str]:
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


STEPS = {"adagrad": adagrad, "rmsprop": rmsprop, "adadelta": adadelta}
