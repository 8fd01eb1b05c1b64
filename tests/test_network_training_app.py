"""The network page's training settings through AppTest: the optimizer's
hyperparameters, the learning-rate schedule and the Glorot start seed reach
the engine, whose path is NumPy's update rule from the same start; links and
pins carry them; a bad value is one line; the line-up pins the chosen
optimizers at their best rates."""

from __future__ import annotations

import numpy as np
import pytest

from landscape import divergence
from landscape.config import Schedule
from landscape.data.presets import make_dataset
from landscape.net import api
from landscape.net.config import net_config
from landscape.net.engine import engine
from landscape.net.layout import glorot
from tests import net_numpy as oracle
from tests.helpers import (
    click,
    drawn_path,
    net_app,
    query_all,
    run,
    traces,
    warnings,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")

SMALL = {"samples": "80", "steps": "40", "grid": "9"}


def engine_run(**cfg) -> api.NetRun:
    """The engine called directly: SMALL's circles, a 2-8-1 tanh net, 40 steps."""
    cfg = {"optimizer": "adam", "learning_rate": 0.03, "steps": 40} | cfg
    return api.train(make_dataset("circles", 80, None, 0), net_config((8,), **cfg))


def numpy_path(run_: api.NetRun, rule, lr, **hypers) -> np.ndarray:
    """rule's float64 path from the run's own start, by the hand-written
    backward pass (tests/net_numpy.py)."""
    layout = [{"name": n, "shape": list(s)} for n, s in run_.layout]
    x, y = run_.data.x.astype(np.float64), run_.data.y.astype(np.float64)

    def grad(w):
        return oracle.gradient(layout, "tanh", "cross_entropy", x, y, w)

    steps = len(run_.params) - 1
    return rule(grad, run_.params[0].astype(np.float64), lr, steps, **hypers)


def on_plane(plane, params: np.ndarray) -> np.ndarray:
    """Least-squares coordinates on the plane, by the normal equations."""
    d = plane.directions.astype(np.float64)
    rel = np.asarray(params, np.float64) - plane.center
    return np.linalg.solve(d @ d.T, d @ rel.T).T


def assert_numpy_path(run_: api.NetRun, expected: np.ndarray) -> None:
    moved = np.abs(expected[-1] - expected[0]).max()
    assert moved > 0.05  # the run really went somewhere
    np.testing.assert_allclose(run_.params, expected, atol=2e-4 * max(1.0, moved))


def test_momentum_set_on_the_page_is_numpys_momentum_rule_and_does_not_retrace():
    at = net_app(**SMALL, optimizer="momentum", lr="0.1")
    box = at.number_input(key="net_hp_momentum_momentum")
    assert box.value == 0.9  # TensorFlow's default
    before, engines = drawn_path(at), engine.keys()
    box.set_value(0.5)
    run(at)
    assert query_all(at, "momentum") == ["0.5"]
    want = engine_run(optimizer="momentum", learning_rate=0.1,
                      params={"momentum": 0.5})  # fmt: skip
    sl = api.slice_run(want, "pca", 9)
    np.testing.assert_allclose(drawn_path(at), sl.path, rtol=1e-6, atol=1e-7)
    assert not np.allclose(drawn_path(at), before, atol=1e-3)
    expected = numpy_path(want, oracle.momentum_path, 0.1, momentum=0.5)
    assert_numpy_path(want, expected)
    # the page's path is NumPy's, projected on the plane it draws
    np.testing.assert_allclose(drawn_path(at), on_plane(sl.plane, expected),
                               atol=1e-3)  # fmt: skip
    # and at momentum 0.9 the rule ends elsewhere: the box changed the run
    default = numpy_path(want, oracle.momentum_path, 0.1, momentum=0.9)
    assert np.abs(default[-1] - expected[-1]).max() > 0.05
    # compiled once: a new momentum is a new value of a variable, no new engine
    assert engine.keys() == engines
    arch = want.config.arch
    assert engine(arch, "momentum", "cross_entropy", "classification").traces == 1


def test_a_schedule_chosen_on_the_page_is_kerass_cosine_decay():
    at = net_app(**SMALL, optimizer="sgd", lr="1")
    assert at.selectbox(key="net_schedule").value == "constant"
    at.selectbox(key="net_schedule").set_value("cosine")
    run(at)
    assert query_all(at, "schedule") == ["cosine"]
    want = engine_run(optimizer="sgd", learning_rate=1.0, schedule=Schedule("cosine"))
    np.testing.assert_allclose(drawn_path(at), api.slice_run(want, "pca", 9).path,
                               rtol=1e-6, atol=1e-7)  # fmt: skip
    expected = numpy_path(want, oracle.sgd_path, oracle.rates(1.0, 40, "cosine"))
    assert_numpy_path(want, expected)
    constant = numpy_path(want, oracle.sgd_path, 1.0)
    assert np.abs(constant[-1] - expected[-1]).max() > 0.05
    assert "cosine" in traces(at, "plane_chart", "lines+markers")[0]["name"]


def test_beta_1_and_an_exponential_schedule_from_a_link_are_numpys_adam():
    at = net_app(**SMALL, optimizer="adam", lr="0.05", beta_1="0.5",
                 schedule="exponential")  # fmt: skip
    assert at.number_input(key="net_hp_adam_beta_1").value == 0.5
    assert at.number_input(key="net_hp_adam_beta_2").value == 0.999
    want = engine_run(learning_rate=0.05, params={"beta_1": 0.5},
                      schedule=Schedule("exponential"))  # fmt: skip
    np.testing.assert_allclose(drawn_path(at), api.slice_run(want, "pca", 9).path,
                               rtol=1e-6, atol=1e-7)  # fmt: skip
    lrs = oracle.rates(0.05, 40, "exponential")
    assert_numpy_path(want, numpy_path(want, oracle.adam_path, lrs, b1=0.5))
    name = traces(at, "plane_chart", "lines+markers")[0]["name"]
    assert "beta_1 0.5" in name and "exponential" in name


def test_the_start_seed_is_the_glorot_start_of_the_live_run_and_its_pins():
    at = net_app(**SMALL, pin="sgd,lr=0.3,steps=40")
    at.number_input(key="net_init_seed").set_value(5)
    run(at)
    assert query_all(at, "init_seed") == ["5"]
    live = engine_run(init_seed=5)
    pin = engine_run(optimizer="sgd", learning_rate=0.3, init_seed=5)
    np.testing.assert_array_equal(live.params[0], glorot(live.config.arch, 5))
    assert not np.allclose(live.params[0], glorot(live.config.arch, 0))
    sl = api.slice_run(live, "pca", 9)
    np.testing.assert_allclose(drawn_path(at), sl.path, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(drawn_path(at, 1), on_plane(sl.plane, pin.params),
                               rtol=1e-5, atol=1e-5)  # fmt: skip
    # one start: the pin's path begins where the live one does
    np.testing.assert_allclose(drawn_path(at, 1)[0], drawn_path(at)[0], atol=1e-5)


LINK = {**SMALL, "optimizer": "rmsprop", "lr": "0.01", "rho": "0.8",
        "momentum": "0.5", "epsilon": "1e-05", "schedule": "exponential",
        "init_seed": "7",
        "pin": ["momentum,lr=0.1,steps=40,schedule=cosine,momentum=0.95",
                "adam,lr=0.01,steps=30,beta_1=0.8,epsilon=1e-06"]}  # fmt: skip


def test_a_link_with_hyperparameters_and_pins_round_trips_and_draws_them():
    at = net_app(**LINK)
    assert not [w for w in warnings(at) if "URL parameter" in w]
    for name, value in LINK.items():
        assert query_all(at, name) == (value if isinstance(value, list) else [value])
    for name, value in (("rho", 0.8), ("momentum", 0.5), ("epsilon", 1e-5)):
        assert at.number_input(key=f"net_hp_rmsprop_{name}").value == value
    live = engine_run(optimizer="rmsprop", learning_rate=0.01, init_seed=7,
                      params={"rho": 0.8, "momentum": 0.5, "epsilon": 1e-5},
                      schedule=Schedule("exponential"))  # fmt: skip
    pins = [
        engine_run(optimizer="momentum", learning_rate=0.1, init_seed=7,
                   params={"momentum": 0.95}, schedule=Schedule("cosine")),
        engine_run(optimizer="adam", learning_rate=0.01, steps=30, init_seed=7,
                   params={"beta_1": 0.8, "epsilon": 1e-6}),
    ]  # fmt: skip
    sl = api.slice_run(live, "pca", 9)
    np.testing.assert_allclose(drawn_path(at), sl.path, rtol=1e-6, atol=1e-7)
    for k, pin in enumerate(pins, start=1):
        np.testing.assert_allclose(drawn_path(at, k), on_plane(sl.plane, pin.params),
                                   rtol=1e-5, atol=1e-5)  # fmt: skip
    names = [t["name"] for t in traces(at, "plane_chart", "lines+markers")]
    assert "cosine · momentum 0.95" in names[1] and "beta_1 0.8" in names[2]
    # the link it wrote opens the same page in a new session
    again = net_app(**{name: query_all(at, name) for name in at.query_params})
    assert {n: query_all(again, n) for n in again.query_params} == {
        n: query_all(at, n) for n in at.query_params
    }
    for k in range(3):
        np.testing.assert_array_equal(drawn_path(again, k), drawn_path(at, k))


@pytest.mark.parametrize(
    ("query", "said"),
    [({"optimizer": "momentum", "momentum": "1.5"}, "momentum='1.5'"),
     ({"optimizer": "adam", "beta_1": "abc"}, "beta_1='abc'"),
     ({"schedule": "linear"}, "schedule='linear'"),
     ({"init_seed": "-1"}, "init_seed='-1'"),
     ({"pin": "momentum,lr=0.1,steps=40,momentum=2"}, "momentum='2'"),
     ({"pin": "adam,lr=0.1,steps=40,momentum=0.5"}, "unknown setting 'momentum'"),
     ({"pin": "sgd,lr=0.1,steps=40,schedule=linear"}, "schedule='linear'")],
)  # fmt: skip
def test_a_bad_training_value_in_a_link_is_one_line_and_keeps_the_default(query, said):
    at = net_app(**SMALL | query)
    (line,) = [w for w in warnings(at) if "URL parameter" in w]
    assert said in line and "\n" not in line
    assert len(drawn_path(at)) == 41  # the page still draws
    if "pin" in query:
        assert "was ignored" in line and query_all(at, "pin") == []
        return
    assert "instead" in line
    name = next(k for k in query if k != "optimizer")
    assert query_all(at, name) == ({"schedule": ["constant"],
                                   "init_seed": ["0"]}.get(name, []))  # fmt: skip
    if name in ("momentum", "beta_1"):  # the box is at TensorFlow's default
        box = at.number_input(key=f"net_hp_{query['optimizer']}_{name}")
        assert box.value == 0.9


def best_rate(optimizer: str, schedule: str) -> float:
    """The line-up's rule by hand: of the rate grid, the run that ends lowest
    and neither diverges nor ends above its start."""
    ends = {}
    for rate in divergence.RATE_GRID:
        r = engine_run(optimizer=optimizer, learning_rate=rate,
                       schedule=Schedule(schedule))  # fmt: skip
        if r.diverged_at is None and r.losses[-1] <= r.losses[0]:
            ends[rate] = float(r.losses[-1])
    return min(ends, key=ends.get)


def test_the_line_up_pins_the_chosen_optimizers_with_the_live_runs_settings():
    at = net_app(**SMALL, optimizer="momentum", lr="0.1", momentum="0.5",
                 schedule="cosine", pin="adam,lr=0.01,steps=40")  # fmt: skip
    lineup = at.multiselect(key="net_lineup")
    assert lineup.value == ["sgd", "momentum", "rmsprop", "adam"]
    lineup.set_value(["sgd", "momentum"])
    click(at, "Optimizer line-up")
    rates = {k: best_rate(k, "cosine") for k in ("sgd", "momentum")}
    assert rates["sgd"] != 0.01  # TensorFlow's default rate is not the best here
    # added to the pin there was; steps and schedule the live run's, the
    # hyperparameters TensorFlow's (momentum 0.9, so no momentum= in the text)
    assert query_all(at, "pin") == ["adam,lr=0.01,steps=40"] + [
        f"{k},lr={rates[k]:g},steps=40,schedule=cosine" for k in ("sgd", "momentum")
    ]
    assert [i.value for i in at.info if "line-up" in i.value] == [
        "The line-up, each at its best rate, added 2 pinned runs."
    ]
    assert len(traces(at, "plane_chart", "lines+markers")) == 4
    # the live run is unchanged by it
    assert query_all(at, "momentum") == ["0.5"] and query_all(at, "lr") == ["0.1"]
