"""The network page's table of settings: URL text <-> state, pins, fallbacks."""

from __future__ import annotations

import urllib.parse

import pytest

from landscape.net.settings import (
    NET_SETTINGS,
    NetPin,
    NetState,
    hidden,
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
     ("nadamw,lr=1", "unknown optimizer"), ("sgd,steps=1", "steps='1'")],
)  # fmt: skip
def test_a_bad_pin_says_why(text, words):
    with pytest.raises(ValueError, match=words):
        parse_net_pin(text)


def test_each_bad_value_warns_once_and_keeps_its_default():
    state, warnings = parse_net_query(
        query("grid=2&span=-1&activation=sigmoid&lr=nan&steps=2001&units2=17")
    )
    assert state == NetState()
    assert len(warnings) == 6
    assert all("instead" in w and "\n" not in w for w in warnings)
