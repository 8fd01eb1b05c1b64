"""What every optimizer's explanation shares: its Step record and numbers as LaTeX."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from landscape.summary import scientific

# fill(n, h) writes the step's new values into n (at least n["w_new"]) and
# returns the rule's lines with the numbers in: n holds w, g, eta, t and the
# state before the step; h the run's hyperparameters.
Fill = Callable[[dict, dict], list[str]]


@dataclass(frozen=True)
class Step:
    """One optimizer's update rule in LaTeX (as TensorFlow implements it, Keras 3
    or tf.compat.v1) and the function that fills it with one step's numbers."""

    rule: list[str]
    fill: Fill


def step(rule: str) -> Callable[[Fill], Step]:
    """Decorator: the rule in LaTeX, one line of maths a line of text, written
    right above the code that fills it with numbers."""
    lines = [line.strip() for line in rule.strip().splitlines()]
    return lambda fill: Step(lines, fill)


def tex(v: float) -> str:
    """A number in LaTeX as people write it: 0.25, or 1.32986 \times 10^{-6}
    (not 1.32986e-06, which LaTeX typesets as "1.32986e − 06")."""
    if v == 0 or not np.isfinite(v) or 1e-3 <= abs(v) < 1e5:
        return f"{v:.6g}"
    mantissa, exponent = scientific(v, 6)
    return rf"{mantissa} \times 10^{{{exponent}}}"


def vec(a) -> str:
    """A 2-vector (or a scalar) as LaTeX numbers."""
    a = np.atleast_1d(np.asarray(a, np.float64))
    return (
        r"\left(" + r",\ ".join(tex(v) for v in a) + r"\right)"
        if a.size > 1
        else tex(a[0])
    )
