"""The network page's downloads: the run and the slice as CSV and JSON."""

from __future__ import annotations

import io
import json

import numpy as np
import streamlit as st

from landscape.net import commands
from landscape.net.api import NetRun
from landscape.net.settings import NetState, net_to_query
from landscape.net.slices import NetSlice


def path_csv(run: NetRun, sl: NetSlice) -> bytes:
    """One row per step: the loss, the plane coordinates, the loss on the plane
    there, the distance off the plane, then every weight (w0, w1, ...)."""
    steps = np.arange(len(run.params))
    table = np.column_stack(
        [steps, run.losses, sl.path, sl.plane_loss_at_path, sl.off_plane, run.params]
    )
    names = ["step", "loss", "a1", "a2", "plane_loss", "off_plane"]
    names += [f"w{k}" for k in range(run.params.shape[1])]
    out = io.StringIO()
    np.savetxt(
        out,
        table,
        delimiter=",",
        header=",".join(names),
        comments="",
        fmt=["%d"] + ["%.9g"] * (table.shape[1] - 1),
    )
    return out.getvalue().encode()


def run_slice_json(state: NetState, run: NetRun, sl: NetSlice) -> bytes:
    """net-slice's JSON (landscape.net.commands) plus the page's link settings."""
    out = commands.run_json(run, {"page": net_to_query(state)})
    out |= commands.slice_json(sl)
    return json.dumps(out).encode()


def render_exports(state: NetState, run: NetRun, sl: NetSlice) -> None:
    with st.expander("Download the run and the slice"):
        cols = st.columns(2)
        cols[0].download_button(
            "Path (CSV)",
            path_csv(run, sl),
            "network_path.csv",
            "text/csv",
            key="net_csv",
        )
        cols[1].download_button(
            "Run and slice (JSON)",
            run_slice_json(state, run, sl),
            "network_slice.json",
            "application/json",
            key="net_json",
        )
