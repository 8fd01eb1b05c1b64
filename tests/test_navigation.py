"""The two pages under st.navigation, through AppTest: a page left for the
other one and come back to is the page that was left, and draws the engine's
runs for the settings in the URL it writes.

Streamlit drops a widget's value when a rerun names another page than the one
that last ran (the sidebar's other page, or a rerun without the page's hash).
Both pages read their link once per session into their widgets' keys, so
before the widgets kept their values for the session they came back at their
own minimum: samples 2, lr 1e-06, steps 1, w1 = w2 = -1000, an error.
"""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from landscape import links, trainer
from landscape.data.presets import make_dataset
from landscape.net import api
from landscape.net.settings import net_run_config, parse_net_query
from landscape.settings import run_config
from tests.helpers import (
    chart,
    decode,
    live_xy,
    make_app,
    paths,
    query_all,
    run,
    warnings,
)

pytestmark = pytest.mark.usefixtures("fresh_caches")

EXPLORER = "ui/pages/two_weights.py"
NETWORK = "ui/pages/network.py"
# Every setting away from its default, a hyperparameter and the internals' step.
EXPLORER_LINK = {"dataset": "dose", "samples": "120", "noise": "0.3", "seed": "7",
                 "loss": "mse", "optimizer": "adam", "beta_1": "0.8", "lr": "0.05",
                 "steps": "30", "w1": "1", "w2": "-1", "schedule": "cosine",
                 "batch": "16", "step": "5"}  # fmt: skip
NETWORK_LINK = {"dataset": "moons", "samples": "60", "noise": "0.2", "seed": "3",
                "layers": "2", "units": "5", "units2": "3", "activation": "relu",
                "loss": "mse", "init_seed": "5", "optimizer": "momentum",
                "momentum": "0.8", "lr": "0.5", "steps": "30",
                "schedule": "exponential", "plane": "interpolate", "grid": "7",
                "span": "2", "dseed": "4", "step": "12"}  # fmt: skip


def url(at: AppTest) -> dict[str, list[str]]:
    """The query the page wrote, every value of every parameter."""
    return {name: query_all(at, name) for name in at.query_params}


def visit(at: AppTest, page: str) -> AppTest:
    """Follow the sidebar's link to a page: Streamlit's frontend drops the
    query string on a page change, so the page opens without one."""
    at.query_params = {}
    at.switch_page(page)
    return run(at)


def explorer_path(query: dict[str, list[str]]) -> np.ndarray:
    """The engine's live path for the settings in an explorer URL."""
    state, said = links.parse_query(query)
    assert said == []
    data = make_dataset(state.dataset, state.samples, state.noise, state.seed)
    return trainer.run(data, run_config(state.live, state.loss, state.seed)).weights


def test_the_explorer_comes_back_from_the_network_page_as_it_was_left():
    at = run(make_app(**EXPLORER_LINK))
    at.number_input(key="lr_box").set_value(0.07)  # a change made on the page
    run(at)
    left = url(at)
    assert left["lr"] == ["0.07"] and left["beta_1"] == ["0.8"]
    assert left["step"] == ["5"]

    visit(at, NETWORK)
    assert query_all(at, "layers") == ["1"]  # the network page, at its defaults
    visit(at, EXPLORER)

    assert warnings(at) == []
    assert url(at) == left
    np.testing.assert_allclose(live_xy(at), explorer_path(url(at)), rtol=0, atol=1e-6)
    assert at.number_input(key="in_samples").value == 120
    assert at.slider(key="internals_step").value == 5


def test_the_explorers_pin_view_line_up_and_momentum_slider_come_back_too():
    at = run(make_app(**EXPLORER_LINK, pin="sgd,lr=0.3,steps=30,w1=1,w2=-1"))
    show = next(c for c in at.checkbox if c.label == "show")
    show.uncheck()
    at.multiselect(key="lineup").set_value(["adam", "nadam"])
    run(at)
    assert at.select_slider(key="hp_adam_beta_1_slider").value == 0.8
    visit(at, NETWORK)
    visit(at, EXPLORER)
    assert [c.value for c in at.checkbox if c.label == "show"] == [False]
    assert at.multiselect(key="lineup").value == ["adam", "nadam"]
    assert at.select_slider(key="hp_adam_beta_1_slider").value == 0.8
    assert len(paths(at)) == 1  # the hidden pin stays hidden


def test_another_optimizers_hyperparameters_still_start_at_their_defaults():
    at = run(make_app(optimizer="adam", beta_1="0.8", steps="20"))
    at.selectbox(key="in_optimizer").set_value("sgd")
    run(at)
    at.selectbox(key="in_optimizer").set_value("adam")
    run(at)
    # As a link to adam would: its beta_1 is TensorFlow's default again.
    assert at.number_input(key="hp_adam_beta_1").value == 0.9
    assert "beta_1" not in at.query_params


def test_the_network_page_comes_back_from_the_explorer_as_it_was_left():
    at = make_app(**NETWORK_LINK)
    at.switch_page(NETWORK)
    run(at)
    left = url(at)
    assert {name: values[0] for name, values in left.items()} == NETWORK_LINK

    visit(at, EXPLORER)
    assert query_all(at, "dataset") == ["overlap"]  # the explorer, at its defaults
    visit(at, NETWORK)

    assert not [w for w in warnings(at) if "URL parameter" in w]
    assert url(at) == left
    state, said = parse_net_query(url(at))
    assert said == []
    data = make_dataset(state.dataset, state.samples, state.noise, state.seed)
    want = api.slice_run(
        api.train(data, net_run_config(state)), "interpolate", 7, 2.0, 4
    )
    drawn = [
        t for t in chart(at, "plane_chart")["data"] if t.get("mode") == "lines+markers"
    ]
    xy = np.stack([decode(drawn[0]["x"]), decode(drawn[0]["y"])], axis=-1)
    np.testing.assert_allclose(xy, want.path, rtol=1e-6, atol=1e-7)
    assert at.slider(key="net_step").value == 12
    # the hyperparameter's box, dropped by Streamlit while away, is back too
    assert at.number_input(key="net_hp_momentum_momentum").value == 0.8
