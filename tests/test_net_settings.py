"""The network page's table of settings: URL text <-> state, pins, fallbacks."""

from __future__ import annotations

import urllib.parse

import pytest

from landscape import optimizers
from landscape.config import Schedule
from landscape.net.settings import (
    NET_SETTINGS,
    NetPin,
    NetState,
    format_net_pin,
    hidden,
    net_lineup,
    net_run_config,
    net_to_query,
    parse_net_pin,
    parse_net_query,
)


def query(text: str) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(text, keep_blank_values=True)


def test_defaults_write_every_setting_but_the_unused_and_empty():
    out = net_to_query(NetState())
    assert set(out) == {s.name for s in NET_SETTINGS} - {"units2", "noise", "span",
                                                          "step"}  # fmt: skip
    assert out["dataset"] == "circles" and out["optimizer"] == "adam"


def test_a_link_round_trips():
    text = ("dataset=spiral&samples=300&noise=0.25&seed=7&layers=2&units=12&"
            "units2=5&activation=relu&loss=mse&optimizer=rmsprop&lr=0.002&"
            "steps=700&plane=random&grid=41&span=3.5&dseed=9&step=15&"
            "pin=sgd,lr=0.3,steps=700&pin=adam,lr=0.01,steps=50")  # fmt: skip
    state, warnings = parse_net_query(query(text))
    assert warnings == []
    assert state.span == 3.5 and state.step == 15 and hidden(state) == (12, 5)
    assert state.pins == (NetPin("sgd", 0.3, 700), NetPin("adam", 0.01, 50))
    assert (
        parse_net_query(query(urllib.parse.urlencode(net_to_query(state), True)))[0]
        == state
    )


def test_the_engine_config_follows_the_state_and_the_pin():
    state = NetState(layers=2, units=6, units2=3, activation="relu", loss="mse")
    cfg = net_run_config(state, NetPin("sgd", 0.5, 20))
    assert cfg.arch.hidden == (6, 3) and cfg.arch.activation == "relu"
    assert (cfg.loss, cfg.optimizer, cfg.learning_rate, cfg.steps) == (
        "mse", "sgd", 0.5, 20)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "words"),
    [("rmsprop,lr=0", "lr='0'"), ("sgd,momentum=0.9", "unknown setting"),
     ("nadamw,lr=1", "unknown optimizer"), ("sgd,steps=1", "steps='1'"),
     ("momentum,momentum=1", "momentum='1'"), ("adam,epsilon=0", "epsilon='0'"),
     ("adam,schedule=step", "schedule='step'"), ("adam,init_seed=3",
     "unknown setting 'init_seed'")],
)  # fmt: skip
def test_a_bad_pin_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_net_pin(text)


def test_a_repeated_pin_is_kept_once_with_a_warning_as_on_the_first_page():
    state, warnings = parse_net_query(
        query("pin=sgd,lr=0.3,steps=50&pin=adam,lr=0.1&pin=sgd,lr=0.3,steps=50")
    )
    assert [p.optimizer for p in state.pins] == ["sgd", "adam"]
    assert warnings == [
        "URL parameter pin='sgd,lr=0.3,steps=50' repeats an earlier pin; it is "
        "shown once."
    ]


def test_each_bad_value_warns_once_and_keeps_its_default():
    state, warnings = parse_net_query(
        query("grid=2&span=-1&activation=sigmoid&lr=nan&steps=2001&units2=17")
    )
    assert state == NetState()
    assert len(warnings) == 6
    assert all("instead" in w and "\n" not in w for w in warnings)


def test_a_pins_text_carries_its_schedule_and_hyperparameters_both_ways():
    pin = NetPin("momentum", 0.1, 300, "cosine", (("momentum", 0.95),))
    text = format_net_pin(pin)
    assert text == "momentum,lr=0.1,steps=300,schedule=cosine,momentum=0.95"
    assert parse_net_pin(text) == pin
    # a value at TensorFlow's default is not a difference: left out, read as ()
    assert parse_net_pin("momentum,lr=0.1,steps=300,momentum=0.9").params == ()
    assert format_net_pin(NetPin("adam", 0.01, 50)) == "adam,lr=0.01,steps=50"


def test_a_link_carries_the_live_runs_hyperparameters_schedule_and_seed():
    text = ("optimizer=adam&beta_1=0.8&epsilon=1e-05&schedule=cosine&init_seed=9&"
            "momentum=0.5&pin=rmsprop,lr=0.01,steps=40,rho=0.7")  # fmt: skip
    state, warnings = parse_net_query(query(text))
    assert warnings == []  # momentum names no hyperparameter of adam: not read
    assert state.params == (("beta_1", 0.8), ("epsilon", 1e-5))
    assert (state.schedule, state.init_seed) == ("cosine", 9)
    assert state.pins == (NetPin("rmsprop", 0.01, 40, params=(("rho", 0.7),)),)
    out = net_to_query(state)
    assert (out["beta_1"], out["epsilon"], out["schedule"]) == ("0.8", "1e-05",
                                                                "cosine")  # fmt: skip
    assert "momentum" not in out
    assert parse_net_query(query(urllib.parse.urlencode(out, True)))[0] == state


def test_a_hyperparameter_out_of_range_warns_and_keeps_tensorflows_default():
    state, warnings = parse_net_query(query("optimizer=rmsprop&rho=1&epsilon=-1"))
    assert state.params == ()
    assert len(warnings) == 2 and all("instead" in w for w in warnings)
    assert "rho='1'" in warnings[0] and "[0, 1)" in warnings[0]


def test_each_run_gets_its_own_hyperparameters_and_schedule_and_the_pages_seed():
    state = NetState(optimizer="adam", params=(("beta_1", 0.8),),
                     schedule="exponential", init_seed=4)  # fmt: skip
    live = net_run_config(state)
    assert live.params == (("beta_1", 0.8),)
    assert live.schedule == Schedule("exponential") and live.init_seed == 4
    pin = net_run_config(state, NetPin("momentum", 0.1, 30, "cosine",
                                       (("momentum", 0.5),)))  # fmt: skip
    assert (pin.optimizer, pin.params) == ("momentum", (("momentum", 0.5),))
    assert pin.schedule == Schedule("cosine") and pin.init_seed == 4


def test_the_line_up_keeps_steps_and_schedule_and_resets_rate_and_hyperparameters():
    state = NetState(optimizer="adam", lr=0.5, steps=77, schedule="cosine",
                     params=(("beta_1", 0.8),))  # fmt: skip
    pins = net_lineup(state, ["sgd", "adam", "lion"])
    assert [p.optimizer for p in pins] == ["sgd", "adam", "lion"]
    assert [p.lr for p in pins] == [optimizers.get(k).default_lr
                                    for k in ("sgd", "adam", "lion")]  # fmt: skip
    assert all(p.steps == 77 and p.schedule == "cosine" and p.params == ()
               for p in pins)  # fmt: skip
