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


@st.cache_data(max_entries=64, show_spinner=False)
def get_stops_text(
    source: cache.Source, loss: str, pin: Pin, others: tuple, knob: str, label: str
) -> str:
    """get_stops as the bridge receives it, the slider named label's family
    alone (family.payload_text), made once per family."""
    return family.payload_text({label: get_stops(source, loss, pin, others, knob)})


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


def drag_knobs(current, runs) -> dict[str, str]:
    """Each slider on the page that can have a family: its accessible name ->
    its knob ("lr", or the hyperparameter's name). The learning rate's and,
    with the hyperparameters shown, the optimizer's momentum-like one's."""
    if live_run(runs) is None:
        return {}
    knobs = {}
    if Key.LR_SLIDER in st.session_state:
        knobs[LR_LABEL] = "lr"
    knob = momentum_knob(current.live.optimizer)
    if knob is not None and shown("hyperparameters"):  # its slider is drawn
        knobs[knob_label(knob[0])] = knob[0]
    return knobs


def drag_payloads(current, source: cache.Source, knobs: dict, only) -> dict[str, str]:
    """For each slider of knobs (drag_knobs), by its accessible name, what its
    bridge element sends (family.payload_text): the live run at every stop if
    the slider's name is in only, else None (not trained until asked for)."""
    others = tuple(pin for slot, pin in slots(current) if slot != 0)
    out = {}
    for label, name in knobs.items():
        text = None
        if label in only:
            try:
                normal = _at(current.live, name, None)
                text = get_stops_text(source, current.loss, normal, others, name, label)
            except Exception:  # noqa: BLE001 - the drag is a bonus; release still works
                pass
        out[label] = text or family.payload_text({label: None})
    return out


def render_bridge(current, source: cache.Source, runs, clickable: bool) -> None:
    """Mount the bridge: the contour's clicks (if clickable), and one element
    per slider's family.

    A family is trained only once its slider is wanted: the bridge asks for it
    (trigger value "want": a rerun of the families' fragment) when a pointer
    comes over the slider or it takes the keyboard's focus, so a change made
    in a box, a select or a link costs no family (31 trainer runs each; py-spy
    put them at 20-28% of a script run). Once wanted, a slider's family comes
    with every run of the session.

    One element per family, not one for all: the learning rate's family
    depends on the committed momentum and the momentum's on the committed
    rate, so a commit changes the other slider's family only; Streamlit's
    message cache then sends a reference for the element that did not change.
    """
    if clickable:
        BRIDGE(
            data={"name": "click", "clickable": True},
            key=Key.BRIDGE,
            height=0,
            on_start_change=_on_start,
        )
    knobs = drag_knobs(current, runs)
    if knobs:
        # The page's own run: nothing to compare until it ends (remember_state).
        st.session_state.pop(Key.DRAG_SEEN, None)
        _families(current, source, runs, knobs)


@st.fragment
def _families(current, source: cache.Source, runs, knobs: dict) -> None:
    """A fragment, one element per slider's family (None until wanted): a
    request reruns only this (the family arrives in ~0.1 s, and under the load
    test's 30 sessions in 0.6 s at p50, against 4.7 s as a whole rerun, which
    waits for a run slot).

    Streamlit's frontend sends the widget updates of one tick as one rerun,
    scoped to the fragment of the first of them: a request batched with
    another change (a pointer moved onto a slider and clicked at once, a focus
    and a key press) made that change a fragment's run too, and the page did
    not follow it (seen in Chromium: a click on the contour was lost). The
    change's callbacks and values do reach the session, so if anything but a
    family request changed since the page's last run, this reruns the page.
    """
    seen = st.session_state.get(Key.DRAG_SEEN)  # None: in the page's own run
    if seen is not None and seen != _seen():
        st.rerun(scope="app")
    wanted = st.session_state.get(Key.DRAG_WANTED, ())
    families = drag_payloads(current, source, knobs, only=wanted)
    for label, name in knobs.items():
        part = "lr" if name == "lr" else "hyper"
        BRIDGE(
            # None: trained on request (the slider not yet wanted).
            data={"name": part, "drag": families[label]},  # JSON text
            key=f"{Key.BRIDGE}_{part}",
            height=0,
            on_want_change=_on_want,
        )


# What a family request may change (the families' elements, the wanted list),
# and the click's trigger value (reset after its run; its callback changes the
# keys that matter).
_OWN = (Key.BRIDGE, f"{Key.BRIDGE}_lr", f"{Key.BRIDGE}_hyper", Key.DRAG_WANTED,
        Key.DRAG_SEEN)  # fmt: skip


def remember_state() -> None:
    """At the end of the page's run: the state the families' fragment checks."""
    st.session_state[Key.DRAG_SEEN] = _seen()


def _seen() -> frozenset:
    """The session's state as the page's run saw it, but for what a family
    request changes."""
    return frozenset(
        (key, _value(value))
        for key, value in st.session_state.items()
        if key not in _OWN
    )


def _value(value):
    """Plain values and their containers by value (a multiselect's list is a
    new list each run), anything else by identity (a callback that changes
    such a value replaces it)."""
    if isinstance(value, (int, float, str, bool, bytes, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_value(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _value(v)) for k, v in value.items()))
    return ("id", id(value))


def _on_want() -> None:
    """A slider's family is wanted (the bridge's trigger value "want": the
    slider's accessible name). Kept for the session."""
    wanted = set(st.session_state.get(Key.DRAG_WANTED, ()))
    for part in ("lr", "hyper"):
        label = (st.session_state.get(f"{Key.BRIDGE}_{part}") or {}).get("want")
        if isinstance(label, str):
            wanted.add(label)
    st.session_state[Key.DRAG_WANTED] = tuple(sorted(wanted))


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
