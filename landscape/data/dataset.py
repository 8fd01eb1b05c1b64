"""The Dataset type: x (n, 2) and y (n,) for a model with exactly two weights.

Every ``Dataset`` feeds ``logits = x @ w`` with ``w = (w1, w2)``. With two features
there is no bias; with one feature, column 1 of ``x`` is all ones, so ``w2`` is the
bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TASKS = ("classification", "regression")


@dataclass(frozen=True, eq=False)
class Dataset:
    """x (n, 2) float32 design matrix; y (n,) float32 labels.

    Attributes:
        x: (n, 2) float32. With one feature, column 1 is all ones (the bias input).
        y: (n,) float32 labels, all 0 or 1 for classification.
        feature_names: names of the inputs that w1 and w2 multiply.
        task: "classification" or "regression".
        name: preset name or file name.
        n_features: 1 (model w1*x + w2) or 2 (model w1*x1 + w2*x2, no bias).
    """

    x: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, str]
    task: str
    name: str
    n_features: int

    def __post_init__(self) -> None:
        n = self.y.shape[0] if self.y.ndim == 1 else -1
        float32 = self.x.dtype == np.float32 and self.y.dtype == np.float32
        if self.x.shape != (n, 2) or not float32:
            raise ValueError(
                f"x must be (n, 2) float32 and y (n,) float32; got x {self.x.shape} "
                f"{self.x.dtype} and y {self.y.shape} {self.y.dtype}"
            )
        if self.task not in TASKS or self.n_features not in (1, 2):
            raise ValueError(
                f"task must be one of {TASKS} and n_features 1 or 2; "
                f"got {self.task!r} and {self.n_features}"
            )


def with_bias(feature: np.ndarray) -> np.ndarray:
    """(n,) feature -> (n, 2) float32 design matrix [feature, 1]."""
    return np.column_stack([feature, np.ones_like(feature)]).astype(np.float32)


def padded_size(n: int) -> int:
    """The row count the compiled code sees for n examples: n rounded up.

    XLA compiles once per array shape and keeps every executable, so each new
    sample count (any of 2 to 100,000 from a URL or an upload) would compile one
    more per engine. Rounding up to 16 or to a quarter-octave step (.., 192,
    224, 256, 320, ..) bounds that to about 50 sizes, with at most 25% padding.
    """
    if n <= 16:
        return 16
    step = (1 << (n - 1).bit_length()) // 8  # a quarter of the octave below
    return -(-n // step) * step


def padded(data: Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The data with zero rows appended up to padded_size(n), and their mask.

    Returns:
        x (N, 2) float32, y (N,) float32 and mask (N,) float32: 1 on the n real
        rows, 0 on the padding, which losses.mean_loss then leaves out.
    """
    n = len(data.y)
    pad = padded_size(n) - n
    mask = np.concatenate([np.ones(n, np.float32), np.zeros(pad, np.float32)])
    x = np.concatenate([data.x, np.zeros((pad, 2), np.float32)])
    y = np.concatenate([data.y, np.zeros(pad, np.float32)])
    return x, y, mask
