"""The curvature on the page: the internals' Hessian and the contour's ellipse."""

from __future__ import annotations

import re

import numpy as np
import pytest

from landscape.data.presets import make_dataset
from tests.helpers import chart, decode, make_app, open_internals, run

pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_the_step_shows_numpys_hessian_and_the_contour_its_ellipse():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.5"))
    open_internals(at)
    x = make_dataset("line").x.astype(np.float64)
    h = 2 * x.T @ x / len(x)  # the L2 loss of a line is a quadratic: H everywhere
    (latex,) = [t.value for t in at.latex if "pmatrix" in t.value]
    matrix = latex.split(r"\begin{pmatrix}")[1].split(r"\end{pmatrix}")[0]
    shown = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", matrix)]
    np.testing.assert_allclose(shown, [h[0, 0], h[0, 1], h[1, 0], h[1, 1]], rtol=1e-5)
    limit = 2 / np.linalg.eigvalsh(h)[1]
    assert any(f"2/λmax = {limit:.4g}" in c.value for c in at.caption)

    shapes = chart(at, "contour")["layout"]["shapes"]
    ring = np.array(
        [[float(v) for v in p.split(",")]
         for p in re.findall(r"-?[\d.e+-]+,-?[\d.e+-]+", shapes[0]["path"])]
    )  # fmt: skip
    ring = ring[:-1]  # the path closes on its first point
    start = ring.mean(axis=0)  # evenly spaced around the step's start
    np.testing.assert_allclose(start, [-2.0, 2.0], atol=1e-4)  # step 1 starts there
    d = ring - start
    level = np.einsum("ki,ij,kj->k", d, h, d)  # d^T H d along the ellipse
    np.testing.assert_allclose(level, level.mean(), rtol=1e-3)
    assert [s["type"] for s in shapes] == ["path", "line", "line"]


def test_the_sharpness_chart_shows_numpys_lambda_max_and_two_over_the_rate():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.5",
                      pin="adam,lr=0.1,steps=100"))  # fmt: skip
    assert "sharpness" not in {c.proto.id.rsplit("-", 1)[-1]
                               for c in at.get("plotly_chart")}  # fmt: skip
    at.toggle(key="sharpness_on").set_value(True)
    run(at)
    traces = chart(at, "sharpness")["data"]
    names = [t["name"] for t in traces]
    assert names == [
        "Gradient descent · lr 0.5 (live): λmax",
        "Gradient descent · lr 0.5 (live): edge of stability",
        "Adam · lr 0.1: P⁻¹H",
        "Adam · lr 0.1: edge of stability",
    ]
    x = make_dataset("line").x.astype(np.float64)
    lam_max = np.linalg.eigvalsh(2 * x.T @ x / len(x))[1]  # the same everywhere
    np.testing.assert_allclose(decode(traces[0]["y"]), lam_max, rtol=1e-5)
    np.testing.assert_allclose(decode(traces[1]["y"]), 2 / 0.5, rtol=1e-12)
    # Adam: (2 + 2 beta_1) / ((1 - beta_1) lr), beta_1 = 0.9, lr recorded in float32.
    np.testing.assert_allclose(decode(traces[3]["y"]), 3.8 / (0.1 * 0.1), rtol=1e-6)
    adam = decode(traces[2]["y"])
    assert np.isnan(adam[0]) and np.isfinite(adam[1:]).all()


def test_a_link_opens_the_sharpness_chart_at_its_step_and_the_url_keeps_both():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.5",
                      steps="40", sharpness="1", step="7"))  # fmt: skip
    fig = chart(at, "sharpness")
    (mark,) = [s for s in fig["layout"]["shapes"] if s["type"] == "line"]
    assert mark["x0"] == mark["x1"] == 7  # the step the link names, marked
    assert at.slider(key="internals_step").value == 7
    assert at.query_params["sharpness"] == "1" and at.query_params["step"] == "7"
    at.toggle(key="sharpness_on").set_value(False)
    at.slider(key="internals_step").set_value(1)
    run(at)
    assert "sharpness" not in at.query_params and "step" not in at.query_params


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        ({"sharpness": "yes"}, "URL parameter sharpness='yes' is not valid (1 or 0)"),
        ({"step": "0"}, "URL parameter step='0' is not a step"),
        ({"step": "x9"}, "URL parameter step='x9' is not a step"),
    ],
)
def test_bad_sharpness_and_step_in_a_link_warn_in_one_line(query, warning):
    at = run(make_app(**query))
    (shown,) = [w.value for w in at.warning if warning in w.value]
    assert "\n" not in shown.strip()
    assert "sharpness" not in at.query_params and "step" not in at.query_params


def test_a_step_beyond_the_run_is_clamped_to_its_last():
    at = run(make_app(dataset="line", loss="mse", steps="10", step="500"))
    assert at.slider(key="internals_step").value == 10
    assert at.query_params["step"] == "10"


def test_a_change_of_rate_reuses_the_limits_and_a_new_start_computes_them(
    monkeypatch,
):
    """The sidebar's "Stable below ..." comes from a Hessian, which depends on
    the optimizer, its hyperparameters and the start, not on the rate: a rate
    change (the commonest change) must not compute it again."""
    from landscape import curvature
    from landscape.settings import BY_NAME

    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.5"))
    calls, real = [], curvature.limits_at
    monkeypatch.setattr(
        curvature, "limits_at", lambda *a, **k: calls.append(a[4]) or real(*a, **k)
    )
    stable = [c.value for c in at.caption if c.value.startswith("Stable below")]
    assert len(stable) == 1
    at.number_input(key=BY_NAME["lr"].widget).set_value(0.4)
    run(at)
    assert calls == []
    assert [c.value for c in at.caption if c.value.startswith("Stable below")] == stable
    at.number_input(key=BY_NAME["w1"].widget).set_value(1.5)
    run(at)
    assert len(calls) == 1
