"""Drag the learning rate and watch the live run follow, with no round trip.

The server trains the live run at every stop of the learning-rate slider once
(cached like a run); a small custom component (drag_script.py) swaps the
charts' live traces between them while the slider moves. Release commits the
rate through the slider itself, as before: URL, table, pins and exports.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from landscape import family, figures, trainer
from landscape.settings import LR_STOPS, Pin, run_config
from ui import cache, drag_script
from ui.runs import live_run, run_labels, slots
from ui.session import Key, nearest_stop, stop_text

BRIDGE = st.components.v2.component("lr_drag", js=drag_script.JS)


@st.cache_data(max_entries=64, show_spinner=False)
def get_stops(source: cache.Source, loss: str, pin: Pin, others: tuple) -> dict:
    """The live run at every stop, packed (family.stop_record), by the
    slider's text. The pin's own rate does not matter: a committed change of
    the rate finds the stops already made.

    Trained here with trainer.run, exactly as a single run, and not through
    cache.get_run: 31 entries per family would push the single runs out.
    """
    data = cache.get_dataset(source)
    xs = figures.fit_xs(data)
    stops = {}
    for lr in LR_STOPS:
        at = replace(pin, lr=lr)
        traj = trainer.run(data, run_config(at, loss, source.seed))
        label = run_labels([at, *others])[0]
        stops[stop_text(lr)] = family.stop_record(data, traj, label, xs)
    return stops


def render_drag(current, source: cache.Source, runs) -> None:
    """Mount the bridge for the live run, if it is drawn and the rate is shown."""
    if live_run(runs) is None or Key.LR_SLIDER not in st.session_state:
        return
    others = tuple(pin for slot, pin in slots(current) if slot != 0)
    pin = current.live
    try:
        stops = get_stops(source, current.loss, replace(pin, lr=LR_STOPS[0]), others)
    except Exception:  # noqa: BLE001 - the drag is a bonus; release still works
        return
    live = run_labels([pin, *others])[0]
    payload = family.payload(stops, live, stop_text(nearest_stop(pin.lr)))
    BRIDGE(data=payload, key="lr_drag", height=0)
