"""The network page's URL <-> session state, driven by its table of settings."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

import streamlit as st

from landscape.net.settings import (
    NET_BY_NAME,
    NET_SETTINGS,
    NetState,
    net_to_query,
    parse_net_query,
)
from landscape.settings import UPLOAD
from ui.session import Key


class NetKey(StrEnum):
    """The network page's session keys that are not a setting's widget."""

    STATE = "net_state"  # the NetState of the last rerun, pins included
    WARNINGS = "net_url_warnings"
    CLASSROOM = "net_classroom"  # the classroom toggle
    FILE = "net_file"  # the file uploader
    EXPORT = "net_export"
    STEP_END = "net_step_end"  # the last step when the step slider was drawn
    LINEUP = "net_lineup"  # the optimizers chosen for the line-up
    NOTICE = "net_notice"  # what the last sweep or line-up did to the pins


def hyper_key(optimizer: str, name: str) -> str:
    """The widget key of one optimizer's hyperparameter on this page."""
    return f"net_hp_{optimizer}_{name}"


def init_state() -> None:
    """Read the URL once per session into the widgets' keys."""
    if NetKey.STATE in st.session_state:
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    state, warnings = parse_net_query(query)
    classroom = query.get("classroom", [""])[-1]
    if classroom not in ("", "0", "1"):
        warnings.append(
            f"URL parameter classroom={classroom[:20]!r} is not valid (1 or 0); "
            "using 0 instead."
        )
    if state.dataset == UPLOAD and Key.UPLOAD not in st.session_state:
        default = NET_BY_NAME["dataset"].default
        warnings.append(
            "URL parameter dataset='upload' needs a file uploaded in "
            f"this browser; using {default!r} instead."
        )
        state = replace(state, dataset=default)
    st.session_state[NetKey.WARNINGS] = warnings
    st.session_state[NetKey.CLASSROOM] = classroom == "1"
    st.session_state[NetKey.STATE] = state
    for s in NET_SETTINGS:
        st.session_state[s.widget] = getattr(state, s.name)


def sync_url(state: NetState) -> dict:
    """Write the settings to the URL (an upload's preset knobs left out)."""
    query = net_to_query(state)
    if state.dataset == UPLOAD:
        for name in ("samples", "noise", "seed"):
            query.pop(name, None)
    if st.session_state.get(NetKey.CLASSROOM):
        query["classroom"] = "1"
    st.query_params.from_dict(query)
    return query
