"""The optimizer's hyperparameter boxes, on both pages, and the slider over the
momentum-like one's stops that the explorer's drag bridge follows."""

from __future__ import annotations

import streamlit as st

from landscape import optimizers
from landscape.settings import momentum_knob
from ui.session import knob_label, nearest, stop_text


def hyper_boxes(key: str, given: dict[str, float], widget_of, drag=False) -> tuple:
    """A sidebar expander with a box per hyperparameter of optimizer `key`, by
    its table in landscape.optimizers (TensorFlow's names, defaults, ranges).

    Args:
        given: the values a box starts at when its key is not in the session
            (the last run's, or the link's); the rest start at the defaults.
        widget_of: (optimizer, name) -> the box's session key.
        drag: a slider over the momentum-like hyperparameter's stops above its
            box (the explorer's drag bridge follows it).

    Returns:
        The values that differ from the defaults, sorted (name, value) pairs;
        an out-of-range value is one error line and counts as the default.
    """
    spec = optimizers.get(key)
    if not spec.hypers:
        return ()
    params = []
    knob = momentum_knob(key) if drag else None
    with st.sidebar.expander("Hyperparameters (TensorFlow's defaults)"):
        for h in spec.hypers:
            widget = widget_of(key, h.name)
            st.session_state.setdefault(widget, given.get(h.name, h.default))
            sync = {}
            if knob is not None and knob[0] == h.name:
                sync = render_knob(h, widget, knob[1])
            value = st.number_input(
                h.name,
                min_value=h.low,
                max_value=h.high,
                key=widget,
                format="%.6g",
                step=None,
                help=f"{h.help} Default {h.default:g}; allowed {h.allowed()}.",
                **sync,
            )
            try:
                value = h.check(value)
            except ValueError as e:
                st.error(str(e))
                value = h.default
            if value != h.default:
                params.append((h.name, float(value)))
    return tuple(sorted(params))


def render_knob(h: optimizers.Hyper, box: str, stops: tuple[float, ...]) -> dict:
    """A slider over hyperparameter h's stops above its exact box (session key
    `box`), kept in sync with it as the learning rate's slider is with its box:
    the slider shows the stop nearest the value the run uses (an out-of-range
    box counts as TensorFlow's default, as in the run). Returns the box's
    on_change."""
    slider = f"{box}_slider"

    def used() -> float:
        try:
            return h.check(st.session_state[box])
        except ValueError:
            return h.default

    st.session_state.setdefault(slider, nearest(stops, used()))

    def from_slider() -> None:
        st.session_state[box] = st.session_state[slider]

    def from_box() -> None:
        st.session_state[slider] = nearest(stops, used())

    st.select_slider(
        knob_label(h.name),
        stops,
        key=slider,
        on_change=from_slider,
        format_func=stop_text,
        help=f"Drag: the live run follows at each stop. The box below sets "
        f"{h.name} exactly.",
    )
    return {"on_change": from_box}
