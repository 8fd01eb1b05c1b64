"""Tests for landscape.datasets, .dataset and .csvfile: presets, geometry, CSV rules."""

import numpy as np
import pytest

from landscape.data.csvfile import MAX_CSV_BYTES, MAX_CSV_ROWS, load_csv
from landscape.data.dataset import Dataset, padded, padded_size
from landscape.data.presets import ALL_PRESETS, NET_PRESETS, PRESETS, make_dataset

RANDOM_PRESETS = [name for name in ALL_PRESETS if name != "iris"]
SHAPES = {
    "blobs": (("x1", "x2"), "classification", 2),
    "overlap": (("x1", "x2"), "classification", 2),
    "imbalanced": (("x1", "x2"), "classification", 2),
    "xor": (("x1", "x2"), "classification", 2),
    "circles": (("x1", "x2"), "classification", 2),
    "moons": (("x1", "x2"), "classification", 2),
    "spiral": (("x1", "x2"), "classification", 2),
    "gauss": (("x1", "x2"), "classification", 2),
    "dose": (("dose", "bias"), "classification", 1),
    "line": (("x", "bias"), "regression", 1),
    "scaled": (("x1", "x2 (10x wider)"), "regression", 2),
    "iris": (("sepal_length", "sepal_width"), "classification", 2),
}


def best_line_through_origin(x: np.ndarray, y: np.ndarray) -> float:
    """Best accuracy of predicting y = [x @ w > 0] over a dense sweep of directions."""
    angles = np.linspace(0.0, 2.0 * np.pi, 3600, endpoint=False)
    w = np.stack([np.cos(angles), np.sin(angles)])  # (2, 3600)
    correct = (x @ w > 0) == (y[:, None] == 1)
    return float(correct.mean(axis=0).max())


def csv_error(data: bytes) -> str:
    """The ValueError message load_csv raises for data; it must be one line."""
    with pytest.raises(ValueError) as info:
        load_csv(data)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    return message


# Presets ------------------------------------------------------------------------


def test_registry_matches_expected_presets():
    assert set(ALL_PRESETS) == set(SHAPES)
    # The first page keeps its list; the network's shapes are their own.
    assert list(NET_PRESETS) == ["circles", "moons", "spiral", "gauss", "xor"]
    assert list(PRESETS) == [
        *("blobs", "overlap", "imbalanced", "xor", "dose", "line", "scaled", "iris")
    ]
    for name, preset in ALL_PRESETS.items():
        assert name == name.lower()
        assert preset.task == SHAPES[name][1]
        assert preset.description and "\n" not in preset.description


@pytest.mark.parametrize("name", list(SHAPES))
def test_preset_shapes_dtypes_and_names(name):
    data = make_dataset(name, samples=50)
    n = 100 if name == "iris" else 50
    names, task, n_features = SHAPES[name]
    assert data.x.shape == (n, 2) and data.x.dtype == np.float32
    assert data.y.shape == (n,) and data.y.dtype == np.float32
    assert (data.feature_names, data.task, data.n_features) == (names, task, n_features)
    assert data.name == name
    assert np.isfinite(data.x).all() and np.isfinite(data.y).all()
    if task == "classification":
        assert set(np.unique(data.y)) <= {0.0, 1.0}
    if n_features == 1:
        np.testing.assert_array_equal(data.x[:, 1], 1.0)


@pytest.mark.parametrize("name", RANDOM_PRESETS)
def test_same_seed_same_data_and_different_seed_different_data(name):
    a = make_dataset(name, samples=100, seed=7)
    b = make_dataset(name, samples=100, seed=7)
    c = make_dataset(name, samples=100, seed=8)
    np.testing.assert_array_equal(a.x, b.x)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.x, c.x)


@pytest.mark.parametrize("name", list(SHAPES))
def test_presets_leave_global_random_state_alone(name):
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    make_dataset(name, samples=20)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_noise_defaults_to_preset_default():
    default = make_dataset("overlap", seed=3)
    explicit = make_dataset("overlap", noise=PRESETS["overlap"].default_noise, seed=3)
    np.testing.assert_array_equal(default.x, explicit.x)


def test_blobs_are_separated_by_the_mean_difference_through_the_origin():
    data = make_dataset("blobs", samples=1000, seed=1)
    w = data.x[data.y == 1].mean(axis=0) - data.x[data.y == 0].mean(axis=0)
    assert ((data.x @ w > 0) == (data.y == 1)).mean() > 0.95
    assert abs(data.y.mean() - 0.5) < 0.01


def test_overlap_is_learnable_but_not_separable():
    data = make_dataset("overlap", samples=2000, seed=1)
    assert 0.6 < best_line_through_origin(data.x, data.y) < 0.9


def test_xor_defeats_every_line_through_the_origin():
    data = make_dataset("xor", samples=2000, seed=1)
    assert best_line_through_origin(data.x, data.y) < 0.75
    # The labels really are XOR of the signs (up to the few points noise moves).
    xor = (data.x[:, 0] > 0) != (data.x[:, 1] > 0)
    assert (xor == (data.y == 1)).mean() > 0.95


def test_circles_put_class_one_inside_at_radius_half():
    data = make_dataset("circles", samples=301, noise=0.0, seed=3)
    radius = np.hypot(data.x[:, 0], data.x[:, 1])
    np.testing.assert_allclose(radius, np.where(data.y == 1, 0.5, 1.0), rtol=1e-6)
    assert (data.y.sum(), len(data.y)) == (150, 301)
    noisy = make_dataset("circles", samples=2000, noise=0.1, seed=3)
    assert best_line_through_origin(noisy.x, noisy.y) < 0.6


def test_moons_lie_on_their_two_half_circles():
    data = make_dataset("moons", samples=400, noise=0.0, seed=5)
    upper = data.x[data.y == 0]
    lower = data.x[data.y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0, rtol=1e-6)
    assert (upper[:, 1] >= 0).all()
    np.testing.assert_allclose(
        np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0, rtol=1e-6
    )
    assert (lower[:, 1] <= 0.5).all()


def test_spiral_arms_are_each_others_half_turn():
    data = make_dataset("spiral", samples=500, noise=0.0, seed=6)
    radius = np.hypot(data.x[:, 0], data.x[:, 1])
    # angle atan2(x1, x2) = 3.5 pi r / 2 (+ pi for class 0), modulo 2 pi
    angle = np.arctan2(data.x[:, 0], data.x[:, 1])
    expected = 1.75 * np.pi * radius + np.pi * (data.y == 0)
    gap = np.angle(np.exp(1j * (angle - expected)))
    np.testing.assert_allclose(gap, 0.0, atol=1e-4)
    assert radius.max() <= 2.0


def test_gauss_clusters_sit_at_plus_and_minus_two():
    data = make_dataset("gauss", samples=2000, noise=0.5, seed=7)
    np.testing.assert_allclose(data.x[data.y == 1].mean(axis=0), [2, 2], atol=0.05)
    np.testing.assert_allclose(data.x[data.y == 0].mean(axis=0), [-2, -2], atol=0.05)
    assert data.x[data.y == 1].std(axis=0) == pytest.approx([0.5, 0.5], abs=0.03)


def test_imbalanced_is_about_ninety_ten():
    data = make_dataset("imbalanced", samples=1000)
    assert data.y.mean() == pytest.approx(0.1, abs=0.01)
    assert set(np.unique(make_dataset("imbalanced", samples=2).y)) == {0.0, 1.0}


def test_dose_response_rises_with_dose():
    data = make_dataset("dose", samples=2000, seed=2)
    dose = data.x[:, 0]
    assert data.y[dose < 1].mean() < 0.2
    assert data.y[dose > 3].mean() > 0.8
    step = make_dataset("dose", samples=500, noise=0.0)
    np.testing.assert_array_equal(step.y, step.x[:, 0] > 2)


def test_line_recovers_slope_and_intercept():
    data = make_dataset("line", samples=2000, seed=4)
    slope, intercept = np.polyfit(data.x[:, 0], data.y, 1)
    assert slope == pytest.approx(2.0, abs=0.1)
    assert intercept == pytest.approx(-1.0, abs=0.1)
    exact = make_dataset("line", samples=10, noise=0.0)
    np.testing.assert_allclose(exact.y, 2 * exact.x[:, 0] - 1, atol=1e-6)


def test_iris_is_fishers_setosa_versus_versicolor():
    data = make_dataset("iris", samples=5, noise=3.0, seed=9)
    assert data.x.shape == (100, 2)
    np.testing.assert_allclose(data.x[0], [5.1, 3.5])
    np.testing.assert_allclose(data.x[50], [7.0, 3.2])
    assert (data.y[0], data.y[50]) == (0.0, 1.0)
    np.testing.assert_array_equal(data.y, np.repeat([0.0, 1.0], 50))
    # Setosa has wider, shorter sepals: a line through the origin nearly separates.
    assert best_line_through_origin(data.x, data.y) > 0.9


def test_unknown_preset_lists_valid_names():
    with pytest.raises(ValueError, match="valid names: blobs, overlap"):
        make_dataset("spirals")


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"samples": 1}, "samples must be an integer from 2 to 10000"),
        ({"samples": 10_001}, "samples must be an integer from 2 to 10000"),
        ({"samples": 20.0}, "samples must be an integer"),
        ({"noise": -0.1}, r"noise must be a number from 0.0 to 5.0"),
        ({"noise": 5.5}, r"noise must be a number from 0.0 to 5.0"),
        ({"noise": float("nan")}, "noise must be a number"),
        ({"seed": -1}, "seed must be an integer from 0 to 4294967295"),
        ({"seed": 2**32}, "seed must be an integer from 0 to 4294967295"),
        ({"seed": 1.5}, "seed must be an integer"),
        ({"seed": True}, "seed must be an integer"),
    ],
)
def test_out_of_range_arguments_say_the_allowed_range(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        make_dataset("blobs", **kwargs)


def test_range_limits_are_accepted():
    assert make_dataset("blobs", samples=2, noise=0.0, seed=0).x.shape == (2, 2)
    assert (
        make_dataset("xor", samples=10_000, noise=5.0, seed=2**32 - 1).y.size == 10_000
    )


def test_dataset_rejects_wrong_shapes():
    with pytest.raises(ValueError, match="x must be"):
        Dataset(
            np.zeros((3, 3), np.float32),
            np.zeros(3, np.float32),
            ("a", "b"),
            "regression",
            "bad",
            2,
        )


# CSV: good files ----------------------------------------------------------------


def test_csv_one_feature_gets_a_bias_column():
    data = load_csv(b"dose , label\n0.5,0\n2.5,1\n1.5,1\n", name="trial.csv")
    np.testing.assert_array_equal(data.x, [[0.5, 1], [2.5, 1], [1.5, 1]])
    np.testing.assert_array_equal(data.y, [0, 1, 1])
    assert data.x.dtype == data.y.dtype == np.float32
    assert data.feature_names == ("dose", "bias")
    assert (data.n_features, data.task, data.name) == (1, "classification", "trial.csv")


def test_csv_two_features_and_regression_labels():
    data = load_csv(b"a,b,target\n1,2,0.5\n3,4,-1e3\n")
    np.testing.assert_array_equal(data.x, [[1, 2], [3, 4]])
    np.testing.assert_array_equal(data.y, [0.5, -1000])
    assert (data.feature_names, data.n_features, data.task) == (
        ("a", "b"),
        2,
        "regression",
    )


def test_csv_accepts_bom_crlf_quotes_and_trailing_blank_lines():
    data = load_csv(b'\xef\xbb\xbf"x","y"\r\n1,0\r\n"2",1\r\n\r\n,\n \n')
    assert data.feature_names == ("x", "bias")
    np.testing.assert_array_equal(data.y, [0, 1])


def test_csv_from_path_matches_bytes(tmp_path):
    path = tmp_path / "points.csv"
    path.write_bytes(b"x1,x2,label\n1,2,1\n3,4,0\n")
    for source in (path, str(path)):
        np.testing.assert_array_equal(load_csv(source).x, [[1, 2], [3, 4]])


def test_csv_row_limit_is_inclusive():
    data = load_csv(b"x,label\n" + b"1,0\n" * MAX_CSV_ROWS)
    assert data.y.shape == (MAX_CSV_ROWS,)


# CSV: bad files -----------------------------------------------------------------


def test_csv_too_big_is_rejected_before_parsing(tmp_path):
    data = b"x,label\n" + b"\xff" * MAX_CSV_BYTES  # junk that would fail decoding
    assert "at most 5242880 bytes" in csv_error(data)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    with pytest.raises(ValueError, match="larger than 5 MB"):
        load_csv(path)


def test_csv_too_many_rows():
    message = csv_error(b"x,label\n" + b"1,0\n" * (MAX_CSV_ROWS + 1))
    assert f"row {MAX_CSV_ROWS + 1} (line {MAX_CSV_ROWS + 2})" in message
    assert f"at most {MAX_CSV_ROWS} data rows" in message


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"x,label\n1,\x000\n", "NUL bytes"),
        (b"\xff\xfe\x00x\x00,\x00", "NUL bytes"),
        (b"x,label\n\xff\xfe1,0\n", "not UTF-8 text"),
        ("café,label\n1,0\n2,1\n".encode("latin-1"), "not UTF-8 text"),
    ],
)
def test_csv_binary_or_non_utf8_is_rejected(data, pattern):
    message = csv_error(data)
    assert pattern in message and "only UTF-8 CSV text is allowed" in message


@pytest.mark.parametrize("data", [b"", b"\n\n", b"\xef\xbb\xbf", b" ,\n"])
def test_csv_empty_file(data):
    assert "the file is empty; a header row" in csv_error(data)


def test_csv_missing_header():
    message = csv_error(b"1.0,2.0,0\n3.0,4.0,1\n5,6,1\n")
    assert "line 1" in message and "the first line must name the columns" in message


def test_csv_empty_header_name():
    message = csv_error(b"x, ,label\n1,2,0\n3,4,1\n")
    assert "line 1, column 2" in message and "non-empty name" in message


@pytest.mark.parametrize("header", [b"label", b"a,b,c,label"])
def test_csv_wrong_number_of_columns(header):
    rows = b",".join([b"1"] * (header.count(b",") + 1))
    message = csv_error(header + b"\n" + rows + b"\n" + rows + b"\n")
    assert "1 or 2 feature columns plus a label column" in message


def test_csv_ragged_row_names_the_row():
    message = csv_error(b"x1,x2,label\n1,2,0\n3,4\n5,6,1\n")
    assert "row 2 (line 3) has 2 cells but the header has 3" in message


def test_csv_blank_line_in_the_middle():
    message = csv_error(b'x,label\n1,0\n"2\n",1\n\n,\n3,1\n')
    assert "line 5 is empty" in message and "only allowed at the end" in message


@pytest.mark.parametrize(
    ("cell", "pattern"),
    [
        (b"abc", "'abc' is not a number"),
        (b"", "the cell is empty"),
        (b"  ", "the cell is empty"),
        (b"nan", "'nan' is not finite"),
        (b"-inf", "'-inf' is not finite"),
        (b"1e39", "1e+39 is too large for float32"),
        (b"-1e39", "-1e+39 is too large for float32"),
    ],
)
def test_csv_bad_value_names_row_and_column(cell, pattern):
    message = csv_error(b"sepal_length,sepal_width,label\n1,2,0\n3," + cell + b",1\n")
    assert message.startswith("row 2 (line 3), column 'sepal_width': ")
    assert pattern in message and "every value must be a finite number" in message


def test_csv_bad_label_names_the_label_column():
    message = csv_error(b"x,label\n1,0\n2,yes\n")
    assert message.startswith("row 2 (line 3), column 'label': 'yes' is not a number")


def test_csv_multiline_cell_is_shown_on_one_line():
    message = csv_error(b'x,label\n"1",0\n"a\nb",1\n3,0\n"4\n",x\n')
    assert message.startswith("row 2 (line 3), column 'x': 'a\\nb' is not a number")


@pytest.mark.parametrize("data", [b"x,label\n", b"x,label\n1,0\n"])
def test_csv_needs_two_data_rows(data):
    assert "at least 2 data rows" in csv_error(data)


def test_scaled_is_a_narrow_valley():
    """Least squares recovers (1.5, -0.3), and the curvature ratio is about 100."""
    data = make_dataset("scaled", samples=2000, noise=0.1, seed=3)
    w, *_ = np.linalg.lstsq(data.x.astype(np.float64), data.y, rcond=None)
    np.testing.assert_allclose(w, [1.5, -0.3], atol=0.02)
    eig = np.linalg.eigvalsh(data.x.T.astype(np.float64) @ data.x / len(data.y))
    assert 70 < eig.max() / eig.min() < 140


def test_padded_sizes_cover_n_with_at_most_a_quarter_more_and_are_few():
    sizes = {n: padded_size(n) for n in range(2, MAX_CSV_ROWS + 1)}
    assert all(n <= size <= max(16, 1.25 * n) for n, size in sizes.items())
    assert sorted(sizes.values()) == list(sizes.values())  # never shrinks
    assert len(set(sizes.values())) <= 52  # compiles per engine, whatever n is
    assert [padded_size(n) for n in (16, 17, 200, 224, 225, 1000, 1025)] == [
        16, 20, 224, 224, 256, 1024, 1280,
    ]  # fmt: skip


def test_padded_appends_zero_rows_that_the_mask_leaves_out():
    data = make_dataset("line", 201, seed=3)
    x, y, mask = padded(data)
    assert x.shape == (224, 2) and y.shape == (224,) and mask.shape == (224,)
    assert x.dtype == y.dtype == mask.dtype == np.float32
    np.testing.assert_array_equal(x[:201], data.x)
    np.testing.assert_array_equal(y[:201], data.y)
    assert not x[201:].any() and not y[201:].any()
    np.testing.assert_array_equal(mask, np.arange(224) < 201)
