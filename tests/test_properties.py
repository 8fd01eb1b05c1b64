"""Property tests: any URL gives a valid state; any engine config runs or says why."""

from __future__ import annotations

import math
import signal
from contextlib import contextmanager
from dataclasses import fields

import numpy as np
import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from landscape import links, optimizers, trainer
from landscape import settings as table
from landscape.config import LR_RANGE, MAX_STEPS, START_LIMIT, RunConfig, Schedule
from landscape.data import presets
from landscape.losses import LOSSES

DEFAULTS = table.ExplorerState()
FIELDS = [
    f.name for f in fields(table.ExplorerState) if f.name not in ("params", "pins")
]
HYPERS = sorted({h.name for s in optimizers.REGISTRY.values() for h in s.hypers})
NAMES = FIELDS + HYPERS + ["pin", *sorted(links.VIEW_KEYS)]  # every name a link carries
CHOICES = {
    "optimizer": list(optimizers.REGISTRY),
    "dataset": list(presets.PRESETS) + [table.UPLOAD],
    "loss": list(LOSSES),
    "schedule": ["constant", "exponential", "cosine"],
}
# name -> (low, high, whole): the documented ranges, written out independently.
RANGES = {
    "lr": (table.APP_MIN_LR, LR_RANGE[1], False),
    "steps": (1, table.APP_MAX_STEPS, True),
    "w1": (-START_LIMIT, START_LIMIT, False),
    "w2": (-START_LIMIT, START_LIMIT, False),
    "samples": (*presets.SAMPLES_RANGE, True),
    "seed": (0, 2**32 - 1, True),
}

# --- URL values whose validity is known by construction ----------------------
special = st.sampled_from(
    ["", " ", "nan", "NaN", "inf", "-inf", "Infinity", "1e308", "-1e308", "1e-320",
     "1e400", "0", "-0", "1_000", "0x10", "1e", "..", "../../etc/passwd", "%00",
     "<script>", "**b**", "adam ", " sgd", "upload"]
)  # fmt: skip
floats = st.floats(allow_nan=True, allow_infinity=True).map(repr)
whole = st.integers(min_value=-(10**30), max_value=10**30).map(str)
junk = st.text(st.characters(blacklist_categories=("Nd", "Cs")), max_size=12)
choice = st.sampled_from(sorted({c for cs in CHOICES.values() for c in cs}))
value = st.one_of(special, floats, whole, junk, choice, st.text(max_size=30))
query = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(max_size=8)),
    st.lists(value, min_size=0, max_size=3),
    max_size=12,
)


def oracle(name: str, text: str):
    """(valid, value) for a few parameters, from the documented rules alone."""
    text = text.strip()
    if name in CHOICES:
        return (text in CHOICES[name], text)
    low, high, is_whole = RANGES[name]
    try:
        x = float(text)  # the value the user typed, exactly
    except ValueError:
        return (False, None)
    if not math.isfinite(x) or not low <= x <= high:
        return (False, None)
    if is_whole and x != int(x):
        return (False, None)
    return (True, int(x) if is_whole else x)


@settings(max_examples=400, deadline=None, database=None)
@given(query)
@example({"step": []})  # a view key with no value: not an unknown name (CI found it)
@example({"sharpness": ["1"], "step": ["3"]})
def test_any_url_gives_a_valid_state_and_a_warning_per_bad_value(q):
    parsed, warnings = links.parse_query(q)
    links.parse_view(q)  # never raises, whatever the URL

    for name in set(CHOICES) | set(RANGES):
        given_ = q.get(name)
        if not given_:
            assert getattr(parsed, name) == getattr(DEFAULTS, name), name
            continue
        valid, expected = oracle(name, given_[-1])
        if valid:
            assert getattr(parsed, name) == expected, (name, given_)
        else:
            assert getattr(parsed, name) == getattr(DEFAULTS, name), (name, given_)
            assert any(f"URL parameter {name}=" in w for w in warnings), (name, q)
        if len(given_) > 1:
            assert any(f"{name} was given {len(given_)} times" in w for w in warnings)
    for name in set(q) - set(NAMES):
        assert any(f"Unknown URL parameter {name[:40]!r}" in w for w in warnings)
    pins = q.get("pin", [])[: table.MAX_RUNS]
    ignored = [w for w in warnings if w.startswith("URL parameter pin=")]
    assert len(parsed.pins) + len(ignored) == len(pins)  # each kept or warned
    assert all("\n" not in w for w in warnings)
    # Whatever the URL said, the state is one the engine accepts.
    for pin in (parsed.live, *parsed.pins):
        cfg = table.run_config(pin, parsed.loss, parsed.seed)
        optimizers.get(cfg.optimizer).resolve(cfg.param_dict)
    if parsed.dataset != table.UPLOAD:
        presets.make_dataset(parsed.dataset, parsed.samples, parsed.noise, parsed.seed)


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.sampled_from(sorted(optimizers.REGISTRY)),
    st.lists(value, min_size=1, max_size=2),
)
def test_a_bad_hyperparameter_warns_by_name_and_keeps_the_default(key, values):
    spec = optimizers.get(key)
    for h in spec.hypers:
        parsed, warnings = links.parse_query({"optimizer": [key], h.name: values})
        given_ = dict(parsed.params).get(h.name, h.default)
        try:
            ok = h.check(float(values[-1]))
        except (ValueError, OverflowError):
            assert given_ == h.default
            assert any(f"URL parameter {h.name}=" in w for w in warnings)
        else:
            assert given_ == ok


# --- the engine over its configuration space --------------------------------
@contextmanager
def time_limit(seconds: int):
    """Turn a hang into a failure (SIGALRM: main thread, POSIX)."""

    def fail(*_):
        raise TimeoutError(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# Few sample counts: each new count is one more XLA compile per engine.
DATA = {
    (name, n): presets.make_dataset(name, n, None, 1)
    for name in ("blobs", "xor", "dose", "line")
    for n in (3, 24)
}


def allowed(h, value: float) -> bool:
    try:
        h.check(value)
    except ValueError:
        return False
    return True


def rarely(draw) -> bool:
    """True about one time in ten (not 0: Hypothesis favours the ends of a range)."""
    return draw(st.integers(0, 9)) == 3


@st.composite
def configs(draw):
    key = draw(st.sampled_from(sorted(optimizers.REGISTRY)))
    spec = optimizers.get(key)
    params = {}
    chosen = (
        draw(st.lists(st.sampled_from(spec.hypers), unique=True)) if spec.hypers else []
    )
    for h in chosen:
        edges = [h.default] + [e for e in (h.low, h.high) if allowed(h, e)]
        edges += [h.low - 1, h.high + 1] * rarely(draw)
        inside = st.floats(
            h.low, h.high, exclude_min=h.low_open, exclude_max=h.high_open
        )
        params[h.name] = draw(st.sampled_from(edges) | inside)
    kind = draw(st.sampled_from(["constant", "exponential", "cosine"]))
    schedule = Schedule(
        kind,
        decay_steps=draw(st.none() | st.integers(1, 500)),
        decay_rate=draw(st.floats(1e-3, 1.0)),
        staircase=draw(st.booleans()),
        alpha=draw(st.floats(0.0, 1.0)),
    )
    lr = draw(
        st.sampled_from([0.0, -1.0, 1e308, math.nan, math.inf, 1e-300])
        if rarely(draw)
        else st.floats(-6, 3).map(lambda e: 10.0**e)
    )
    start = draw(st.sampled_from([-START_LIMIT, -3.0, 0.0, 0.5, START_LIMIT]))
    return key, params, schedule, lr, start


@settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    configs(),
    st.sampled_from(sorted(DATA)),
    st.sampled_from(sorted(LOSSES)),
    st.integers(0, 300),
    st.sampled_from([None, 1, 2, 7, 1000]),
    st.integers(0, 2**32 - 1),
)
def test_every_run_is_finite_or_a_clear_value_error(
    cfg, data_key, loss, steps, batch, seed
):
    key, params, schedule, lr, w1 = cfg
    data = DATA[data_key]
    try:
        config = RunConfig(
            loss=loss, optimizer=key, learning_rate=lr, steps=steps, start=(w1, 2.0),
            params=tuple(sorted(params.items())), schedule=schedule,
            batch_size=batch, seed=seed,
        )  # fmt: skip
        with time_limit(60):
            traj = trainer.run(data, config)
    except ValueError as e:
        event("ValueError: " + str(e)[:50])
        message = str(e)
        assert message and "\n" not in message
        assert "Traceback" not in message
        return
    event("diverged" if traj.diverged_at is not None else "finished")
    m = len(traj.weights) - 1
    assert traj.weights.shape == (m + 1, 2) and traj.losses.shape == (m + 1,)
    assert traj.gradients.shape == (m, 2) and traj.learning_rates.shape == (m,)
    assert m == steps if traj.diverged_at is None else m == traj.diverged_at - 1
    assert traj.weights[0].tolist() == [np.float32(w1), 2.0]
    arrays = [traj.weights, traj.losses, traj.gradients, traj.learning_rates]
    for a in arrays + list(traj.state.values()):
        assert np.isfinite(a).all()


def test_the_engine_rejects_what_the_url_would_refuse():
    data = DATA["blobs", 24]
    for bad in (1e308, math.nan, math.inf, 0.0, -1.0):
        with pytest.raises(ValueError, match="learning rate"):
            trainer.run(data, RunConfig(learning_rate=bad))
    with pytest.raises(ValueError, match="steps"):
        trainer.run(data, RunConfig(steps=MAX_STEPS + 1))
    with pytest.raises(ValueError, match="cross_entropy"):
        trainer.run(DATA["line", 24], RunConfig(loss="cross_entropy"))
