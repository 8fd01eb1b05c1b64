"""Lion: a step of the same size for every weight, in the sign of a momentum."""

from __future__ import annotations

import numpy as np

from landscape.internals.base import step, vec


@step(r"""
c = \beta_1 m + (1-\beta_1) g
w \leftarrow w - \eta\, \mathrm{sign}(c)
m \leftarrow \beta_2 m + (1-\beta_2) g
""")
def lion(n: dict, h: dict) -> list[str]:
    c = h["beta_1"] * n["m"] + (1 - h["beta_1"]) * n["g"]
    n |= {"c": c, "w_new": n["w"] - n["eta"] * np.sign(c)}
    return [
        rf"c = {vec(c)}",
        rf"w \leftarrow {vec(n['w'])} - {vec(n['eta'])}\cdot\mathrm{{sign}}"
        rf"{vec(c)} = {vec(n['w_new'])}",
    ]


STEPS = {"lion": lion}
