"""The table of settings and the links it drives: a row per setting, URL round trips."""

from __future__ import annotations

import math
from dataclasses import fields

import pytest

from landscape import links, optimizers, runspec
from landscape.config import LR_RANGE, MAX_STEPS, START_LIMIT
from landscape.data.presets import NOISE_RANGE, PRESETS, SAMPLES_RANGE
from landscape.settings import (
    APP_MAX_STEPS,
    APP_MIN_LR,
    LR_STOPS,
    RUN_SETTINGS,
    SETTINGS,
    ExplorerState,
    Pin,
)


def test_the_state_has_one_field_per_row_and_pins_one_per_run_row():
    names = [s.name for s in SETTINGS]
    assert len(names) == len(set(names))
    assert [f.name for f in fields(ExplorerState)] == [*names, "params", "pins"]
    assert [f.name for f in fields(Pin)] == [s.name for s in RUN_SETTINGS] + ["params"]
    assert {s.name for s in RUN_SETTINGS} == {
        "optimizer", "lr", "steps", "w1", "w2", "batch", "schedule"
    }  # fmt: skip
    state = ExplorerState()
    for s in SETTINGS:
        assert getattr(state, s.name) == s.default
    assert len({s.widget for s in SETTINGS}) == len(SETTINGS)  # one widget each


def test_the_limits_are_the_documented_ones():
    """Written out independently of the table: what the README promises."""
    rows = {s.name: s for s in SETTINGS}
    assert (rows["lr"].low, rows["lr"].high) == (APP_MIN_LR, LR_RANGE[1]) == (1e-6, 1e3)
    assert (rows["steps"].low, rows["steps"].high) == (1, APP_MAX_STEPS) == (1, 10_000)
    assert APP_MAX_STEPS <= MAX_STEPS
    assert (rows["w1"].low, rows["w2"].high) == (-START_LIMIT, START_LIMIT)
    assert (rows["samples"].low, rows["samples"].high) == SAMPLES_RANGE
    assert (rows["noise"].low, rows["noise"].high) == NOISE_RANGE
    assert (rows["seed"].low, rows["seed"].high) == (0, 2**32 - 1)
    assert rows["dataset"].choices == (*PRESETS, "upload")
    assert rows["optimizer"].choices == tuple(optimizers.REGISTRY)


@pytest.mark.parametrize(
    "row, text, value",
    [
        ("samples", "120", 120),
        ("samples", "1e2", 100),
        ("seed", "4294967295", 2**32 - 1),
        ("noise", "", None),
        ("noise", "default", None),
        ("noise", "0.25", 0.25),
        ("batch", "full", None),
        ("batch", " 16 ", 16),
        ("lr", "1e-6", 1e-6),
        ("w1", "-1000", -1000.0),
        ("loss", "mae", "mae"),
    ],
)
def test_a_row_parses_what_it_allows(row, text, value):
    assert dict((s.name, s) for s in SETTINGS)[row].parse(text) == value


@pytest.mark.parametrize(
    "row, text",
    [
        ("samples", "1"),
        ("samples", "2.5"),
        ("seed", "4294967296"),
        ("seed", "-1"),
        ("noise", "nan"),
        ("lr", "0"),
        ("lr", "inf"),
        ("lr", "1e400"),
        ("steps", "10001"),
        ("w2", "1000.5"),
        ("batch", "0"),
        ("loss", "hinge"),
        ("dataset", "../etc/passwd"),
    ],
)
def test_a_row_refuses_what_it_does_not_allow(row, text):
    with pytest.raises(ValueError):
        dict((s.name, s) for s in SETTINGS)[row].parse(text)


def test_every_allowed_text_names_the_limits():
    rows = {s.name: s for s in SETTINGS}
    assert rows["samples"].allowed == "a whole number from 2 to 10,000"
    assert rows["lr"].allowed == "a number from 1e-06 to 1000"
    assert rows["loss"].allowed == "one of cross_entropy, mse, mae"
    assert "full batch" in rows["batch"].allowed


def test_a_state_survives_a_trip_through_its_url():
    pins = (
        Pin(optimizer="adam", lr=0.05, steps=300, w1=1.5, w2=-3.0,
            params=(("beta_1", 0.8),)),
        Pin(optimizer="sgd", lr=0.5, steps=20, w1=-2.0, w2=2.0, schedule="cosine",
            batch=8),
    )  # fmt: skip
    state = ExplorerState(
        dataset="overlap", samples=120, noise=0.7, seed=7, loss="mse",
        optimizer="momentum", lr=0.03, steps=250, w1=0.5, w2=-1.25, batch=16,
        schedule="exponential", params=(("momentum", 0.8),), pins=pins,
    )  # fmt: skip
    query = links.to_query(state)
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    parsed, warnings = links.parse_query(as_lists)
    assert warnings == []
    assert parsed == state


def test_the_url_carries_every_row_and_nothing_else():
    state = ExplorerState(params=(("momentum", 0.5),), pins=(ExplorerState().live,))
    query = links.to_query(state)
    defaults = {"noise", "batch"}  # None: the preset's noise, a full batch
    assert set(query) == {s.name for s in SETTINGS} - defaults | {"momentum", "pin"}


def test_pins_and_cli_runs_share_one_text_format():
    pin = Pin(optimizer="momentum", lr=0.05, steps=300, w1=1.0, w2=-1.0,
              params=(("momentum", 0.8),), schedule="cosine")  # fmt: skip
    text = links.format_pin(pin)
    assert text == "momentum,lr=0.05,steps=300,w1=1,w2=-1,schedule=cosine,momentum=0.8"
    assert links.parse_pin(text) == pin
    cfg = runspec.parse_run(text)  # the --run parser reads the link's text
    assert (cfg.optimizer, cfg.learning_rate, cfg.steps, cfg.start) == (
        "momentum", 0.05, 300, (1.0, -1.0)
    )  # fmt: skip
    assert cfg.schedule.kind == "cosine" and cfg.param_dict == {"momentum": 0.8}
    assert runspec.split_run(text.replace(",", " ")) == runspec.split_run(text)


@pytest.mark.parametrize(
    "text, words",
    [
        ("zzz", "unknown optimizer 'zzz'"),
        ("sgd,lr", "'lr' should be NAME=VALUE"),
        ("sgd,lr=1,lr=2", "each name once"),
        ("sgd,lr=-1", "lr='-1' is not valid"),
        ("sgd,steps=20000", "a whole number from 1 to 10,000"),
        ("sgd,beta_1=0.5", "unknown setting 'beta_1' for sgd; allowed: lr, steps"),
    ],
)
def test_a_bad_pin_says_what_is_wrong(text, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        links.parse_pin(text)


def test_the_learning_rate_stops_are_log_spaced_from_1e_4_to_10():
    assert len(LR_STOPS) == 31
    assert LR_STOPS[0] == 1e-4 and LR_STOPS[-1] == 10.0
    ratios = [b / a for a, b in zip(LR_STOPS, LR_STOPS[1:])]
    assert all(1.3 < r < 1.7 for r in ratios), ratios
    assert all(math.isclose(s, float(f"{s:g}")) for s in LR_STOPS)
