"""The internals panel: its filled-in numbers must land on TensorFlow's next weights."""

from __future__ import annotations

import numpy as np
import pytest

from landscape import internals, optimizers, trainer
from landscape.config import RunConfig, Schedule, make_params
from landscape.data.presets import make_dataset

# Non-default hyperparameters where they matter, so the rule uses the run's own.
PARAMS = {
    "momentum": {"momentum": 0.8},
    "nesterov": {"momentum": 0.7},
    "rmsprop": {"rho": 0.8, "momentum": 0.5},
    "adam": {"beta_1": 0.85, "beta_2": 0.99},
    "adamw": {"weight_decay": 0.05},
    "adagrad": {"initial_accumulator_value": 0.5},
    "ftrl": {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.1},
    "tf1_adam": {"beta1": 0.8},
}


@pytest.fixture(scope="module")
def data():
    return make_dataset("overlap", 80, seed=4)


@pytest.mark.parametrize("key", list(optimizers.REGISTRY))
def test_filled_numbers_reproduce_the_recorded_next_weights(data, key):
    params = PARAMS.get(key, {})
    cfg = RunConfig(
        optimizer=key,
        learning_rate=optimizers.get(key).default_lr * 30,
        steps=25,
        start=(-2.0, 1.5),
        params=make_params(params),
    )
    run = trainer.run(data, cfg)
    for k in range(1, 26):
        e = internals.explain(key, run, k, params)
        # float64 arithmetic on the recorded float32 inputs vs TF's float32 step.
        np.testing.assert_allclose(e.predicted, run.weights[k], rtol=2e-6, atol=2e-7)
        assert e.step == k and e.rule == internals.RULES[key]
        assert e.filled and all(isinstance(line, str) for line in e.filled)


def test_filled_rule_shows_this_steps_numbers(data):
    run = trainer.run(data, RunConfig(optimizer="sgd", learning_rate=0.5, steps=3))
    e = internals.explain("sgd", run, 2)
    line = e.filled[0]
    # w_1, eta, g_1 and w_2 as the student reads them.
    for value in (*run.weights[1], 0.5, *run.gradients[1], *e.predicted):
        assert f"{value:.6g}" in line


def test_momentum_state_before_the_first_step_is_zero(data):
    run = trainer.run(data, RunConfig(optimizer="momentum", learning_rate=0.1, steps=2))
    first = internals.explain("momentum", run, 1)
    np.testing.assert_array_equal(first.numbers["velocity"], [0.0, 0.0])
    second = internals.explain("momentum", run, 2)
    np.testing.assert_allclose(second.numbers["velocity"], run.state["velocity"][0])


def test_a_schedule_fills_in_that_steps_rate(data):
    cfg = RunConfig(
        optimizer="sgd",
        learning_rate=0.4,
        steps=10,
        schedule=Schedule("exponential", decay_steps=5, decay_rate=0.5),
    )
    run = trainer.run(data, cfg)
    e = internals.explain("sgd", run, 6)
    assert e.numbers["eta"] == pytest.approx(0.4 * 0.5 ** (5 / 5), rel=1e-6)


def test_steps_outside_the_run_are_refused(data):
    run = trainer.run(data, RunConfig(optimizer="sgd", steps=3))
    for k in (0, 4):
        with pytest.raises(ValueError, match="steps 1 to 3"):
            internals.explain("sgd", run, k)


def test_numbers_in_the_rules_are_written_as_people_write_them():
    assert (
        internals.vec([1.32986e-6, 0.25])
        == r"\left(1.32986 \times 10^{-6},\ 0.25\right)"
    )
    assert internals.vec(0.5) == "0.5"
    assert internals.vec(-2.5e7) == r"-2.5 \times 10^{7}"
    assert "e-" not in internals.vec([3e-9, 4e-12])
