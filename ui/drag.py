"""The chart bridge: the page's charts talking to Python without a rerun each.

- Drag the learning rate and watch the live run follow, with no round trip.
  The server trains the live run at every stop of the learning-rate slider
  once (cached like a run); a small custom component (drag_script.py) swaps
  the charts' live traces between them while the slider moves. Release
  commits the rate through the slider itself, as before: URL, table, pins
  and exports.
- Click the contour to start there. The click reaches Python as the bridge's
  trigger value `start`. Before, an invisible 41 x 41 lattice of markers over
  the contour took the clicks through st.plotly_chart's selection: measured
  in Chromium, redrawing those 1,681 markers cost ~150 ms of every committed
  change and ~30 KB of its payload.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import family, figures, framing, optimizers, trainer
from landscape.config import START_LIMIT
from landscape.settings import LR_STOPS, Pin, momentum_knob, run_config
from ui import cache, drag_script
from ui.runs import live_run, run_labels, slots
from ui.session import LR_LABEL, Key, knob_label, shown, stop_text

BRIDGE = st.components.v2.component("chart_bridge", js=drag_script.JS)


@st.cache_data(max_entries=64, show_spinner=False)
def get_stops(
    source: cache.Source, loss: str, pin: Pin, others: tuple, knob: str = "lr"
) -> dict:
    """The live run at every stop of one slider, packed (family.stop_record),
    by the slider's text. knob: "lr", or the momentum-like hyperparameter's
    name (settings.momentum_knob). The pin's own value of the knob does not
    matter: a committed change of it finds the stops already made.

    Trained here with trainer.run, exactly as a single run, and not through
    cache.get_run: 31 entries per family would push the single runs out.
    """
    data = cache.get_dataset(source)
    xs = figures.fit_xs(data)
    stops = {}
    for value in _stops(pin, knob):
        at = _at(pin, knob, value)
        traj = trainer.run(data, run_config(at, loss, source.seed))
        label = run_labels([at, *others])[0]
        stops[stop_text(value)] = family.stop_record(data, traj, label, xs)
    return stops


def _stops(pin: Pin, knob: str) -> tuple[float, ...]:
    return tuple(LR_STOPS) if knob == "lr" else momentum_knob(pin.optimizer)[1]


def _at(pin: Pin, knob: str, value: float | None) -> Pin:
    """The pin with the knob at value (None: the knob's first stop for the
    learning rate, TensorFlow's default for a hyperparameter)."""
    if knob == "lr":
        return replace(pin, lr=LR_STOPS[0] if value is None else value)
    params = {k: v for k, v in pin.params if k != knob}
    default = optimizers.get(pin.optimizer).hyper(knob).default
    if value is not None and value != default:  # as a run set in its box says it
        params[knob] = float(value)
    return replace(pin, params=tuple(sorted(params.items())))


def drag_payloads(current, source: cache.Source, runs) -> dict[str, dict]:
    """The live run at every stop of each slider on the page that has one,
    by the slider's accessible name: the learning rate and, with the
    hyperparameters shown, the optimizer's momentum-like one."""
    if live_run(runs) is None:
        return {}
    others = tuple(pin for slot, pin in slots(current) if slot != 0)
    pin = current.live
    knobs = {}
    if Key.LR_SLIDER in st.session_state:
        knobs[LR_LABEL] = "lr"
    knob = momentum_knob(pin.optimizer)
    if knob is not None and shown("hyperparameters"):  # its slider is drawn
        knobs[knob_label(knob[0])] = knob[0]
    out = {}
    for label, name in knobs.items():
        try:
            normal = _at(pin, name, None)
            out[label] = get_stops(source, current.loss, normal, others, name)
        except Exception:  # noqa: BLE001 - the drag is a bonus; release still works
            continue
    return out


def render_bridge(current, source: cache.Source, runs, clickable: bool) -> None:
    """Mount the bridge: one element per slider's family, the first also
    carrying the contour's clicks if clickable.

    One element each, not one for all: the learning rate's family depends on
    the committed momentum and the momentum's on the committed rate, so a
    commit changes the other slider's family only; Streamlit's message cache
    then sends a reference for the element that did not change.
    """
    families = drag_payloads(current, source, runs)
    if not families and not clickable:
        return
    BRIDGE(
        data={"name": "lr", "drag": family.payload(
            {k: v for k, v in families.items() if k == LR_LABEL}),
            "clickable": clickable},
        key=Key.BRIDGE,
        height=0,
        on_start_change=_on_start,
    )  # fmt: skip
    rest = {k: v for k, v in families.items() if k != LR_LABEL}
    if rest:
        BRIDGE(
            data={"name": "hyper", "drag": family.payload(rest), "clickable": False},
            key=f"{Key.BRIDGE}_hyper",
            height=0,
        )


def _on_start() -> None:
    """A click on the contour starts the live run there.

    The bridge sends the point and the view's box in data units; the start is
    rounded to the view's round step (framing.click_start). Anything else (not
    a point in the view, beyond the start's limits) is ignored: a click cannot
    be "bad input" a person typed, so there is nothing to tell them.
    """
    event = (st.session_state.get(Key.BRIDGE) or {}).get("start")
    try:
        box = tuple(float(v) for v in event["box"])
        point = (float(event["w1"]), float(event["w2"]))
        if len(box) != 4 or not (box[0] < box[1] and box[2] < box[3]):
            return
    except (TypeError, KeyError, ValueError):
        return
    start = framing.click_start(box, point)
    if start is None or max(abs(start[0]), abs(start[1])) > START_LIMIT:
        return
    st.session_state["in_w1"], st.session_state["in_w2"] = start
    st.session_state[Key.STEP] = 1
    st.session_state[Key.CLICKED] = True  # the view stays where it is
