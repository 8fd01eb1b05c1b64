"""URL <-> session state, driven by the table of settings; the session keys, named once.

A session reads the URL once, into the widgets' keys, and the widgets keep their
values for the session (KEEP), through a visit to the other page; every rerun
writes the current settings back to the URL, so the address bar is always a
shareable link.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from enum import StrEnum

import streamlit as st

from landscape import links, optimizers
from landscape.settings import (
    BY_NAME,
    LR_STOPS,
    SETTINGS,
    UPLOAD,
    ExplorerState,
    momentum_knob,
)


class Key(StrEnum):
    """Session-state keys that are not a setting's widget (those are in SETTINGS)."""

    EXPLORER = "explorer"  # the ExplorerState of the last run, pins included
    VIEW_STATE = "view_state"  # links.ViewState: hidden controls
    CLASSROOM = "classroom"  # the classroom toggle
    LESSON = "lesson"  # the lesson whose text is shown
    URL_WARNINGS = "url_warnings"
    LR_SLIDER = "lr_slider"  # the log slider beside the exact box (lr's widget)
    FILE = "in_file"  # the file uploader
    UPLOAD = "upload"  # (sha256, file name) of this session's upload
    UPLOAD_DATA = "upload_data"  # (sha256, Dataset)
    UPLOAD_ERROR = "upload_error"
    LINEUP = "lineup"  # the optimizers chosen for the line-up
    NOTICE = "notice"  # what the last sweep or line-up did to the pins
    VIEW = "view"  # Contour, Playback or 3D surface
    CONTOUR = "contour"  # the contour chart
    BRIDGE = "bridge"  # the chart bridge (ui/drag.py): clicks; + _lr, _hyper: families
    DRAG_WANTED = "drag_wanted"  # the sliders whose drag family was asked for
    DRAG_SEEN = "drag_seen"  # the session's state at the page's last run (ui/drag.py)
    AUTO_RANGE = "auto_range"
    AXES = "axes"  # frame the runs that settle, fit all, or lock the axes
    FRAME = "frame"  # the last axis range drawn
    EQUAL = "equal_scale"  # one unit of w1 as long as one of w2
    CLICKED = "clicked"  # a click set the start: keep the axis range
    STEP = "internals_step"  # the step the internals panel explains
    CODE_ON = "code_on"
    SHARPNESS_ON = "sharpness_on"
    CODE_RUN = "code_run"
    LINK_HIDE = "link_hide"
    LINK_OPEN = "link_open"  # the lesson link's expander: open or not
    INTERNALS_OPEN = "internals_open"  # the optimizer internals' expander
    INTERNALS_KEPT = "internals_kept"  # ... open or not, kept through page visits


# A widget's persist_state. A page reads its URL into its widgets' keys once per
# session, and under st.navigation Streamlit drops a widget's value (its default
# persist_state, None) whenever a rerun names another page than the one that ran
# last: the sidebar's other page, or a rerun without the page's hash. The page
# then came back with each widget at its own minimum (samples 2, lr 1e-06, steps
# 1). Kept for the session, a value returns with its page.
KEEP = "session"


def hyper_key(optimizer: str, name: str) -> str:
    """The widget key of one optimizer's hyperparameter."""
    return f"hp_{optimizer}_{name}"


LR_LABEL = "Learning rate (log scale)"  # the slider's name; the drag bridge's too


def knob_label(name: str) -> str:
    """The momentum-like slider's accessible name; the drag bridge finds it by
    this name, as it finds the learning rate's."""
    return f"{name}: drag and the path follows"


def hyper_slider_key(optimizer: str, name: str) -> str:
    """The widget key of the slider beside a momentum-like hyperparameter's box."""
    return f"{hyper_key(optimizer, name)}_slider"


def nearest(stops, value: float) -> float:
    """The stop nearest to value (a momentum slider's stops are linear)."""
    return min(stops, key=lambda s: abs(s - value))


def md(text: object) -> str:
    """User text (a URL value, a file or column name) safe for Streamlit Markdown.

    The characters that open links, images, tags, code, bold, LaTeX and tables
    are escaped, so they show as the characters they are. Underscores inside
    names (beta_1) cannot emphasise in CommonMark and stay readable.
    """
    return re.sub(r"([\\`*\[\]<>!#|~$])", r"\\\1", str(text))


def stop_text(lr: float) -> str:
    """How the learning-rate slider shows a stop (its format_func); the drag
    bridge finds each stop's run by this text."""
    return f"{lr:g}"


def nearest_stop(lr: float) -> float:
    """The learning-rate slider's stop nearest to lr on a log scale."""
    return min(LR_STOPS, key=lambda s: abs(math.log(s) - math.log(lr)))


# The URL says dataset=upload (sync_url writes it while an upload is in use), but
# this session has none: an upload lives in the memory of the server session that
# received it, so it is gone after a reconnect to another replica or a restarted
# one, and was never here if the link was opened elsewhere.
UPLOAD_LOST = (
    "The uploaded file was lost: it lived only in the server that received it, "
    "and this page now talks to another (or a restarted) server, or came from a "
    "link with dataset=upload. Upload the file again; until then the page shows "
    "{!r}."
)


def init_session() -> None:
    """Read the URL once per session into the widgets' keys."""
    if Key.EXPLORER in st.session_state:
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    view, view_warnings = links.parse_view(query)
    if view.lesson:  # the lesson's settings, under the link's own
        query = links.lesson_query(view.lesson, query)
    parsed, warnings = links.parse_query(query)
    st.session_state[Key.VIEW_STATE] = view
    st.session_state[Key.CLASSROOM] = view.classroom
    st.session_state[Key.LESSON] = view.lesson
    if view.view:
        st.session_state[Key.VIEW] = links.VIEWS[view.view]
    st.session_state[Key.SHARPNESS_ON] = view.sharpness
    if view.step is not None:  # clamped to the live run's steps where shown
        st.session_state[Key.STEP] = view.step
        st.session_state[Key.INTERNALS_KEPT] = True  # a chosen step, explained
    st.session_state[Key.URL_WARNINGS] = warnings + view_warnings
    load_state(parsed)


def load_state(parsed: ExplorerState) -> None:
    """Put a state (from a URL or a lesson) into the widgets' keys, row by row."""
    if parsed.dataset == UPLOAD and Key.UPLOAD not in st.session_state:
        default = BY_NAME["dataset"].default
        st.session_state[Key.URL_WARNINGS].append(UPLOAD_LOST.format(default))
        parsed = replace(parsed, dataset=default)
    st.session_state[Key.EXPLORER] = parsed
    for s in SETTINGS:
        st.session_state[s.widget] = widget_value(s.name, getattr(parsed, s.name))
    st.session_state[Key.LR_SLIDER] = nearest_stop(parsed.lr)
    # Every hyperparameter, so nothing set before survives a lesson or a link.
    given = dict(parsed.params)
    for h in optimizers.get(parsed.optimizer).hypers:
        st.session_state[hyper_key(parsed.optimizer, h.name)] = given.get(
            h.name, h.default
        )
    knob = momentum_knob(parsed.optimizer)
    if knob is not None:
        name, stops = knob
        value = st.session_state[hyper_key(parsed.optimizer, name)]
        st.session_state[hyper_slider_key(parsed.optimizer, name)] = nearest(
            stops, value
        )


def widget_value(name: str, value: object) -> object:
    """A setting's value as its widget holds it (a full batch is 0 in its box)."""
    return 0 if name == "batch" and value is None else value


def offered(key: str, options: list, *fallbacks: object) -> None:
    """Before a choice widget is drawn: a value for it that is not one of this
    run's options becomes the first of fallbacks that is (else the first
    option).

    Streamlit would take the first option, silently. Such a value comes from a
    browser that reconnects after its server died: its next rerun still sends
    the page it had, e.g. the data set "Uploaded: doses.csv", which the new
    session (no upload) does not offer; the page then showed 'blobs' under
    "the upload was lost ... the page shows 'overlap'" (the fault test, once
    in CI; tests/e2e/test_explorer_browser.py sends that rerun).
    """
    if st.session_state.get(key) not in options:
        st.session_state[key] = next((f for f in fallbacks if f in options), options[0])


def shown(control: str) -> bool:
    """False when a lesson link hides this control (hide=...)."""
    return control not in st.session_state[Key.VIEW_STATE].hide


def sync_url(current: ExplorerState, uploaded: bool) -> dict:
    """Write the settings to the URL; returns the query written."""
    query = links.to_query(current)
    if uploaded:  # the preset's knobs mean nothing for a file
        query["dataset"] = UPLOAD
        for name in ("samples", "noise", "seed"):
            query.pop(name, None)
    view = st.session_state[Key.VIEW_STATE]
    if st.session_state.get(Key.CLASSROOM):
        query["classroom"] = "1"
    if view.hide:
        query["hide"] = ",".join(sorted(view.hide))
    if st.session_state.get(Key.LESSON):
        query["lesson"] = st.session_state[Key.LESSON]
    if st.session_state.get(Key.SHARPNESS_ON):
        query["sharpness"] = "1"
    # The internals' step, at most the live run's steps (the panel clamps it
    # the same way further down; a run that diverges sooner is clamped there).
    step = min(int(st.session_state.get(Key.STEP, 1)), current.steps)
    if step > 1:
        query["step"] = str(step)
    shown_view = st.session_state.get(Key.VIEW)
    for key, label in links.VIEWS.items():
        if label == shown_view:
            query["view"] = key
    st.query_params.from_dict(query)
    return query
