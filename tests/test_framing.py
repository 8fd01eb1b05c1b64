"""Framing the view: runs that settle are framed, runs that leave are marked."""

from __future__ import annotations

import numpy as np
import pytest

from landscape import framing


def test_a_growing_or_infinite_loss_does_not_settle():
    assert framing.settles(np.array([2.0, 1.0, 0.5]))
    assert framing.settles(np.array([1.0, 1.2, 1.0]))  # a bump, then back
    assert not framing.settles(np.array([1.0, 3.0, 9.0]))
    assert not framing.settles(np.array([1.0, np.inf]))
    assert not framing.settles(np.array([]))


def test_the_frame_holds_start_minimum_and_settling_runs_not_the_one_that_leaves():
    start, minimum = (-2.0, 2.0), (1.0, 0.5)
    calm = np.array([[-2.0, 2.0], [-1.0, 1.5], [2.5, 0.2], [1.0, 0.5]])
    wild = np.array([[-2.0, 2.0], [30.0, -25.0], [-400.0, 500.0]])
    down, up = np.array([2.0, 1.0, 0.5, 0.4]), np.array([2.0, 50.0, 900.0])
    box = framing.frame(start, minimum, [calm, wild], [down, up])
    assert framing.inside(box, calm).all()
    assert not framing.inside(box, wild[1:]).any()
    assert box[1] - box[0] < 20  # not zoomed out to the wild run's hundreds
    fit_all = framing.frame(start, minimum, [calm, wild], [down, up], fit_all=True)
    assert fit_all[1] - fit_all[0] > 2 * (box[1] - box[0])


def test_a_settling_run_may_double_the_frame_once_and_one_further_out_not_at_all():
    start, minimum = (0.0, 0.0), (1.0, 1.0)
    base = framing.base_box(start, minimum)
    width = base[1] - base[0]
    losses = np.array([2.0, 1.5, 0.5])
    near = np.array([[0.0, 0.0], [base[1] + 0.4 * width, 0.0], [1.0, 1.0]])
    far = np.array([[0.0, 0.0], [base[1] + 3 * width, 0.0], [1.0, 1.0]])
    doubled = framing.frame(start, minimum, [near], [losses])
    assert doubled[1] - doubled[0] == pytest.approx(2 * width)
    assert framing.inside(doubled, near).all()
    assert framing.frame(start, minimum, [far], [losses]) == base
    assert framing.exit_point(base, far)[0] == 1


def test_a_path_leaves_the_box_on_its_edge_at_the_first_step_outside():
    box = (-1.0, 1.0, -1.0, 1.0)
    path = np.array([[0.0, 0.0], [0.5, 0.5], [3.0, 0.5], [0.0, 0.0]])
    step, point = framing.exit_point(box, path)
    assert step == 2
    np.testing.assert_allclose(point, [1.0, 0.5])  # on x = 1, between the steps
    corner = np.array([[0.0, 0.0], [2.0, 4.0]])  # leaves through y = 1 first
    np.testing.assert_allclose(framing.exit_point(box, corner)[1], [0.5, 1.0])
    gone = np.array([[0.5, 0.0], [np.nan, np.nan]])
    assert framing.exit_point(box, gone)[0] == 1
    assert framing.exit_point(box, path[:2]) is None  # stays inside


# --- a click on the contour as a start -------------------------------------------
@pytest.mark.parametrize(
    "box, point, expected",
    [
        # side 6: a 200th is 0.03, the nearest round step 0.02
        ((-4, 2, -3, 3), (0.7493, -1.2345), (0.74, -1.24)),
        # side 60 for w1: 0.3 -> 0.2; w2 keeps 0.02
        ((-40, 20, -3, 3), (7.493, -1.2345), (7.4, -1.24)),
        # side 1: 0.005 is itself round
        ((0, 1, 0, 1), (0.123456, 0.987654), (0.125, 0.99)),
        # side 1,000: 5 exactly; the edges are in the view
        ((-500, 500, -500, 500), (-500.0, 500.0), (-500.0, 500.0)),
    ],
)
def test_a_click_lands_on_the_views_round_step(box, point, expected):
    got = framing.click_start(box, point)
    assert got == pytest.approx(expected, abs=1e-12)
    # Within half a step of the click, on both axes.
    for value, start, (lo, hi) in zip(point, got, (box[:2], box[2:])):
        assert abs(value - start) <= (hi - lo) / framing.CLICK_STEPS


@pytest.mark.parametrize(
    "point",
    [(2.5, 0.0), (0.0, -3.01), (float("nan"), 0.0), (0.0, float("inf")), (1.0,)],
)
def test_a_click_outside_the_view_is_no_start(point):
    assert framing.click_start((-4, 2, -3, 3), point) is None
