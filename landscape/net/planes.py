"""Planes through the final weights: pca, random (filter-normalized), interpolate.

A plane is a centre c (P,) and two directions d1, d2 (P,); its point at
(a1, a2) is c + a1 d1 + a2 d2. NumPy only, float64 inside.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from landscape.net.layout import Architecture

PLANES = ("pca", "random", "interpolate")


@dataclass(frozen=True, eq=False)
class Plane:
    """center (P,), directions (2, P); explained_variance (2,) for pca, else None.

    explained_variance is the fraction of the trajectory's variance (about its
    mean, as PCA takes it) that each direction carries.
    """

    kind: str
    center: np.ndarray
    directions: np.ndarray
    explained_variance: np.ndarray | None = None


def pca_plane(params: np.ndarray) -> Plane:
    """The top two principal components of the trajectory minus its final weights.

    As Li et al. (2018) do: rows w_k - w_final, centred on their mean (PCA),
    then the first two right singular vectors, unit length.

    Args:
        params: (m+1, P) weights, row 0 the start, the last row the centre.
    """
    params = np.asarray(params, np.float64)
    if len(params) < 3:
        raise ValueError("the pca plane needs a run of at least 2 steps")
    diff = params - params[-1]
    diff = diff - diff.mean(axis=0)
    _, s, vt = np.linalg.svd(diff, full_matrices=False)
    total = float(np.sum(s**2))
    if total == 0.0:
        raise ValueError("the pca plane needs a run whose weights moved")
    explained = np.zeros(2)
    explained[: min(2, len(s))] = s[:2] ** 2 / total
    return Plane("pca", params[-1], vt[:2], explained)


def filter_normalized(
    direction: np.ndarray, weights: np.ndarray, arch: Architecture
) -> np.ndarray:
    """Li et al.'s filter normalization, one unit (filter) at a time.

    Each unit's incoming kernel weights in `direction` are scaled to the norm of
    that unit's incoming weights in `weights`; biases are set to 0.

    Args:
        direction, weights: (P,) flat vectors laid out by arch.
    """
    out = np.asarray(direction, np.float64).copy()
    weights = np.asarray(weights, np.float64)
    for unit in arch.units():
        norm = np.linalg.norm(out[unit])
        scale = np.linalg.norm(weights[unit]) / norm if norm > 0 else 0.0
        out[unit] *= scale
    out[arch.biases()] = 0.0
    return out


def random_plane(center: np.ndarray, arch: Architecture, seed: int) -> Plane:
    """Two seeded Gaussian directions, each filter-normalized to the centre."""
    rng = np.random.default_rng(seed)
    directions = [
        filter_normalized(rng.standard_normal(arch.size), center, arch)
        for _ in range(2)
    ]
    return Plane("random", np.asarray(center, np.float64), np.stack(directions))


def interpolate_plane(
    start: np.ndarray, end: np.ndarray, arch: Architecture, seed: int
) -> Plane:
    """d1 = start - end (a1 = 1 is the start), d2 filter-normalized and orthogonal.

    d2 is made orthogonal to d1 unit by unit: each unit's block of a seeded
    Gaussian vector loses its component along d1's block there, then is scaled
    to the unit's weight norm at the end. Blocks orthogonal unit by unit, and
    zero biases, make d2 orthogonal to d1 as a whole, and d2 stays exactly
    filter-normalized.
    """
    start, end = np.asarray(start, np.float64), np.asarray(end, np.float64)
    d1 = start - end
    if not np.any(d1):
        raise ValueError("the interpolate plane needs a run whose weights moved")
    r = np.random.default_rng(seed).standard_normal(arch.size)
    for unit in arch.units():
        a = d1[unit]
        if np.any(a):
            r[unit] -= (r[unit] @ a) / (a @ a) * a
    d2 = filter_normalized(r, end, arch)
    return Plane("interpolate", end, np.stack([d1, d2]))


def check_plane(kind: str) -> str:
    """kind, or ValueError listing PLANES."""
    if kind not in PLANES:
        raise ValueError(f"unknown plane {kind!r}; choose one of {', '.join(PLANES)}")
    return kind


def make_plane(
    kind: str, params: np.ndarray, arch: Architecture, seed: int = 0
) -> Plane:
    """The plane `kind` (one of PLANES) for a run's params (m+1, P)."""
    check_plane(kind)
    if kind == "pca":
        return pca_plane(params)
    if kind == "random":
        return random_plane(params[-1], arch, seed)
    return interpolate_plane(params[0], params[-1], arch, seed)


def project(plane: Plane, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares coordinates of points on the plane, and their distances off it.

    Args:
        points: (m, P) weights.

    Returns:
        coords (m, 2): the (a1, a2) whose plane point c + a1 d1 + a2 d2 is
        nearest each point; off_plane (m,): the Euclidean distance from each
        point to that plane point.
    """
    rel = np.asarray(points, np.float64) - plane.center
    coords, *_ = np.linalg.lstsq(plane.directions.T, rel.T, rcond=None)
    coords = coords.T
    off = np.linalg.norm(rel - coords @ plane.directions, axis=1)
    return coords, off
