"""The curvature on the page: the internals' Hessian and the contour's ellipse."""

from __future__ import annotations

import re

import numpy as np
import pytest

from landscape.data.presets import make_dataset
from tests.helpers import chart, decode, make_app, run

pytestmark = pytest.mark.usefixtures("fresh_caches")


def test_the_step_shows_numpys_hessian_and_the_contour_its_ellipse():
    at = run(make_app(dataset="line", loss="mse", optimizer="sgd", lr="0.5"))
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
