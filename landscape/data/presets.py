"""Preset data sets, built by name: PRESETS for the two-weight model, NET_PRESETS
for the small network.

The ``iris`` preset ships Fisher's Iris data (Fisher, 1936) as published by
the UCI Machine Learning Repository, licence CC BY 4.0. It keeps UCI's values,
which differ from Fisher's paper in sample 38 (sepal width 3.1 instead of 3.6).
``Dataset`` and ``load_csv`` are importable from here as well as from their own
modules, ``landscape.dataset`` and ``landscape.csvfile``.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

from landscape.data.csvfile import load_csv
from landscape.data.dataset import TASKS, Dataset, with_bias
from landscape.data.shapes import (
    classes,
    make_circles,
    make_gauss,
    make_moons,
    make_spiral,
)

__all__ = [
    "NOISE_RANGE",
    "ALL_PRESETS",
    "NET_PRESETS",
    "PRESETS",
    "SAMPLES_RANGE",
    "SEED_RANGE",
    "Dataset",
    "Preset",
    "load_csv",
    "make_dataset",
]

SAMPLES_RANGE = (2, 10_000)
NOISE_RANGE = (0.0, 5.0)
SEED_RANGE = (0, 2**32 - 1)


@dataclass(frozen=True)
class Preset:
    """A named recipe for a data set, called as ``make(samples, noise, seed)``."""

    make: Callable[[int, float, int], Dataset]
    description: str
    default_noise: float
    task: str


def _two_classes(
    samples: int, n1: int, mean: tuple[float, float], noise: float, seed: int, name: str
) -> Dataset:
    """Gaussian class 1 (n1 points) around +mean, class 0 around -mean, shuffled."""
    rng = np.random.default_rng(seed)
    y = (np.arange(samples) < n1).astype(float)
    # The means mirror through the origin, so the line through the origin normal to
    # `mean` is the best boundary for balanced classes: the bias-free model suffices.
    x = np.outer(2.0 * y - 1.0, mean) + noise * rng.standard_normal((samples, 2))
    order = rng.permutation(samples)
    return classes(x[order], y[order], name)


def make_blobs(samples: int, noise: float, seed: int) -> Dataset:
    """Two well-separated Gaussian classes, means ±(1.5, 1.0), std ``noise``."""
    return _two_classes(samples, samples // 2, (1.5, 1.0), noise, seed, "blobs")


def make_overlap(samples: int, noise: float, seed: int) -> Dataset:
    """Two overlapping Gaussian classes, means ±(0.6, 0.4), std ``noise``."""
    return _two_classes(samples, samples // 2, (0.6, 0.4), noise, seed, "overlap")


def make_imbalanced(samples: int, noise: float, seed: int) -> Dataset:
    """About 90% class 0 around -(1.0, 0.7) and 10% class 1 around +(1.0, 0.7)."""
    n1 = max(1, round(0.1 * samples))
    return _two_classes(samples, n1, (1.0, 0.7), noise, seed, "imbalanced")


def make_xor(samples: int, noise: float, seed: int) -> Dataset:
    """Four clusters at (±1, ±1); label 1 where exactly one coordinate is positive."""
    rng = np.random.default_rng(seed)
    quadrant = rng.permutation(np.arange(samples) % 4)
    centres = np.array([[1.0, 1.0], [-1.0, 1.0], [-1.0, -1.0], [1.0, -1.0]])[quadrant]
    x = centres + noise * rng.standard_normal((samples, 2))
    # Labels come from the cluster, not the noisy point: quadrants 1 and 3 are class 1.
    return classes(x, (quadrant % 2).astype(float), "xor")


def make_dose(samples: int, noise: float, seed: int) -> Dataset:
    """Dose in [0, 4]; P(response) = sigmoid((dose - 2) / noise), a step if noise = 0.

    The best weights are near (1 / noise, -2 / noise): ``w2`` is the bias.
    """
    rng = np.random.default_rng(seed)
    dose = rng.uniform(0.0, 4.0, samples)
    z = dose - 2.0
    # sigmoid(t) = (1 + tanh(t / 2)) / 2 cannot overflow; noise = 0 makes it a step,
    # so the classes separate and the best weights run off to infinity.
    p = (z > 0) * 1.0 if noise == 0 else 0.5 * (1.0 + np.tanh(z / (2.0 * noise)))
    y = (rng.random(samples) < p).astype(np.float32)
    return Dataset(with_bias(dose), y, ("dose", "bias"), TASKS[0], "dose", 1)


def make_line(samples: int, noise: float, seed: int) -> Dataset:
    """Regression y = 2 x - 1 + noise * N(0, 1) with x uniform in [-2, 2]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, samples)
    y = (2.0 * x - 1.0 + noise * rng.standard_normal(samples)).astype(np.float32)
    return Dataset(with_bias(x), y, ("x", "bias"), TASKS[1], "line", 1)


def make_scaled(samples: int, noise: float, seed: int) -> Dataset:
    """Regression y = 1.5 x1 - 0.3 x2 + noise, x2 ten times wider than x1.

    The loss is a long narrow valley (curvature 100x larger along w2), the
    classic case where plain gradient descent zigzags and Adam does not.
    """
    rng = np.random.default_rng(seed)
    x = np.stack([rng.standard_normal(samples), 10 * rng.standard_normal(samples)], 1)
    y = x @ np.array([1.5, -0.3]) + noise * rng.standard_normal(samples)
    return Dataset(
        x.astype(np.float32),
        y.astype(np.float32),
        ("x1", "x2 (10x wider)"),
        TASKS[1],
        "scaled",
        2,
    )


def make_iris(samples: int = 0, noise: float = 0.0, seed: int = 0) -> Dataset:
    """Fisher's Iris, setosa (0) vs versicolor (1) by sepal size; ignores arguments."""
    del samples, noise, seed  # A fixed real data set: 100 rows, always the same.
    data = resources.files("landscape.data") / "iris.csv"
    return load_csv(data.read_bytes(), name="iris")


PRESETS: dict[str, Preset] = {
    "blobs": Preset(
        make_blobs,
        "Two well-separated classes: any sensible optimizer finds the valley.",
        0.5,
        "classification",
    ),
    "overlap": Preset(
        make_overlap,
        "Two overlapping classes: the minimum is shallow and no line is perfect.",
        1.0,
        "classification",
    ),
    "imbalanced": Preset(
        make_imbalanced,
        "Nine in ten points are class 0, so the loss is dominated by the majority.",
        0.8,
        "classification",
    ),
    "xor": Preset(
        make_xor,
        "Labels follow XOR of the signs: no line through the origin can fit them.",
        0.3,
        "classification",
    ),
    "dose": Preset(
        make_dose,
        "Response to a dose: one weight sets the slope, the other the bias; "
        "noise blurs the threshold.",
        0.5,
        "classification",
    ),
    "line": Preset(
        make_line,
        "Regression on y = 2x - 1 plus noise: a round bowl with one clear minimum.",
        0.5,
        "regression",
    ),
    "scaled": Preset(
        make_scaled,
        "Regression with one input ten times wider than the other: a long, narrow "
        "valley where plain gradient descent zigzags.",
        0.5,
        "regression",
    ),
    "iris": Preset(
        make_iris,
        "Real flowers (Fisher's Iris): setosa vs versicolor by sepal size; "
        "samples, noise and seed are ignored.",
        0.0,
        "classification",
    ),
}


# The small network's shapes, after TensorFlow Playground: curved boundaries
# that no two-weight model draws, so the first page's list leaves them out.
NET_PRESETS: dict[str, Preset] = {
    "circles": Preset(
        make_circles,
        "A ring of class 0 around a disc of class 1: a network must bend its "
        "boundary into a loop.",
        0.1,
        "classification",
    ),
    "moons": Preset(
        make_moons,
        "Two interleaved half moons: a curved boundary separates them.",
        0.1,
        "classification",
    ),
    "spiral": Preset(
        make_spiral,
        "Two interleaved spirals: the hardest shape for a small network.",
        0.1,
        "classification",
    ),
    "gauss": Preset(
        make_gauss,
        "Two Gaussian clusters at (2, 2) and (-2, -2), as in TensorFlow Playground.",
        0.5,
        "classification",
    ),
    "xor": PRESETS["xor"],
}

# Every name make_dataset builds: the two-weight page's presets, then the network's.
ALL_PRESETS: dict[str, Preset] = PRESETS | NET_PRESETS


def _check_range(label: str, value: object, bounds: tuple, kind: type) -> None:
    lo, hi = bounds
    if isinstance(value, bool) or not isinstance(value, kind) or not lo <= value <= hi:
        what = "an integer" if kind is numbers.Integral else "a number"
        raise ValueError(f"{label} must be {what} from {lo} to {hi}; got {value!r}")


def make_dataset(
    name: str, samples: int = 200, noise: float | None = None, seed: int = 0
) -> Dataset:
    """Build a preset data set by name.

    Args:
        name: a key of ``ALL_PRESETS``.
        samples: number of points n, within ``SAMPLES_RANGE``.
        noise: within ``NOISE_RANGE``; None means the preset's default.
        seed: integer from 0 to 2**32 - 1 for ``np.random.default_rng``.

    Returns:
        The Dataset: x (n, 2) float32, y (n,) float32.

    Raises:
        ValueError: unknown name, or samples, noise or seed out of range.
    """
    if name not in ALL_PRESETS:
        raise ValueError(
            f"unknown data set {name!r}; valid names: {', '.join(ALL_PRESETS)}"
        )
    preset = ALL_PRESETS[name]
    noise = preset.default_noise if noise is None else noise
    _check_range("samples", samples, SAMPLES_RANGE, numbers.Integral)
    _check_range("noise", noise, NOISE_RANGE, numbers.Real)
    _check_range("seed", seed, SEED_RANGE, numbers.Integral)
    return preset.make(int(samples), float(noise), int(seed))
