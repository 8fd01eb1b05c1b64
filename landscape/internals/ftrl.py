"""FTRL-Proximal: the weights solved in closed form from accumulated gradients."""

from __future__ import annotations

import numpy as np

from landscape.internals.base import step, vec


@step(r"""
n' = n + g^2,\quad \sigma = \frac{n'^{-p} - n^{-p}}{\eta}
z \leftarrow z + g + 2\lambda_s w - \sigma w
w \leftarrow \frac{\mathrm{clip}(z, \pm\lambda_1) - z}{n'^{-p}/\eta + 2(\lambda_2 + \beta/2\eta)},\quad n \leftarrow n'
""")  # noqa: E501
def ftrl(n: dict, h: dict) -> list[str]:
    # The rule's n'^{-p}, p = learning_rate_power (-0.5 by default: sqrt(n')),
    # is new**q here, with q = -p.
    q, lr, w, g = -h["learning_rate_power"], n["eta"], n["w"], n["g"]
    acc, new = n["accumulator"], n["accumulator"] + g * g
    sigma = (new**q - acc**q) / lr
    z = n["linear"] + g + 2 * h["l2_shrinkage_regularization_strength"] * w - sigma * w
    l1, l2 = h["l1_regularization_strength"], h["l2_regularization_strength"]
    quad = new**q / lr + 2 * (l2 + h["beta"] / (2 * lr))
    n |= {"sigma": sigma, "linear_new": z, "w_new": (np.clip(z, -l1, l1) - z) / quad}
    return [
        rf"n' = {vec(new)},\quad \sigma = {vec(sigma)}",
        rf"z \leftarrow {vec(z)}",
        rf"w \leftarrow \frac{{{vec(np.clip(z, -l1, l1) - z)}}}{{{vec(quad)}}}"
        rf" = {vec(n['w_new'])}",
    ]


STEPS = {"ftrl": ftrl}
