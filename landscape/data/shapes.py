"""Non-linear 2-D classification shapes for the small network: circles, moons, ..

Each follows the familiar recipe (scikit-learn's make_circles and make_moons,
TensorFlow Playground's spiral and gauss); labels come from the recipe, never
from the noisy point, and ``noise`` is the standard deviation of the Gaussian
noise added to every coordinate.
"""

from __future__ import annotations

import numpy as np

from landscape.data.dataset import TASKS, Dataset


def classes(x: np.ndarray, y: np.ndarray, name: str) -> Dataset:
    """Two-feature classification Dataset from float64 x (n, 2) and y (n,)."""
    return Dataset(
        x.astype(np.float32), y.astype(np.float32), ("x1", "x2"), TASKS[0], name, 2
    )


def _halves(samples: int, rng: np.random.Generator) -> np.ndarray:
    """(samples,) labels, half 1 and half 0 (class 0 gets the odd one), shuffled."""
    return rng.permutation((np.arange(samples) < samples // 2).astype(float))


def make_circles(samples: int, noise: float, seed: int) -> Dataset:
    """Class 1 on the circle of radius 0.5, class 0 on the unit circle."""
    rng = np.random.default_rng(seed)
    y = _halves(samples, rng)
    angle = rng.uniform(0.0, 2.0 * np.pi, samples)
    radius = np.where(y == 1, 0.5, 1.0)
    x = radius[:, None] * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return classes(x + noise * rng.standard_normal((samples, 2)), y, "circles")


def make_moons(samples: int, noise: float, seed: int) -> Dataset:
    """Two interleaved half circles of radius 1 (scikit-learn's make_moons).

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t); t uniform in [0, pi].
    """
    rng = np.random.default_rng(seed)
    y = _halves(samples, rng)
    t = rng.uniform(0.0, np.pi, samples)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.where(y[:, None] == 1, lower, upper)
    return classes(x + noise * rng.standard_normal((samples, 2)), y, "moons")


def make_spiral(samples: int, noise: float, seed: int) -> Dataset:
    """Two interleaved spirals, as in TensorFlow Playground, at radius up to 2.

    A point at fraction s in [0, 1) of its arm lies at radius 2 s and angle
    3.5 pi s, plus pi for class 0.
    """
    rng = np.random.default_rng(seed)
    y = _halves(samples, rng)
    s = rng.uniform(0.0, 1.0, samples)
    angle = 3.5 * np.pi * s + np.pi * (1.0 - y)
    x = 2.0 * s[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=1)
    return classes(x + noise * rng.standard_normal((samples, 2)), y, "spiral")


def make_gauss(samples: int, noise: float, seed: int) -> Dataset:
    """Playground's two Gaussians: class 1 around (2, 2), class 0 around (-2, -2)."""
    rng = np.random.default_rng(seed)
    y = _halves(samples, rng)
    centres = np.where(y[:, None] == 1, 2.0, -2.0) * np.ones(2)
    return classes(centres + noise * rng.standard_normal((samples, 2)), y, "gauss")
