"""The drag family: the live run at every learning-rate stop, as the page sends it.

Oracles: the engine's own single runs (trainer.run and the page's cached run
at that rate), and NumPy's float32 bytes.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from landscape import family, fit, trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset
from landscape.figures import fit_xs
from landscape.settings import BY_NAME, LR_STOPS, momentum_knob
from tests.helpers import decode, make_app, run, want_family
from ui.session import LR_LABEL, knob_label

pytestmark = pytest.mark.usefixtures("fresh_caches")


def unpack(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), "<f4")


@pytest.mark.parametrize("n", [1, 2, 150, 300, 301, 1001, 10001])
def test_thin_keeps_the_head_and_the_last_row_within_the_limit(n):
    rows = family.thin(n)
    assert len(rows) <= family.LIMIT and rows[-1] == n - 1
    assert (np.diff(rows) > 0).all()  # sorted, no repeats
    head = min(n, family.HEAD)
    assert list(rows[:head]) == list(range(head))  # the first steps at full detail
    if n <= family.LIMIT:
        assert len(rows) == n


def elements(at) -> dict[str, dict]:
    """Each bridge element's data by its name ("click", "lr", "hyper")."""
    out = [json.loads(e.proto.json) for e in at.get("bidi_component")]
    return {data["name"]: data for data in out}


def bridge_data(at) -> dict:
    """Every slider's family, as the page's script merges them (None: not
    trained until asked for)."""
    knobs = {}
    for data in elements(at).values():
        drag = family.read_payload(data["drag"]) if data.get("drag") else {}
        knobs |= drag.get("knobs", {})
    return {"knobs": knobs}


def wanted(at):
    """Ask for every slider's family, as a pointer over each slider does."""
    return want_family(at, *bridge_data(at)["knobs"])


def lr_stops(at) -> dict:
    return bridge_data(at)["knobs"][LR_LABEL]


def test_a_family_is_trained_only_once_its_slider_is_wanted(monkeypatch):
    at = run(make_app(dataset="overlap", optimizer="momentum", lr="0.1", steps="50"))
    labels = [LR_LABEL, knob_label("momentum")]
    assert bridge_data(at)["knobs"] == dict.fromkeys(labels)  # named, not trained
    calls, real = [], trainer.run

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trainer, "run", counted)
    want_family(at, LR_LABEL)
    assert list(bridge_data(at)["knobs"][LR_LABEL]) == [f"{v:g}" for v in LR_STOPS]
    assert bridge_data(at)["knobs"][labels[1]] is None  # only the one asked for
    assert len(calls) == len(LR_STOPS)  # its stops' runs, nothing else
    # Wanted for the session: a new start brings its new family at once.
    at.number_input(key="in_w1").set_value(1.0)
    run(at)
    stops = bridge_data(at)["knobs"][LR_LABEL]
    assert unpack(stops["0.1"]["w1"])[0] == 1.0
    # A request that names no slider of the page changes nothing.
    want_family(at, knob_label("beta_1"))
    assert bridge_data(at)["knobs"][labels[1]] is None


def test_the_page_sends_every_stop_as_the_engine_trains_it():
    at = run(make_app(dataset="overlap", optimizer="sgd", lr="0.1", steps="400",
                      pin="adam,lr=0.05,steps=30"))  # fmt: skip
    wanted(at)
    assert list(bridge_data(at)["knobs"]) == [LR_LABEL]  # SGD has no momentum
    sent = lr_stops(at)
    assert list(sent) == [f"{v:g}" for v in LR_STOPS]  # the slider's texts
    data = make_dataset("overlap", 200, None, 0)
    xs = fit_xs(data)
    for text in ("0.0001", "0.1", "3", "10"):
        stop = sent[text]
        traj = trainer.run(
            data,
            RunConfig(optimizer="sgd", learning_rate=float(text), steps=400,
                      start=(-2.0, 2.0)),
        )  # fmt: skip
        rows = family.thin(len(traj.weights))
        np.testing.assert_array_equal(unpack(stop["steps"]), rows)
        np.testing.assert_array_equal(unpack(stop["w1"]), traj.weights[rows, 0])
        np.testing.assert_array_equal(unpack(stop["w2"]), traj.weights[rows, 1])
        np.testing.assert_array_equal(unpack(stop["loss"]), traj.losses[rows])
        line = fit.boundary_y(data, traj.weights[-1], xs).astype(np.float32)
        np.testing.assert_array_equal(unpack(stop["fit"]), line)
        assert stop["diverged_at"] == traj.diverged_at
        assert stop["label"] == f"Gradient descent · lr {float(text):.3g} (live)"
    # The same numbers as the page's own single run at that rate.
    at.number_input(key=BY_NAME["lr"].widget).set_value(3.0)
    run(at)
    assert lr_stops(at) == sent  # the same family: not sent again
    path = next(
        t for t in json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
        if t.get("meta") == {"slot": 0, "part": "path"}
    )  # fmt: skip
    drawn = decode(path["x"]).astype(np.float32)
    rows = family.thin(len(drawn))
    np.testing.assert_array_equal(unpack(sent["3"]["w1"]), drawn[rows])


def test_a_payload_stays_bounded_for_the_longest_runs():
    at = wanted(run(make_app(dataset="overlap", optimizer="sgd", lr="0.1",
                             steps="10000")))  # fmt: skip
    size = len(json.dumps(elements(at)["lr"]))  # SGD: the rate's family alone
    # 31 stops x 300 rows x (steps, w1, w2, loss) float32 + a 100-point line,
    # in base64: about 620 KB; the run itself has 10,001 rows.
    assert size < 31 * (300 * 4 * 4 + 100 * 4) * 4 / 3 + 31 * 200
    stop = lr_stops(at)["0.1"]
    assert len(unpack(stop["w1"])) == family.LIMIT


@pytest.mark.parametrize("key", ["momentum", "adam"])
def test_a_momentum_like_slider_sends_its_own_family_at_the_committed_rate(key):
    name, stops = momentum_knob(key)
    at = wanted(run(make_app(dataset="overlap", optimizer=key, lr="0.05",
                             steps="120")))  # fmt: skip
    knobs = bridge_data(at)["knobs"]
    assert list(knobs) == [LR_LABEL, knob_label(name)]
    sent = knobs[knob_label(name)]
    assert list(sent) == [f"{v:g}" for v in stops]
    data = make_dataset("overlap", 200, None, 0)

    def single(lr: float, value: float):
        return trainer.run(data, RunConfig(
            optimizer=key, learning_rate=lr, steps=120, start=(-2.0, 2.0),
            params={name: value}))  # fmt: skip

    for value in (stops[0], 0.5, stops[-1]):
        traj = single(0.05, value)
        rows = family.thin(len(traj.weights))
        stop = sent[f"{value:g}"]
        np.testing.assert_array_equal(unpack(stop["w1"]), traj.weights[rows, 0])
        np.testing.assert_array_equal(unpack(stop["w2"]), traj.weights[rows, 1])
        np.testing.assert_array_equal(unpack(stop["loss"]), traj.losses[rows])
    # Released at 0.5: the box, the run and the URL take it; the slider's own
    # family is the same (not sent again); the rate's family now has it.
    before = elements(at)
    at.select_slider(key=f"hp_{key}_{name}_slider").set_value(0.5)
    run(at)
    assert at.number_input(key=f"hp_{key}_{name}").value == 0.5
    assert at.query_params[name] == "0.5"
    knobs = bridge_data(at)["knobs"]
    assert knobs[knob_label(name)] == sent
    # Its own element did not change at all: Streamlit sends a reference.
    assert elements(at)["hyper"] == before["hyper"]
    assert elements(at)["lr"] != before["lr"]  # the rate's family carries 0.5
    traj = single(3.0, 0.5)
    rows = family.thin(len(traj.weights))
    np.testing.assert_array_equal(
        unpack(knobs[LR_LABEL]["3"]["w1"]), traj.weights[rows, 0]
    )
    # A committed rate: the rate's own element unchanged, the momentum's anew.
    before = elements(at)
    at.number_input(key=BY_NAME["lr"].widget).set_value(0.1)
    run(at)
    assert elements(at)["lr"] == before["lr"]
    assert elements(at)["hyper"] != before["hyper"]
    # A typed value between stops: the run has it exactly, the slider the nearest.
    at.number_input(key=f"hp_{key}_{name}").set_value(0.93)
    run(at)
    assert at.select_slider(key=f"hp_{key}_{name}_slider").value == 0.95
    assert at.query_params[name] == "0.93"


def test_an_out_of_range_momentum_box_moves_the_slider_to_what_the_run_uses():
    at = run(make_app(dataset="overlap", optimizer="momentum", lr="0.05", steps="50"))
    at.number_input(key="hp_momentum_momentum").set_value(
        1.0
    )  # open bound: not allowed
    run(at)
    assert any("momentum" in e.value for e in at.error)  # one line says so
    # The run falls back to TensorFlow's 0.9, and so does the slider (not 0.99).
    assert at.select_slider(key="hp_momentum_momentum_slider").value == 0.9
    assert "momentum" not in at.query_params


def test_hidden_hyperparameters_send_no_momentum_family():
    at = run(make_app(dataset="overlap", optimizer="momentum", lr="0.05", steps="50",
                      hide="hyperparameters"))  # fmt: skip
    assert list(bridge_data(at)["knobs"]) == [LR_LABEL]
