"""The first page, the two-weight explorer: its parts in order, each in ui/."""

from __future__ import annotations

import streamlit as st

from ui import (
    charts,
    compare,
    controls,
    drag,
    layout,
    panels,
    runs,
    session,
    teaching,
)
from ui.session import KEEP, Key, shown

TAGLINE = (
    "**landscape** · how TensorFlow's optimizers move over the true loss "
    "surface of a two-weight model"
)


def render_header(classroom: bool) -> layout.Slots:
    """Page settings, URL warnings and CSS; the tagline and the classroom switch.
    Returns where the essential controls go."""
    layout.page_head("landscape", classroom, st.session_state[Key.URL_WARNINGS])
    # plotly.js's play, pause and speed buttons and its slider re-reject the
    # promise of an animation they interrupt (updatemenus' executeAPICommand),
    # with no reason: an "Uncaught (in promise) undefined" on every Pause while
    # playing. It is plotly.js's design and harmless; mark exactly those as
    # handled so that the console shows only real errors.
    st.html(
        "<script>if (!window.landscapeQuiet) { window.landscapeQuiet = true;"
        "window.addEventListener('unhandledrejection', e => {"
        "if (e.reason === undefined) e.preventDefault(); }); }</script>",
        unsafe_allow_javascript=True,
    )
    slots = layout.top_row(classroom)
    toggle = slots.toggle
    if not classroom:
        head = st.columns([6, 1])
        head[0].markdown(TAGLINE)
        toggle = head[1]
    if shown("classroom"):
        toggle.toggle(
            "Classroom",
            key=Key.CLASSROOM,
            persist_state=KEEP,
            help="Large type, thick lines, only the essential controls",
        )
    return slots


def main() -> None:
    """The two-weight explorer, top to bottom."""
    session.init_session()
    classroom = bool(st.session_state.get(Key.CLASSROOM))
    slots = render_header(classroom)
    current, source, data = controls.render_controls(slots)
    if not classroom:
        teaching.render_lesson_text()
        compare.render_run_controls(current, source)
        runs.render_notice()
    # Before the slow part, so that a shared link is always current.
    query = session.sync_url(current, uploaded=bool(source.upload))
    if not classroom:
        teaching.render_lesson_link(query)
    shown_runs = runs.collect_runs(current, source)
    surf = charts.render_views(current, source, data, shown_runs, slots.view)
    drag.render_bridge(current, source, shown_runs, clickable=shown("start"))
    if classroom:  # under the charts: the first screen is for the charts
        teaching.render_lesson_text()
    panels.render_panels(current, source, data, shown_runs, surf, classroom)
    if not classroom:
        runs.render_pin_list(current)
    drag.remember_state()  # last: what the drag families' fragment compares
