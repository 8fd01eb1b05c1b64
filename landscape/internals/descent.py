"""Gradient descent, plain and with (Nesterov) momentum: rules and their numbers."""

from __future__ import annotations

from landscape.internals.base import step, vec


@step(r"""
w \leftarrow w - \eta\, g
""")
def sgd(n: dict, h: dict) -> list[str]:
    n["w_new"] = n["w"] - n["eta"] * n["g"]
    return [
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot{vec(n['g'])}"
        rf" = {vec(n['w_new'])}"
    ]


def _momentum(n: dict, h: dict, nesterov: bool) -> list[str]:
    mu, v = h["momentum"], n["velocity"]
    n["velocity_new"] = mu * v - n["eta"] * n["g"]
    # Nesterov steps from where the new velocity is heading: mu v' - eta g.
    move = mu * n["velocity_new"] - n["eta"] * n["g"] if nesterov else n["velocity_new"]
    n["w_new"] = n["w"] + move
    return [
        rf"v \leftarrow {mu:g}\cdot{vec(v)} - {vec(n['eta'])}\cdot{vec(n['g'])}"
        rf" = {vec(n['velocity_new'])}",
        rf"w \leftarrow {vec(n['w'])} + {vec(move)} = {vec(n['w_new'])}",
    ]


@step(r"""
v \leftarrow \mu v - \eta\, g
w \leftarrow w + v
""")
def momentum(n: dict, h: dict) -> list[str]:
    return _momentum(n, h, nesterov=False)


@step(r"""
v \leftarrow \mu v - \eta\, g
w \leftarrow w + \mu v - \eta\, g
""")
def nesterov(n: dict, h: dict) -> list[str]:
    return _momentum(n, h, nesterov=True)


STEPS = {
    "sgd": sgd,
    "tf1_gradient_descent": sgd,
    "momentum": momentum,
    "nesterov": nesterov,
}
