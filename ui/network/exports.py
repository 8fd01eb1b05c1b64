"""The network page's downloads, in the explorer's panel: the plane with every
path beside the decision (PNG, SVG, HTML), the playback (GIF, MP4), the live
run and its slice (CSV, JSON)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from urllib.parse import urlencode

import streamlit as st

from landscape.figures.net import PathView
from landscape.net import picture
from landscape.net.api import NetRun
from landscape.net.settings import NetState, net_to_query
from landscape.net.slices import NetSlice
from ui.exports import FORMATS, export_panel
from ui.network.state import NetKey

HELP = (
    "PNG/SVG/HTML: the plane with the live run and every pin, beside the "
    "decision at the last step. GIF/MP4: the live run's step moving on the "
    "plane and the decision at that step. CSV/JSON: every step of the live run "
    "and its slice (net-slice's JSON)."
)


def picture_of(state: NetState, run: NetRun, sl: NetSlice,
               paths: Sequence[PathView]) -> picture.NetPicture:  # fmt: skip
    """What the page shows, with its link recorded in the JSON's settings."""
    return picture.NetPicture(run, sl, tuple(paths), {"page": net_to_query(state)})


def render_exports(
    state: NetState,
    run: NetRun,
    sl: NetSlice,
    paths: Sequence[PathView],
    classroom: bool,
) -> None:
    """The export panel under the charts; paths: the live run's, then the pins'."""
    with st.expander(f"Export: {', '.join(FORMATS)}"):
        render_panel(state, run, sl, paths, classroom)


@st.fragment
def render_panel(state, run, sl, paths, classroom: bool) -> None:
    """A fragment: choosing, preparing and downloading rerun only the panel.
    A prepared file is offered while the settings and pins are those it shows
    (the step slider aside: the files show the last step, or every step)."""
    query = net_to_query(state)
    query.pop("step", None)
    export_panel(
        partial(picture.render, picture_of(state, run, sl, paths)),
        classroom,
        key=NetKey.EXPORT,
        stem="network",
        size=picture.SIZE,
        help=HELP,
        token=urlencode(query, doseq=True) + f"&classroom={int(classroom)}",
    )
