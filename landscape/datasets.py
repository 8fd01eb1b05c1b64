"""Preset data sets and CSV loading for a model with exactly two weights.

Every ``Dataset`` feeds ``logits = x @ w`` with ``w = (w1, w2)``. With two features
there is no bias; with one feature, column 1 of ``x`` is all ones, so ``w2`` is the
bias. The ``iris`` preset ships Fisher's Iris data (Fisher, 1936) as published by
the UCI Machine Learning Repository, licence CC BY 4.0. It keeps UCI's values,
which differ from Fisher's paper in sample 38 (sepal width 3.1 instead of 3.6).
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources

import numpy as np

SAMPLES_RANGE = (2, 10_000)
NOISE_RANGE = (0.0, 5.0)
SEED_RANGE = (0, 2**32 - 1)
MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 100_000
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
    return _classes(x[order], y[order], name)


def _classes(x: np.ndarray, y: np.ndarray, name: str) -> Dataset:
    """Two-feature classification Dataset from float64 x (n, 2) and y (n,)."""
    return Dataset(
        x.astype(np.float32), y.astype(np.float32), ("x1", "x2"), TASKS[0], name, 2
    )


def _with_bias(feature: np.ndarray) -> np.ndarray:
    """(n,) feature -> (n, 2) float32 design matrix [feature, 1]."""
    return np.column_stack([feature, np.ones_like(feature)]).astype(np.float32)


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
    return _classes(x, (quadrant % 2).astype(float), "xor")


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
    return Dataset(_with_bias(dose), y, ("dose", "bias"), TASKS[0], "dose", 1)


def make_line(samples: int, noise: float, seed: int) -> Dataset:
    """Regression y = 2 x - 1 + noise * N(0, 1) with x uniform in [-2, 2]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, samples)
    y = (2.0 * x - 1.0 + noise * rng.standard_normal(samples)).astype(np.float32)
    return Dataset(_with_bias(x), y, ("x", "bias"), TASKS[1], "line", 1)


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
    data = resources.files("landscape") / "data" / "iris.csv"
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
        name: a key of ``PRESETS``.
        samples: number of points n, within ``SAMPLES_RANGE``.
        noise: within ``NOISE_RANGE``; None means the preset's default.
        seed: integer from 0 to 2**32 - 1 for ``np.random.default_rng``.

    Returns:
        The Dataset: x (n, 2) float32, y (n,) float32.

    Raises:
        ValueError: unknown name, or samples, noise or seed out of range.
    """
    if name not in PRESETS:
        raise ValueError(
            f"unknown data set {name!r}; valid names: {', '.join(PRESETS)}"
        )
    preset = PRESETS[name]
    noise = preset.default_noise if noise is None else noise
    _check_range("samples", samples, SAMPLES_RANGE, numbers.Integral)
    _check_range("noise", noise, NOISE_RANGE, numbers.Real)
    _check_range("seed", seed, SEED_RANGE, numbers.Integral)
    return preset.make(int(samples), float(noise), int(seed))


def load_csv(source: bytes | str | os.PathLike, name: str = "upload") -> Dataset:
    """Load a CSV whose last column is the label and the others are 1 or 2 features.

    Error messages are one line and number data rows from 1 after the header, with
    the file's line number beside it: "row 3 (line 4)".

    Args:
        source: the file's contents as bytes (uploads), or a path as str/PathLike.
        name: the Dataset's name.

    Returns:
        The Dataset: x (n, 2) float32, y (n,) float32. One feature gives
        x = [feature, 1] and feature_names (header[0], "bias").

    Raises:
        ValueError: the file breaks a rule; the message says which and what is allowed.
        OSError: a path cannot be read.
    """
    data = source if isinstance(source, bytes) else _read_path(source)
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(
            f"the file is larger than 5 MB; at most {MAX_CSV_BYTES} bytes are allowed"
        )
    header, rows = _read_rows(_decode(data))
    names = _check_header(header)
    values = _parse_values(names, rows)
    labels = np.ascontiguousarray(values[:, -1])
    features = np.ascontiguousarray(values[:, :-1])
    task = "classification" if np.isin(labels, (0.0, 1.0)).all() else "regression"
    if len(names) == 2:
        return Dataset(
            _with_bias(features[:, 0]), labels, (names[0], "bias"), task, name, 1
        )
    return Dataset(features, labels, (names[0], names[1]), task, name, 2)


def _read_path(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as file:
        # One byte past the limit is enough to know the file is too big.
        return file.read(MAX_CSV_BYTES + 1)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError(
            "the file contains NUL bytes, so it is not text; "
            "only UTF-8 CSV text is allowed"
        )
    try:
        return data.decode("utf-8-sig")  # "-sig" drops a leading byte order mark.
    except UnicodeDecodeError as err:
        raise ValueError(
            f"the file is not UTF-8 text (byte {data[err.start]:#04x} at "
            f"offset {err.start}); only UTF-8 CSV text is allowed"
        ) from None


def _read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header cells and (line number, cells) per data row; blanks only at the end."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    blank_line = end = 0
    try:
        for cells in reader:
            # A quoted cell may span lines: report the line where the row starts.
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                blank_line = blank_line or line
                continue
            if blank_line:
                raise ValueError(
                    f"line {blank_line} is empty; empty lines are only "
                    "allowed at the end of the file"
                )
            if len(rows) > MAX_CSV_ROWS:
                raise ValueError(
                    f"row {len(rows)} (line {line}): too many "
                    f"rows; at most {MAX_CSV_ROWS} data rows are allowed"
                )
            rows.append((line, cells))
    except csv.Error as err:
        raise ValueError(
            f"line {reader.line_num}: not valid CSV ({err}); "
            "use comma-separated values with a header row"
        ) from None
    if not rows:
        raise ValueError(
            "the file is empty; a header row such as 'x,label' and at "
            "least 2 data rows are required"
        )
    return rows[0][1], rows[1:]


def _check_header(header: list[str]) -> list[str]:
    names = [cell.strip() for cell in header]
    if all(_is_number(cell) for cell in names):
        raise ValueError(
            f"line 1 ({','.join(names)[:40]!r}) looks like data, not a "
            "header; the first line must name the columns, e.g. 'x,label'"
        )
    if len(names) not in (2, 3):
        raise ValueError(
            f"the header has {len(names)} columns; 1 or 2 feature columns "
            "plus a label column (2 or 3 columns in all) are allowed"
        )
    if "" in names:
        raise ValueError(
            f"line 1, column {names.index('') + 1}: the header name is "
            "empty; every column needs a non-empty name"
        )
    return names


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_values(names: list[str], rows: list[tuple[int, list[str]]]) -> np.ndarray:
    """(n, k) float32 values of the data rows, k = len(names); every one finite."""
    values = np.empty((len(rows), len(names)))
    for i, (line, cells) in enumerate(rows):
        if len(cells) != len(names):
            raise ValueError(
                f"row {i + 1} (line {line}) has {len(cells)} cells but the "
                f"header has {len(names)}; every row needs {len(names)}"
            )
        for j, cell in enumerate(cells):
            values[i, j] = _parse_cell(
                cell, f"row {i + 1} (line {line}), column {names[j]!r}"
            )
    if len(rows) < 2:
        raise ValueError(
            f"the file has {len(rows)} data row(s); at least 2 data rows "
            "after the header are required"
        )
    with np.errstate(over="ignore"):
        narrow = values.astype(np.float32)
    bad = np.argwhere(~np.isfinite(narrow))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"row {i + 1} (line {rows[i][0]}), column {names[j]!r}: "
            f"{values[i, j]:g} is too large for float32; every value must "
            "be a finite number of magnitude at most 3.4e38"
        )
    return narrow


def _parse_cell(cell: str, where: str) -> float:
    shown = repr(cell if len(cell) <= 30 else cell[:27] + "...")
    if not cell.strip():
        raise ValueError(
            f"{where}: the cell is empty; every value must be a finite number"
        )
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(
            f"{where}: {shown} is not a number; every value must be a finite number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{where}: {shown} is not finite; every value must be a finite number"
        )
    return value
