"""Tests for landscape.surface against a float64 NumPy loss over the same grid."""

import numpy as np
import pytest

from landscape import surface
from landscape.data.dataset import Dataset
from tests.helpers import line_dataset, two_blobs


def blobs(n: int = 30, seed: int = 1) -> Dataset:
    """Two classes with unequal means, so the surface is not symmetric in w1, w2."""
    return two_blobs(n, seed, positive=(1.5, 0.3), negative=(-0.5, -1.0), scale=0.8)


def line(n: int = 30, seed: int = 1, noise: float = 0.3) -> Dataset:
    """y = 2 x + 1 + noise, with the bias column of ones."""
    rng = np.random.default_rng(seed)
    feature = rng.uniform(-2.0, 2.0, n)
    return line_dataset(feature, 2.0 * feature + 1.0 + noise * rng.normal(size=n))


def numpy_loss(data: Dataset, loss: str, w: np.ndarray) -> np.ndarray:
    """float64 mean loss at weights w (..., 2).

    cross_entropy: log(1 + e^z) - y z, the log loss -y log p - (1-y) log(1-p)
    with p = sigmoid(z); mse / mae: the squared / absolute error of the
    prediction, sigmoid(z) on classification data and z on regression data.
    """
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w = np.asarray(w, np.float64)
    z = w[..., 0:1] * x[:, 0] + w[..., 1:2] * x[:, 1]  # (..., n)
    if loss == "cross_entropy":
        return (np.logaddexp(0.0, z) - y * z).mean(axis=-1)
    pred = 1.0 / (1.0 + np.exp(-z)) if data.task == "classification" else z
    err = pred - y
    return (err**2 if loss == "mse" else np.abs(err)).mean(axis=-1)


def numpy_surface(data, loss, w1, w2) -> np.ndarray:
    """loss[i, j] at (w1[j], w2[i]), written out cell by cell."""
    out = np.empty((len(w2), len(w1)))
    for i, b in enumerate(w2):
        for j, a in enumerate(w1):
            out[i, j] = numpy_loss(data, loss, np.array([a, b]))
    return out


CASES = [
    ("cross_entropy", blobs()),
    ("mse", blobs()),
    ("mae", blobs()),
    ("mse", line()),
    ("mae", line()),
]
IDS = ["ce", "mse-class", "mae-class", "mse-reg", "mae-reg"]


@pytest.mark.parametrize("loss, data", CASES, ids=IDS)
def test_surface_matches_numpy(loss, data):
    s = surface.loss_surface(data, loss, (-4.0, 5.0), (-3.0, 2.5), grid=31)
    np.testing.assert_allclose(s.w1, np.linspace(-4.0, 5.0, 31), rtol=1e-6)
    np.testing.assert_allclose(s.w2, np.linspace(-3.0, 2.5, 31), rtol=1e-6)
    assert s.loss.shape == (31, 31) and s.loss.dtype == np.float32
    expected = numpy_surface(data, loss, s.w1, s.w2)
    # atol only matters where a loss is near zero
    np.testing.assert_allclose(s.loss, expected, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss, data", CASES, ids=IDS)
def test_loss_at_matches_numpy(loss, data):
    points = np.random.default_rng(7).uniform(-5.0, 5.0, size=(50, 2))
    got = surface.loss_at(data, loss, points)
    assert got.shape == (50,)
    expected = numpy_loss(data, loss, points.astype(np.float32))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_orientation_is_row_w2_column_w1():
    data = blobs()
    s = surface.loss_surface(data, "cross_entropy", (-1.0, 3.0), (-2.0, 0.0), grid=5)
    # loss[i, j] is at (w1[j], w2[i]) ...
    for i, j in [(0, 4), (4, 0), (1, 3), (3, 2)]:
        want = numpy_loss(data, "cross_entropy", np.array([s.w1[j], s.w2[i]]))
        np.testing.assert_allclose(s.loss[i, j], want, rtol=1e-5)
    row = np.c_[s.w1, np.full(5, s.w2[2])]  # (w1[j], w2[2]) for every j
    np.testing.assert_allclose(
        s.loss[2], surface.loss_at(data, "cross_entropy", row), rtol=1e-6
    )
    # ... and the transposed reading would be wrong on this data.
    expected = numpy_surface(data, "cross_entropy", s.w1, s.w2)
    assert np.abs(s.loss - expected.T).max() > 0.1


def test_minimum_is_the_lowest_grid_point():
    # An exact line y = 2x + 1: the mse minimum is (2, 1), on the grid below.
    s = surface.loss_surface(line(noise=0.0), "mse", (-2.0, 6.0), (-3.0, 5.0), grid=9)
    w1, w2, value = s.minimum
    assert (w1, w2) == (2.0, 1.0)
    assert value < 1e-10
    # On asymmetric data it agrees with the NumPy surface's argmin.
    data = blobs()
    s = surface.loss_surface(data, "mae", (-1.0, 4.0), (-3.0, 1.0), grid=41)
    expected = numpy_surface(data, "mae", s.w1, s.w2)
    i, j = np.unravel_index(np.argmin(expected), expected.shape)
    w1, w2, value = s.minimum
    assert (w1, w2) == (float(s.w1[j]), float(s.w2[i]))
    np.testing.assert_allclose(value, expected.min(), rtol=1e-5)
    assert isinstance(w1, float) and isinstance(value, float)


def test_grid_bounds():
    data = blobs(n=4)
    small = surface.loss_surface(data, "mse", (-1.0, 1.0), (-1.0, 1.0), grid=3)
    assert small.loss.shape == (3, 3)
    np.testing.assert_array_equal(small.w1, [-1.0, 0.0, 1.0])
    big = surface.loss_surface(data, "mse", (-1.0, 1.0), (-2.0, 2.0), grid=401)
    assert big.loss.shape == (401, 401) and np.isfinite(big.loss).all()
    assert big.w1[0] == -1.0 and big.w1[-1] == 1.0 and big.w2[200] == 0.0
    numpy_int = surface.loss_surface(data, "mse", (0, 1), (0, 1), np.int64(4))
    assert numpy_int.loss.shape == (4, 4)
    for grid in (2, 402, 0, -5):
        with pytest.raises(
            ValueError, match=f"grid={grid} is out of range; allowed: 3 to 401"
        ):
            surface.loss_surface(data, "mse", (-1.0, 1.0), (-1.0, 1.0), grid=grid)


@pytest.mark.parametrize(
    "w1_range, w2_range, match",
    [
        ((1.0, -1.0), (0.0, 1.0), "w1 range is empty or reversed"),
        ((0.0, 1.0), (2.0, 2.0), "w2 range is empty or reversed"),
        ((float("nan"), 1.0), (0.0, 1.0), "w1 range must be finite"),
        ((0.0, 1.0), (0.0, float("inf")), "w2 range must be finite"),
        ((0.0, 2e4), (0.0, 1.0), "w1 range must lie within"),
    ],
)
def test_bad_ranges_are_rejected(w1_range, w2_range, match):
    with pytest.raises(ValueError, match=match):
        surface.loss_surface(blobs(), "mse", w1_range, w2_range, grid=5)


def test_loss_must_fit_the_data():
    with pytest.raises(ValueError, match="use mse or mae for regression data"):
        surface.loss_surface(line(), "cross_entropy", (0, 1), (0, 1), grid=5)
    with pytest.raises(ValueError, match="unknown loss 'l3'"):
        surface.loss_at(blobs(), "l3", np.zeros((1, 2)))


def test_blocks_with_padding_equal_one_block(monkeypatch):
    data, grid = blobs(), 23
    args = (data, "cross_entropy", (-3.0, 4.0), (-2.0, 2.0), grid)
    whole = surface.loss_surface(*args)

    shapes = []
    compiled = surface._compiled

    def spy(loss, task):
        fn = compiled(loss, task)

        def call(x, y, mask, w):
            shapes.append(tuple(w.shape))
            return fn(x, y, mask, w)

        return call

    monkeypatch.setattr(surface, "_compiled", spy)
    # 23 * 23 * 30 cells in blocks of at most 1000: 16 blocks of 2 rows, padded
    monkeypatch.setattr(surface, "CELLS_PER_BLOCK", 1000)
    split = surface.loss_surface(*args)
    assert len(shapes) == 12 and set(shapes) == {(2, grid, 2)}
    np.testing.assert_allclose(split.loss, whole.loss, rtol=1e-6)
    np.testing.assert_array_equal(split.w1, whole.w1)
    # fewer cells than one row: one row per block
    shapes.clear()
    monkeypatch.setattr(surface, "CELLS_PER_BLOCK", 100)
    rows = surface.loss_surface(*args)
    assert len(shapes) == grid and set(shapes) == {(1, grid, 2)}
    np.testing.assert_allclose(rows.loss, whole.loss, rtol=1e-6)


@pytest.mark.parametrize(
    "value, text",
    [
        (0.26049, "0.2605"),
        (3.0, "3"),
        (999.94, "999.9"),
        (12345.6, "12,346"),
        (2.98249e13, "2.982 × 10¹³"),
        (9.20044801556821e35, "9.2 × 10³⁵"),
        (-4.2e-7, "-4.2 × 10⁻⁷"),
        (0.0, "0"),
        (None, "—"),
        (float("nan"), "—"),
        (float("inf"), "—"),
    ],
)
def test_numbers_are_written_as_people_write_them(value, text):
    from landscape.summary import number

    assert number(value) == text
