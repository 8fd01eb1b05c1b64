"""Shareable links: URL query parameters <-> the explorer's state, with fallbacks.

Driven by the table in landscape.settings; pins use the one run-text format of
landscape.runspec ("adam,lr=0.1,steps=200,w1=-2,w2=2,beta_1=0.8").
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, replace

from landscape import optimizers
from landscape.lessons import BY_KEY as LESSONS
from landscape.runspec import MAX_RUNS, format_run, split_run
from landscape.settings import (
    APP_MAX_STEPS,
    RUN_SETTINGS,
    SETTINGS,
    ExplorerState,
    Pin,
)

Query = Mapping[str, list[str]]  # parameter name -> every value given for it
VIEW_KEYS = {"classroom", "hide", "lesson", "view", "sharpness", "step"}  # parse_view
VIEWS = {"contour": "Contour", "playback": "Playback", "3d": "3D surface"}
# Controls a lesson link can hide (hide=a,b,c), as TensorFlow Playground does.
HIDEABLE = ("dataset", "upload", "samples", "noise", "seed", "loss", "optimizer",
            "hyperparameters", "schedule", "lr", "steps", "batch", "start", "pin",
            "sweep", "lineup", "lessons", "code", "internals", "classroom")  # fmt: skip


def _warning(name: str, text: str, allowed: str, default: object) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    instead = "the default" if default is None else repr(default)
    return (
        f"URL parameter {name}={shown!r} is not valid ({allowed}); "
        f"using {instead} instead."
    )


def read_hypers(optimizer: str, query: Query, warnings: list[str]) -> tuple:
    """The optimizer's hyperparameters that differ from TensorFlow's defaults,
    as sorted (name, value) pairs; a value out of its range warns (one line in
    warnings) and keeps the default. Both pages' links read them so."""
    out = []
    for h in optimizers.get(optimizer).hypers:
        values = query.get(h.name)
        if not values:
            continue
        try:
            value = h.check(float(values[-1]))
        except ValueError:
            warnings.append(
                _warning(h.name, values[-1], f"a number in {h.allowed()}", h.default)
            )
            continue
        if value != h.default:
            out.append((h.name, value))
    return tuple(sorted(out))


def _values(query: Query, warnings: list[str]) -> dict[str, object]:
    return read_rows(SETTINGS, query, warnings)


def read_rows(rows, query: Query, warnings: list[str]) -> dict[str, object]:
    """Each setting of rows that the query gives validly; the rest warn and
    keep their default (warnings gets one line each)."""
    values = {}
    for s in rows:
        given = query.get(s.name)
        if not given:
            continue
        if len(given) > 1:
            warnings.append(
                f"URL parameter {s.name} was given {len(given)} times; "
                "using the last one."
            )
        try:
            values[s.name] = s.parse(given[-1])
        except (ValueError, OverflowError):
            warnings.append(_warning(s.name, given[-1], s.allowed, s.default))
    return values


def parse_query(query: Query) -> tuple[ExplorerState, list[str]]:
    """Settings from URL query parameters; invalid ones fall back with a warning.

    Returns:
        The state, and one warning line per parameter that was ignored.
    """
    warnings: list[str] = []
    state = ExplorerState(**_values(query, warnings))
    state = replace(state, params=read_hypers(state.optimizer, query, warnings))
    pins = read_pins(query.get("pin", []), warnings)
    known = {s.name for s in SETTINGS} | {"pin"} | hyper_names() | VIEW_KEYS
    for name in sorted(set(query) - known):
        warnings.append(f"Unknown URL parameter {name[:40]!r} was ignored.")
    return replace(state, pins=tuple(pins)), warnings


def read_pins(texts: list[str], warnings: list[str], parse=None) -> tuple:
    """The valid pins, each once, at most MAX_RUNS; a warning for each dropped.
    parse: a pin from its text (this page's parse_pin by default)."""
    parse = parse or parse_pin
    pins: dict = {}
    for text in texts[:MAX_RUNS]:
        try:
            pin = parse(text)
        except ValueError as e:
            warnings.append(f"URL parameter pin={text[:40]!r} was ignored: {e}")
            continue
        if pin in pins:
            warnings.append(
                f"URL parameter pin={text[:40]!r} repeats an earlier pin; "
                "it is shown once."
            )
        pins[pin] = None
    if len(texts) > MAX_RUNS:
        warnings.append(f"Only the first {MAX_RUNS} pinned runs were kept.")
    return tuple(pins)


def hyper_names() -> set[str]:
    """Every hyperparameter name in the registry: each is a known URL parameter."""
    return {h.name for s in optimizers.REGISTRY.values() for h in s.hypers}


def to_query(state: ExplorerState) -> dict[str, str | list[str]]:
    """The URL query parameters that reproduce the state, pins included."""
    out: dict[str, str | list[str]] = {
        s.name: s.format(getattr(state, s.name))
        for s in SETTINGS
        if getattr(state, s.name) is not None  # None is the default: no noise=
    }
    out |= {k: f"{v:g}" for k, v in state.params}
    if state.pins:
        out["pin"] = [format_pin(p) for p in state.pins]
    return out


# --- pins: the run-text format with the app's limits -------------------------
def format_pin(pin: Pin) -> str:
    """A pin as link text; settings at their default are left out, except the
    learning rate, steps and start, which a reader of the link wants to see."""
    values = {}
    for s in RUN_SETTINGS:
        value = getattr(pin, s.name)
        if s.name in ("lr", "steps", "w1", "w2") or (
            s.name != "optimizer" and value != s.default
        ):
            values[s.name] = s.format(value)
    values |= {k: f"{v:g}" for k, v in pin.params}
    return format_run(pin.optimizer, values)


def parse_pin(text: str) -> Pin:
    """A pin from its link text, or ValueError saying what is wrong."""
    key, values = split_run(text)
    spec = optimizers.get(key)
    allowed = [s.name for s in RUN_SETTINGS[1:]] + [h.name for h in spec.hypers]
    unknown = [name for name in values if name not in allowed]
    if unknown:
        raise ValueError(
            f"unknown setting {unknown[0]!r} for {key}; allowed: {', '.join(allowed)}"
        )
    state, problems = parse_query(
        {name: [value] for name, value in values.items()} | {"optimizer": [spec.key]}
    )
    if problems:
        raise ValueError(problems[0])
    return state.live


def lesson_query(key: str, query: Query | None = None) -> dict[str, list[str]]:
    """A lesson's settings as query parameters, under the URL's own (which win).

    The lesson's pins stay unless the URL names pins of its own, so a link that
    was shared after changes reopens with those changes.
    """
    lesson = urllib.parse.parse_qs(LESSONS[key].query, keep_blank_values=True)
    return lesson | {k: list(v) for k, v in (query or {}).items()}


# --- how the page is shown ---------------------------------------------------
@dataclass(frozen=True)
class ViewState:
    """How the page is shown (not what is trained): classroom mode, hidden controls."""

    classroom: bool = False
    hide: frozenset[str] = frozenset()
    lesson: str = ""  # a built-in lesson whose text to show
    view: str = ""  # a key of VIEWS; "" for the mode's own first view
    sharpness: bool = False  # the sharpness chart along the runs is on
    step: int | None = None  # the live run's step the internals and ellipse show


def parse_view(query: Query) -> tuple[ViewState, list[str]]:
    """classroom=1, hide=a,b, lesson, view, sharpness=1 and step=K from the URL;
    unknown values warn and are ignored."""
    warnings = []
    classroom = _flag(query, "classroom", warnings)
    sharpness = _flag(query, "sharpness", warnings)
    step = (query.get("step") or [""])[-1].strip()
    if step and not (step.isdigit() and 1 <= int(step) <= APP_MAX_STEPS):
        warnings.append(
            f"URL parameter step={step[:20]!r} is not a step (a whole number "
            f"from 1 to {APP_MAX_STEPS}); using step 1 instead."
        )
        step = ""
    hide = set()
    for text in query.get("hide", []):
        for name in filter(None, (part.strip() for part in text.split(","))):
            if name in HIDEABLE:
                hide.add(name)
            else:
                warnings.append(
                    f"URL parameter hide names an unknown control "
                    f"{name[:30]!r}; controls: {', '.join(HIDEABLE)}."
                )
    lesson = (query.get("lesson") or [""])[-1].strip()
    if lesson and lesson not in LESSONS:
        warnings.append(
            f"URL parameter lesson={lesson[:30]!r} is not a lesson; "
            f"lessons: {', '.join(LESSONS)}."
        )
        lesson = ""
    view = (query.get("view") or [""])[-1].strip().lower()
    if view and view not in VIEWS:
        warnings.append(
            f"URL parameter view={view[:30]!r} is not a view; views: "
            f"{', '.join(VIEWS)}."
        )
        view = ""
    state = ViewState(classroom, frozenset(hide), lesson, view, sharpness,
                      int(step) if step else None)  # fmt: skip
    return state, warnings


def _flag(query: Query, name: str, warnings: list[str]) -> bool:
    """An on/off URL parameter: 1/true or 0/false; anything else warns, off."""
    flag = (query.get(name) or ["0"])[-1].strip().lower()
    if flag not in ("0", "1", "true", "false", ""):
        warnings.append(
            f"URL parameter {name}={flag[:20]!r} is not valid (1 or 0); "
            "using 0 instead."
        )
    return flag in ("1", "true")
