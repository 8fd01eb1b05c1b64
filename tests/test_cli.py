"""Tests for python -m landscape: exit status, one-line errors, and the JSON contract.

Bad input is checked in-process through landscape.cli.main for speed; a handful of
real subprocesses, run one per CPU at a time, prove the contract end to end, including
TensorFlow's start-up noise being kept off stderr.
"""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from landscape import cli, optimizers

ROOT = Path(__file__).parents[1]
TIMEOUT = 120  # seconds per subprocess: the TensorFlow import dominates

# One feature plus a label: the model is w1 * x + w2, so w2 is the bias.
ONE_FEATURE_CSV = "dose,label\n0.5,0\n1.0,0\n1.5,1\n2.0,0\n2.5,1\n3.0,1\n3.5,1\n"
# Two features, no bias; not symmetric in x1 and x2, so a transposed grid shows.
TWO_FEATURE_CSV = "x1,x2,label\n1.0,0.2,1\n-0.5,1.5,0\n2.0,-1.0,1\n-1.5,-0.3,0\n"
BAD_CSV = {
    "ragged.csv": "x,label\n1,0\n2\n3,1\n",
    "text.csv": "x,label\n1,0\nabc,1\n3,1\n",
    "empty.csv": "",
}


def strict_json(text: str) -> dict:
    """json.loads that refuses NaN and Infinity, which JSON itself does not allow."""

    def refuse(constant: str) -> None:
        raise ValueError(f"non-finite number {constant} in the output")

    return json.loads(text, parse_constant=refuse)


def mean_sigmoid_cross_entropy(x: np.ndarray, y: np.ndarray, w) -> np.ndarray:
    """NumPy oracle: mean over examples of -y log p - (1 - y) log(1 - p).

    Args:
        x: (n, 2) design matrix.
        y: (n,) labels, 0 or 1.
        w: (..., 2) weights.

    Returns:
        (...) mean losses, in float64.
    """
    z = np.asarray(w, np.float64) @ np.asarray(x, np.float64).T
    # log(1 + exp(-|z|)) + max(z, 0) - z*y: -y log p - (1-y) log(1-p), p = sigmoid(z)
    return np.mean(np.logaddexp(0.0, -np.abs(z)) + np.maximum(z, 0) - z * y, axis=-1)


def read_csv(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(x (n, k), y (n,)) of a CSV whose last column is the label."""
    values = np.array([row.split(",") for row in text.split()[1:]], float)
    return values[:, :-1], values[:, -1]


def assert_one_line_error(status: int, out: str, err: str, *fragments: str) -> None:
    """The bad-input contract: status 2, nothing on stdout, one line on stderr."""
    assert status == cli.EXIT_BAD_INPUT
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert err.startswith("landscape: error: ")
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


# In-process: every kind of bad input ------------------------------------------

TRAIN = ["train", "--steps", "3"]
MOMENTUM = [*TRAIN, "--optimizer", "momentum"]
SURFACE = ["surface", "--grid", "5"]
ALLOWED_LR = "> 0 and <= 1000"
ALLOWED_STEPS = "from 0 to 100,000"
ALLOWED_SAMPLES = "from 2 to 10000"

BAD_INPUT = [
    pytest.param(
        ["train", "--dataset", "nope"], ["'nope'", "blobs", "iris"], id="dataset"
    ),
    pytest.param(
        [*TRAIN, "--optimizer", "nope"], ["'nope'", "sgd", "tf1_adam"], id="optimizer"
    ),
    pytest.param(
        [*TRAIN, "--loss", "nope"], ["'nope'", "cross_entropy", "mae", "mse"], id="loss"
    ),
    pytest.param(
        [*TRAIN, "--schedule", "nope"],
        ["'nope'", "constant", "exponential", "cosine"],
        id="schedule",
    ),
    pytest.param([*TRAIN, "--lr", "nan"], ["nan", ALLOWED_LR], id="lr-nan"),
    pytest.param([*TRAIN, "--lr", "inf"], ["inf", ALLOWED_LR], id="lr-inf"),
    pytest.param([*TRAIN, "--lr", "-0.1"], ["-0.1", ALLOWED_LR], id="lr-negative"),
    pytest.param([*TRAIN, "--lr", "0"], ["0", ALLOWED_LR], id="lr-zero"),
    pytest.param([*TRAIN, "--lr", "1e308"], ["1e+308", ALLOWED_LR], id="lr-huge"),
    pytest.param(["train", "--steps", "-1"], ["-1", ALLOWED_STEPS], id="steps-neg"),
    pytest.param(
        ["train", "--steps", "100001"], ["100001", ALLOWED_STEPS], id="steps-big"
    ),
    pytest.param(
        ["train", "--steps", "abc"], ["--steps", "int", "'abc'"], id="steps-text"
    ),
    pytest.param(
        [*MOMENTUM, "--param", "momentum=1.5"],
        ["momentum=1.5", "[0, 1)"],
        id="momentum-out-of-range",
    ),
    pytest.param(
        [*MOMENTUM, "--param", "foo=1"],
        ["'foo'", "hyperparameters: momentum"],
        id="unknown-hyperparameter",
    ),
    pytest.param(
        [*TRAIN, "--param", "momentum=0.5"],
        ["sgd", "'momentum'", "hyperparameters: none"],
        id="hyperparameter-of-another-optimizer",
    ),
    pytest.param(
        [*MOMENTUM, "--param", "momentum=abc"],
        ["momentum", "'abc'", "not a number"],
        id="hyperparameter-not-a-number",
    ),
    pytest.param(
        [*MOMENTUM, "--param", "momentum=nan"],
        ["momentum=nan", "allowed: [0, 1)"],
        id="hyperparameter-nan",
    ),
    pytest.param(
        [*MOMENTUM, "--param", "momentum"],
        ["'momentum'", "NAME=VALUE"],
        id="param-malformed",
    ),
    pytest.param(
        ["train", "--data", "{dir}/ragged.csv"],
        ["row 2 (line 3)", "1 cells", "every row needs 2"],
        id="csv-ragged",
    ),
    pytest.param(
        ["train", "--data", "{dir}/text.csv"],
        ["row 2 (line 3)", "'abc'", "finite number"],
        id="csv-text-cell",
    ),
    pytest.param(
        ["train", "--data", "{dir}/missing.csv"],
        ["missing.csv", "No such file"],
        id="csv-missing",
    ),
    pytest.param(
        ["train", "--data", "{dir}/empty.csv"], ["empty", "header"], id="csv-empty"
    ),
    pytest.param(
        ["train", "--dataset", "line", "--loss", "cross_entropy"],
        ["cross_entropy", "0 or 1", "mse or mae"],
        id="cross-entropy-on-regression",
    ),
    pytest.param(
        ["surface", "--dataset", "line", "--loss", "cross_entropy"],
        ["cross_entropy", "mse or mae"],
        id="surface-cross-entropy-on-regression",
    ),
    pytest.param(["surface", "--grid", "402"], ["402", "3 to 401"], id="grid-402"),
    pytest.param(["surface", "--grid", "2"], ["grid=2", "3 to 401"], id="grid-2"),
    pytest.param(
        [*SURFACE, "--w1", "3", "1"], ["w1", "reversed", "MIN < MAX"], id="range-rev"
    ),
    pytest.param([*SURFACE, "--w2", "nan", "1"], ["w2", "finite"], id="range-nan"),
    pytest.param(
        [*TRAIN, "--start", "1"], ["--start", "expected 2 arguments"], id="start-one"
    ),
    pytest.param(
        [*TRAIN, "--start", "inf", "0"], ["w1", "-1000 and 1000"], id="start-inf"
    ),
    pytest.param(
        [*TRAIN, "--batch-size", "0"], ["batch size", "from 1 to"], id="batch-size-0"
    ),
    pytest.param(["train", "--samples", "1"], ["1", ALLOWED_SAMPLES], id="samples-1"),
    pytest.param(
        ["train", "--samples", "10001"], ["10001", ALLOWED_SAMPLES], id="samples-10001"
    ),
    pytest.param(
        ["train", "--dataset", "xor", "--data", "{dir}/text.csv"],
        ["--data", "not allowed with", "--dataset"],
        id="dataset-and-data",
    ),
    pytest.param(["nope"], ["'nope'", "train", "surface", "bench"], id="subcommand"),
    pytest.param([], ["command"], id="no-subcommand"),
    pytest.param(["bench", "--nope"], ["--nope"], id="bench-unknown-flag"),
]


@pytest.fixture
def csv_dir(tmp_path: Path) -> Path:
    for name, text in BAD_CSV.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(("argv", "fragments"), BAD_INPUT)
def test_bad_input_is_one_line_and_status_2(argv, fragments, csv_dir, capsys):
    status = cli.main([arg.format(dir=csv_dir) for arg in argv])
    captured = capsys.readouterr()
    assert_one_line_error(status, captured.out, captured.err, *fragments)


@pytest.mark.parametrize("flag", ["--steps", "--decay-steps", "--batch-size"])
def test_huge_integer_is_bad_input(flag, capsys):
    status = cli.main([*TRAIN, flag, "1" + "0" * 400])
    captured = capsys.readouterr()
    assert_one_line_error(status, captured.out, captured.err, flag.lstrip("-")[:5])


# Subprocesses: the contract end to end ------------------------------------------

TRAIN_LR = 0.05
TRAIN_START = ["1.5", "-0.5"]
RUNS = {
    "argparse-error": ["nope"],
    "engine-error": ["train", "--dataset", "line", "--loss", "cross_entropy"],
    "csv-error": ["train", "--data", "{dir}/ragged.csv"],
    "train": [
        *["train", "--dataset", "blobs", "--loss", "cross_entropy"],
        *["--optimizer", "adam", "--lr", str(TRAIN_LR), "--steps", "7"],
        *["--start", *TRAIN_START, "--param", "beta_1=0.8", "--json"],
    ],
    "surface": [
        *["surface", "--data", "{dir}/two.csv", "--loss", "cross_entropy"],
        *["--grid", "7", "--w1", "-3", "2", "--w2", "-1", "4", "--json"],
    ],
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Every command of RUNS, run as python -m landscape, one per CPU at a time."""
    folder = tmp_path_factory.mktemp("cli")
    (folder / "ragged.csv").write_text(BAD_CSV["ragged.csv"])
    (folder / "two.csv").write_text(TWO_FEATURE_CSV)
    # The CLI must quiet TensorFlow itself, not rely on the caller's environment.
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}

    def run(argv: list[str]) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "landscape"]
        command += [arg.format(dir=folder) for arg in argv]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )

    # More TensorFlow imports than CPUs at once is slower than one after another.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        return dict(zip(RUNS, pool.map(run, RUNS.values())))


@pytest.mark.parametrize(
    ("name", "fragments"),
    [
        ("argparse-error", ["invalid choice", "'nope'", "train"]),
        ("engine-error", ["cross_entropy", "mse or mae"]),
        ("csv-error", ["row 2 (line 3)", "every row needs 2"]),
    ],
)
def test_subprocess_bad_input_is_one_line_and_status_2(runs, name, fragments):
    run = runs[name]
    assert_one_line_error(run.returncode, run.stdout, run.stderr, *fragments)


@pytest.mark.parametrize("name", ["train", "surface"])
def test_subprocess_good_run_prints_one_finite_json_object(runs, name):
    run = runs[name]
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("\n") == 1  # one object, on one line
    assert isinstance(strict_json(run.stdout), dict)


def test_train_json_has_the_documented_shape(runs):
    out = strict_json(runs["train"].stdout)
    start = [float(v) for v in TRAIN_START]
    assert len(out["weights"]) == 8 and out["weights"][0] == start
    assert all(len(row) == 2 for row in out["weights"])
    assert len(out["losses"]) == 8
    assert len(out["gradients"]) == 7 and all(len(g) == 2 for g in out["gradients"])
    assert out["diverged_at"] is None
    assert out["losses"][-1] < out["losses"][0]  # blobs is easy: Adam goes downhill


def test_train_json_settings_include_every_default(runs):
    settings = strict_json(runs["train"].stdout)["settings"]
    hypers = optimizers.REGISTRY["adam"].hypers
    expected = {h.name: h.default for h in hypers} | {"beta_1": 0.8}
    assert settings["params"] == expected
    assert settings["learning_rate"] == TRAIN_LR
    assert settings["optimizer"] == "adam" and settings["loss"] == "cross_entropy"
    assert settings["steps"] == 7 and settings["start"] == [1.5, -0.5]
    assert settings["dataset"] == "blobs" and settings["samples"] == 200
    assert settings["schedule"]["kind"] == "constant"
    assert settings["schedule"]["decay_steps"] == 7  # None means the run's steps


def test_train_json_settings_report_the_noise_used(runs):
    settings = strict_json(runs["train"].stdout)["settings"]
    assert settings["noise"] == 0.5  # the blobs preset's default


def run_json(argv: list[str], capsys) -> dict:
    """cli.main(argv) in-process: status 0 and one finite JSON object on stdout."""
    status = cli.main(argv)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.out.count("\n") == 1
    return strict_json(captured.out)


def test_train_on_csv_matches_numpy(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text(ONE_FEATURE_CSV)
    argv = ["train", "--data", str(path), "--loss", "cross_entropy", "--json"]
    argv += ["--optimizer", "sgd", "--lr", "0.5", "--steps", "3", "--start", "0.7"]
    out = run_json([*argv, "-1.2"], capsys)
    feature, y = read_csv(ONE_FEATURE_CSV)
    x = np.column_stack([feature[:, 0], np.ones(len(y))])  # the bias column
    w0 = np.array(out["weights"][0])
    np.testing.assert_array_equal(w0, np.float32([0.7, -1.2]))  # float32 weights
    loss = mean_sigmoid_cross_entropy(x, y, w0)
    np.testing.assert_allclose(out["losses"][0], loss, rtol=1e-5)
    # d/dw of the mean cross-entropy is mean((sigmoid(z) - y) * x).
    p = 1.0 / (1.0 + np.exp(-(x @ w0)))
    grad = ((p - y)[:, None] * x).mean(axis=0)
    np.testing.assert_allclose(out["gradients"][0], grad, rtol=1e-5, atol=1e-7)
    # One hand-computed SGD step: w1 = w0 - lr * g.
    np.testing.assert_allclose(out["weights"][1], w0 - 0.5 * grad, rtol=1e-5)
    for w, reported in zip(out["weights"], out["losses"]):
        expected = mean_sigmoid_cross_entropy(x, y, w)
        np.testing.assert_allclose(reported, expected, rtol=1e-5)
    assert out["settings"]["rows"] == len(y)
    assert out["settings"]["task"] == "classification"


def test_surface_json_matches_numpy_at_w1_j_w2_i(runs):
    out = strict_json(runs["surface"].stdout)
    np.testing.assert_allclose(out["w1"], np.linspace(-3, 2, 7), rtol=1e-6)
    np.testing.assert_allclose(out["w2"], np.linspace(-1, 4, 7), rtol=1e-6)
    loss = np.array(out["loss"])
    assert loss.shape == (7, 7)
    x, y = read_csv(TWO_FEATURE_CSV)
    for i, j in [(0, 0), (0, 6), (6, 0), (2, 5), (5, 2), (3, 3)]:
        expected = mean_sigmoid_cross_entropy(x, y, [out["w1"][j], out["w2"][i]])
        np.testing.assert_allclose(loss[i, j], expected, rtol=1e-5)
    # The data are not symmetric in x1 and x2, so a transposed grid would differ.
    assert not np.allclose(loss, loss.T, rtol=1e-3)


def test_divergence_is_a_result_with_finite_numbers(capsys):
    argv = ["train", "--dataset", "line", "--loss", "mse", "--optimizer", "sgd"]
    out = run_json([*argv, "--lr", "50", "--steps", "100", "--json"], capsys)
    diverged_at = out["diverged_at"]
    assert isinstance(diverged_at, int) and 0 < diverged_at <= 100
    # Rows stop before the first non-finite one; the start is always kept.
    assert len(out["weights"]) == len(out["losses"]) == diverged_at
    assert len(out["gradients"]) == diverged_at - 1
    assert out["losses"][-1] > 1e6 * out["losses"][0]
    assert out["settings"]["steps"] == 100
