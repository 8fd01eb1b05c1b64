"""The second page, the small network: its parts in order, each in ui/network/."""

from __future__ import annotations

import streamlit as st

from landscape.figures import CLASSROOM, SCREEN
from landscape.net.settings import net_run_config
from ui import layout
from ui.network import controls, exports, pins, views
from ui.network.cache import get_net_run, get_net_slice
from ui.network.state import NetKey, init_state, sync_url
from ui.session import KEEP, md

TAGLINE = (
    "**landscape** · a small network's training path on a 2-D slice of its "
    "loss surface, and the decision it draws"
)


def render_header(classroom: bool) -> tuple[list, object]:
    """Page settings, URL warnings, CSS, the tagline and the classroom switch.
    Returns the places of the optimizer and learning rate, and of the Play
    switch."""
    layout.page_head(
        "landscape · small network", classroom, st.session_state[NetKey.WARNINGS]
    )
    if classroom:
        cols = st.columns([3, 2.4, 1.2, 1.6], vertical_alignment="bottom")
        places, play_at, toggle = cols[:2], cols[2], cols[3]
    else:
        head = st.columns([6, 1, 1])
        head[0].markdown(TAGLINE)
        play_at, toggle = head[1], head[2]
        st.sidebar.header("Training")
        places = [st.sidebar, st.sidebar]
    toggle.toggle(
        "Classroom",
        key=NetKey.CLASSROOM,
        persist_state=KEEP,
        help="Large type, thick lines, only the essential controls",
    )
    return places, play_at


def main() -> None:
    """The small-network page, top to bottom."""
    init_state()
    classroom = bool(st.session_state.get(NetKey.CLASSROOM))
    places, play_at = render_header(classroom)
    params = controls.render_training(places)
    source = controls.render_data()
    controls.render_network()
    controls.render_plane()
    state = controls.current_state(source, params)
    sync_url(state)  # before the slow part, so a shared link is always current
    st.session_state[NetKey.STATE] = state
    try:
        cfg = net_run_config(state)
        run = get_net_run(source, cfg)
        sl = get_net_slice(
            source, cfg, state.plane, state.grid, state.span, state.dseed
        )
    except ValueError as e:  # bad settings or data: one line, never a traceback
        st.error(md(f"Cannot train this network: {e}"))
        return
    theme = CLASSROOM if classroom else SCREEN
    others = pins.pinned_runs(state, source, sl)
    views.render_views(state, source, cfg, run, sl, others, theme, classroom, play_at)
    if not classroom:
        pins.render_pin_buttons(state, source)
    # as on the explorer, the downloads stay in classroom mode, in its styling
    paths = [views.live_path(state, sl), *others]
    exports.render_exports(state, run, sl, paths, classroom)
