"""Show the TensorFlow code: the generated script, run alone, retraces the run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from landscape import codegen, trainer
from landscape.config import RunConfig, Schedule, make_params
from landscape.data.csvfile import load_csv
from landscape.data.presets import make_dataset

CASES = [
    # The course's own code: AdamOptimizer() with its defaults, then GD.
    ("overlap", RunConfig(optimizer="tf1_adam", learning_rate=0.001, steps=30), 1e-6),
    (
        "overlap",
        RunConfig(
            optimizer="tf1_gradient_descent",
            learning_rate=0.5,
            steps=30,
            batch_size=16,
            seed=3,
        ),
        1e-6,
    ),
    (
        "overlap",
        RunConfig(
            optimizer="tf1_adam",
            learning_rate=0.05,
            steps=30,
            schedule=Schedule("exponential", 10, 0.5, staircase=True),
        ),
        1e-6,
    ),
    (
        "overlap",
        RunConfig(
            optimizer="adam", learning_rate=0.05, steps=30, schedule=Schedule("cosine")
        ),
        1e-4,
    ),
    (
        "overlap",
        RunConfig(
            optimizer="nesterov",
            learning_rate=0.1,
            steps=30,
            params=make_params({"momentum": 0.7}),
        ),
        1e-5,
    ),
    (
        "line",
        RunConfig(
            loss="mse", optimizer="rmsprop", learning_rate=0.05, steps=30, batch_size=7
        ),
        1e-5,
    ),
    ("dose", RunConfig(loss="mae", optimizer="sgd", learning_rate=0.5, steps=30), 1e-5),
]


def run_script(text: str) -> np.ndarray:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    out = subprocess.run([sys.executable, "-c", text], capture_output=True, text=True,
                         env=env, timeout=300, cwd="/")  # fmt: skip
    assert out.returncode == 0, out.stderr[-3000:]
    return np.array(json.loads(out.stdout)["weights"])


@pytest.mark.parametrize(
    "preset, cfg, tol", CASES, ids=[f"{c.optimizer}-{c.loss}" for _, c, _ in CASES]
)
def test_generated_script_reproduces_the_run(preset, cfg, tol):
    data = make_dataset(preset, 60, seed=1)
    text = codegen.script(data, cfg, f"the {preset} preset", "a run")
    # Self-contained: nothing from landscape, and runs from another directory.
    assert "landscape" not in text.split('"""', 2)[2]
    path = run_script(text)
    expected = trainer.run(data, cfg).weights
    assert path.shape == expected.shape
    np.testing.assert_allclose(path, expected, atol=tol, rtol=0)


def test_course_style_for_tf1_optimizers():
    data = make_dataset("blobs", 20)
    text = codegen.script(data, RunConfig(optimizer="tf1_adam", learning_rate=0.001,
                                          steps=5), "blobs", "x")  # fmt: skip
    for call in ("labels_float = tf.cast(labels, tf.float32)",
                 "tf.nn.sigmoid_cross_entropy_with_logits(",
                 "loss = tf.math.reduce_mean(cross_entropy)",
                 "adam = tf.compat.v1.train.AdamOptimizer()",
                 "train_op = adam.minimize(loss)"):  # fmt: skip
        assert call in text, call


def test_keras_scripts_name_every_hyperparameter():
    data = make_dataset("blobs", 20)
    cfg = RunConfig(optimizer="adam", learning_rate=0.01, steps=5,
                    params=make_params({"beta_1": 0.8}))  # fmt: skip
    text = codegen.script(data, cfg, "blobs", "x")
    assert ("tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.8, "
            "beta_2=0.999, epsilon=1e-07)") in text  # fmt: skip


def test_uploaded_data_is_embedded_exactly():
    data = load_csv(b"dose,y\n0.1,0\n0.30000001,1\n2.5,1\n", name="mine.csv")
    text = codegen.script(data, RunConfig(optimizer="sgd", steps=2), "mine.csv", "x")
    namespace = {}
    exec(text.split("N = len(y)")[0].split('"""', 2)[2], namespace)  # the data block
    np.testing.assert_array_equal(namespace["x"], data.x)
    np.testing.assert_array_equal(namespace["y"], data.y)
