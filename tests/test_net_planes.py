"""Tests for landscape.net.planes and slices: the planes against NumPy's own
linear algebra, the projection's facts, and the grid against a float64 NumPy
forward pass (tests/net_numpy.py)."""

import numpy as np
import pytest

from landscape.data.presets import make_dataset
from landscape.net import api, planes
from landscape.net.config import net_config
from landscape.net.layout import Architecture, glorot
from tests import net_numpy as oracle

ARCH = Architecture((6, 4), "tanh")


def unit_norms(arch: Architecture, w: np.ndarray) -> list[float]:
    """The norm of each unit's incoming weights, read from the (in, out) kernels."""
    lay = [{"name": n, "shape": list(s)} for n, s in arch.layout]
    return [float(np.linalg.norm(kernel[:, c]))
            for kernel, _ in oracle.unflatten(lay, np.asarray(w, np.float64))
            for c in range(kernel.shape[1])]  # fmt: skip


@pytest.fixture(scope="module")
def run() -> api.NetRun:
    data = make_dataset("moons", 200, seed=0)
    return api.train(data, net_config((6, 4), "tanh", optimizer="adam",
                                      learning_rate=0.03, steps=120))  # fmt: skip


def test_pca_directions_match_the_covariance_eigenvectors(run):
    plane = planes.pca_plane(run.params)
    diff = run.params.astype(np.float64) - run.params[-1]
    centred = diff - diff.mean(axis=0)
    # An independent route to the principal components: the covariance's
    # eigenvectors (eigh), not the SVD of the data.
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, ::-1][:, :2].T
    for got, want in zip(plane.directions, top):
        assert abs(got @ want) / np.linalg.norm(got) > 0.999
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    for got, want in zip(plane.directions, vt[:2]):
        assert abs(got @ want) > 0.999
    np.testing.assert_allclose(plane.directions @ plane.directions.T, np.eye(2),
                               atol=1e-10)  # fmt: skip
    np.testing.assert_allclose(
        plane.explained_variance, values[::-1][:2] / values.sum(), rtol=1e-6
    )
    assert plane.explained_variance[0] > plane.explained_variance[1] > 0
    np.testing.assert_array_equal(plane.center, run.params[-1])


def test_random_directions_are_filter_normalized_with_zero_biases(run):
    center = run.params[-1]
    plane = planes.random_plane(center, ARCH, seed=4)
    for d in plane.directions:
        np.testing.assert_allclose(unit_norms(ARCH, d), unit_norms(ARCH, center),
                                   rtol=1e-10)  # fmt: skip
        assert (d[ARCH.biases()] == 0).all()
    again = planes.random_plane(center, ARCH, seed=4)
    np.testing.assert_array_equal(plane.directions, again.directions)
    other = planes.random_plane(center, ARCH, seed=5)
    assert not np.allclose(plane.directions, other.directions)


def test_interpolate_runs_start_to_end_with_an_orthogonal_normalized_d2(run):
    plane = planes.interpolate_plane(run.params[0], run.params[-1], ARCH, seed=1)
    d1, d2 = plane.directions
    np.testing.assert_allclose(plane.center + d1, run.params[0], atol=1e-6)
    assert abs(d1 @ d2) < 1e-9 * np.linalg.norm(d1) * np.linalg.norm(d2)
    np.testing.assert_allclose(unit_norms(ARCH, d2), unit_norms(ARCH, run.params[-1]),
                               rtol=1e-10)  # fmt: skip
    assert (d2[ARCH.biases()] == 0).all()
    coords, off = planes.project(plane, run.params[[0, -1]])
    np.testing.assert_allclose(coords, [[1, 0], [0, 0]], atol=1e-9)
    np.testing.assert_allclose(off, 0, atol=1e-6)


@pytest.mark.parametrize("kind", planes.PLANES)
def test_projection_of_the_centre_is_the_origin_and_in_plane_points_stay_on(run, kind):
    plane = planes.make_plane(kind, run.params, ARCH, seed=2)
    coords, off = planes.project(plane, plane.center[None])
    np.testing.assert_array_equal(off, 0.0)
    np.testing.assert_allclose(coords, 0.0, atol=1e-12)
    ab = np.random.default_rng(0).normal(size=(30, 2))
    inside = plane.center + ab @ plane.directions
    coords, off = planes.project(plane, inside)
    np.testing.assert_allclose(coords, ab, atol=1e-8)
    np.testing.assert_allclose(off, 0.0, atol=1e-8)
    # one step straight off the plane: distance is exactly its length
    normal = np.linalg.svd(plane.directions)[2][2]  # orthogonal to d1 and d2
    _, off = planes.project(plane, plane.center[None] + 0.7 * normal)
    assert off[0] == pytest.approx(0.7)


@pytest.mark.parametrize("kind", planes.PLANES)
def test_grid_and_path_losses_match_a_numpy_forward_pass(run, kind):
    view = api.slice_run(run, kind, grid=9, span=1.5, direction_seed=3)
    lay = [{"name": n, "shape": list(s)} for n, s in run.layout]
    x, y = run.data.x.astype(np.float64), run.data.y.astype(np.float64)

    def loss(w):
        return oracle.loss(lay, "tanh", "cross_entropy", x, y, w)

    d1, d2 = view.plane.directions
    np.testing.assert_array_equal(view.a1, np.linspace(-1.5, 1.5, 9))
    for i, j in [(0, 0), (0, 8), (8, 0), (4, 4), (2, 7), (6, 1)]:
        w = view.plane.center + view.a1[j] * d1 + view.a2[i] * d2
        assert view.loss[i, j] == pytest.approx(loss(w), rel=2e-5, abs=1e-6)
    on_plane = view.plane.center + view.path @ view.plane.directions
    want = [loss(w) for w in on_plane]
    np.testing.assert_allclose(view.plane_loss_at_path, want, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(view.path_loss, [loss(w) for w in run.params],
                               rtol=2e-5, atol=1e-6)  # fmt: skip
    assert view.path[-1] == pytest.approx([0, 0], abs=1e-9)
    np.testing.assert_allclose(
        view.off_plane, np.linalg.norm(run.params - on_plane, axis=1), atol=1e-6
    )


def test_default_span_holds_the_path_and_large_grids_go_in_blocks(run):
    view = api.slice_run(run, "pca", grid=81)
    assert np.abs(view.path).max() < view.a1[-1] == -view.a1[0]
    assert view.loss.shape == (81, 81) and np.isfinite(view.loss).all()
    # a block boundary must not shift cells: compare with single points
    from landscape.net.slices import loss_at

    d1, d2 = view.plane.directions
    for i, j in [(0, 0), (40, 40), (80, 80), (57, 3)]:
        w = view.plane.center + view.a1[j] * d1 + view.a2[i] * d2
        assert loss_at(run.data, run.config.arch, "cross_entropy", w[None])[0] == (
            pytest.approx(view.loss[i, j], rel=1e-5)
        )


def test_start_to_end_and_between_two_runs(run):
    t, loss = api.start_to_end(run, points=7)
    np.testing.assert_allclose(t, [-0.25, 0, 0.25, 0.5, 0.75, 1, 1.25], atol=1e-15)
    assert loss[1] == pytest.approx(run.losses[0], rel=1e-5)  # t = 0: the start
    assert loss[5] == pytest.approx(run.losses[-1], rel=1e-5)  # t = 1: the end
    other = api.train(run.data, net_config((6, 4), "tanh", optimizer="sgd",
                                           learning_rate=0.5, steps=60,
                                           init_seed=7))  # fmt: skip
    t, loss = api.between(run, other, points=5)
    np.testing.assert_allclose(t, [-0.25, 0.125, 0.5, 0.875, 1.25])
    lay = [{"name": n, "shape": list(s)} for n, s in run.layout]
    x, y = run.data.x.astype(np.float64), run.data.y.astype(np.float64)
    mid = 0.5 * (run.params[-1].astype(np.float64) + other.params[-1])
    assert loss[2] == pytest.approx(
        oracle.loss(lay, "tanh", "cross_entropy", x, y, mid), rel=2e-5
    )
    with pytest.raises(ValueError, match="same architecture"):
        api.between(run, api.train(run.data, net_config((4,), steps=3)))


def test_degenerate_runs_and_bad_slices_are_refused(run):
    still = api.train(run.data, net_config((6, 4), steps=0))
    with pytest.raises(ValueError, match="at least 2 steps"):
        api.slice_run(still, "pca")
    with pytest.raises(ValueError, match="moved"):
        api.slice_run(still, "interpolate")
    assert api.slice_run(still, "random", grid=3).loss.shape == (3, 3)
    for kwargs, fragment in [({"grid": 2}, "3 to 81"), ({"grid": 82}, "3 to 81"),
                             ({"plane": "hessian"}, "unknown plane"),
                             ({"span": 0.0}, "span"), ({"direction_seed": -1},
                                                       "direction seed")]:  # fmt: skip
        with pytest.raises(ValueError, match=fragment):
            api.slice_run(run, **kwargs)


def test_glorot_start_has_the_units_norms_the_random_plane_copies():
    w = glorot(ARCH, 0)
    plane = planes.random_plane(w, ARCH, seed=0)
    assert np.allclose(unit_norms(ARCH, plane.directions[0]), unit_norms(ARCH, w))
