"""Sessions never mix: shared engines under Streamlit's threads; two app sessions."""

from __future__ import annotations

import itertools
import threading

import keras
import numpy as np
import pytest

from landscape import losses, optimizers, trainer
from landscape.config import RunConfig
from landscape.data import presets
from tests.helpers import live_xy, make_app, run

pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_keras_session_clears_between_script_runs_never_change_a_run():
    # After every script run Streamlit calls keras.backend.clear_session() on
    # that session's thread (script_runner._clean_problem_modules): it replaces
    # Keras's global state and clears TF's eager kernel cache while other
    # sessions' threads build engines and train. Their runs must not change.
    line = presets.make_dataset("line", 40, None, 3)
    blobs = presets.make_dataset("blobs", 40, None, 3)
    jobs = [
        (data, RunConfig(loss=loss, optimizer=key, learning_rate=lr, steps=60,
                         start=(1.5, -1.0), seed=3))
        for (data, loss), key, lr in itertools.product(
            [(line, "mae"), (blobs, "cross_entropy")],
            ["ftrl", "lion"], [0.05, 0.3],
        )
    ]  # fmt: skip
    results: dict[int, np.ndarray] = {}
    errors: list[BaseException] = []
    stop = threading.Event()

    def clear_forever():
        while not stop.wait(0.0005):  # Streamlit: once per script run
            keras.backend.clear_session(free_memory=False)

    def train(indices):
        try:
            for i in indices:
                results[i] = trainer.run(*jobs[i]).weights
        except BaseException as e:  # reported below, in the main thread
            errors.append(e)

    clearer = threading.Thread(target=clear_forever)
    workers = [threading.Thread(target=train, args=(range(k, len(jobs), 3),))
               for k in range(3)]  # fmt: skip
    clearer.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    clearer.join()

    assert errors == []
    for i, (data, cfg) in enumerate(jobs):
        np.testing.assert_array_equal(results[i], trainer.run(data, cfg).weights)


def test_engines_stay_within_the_registry_whatever_is_asked():
    data = presets.make_dataset("blobs", 20, None, 0)
    for bad in (RunConfig(optimizer="nope"), RunConfig(loss="hinge")):
        with pytest.raises(ValueError):
            trainer.run(data, bad)
    with pytest.raises(ValueError):
        trainer.run(presets.make_dataset("line", 20), RunConfig(loss="cross_entropy"))
    # Bounded by construction: one engine per optimizer, loss and task at most.
    allowed = set(itertools.product(optimizers.REGISTRY, losses.LOSSES, losses.TASKS))
    assert trainer.engine_keys() <= allowed


def expected(dataset: str, optimizer: str, lr: float, w1: float, seed: int):
    data = presets.make_dataset(dataset, 200, None, seed)
    cfg = RunConfig(optimizer=optimizer, learning_rate=lr, start=(w1, 2.0), seed=seed)
    return trainer.run(data, cfg).weights


def test_two_app_sessions_interleaved_each_get_their_own_runs():
    a = run(make_app(dataset="overlap", optimizer="adam", lr="0.05", seed="4"))
    b = run(make_app(dataset="blobs", optimizer="sgd", lr="0.3", seed="9"))
    np.testing.assert_array_equal(live_xy(a), expected("overlap", "adam", 0.05, -2, 4))
    np.testing.assert_array_equal(live_xy(b), expected("blobs", "sgd", 0.3, -2, 9))

    for step in range(3):
        lr_a, lr_b, w1 = 0.02 * (step + 1), 0.7 / (step + 1), -1.0 + step
        a.number_input(key="lr_box").set_value(lr_a)
        b.number_input(key="in_w1").set_value(w1)
        b.number_input(key="lr_box").set_value(lr_b)
        run(a)
        run(b)
        np.testing.assert_array_equal(
            live_xy(a), expected("overlap", "adam", lr_a, -2.0, 4)
        )
        np.testing.assert_array_equal(live_xy(b), expected("blobs", "sgd", lr_b, w1, 9))
    assert a.query_params["dataset"] == "overlap"
    assert b.query_params["dataset"] == "blobs"
