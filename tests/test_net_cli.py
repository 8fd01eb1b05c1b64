"""Tests for python -m landscape net-train | net-slice (landscape/net/commands.py):
the JSON contract, checked from the outside with the float64 NumPy oracle, and
bad input as one line with status 2."""

import os
import subprocess
import sys

import numpy as np
import pytest

from landscape import cli
from tests import net_numpy as oracle
from tests.test_cli import ROOT, TIMEOUT, assert_one_line_error, run_json, strict_json

NET = ["--dataset", "moons", "--samples", "120", "--hidden", "6", "--hidden", "4",
       "--activation", "tanh", "--loss", "cross_entropy", "--optimizer", "adam",
       "--lr", "0.03", "--steps", "40"]  # fmt: skip
TWO_FEATURES = "x1,x2,label\n" + "".join(
    f"{np.sin(k):.4f},{np.cos(3 * k):.4f},{k % 2}\n" for k in range(30)
)
BAD = [
    (["net-train", "--activation", "softmax"], ["unknown activation", "tanh, relu"]),
    (["net-train", "--hidden", "0"], ["2 to 16"]),
    (["net-train", "--hidden", "40"], ["2 to 16"]),
    (["net-train", *["--hidden", "4"] * 3], ["1 or 2"]),
    (["net-slice", "--grid", "2"], ["3 to 81"]),
    (["net-slice", "--grid", "82"], ["3 to 81"]),
    (["net-slice", "--plane", "hessian"], ["unknown plane", "pca, random"]),
    (["net-slice", "--span", "0"], ["span"]),
    (["net-train", "--data", "{dir}/one.csv"], ["2 feature columns"]),
    (["net-train", "--data", "{dir}/real.csv"], ["cross_entropy needs labels"]),
    (["net-train", "--loss", "mae"], ["cross_entropy or mse"]),
    (["net-train", "--optimizer", "adamm"], ["unknown optimizer"]),
    (["net-train", "--steps", "10001"], ["steps", "10,000"]),
    (["net-train", "--lr", "0"], ["learning rate"]),
    (["net-train", "--param", "beta_1=2"], ["beta_1", "out of range"]),
    (["net-train", "--init-seed", "-1"], ["init seed"]),
    (["net-train", "--dataset", "moons", "--data", "x.csv"], ["not allowed with"]),
]


@pytest.fixture
def csv_dir(tmp_path):
    (tmp_path / "one.csv").write_text("x,label\n1,0\n2,1\n3,0\n")
    (tmp_path / "real.csv").write_text("x1,x2,y\n1,2,0.5\n2,1,1.5\n3,0,2\n")
    (tmp_path / "two.csv").write_text(TWO_FEATURES)
    return tmp_path


@pytest.mark.parametrize(("argv", "fragments"), BAD)
def test_bad_input_is_one_line_and_status_2(argv, fragments, csv_dir, capsys):
    status = cli.main([a.format(dir=csv_dir) for a in argv] + ["--json"])
    captured = capsys.readouterr()
    assert_one_line_error(status, captured.out, captured.err, *fragments)


def oracle_loss(out: dict, x, y, w) -> float:
    s = out["settings"]
    return oracle.loss(out["layout"], s["activation"], s["loss"], x, y, w)


def test_net_train_json_is_the_documented_contract(capsys):
    out = run_json(["net-train", *NET, "--param", "beta_1=0.8", "--json"], capsys)
    assert out["layout"] == [
        {"name": "hidden_1/kernel", "shape": [2, 6]},
        {"name": "hidden_1/bias", "shape": [6]},
        {"name": "hidden_2/kernel", "shape": [6, 4]},
        {"name": "hidden_2/bias", "shape": [4]},
        {"name": "output/kernel", "shape": [4, 1]},
        {"name": "output/bias", "shape": [1]},
    ]
    params = np.array(out["params"])
    assert params.shape == (41, 18 + 28 + 5) and len(out["losses"]) == 41
    assert out["diverged_at"] is None
    s = out["settings"]
    assert (s["dataset"], s["samples"], s["hidden"], s["optimizer"]) == (
        "moons", 120, [6, 4], "adam")  # fmt: skip
    assert s["params"] == {"beta_1": 0.8, "beta_2": 0.999, "epsilon": 1e-7}
    assert s["init_seed"] == 0 and s["learning_rate"] == 0.03
    assert s["noise"] == 0.1  # the moons preset's default, resolved


def test_net_train_on_a_csv_matches_numpy_losses(csv_dir, capsys):
    argv = ["net-train", "--data", str(csv_dir / "two.csv"), "--hidden", "5",
            "--activation", "relu", "--loss", "mse", "--optimizer", "sgd",
            "--lr", "0.5", "--steps", "25", "--init-seed", "3", "--json"]  # fmt: skip
    out = run_json(argv, capsys)
    values = np.loadtxt(csv_dir / "two.csv", delimiter=",", skiprows=1)
    x, y = values[:, :2], values[:, 2]
    want = [oracle_loss(out, x, y, w) for w in out["params"]]
    np.testing.assert_allclose(out["losses"], want, rtol=2e-5, atol=1e-6)
    assert out["settings"]["data"].endswith("two.csv")


@pytest.fixture(scope="module")
def sliced() -> dict:
    """net-slice --json as a real subprocess: the contract end to end."""
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    argv = [sys.executable, "-m", "landscape", "net-slice", *NET, "--plane", "pca",
            "--grid", "7", "--span", "2.5", "--json"]  # fmt: skip
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)  # fmt: skip
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.count("\n") == 1
    return strict_json(done.stdout)


def test_net_slice_json_has_every_field_at_its_shape(sliced):
    p = len(sliced["center"])
    assert np.array(sliced["directions"]).shape == (2, p)
    assert sliced["a1"] == sliced["a2"] == list(np.linspace(-2.5, 2.5, 7))
    assert np.array(sliced["loss"]).shape == (7, 7)
    assert np.array(sliced["path"]).shape == (41, 2)
    for key in ("path_loss", "plane_loss_at_path", "off_plane"):
        assert len(sliced[key]) == 41
    assert sliced["path_loss"] == sliced["losses"]
    ev = sliced["explained_variance"]
    assert len(ev) == 2 and 1 >= ev[0] >= ev[1] >= 0
    assert sliced["center"] == sliced["params"][-1]


def test_net_slice_loss_i_j_is_at_center_plus_a1_j_d1_plus_a2_i_d2(sliced):
    from landscape.data.presets import make_dataset

    data = make_dataset("moons", 120)
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    c, (d1, d2) = np.array(sliced["center"]), np.array(sliced["directions"])
    a1, a2, loss = sliced["a1"], sliced["a2"], np.array(sliced["loss"])
    for i, j in [(0, 6), (6, 0), (3, 3), (1, 5)]:
        want = oracle_loss(sliced, x, y, c + a1[j] * d1 + a2[i] * d2)
        assert loss[i, j] == pytest.approx(want, rel=2e-5, abs=1e-6)
    path = np.array(sliced["path"])
    on_plane = c + path @ np.array(sliced["directions"])
    want = [oracle_loss(sliced, x, y, w) for w in on_plane]
    np.testing.assert_allclose(sliced["plane_loss_at_path"], want, rtol=2e-5)
    off = np.linalg.norm(np.array(sliced["params"]) - on_plane, axis=1)
    np.testing.assert_allclose(sliced["off_plane"], off, atol=1e-5)


def test_summary_without_json_says_how_far_the_path_left_the_plane(capsys):
    status = cli.main(["net-slice", *NET, "--plane", "random", "--grid", "5"])
    text = capsys.readouterr().out
    assert status == 0
    assert "2-6-4-1 tanh net (51 weights)" in text
    assert "random plane, 5x5 grid" in text and "off the plane" in text
