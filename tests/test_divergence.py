"""A diverging run is explained, and the rate it suggests is checked against theory."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from landscape import divergence, trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset
from landscape.settings import run_config
from tests.helpers import make_app, run, runs_table

pytestmark = pytest.mark.usefixtures("fresh_caches")


def gd_limit(data) -> float:
    """2 / lambda_max of the MSE Hessian 2 X^T X / n: gradient descent on this
    quadratic is stable exactly below it (NumPy, float64)."""
    x = data.x.astype(np.float64)
    return 2 / np.linalg.eigvalsh(2 * x.T @ x / len(x)).max()


def test_the_suggested_rate_sits_just_under_gradient_descents_stability_limit():
    data = make_dataset("line")
    cfg = RunConfig(loss="mse", optimizer="sgd", learning_rate=10.0, steps=100)
    found = divergence.stable_rate(data, cfg)
    limit = gd_limit(data)
    assert 0.95 * limit <= found.rate <= limit, (found, limit)
    assert not divergence.blows_up(
        trainer.run(data, replace(cfg, learning_rate=found.rate))
    )
    assert divergence.blows_up(
        trainer.run(data, replace(cfg, learning_rate=1.05 * limit))
    )
    assert 5 <= found.runs <= 20


def test_growth_is_the_loss_ratio_per_step_at_the_end():
    t = type("T", (), {})()
    t.losses = np.array([5.0, 4.0, 2.0, 4.0, 8.0, 16.0])
    assert divergence.growth(t) == pytest.approx(2.0)
    t.losses = np.array([5.0, 4.0, 3.0])
    assert divergence.growth(t) is None


def test_the_page_explains_the_divergence_and_one_click_uses_the_rate_found():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="10"))
    (warning,) = [w.value for w in at.warning]
    assert "diverged at step" in warning
    assert "each step overshoots the valley, and the loss grew about ×" in warning
    button = next(b for b in at.button if b.label.startswith("Use lr "))
    rate = float(button.label.removeprefix("Use lr "))
    assert 0.95 * gd_limit(make_dataset("line")) <= rate < 10
    button.click()
    run(at)
    assert float(at.query_params["lr"]) == rate
    assert [w.value for w in at.warning] == []  # the run now settles
    table = runs_table(at)
    assert table["diverged"].tolist() == ["no"]
    assert "e+" not in " ".join(table["final loss"]) and "None" not in str(table)


def test_the_rate_control_says_where_too_large_begins_as_numpy_predicts():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="10"))
    (hint,) = [c.value for c in at.caption if c.value.startswith("Stable below")]
    x = make_dataset("line").x.astype(np.float64)
    lam = np.linalg.eigvalsh(2 * x.T @ x / len(x))
    assert f"Stable below {2 / lam[1]:.3g}" in hint
    assert f"fastest near {2 / (lam[0] + lam[1]):.3g}" in hint
    assert "from the curvature at the minimum" in hint
    (warning,) = [w.value for w in at.warning]
    assert f"lr 10 is above this loss's stability 2/λmax = {2 / lam[1]:.3g}" in warning


def test_no_limit_is_invented_for_adam_or_for_separable_data():
    at = run(make_app(dataset="blobs", optimizer="adam"))
    (hint,) = [c.value for c in at.caption if "stability limit" in c.value]
    assert hint.startswith("No stability limit at the start (this loss has no minimum")
    assert "adaptive: its step is scaled per weight" in hint


def test_the_sweep_around_the_limit_crosses_it_and_the_runs_show_it():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.1", w1="-1"))
    next(b for b in at.button if b.label == "Sweep around the limit").click()
    run(at)
    data = make_dataset("line")
    x = data.x.astype(np.float64)
    lam = np.linalg.eigvalsh(2 * x.T @ x / len(x))
    limit, best = 2 / lam[1], 2 / (lam[0] + lam[1])
    pins = at.session_state["explorer"].pins
    rates = (0.5 * limit, 0.9 * limit, 1.1 * limit, 2 * limit, best)
    assert [p.lr for p in pins] == sorted(float(f"{r:.3g}") for r in rates)
    # Below the limit each settles; above it each blows up, and the page says so.
    for p in pins:
        t = trainer.run(data, run_config(p, "mse", 0))
        assert divergence.blows_up(t) == (p.lr > limit), (p.lr, limit)
    above = sum(p.lr > limit for p in pins)
    assert above == 2
    assert len([w for w in at.warning if "above this loss's stability" in w.value]) == 2


def test_the_predict_the_divergence_lesson_splits_at_the_limit_it_quotes():
    at = run(make_app(lesson="predict_divergence"))
    x = make_dataset("line").x.astype(np.float64)
    limit = 2 / np.linalg.eigvalsh(2 * x.T @ x / len(x))[1]
    assert f"about {limit:.3g}." in [i.value for i in at.info][0]
    state = at.session_state["explorer"]
    data = make_dataset("line")
    for p in (state.live, *state.pins):
        t = trainer.run(data, run_config(p, "mse", 0))
        assert divergence.blows_up(t) == (p.lr > limit), p.lr
    assert sorted(p.lr > limit for p in (state.live, *state.pins)) == [0, 0, 1, 1]
