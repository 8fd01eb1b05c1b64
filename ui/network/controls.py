"""The network page's controls: data, network, training and plane (sidebar), and
in classroom mode the optimizer and learning rate in a row above the charts.
The hyperparameters' boxes and the schedule are the first page's (ui.controls,
landscape.config.SCHEDULES)."""

from __future__ import annotations

import streamlit as st

from landscape import optimizers
from landscape.config import SCHEDULE_HELP
from landscape.data import presets
from landscape.net.settings import NET_BY_NAME, NetState
from landscape.settings import UPLOAD
from ui import data as explorer_data
from ui.cache import Source, get_dataset
from ui.hypers import hyper_boxes
from ui.network.state import NetKey, hyper_key
from ui.session import KEEP, Key, md, offered

ACTIVATION_HELP = "tanh: smooth, bounded; relu: max(x, 0), piecewise linear"
PLANE_HELP = (
    "pca: the two directions along which the path varied most (Li et al. 2018). "
    "random: two random directions, filter-normalized. interpolate: from the "
    "end towards the start, and one random direction."
)
INIT_SEED_HELP = (
    "Seeds the Glorot start: the weights at step 0. The pinned runs start there "
    "too, so their paths differ only by how they were trained."
)


def box(where, name: str, label: str, **options):
    """A setting's number box, its limits and key from the page's table."""
    s = NET_BY_NAME[name]
    return where.number_input(
        label, s.low, s.high, key=s.widget, persist_state=KEEP, **options
    )


def choice(where, name: str, label: str, **options):
    s = NET_BY_NAME[name]
    return where.selectbox(
        label, s.choices, key=s.widget, persist_state=KEEP, **options
    )


def render_data() -> Source:
    """A preset with samples, noise and seed, or an uploaded CSV (x1, x2, label)."""
    st.sidebar.header("Data")
    have_upload = Key.UPLOAD in st.session_state
    names = list(presets.NET_PRESETS) + ([UPLOAD] if have_upload else [])
    widget = NET_BY_NAME["dataset"].widget
    offered(
        widget, names, st.session_state[NetKey.STATE].dataset,
        NET_BY_NAME["dataset"].default,
    )  # fmt: skip
    name = st.sidebar.selectbox(
        "Data set",
        names,
        key=widget,
        persist_state=KEEP,
        format_func=lambda k: "Uploaded file" if k == UPLOAD else k,
    )
    st.sidebar.file_uploader(
        "Or upload a CSV",
        type=["csv"],
        key=NetKey.FILE,
        on_change=explorer_data.on_upload,
        args=(NetKey.FILE, widget),
        help="A header row, two feature columns, then a 0/1 label. At most 5 MB.",
    )
    if st.session_state.get(Key.UPLOAD_ERROR):
        st.sidebar.error(st.session_state[Key.UPLOAD_ERROR])
    if name == UPLOAD:
        sha, filename = st.session_state[Key.UPLOAD]
        source = Source(UPLOAD, 0, None, 0, upload=sha)
        rows = len(get_dataset(source).y)
        st.sidebar.caption(f"{md(filename)}: {rows} rows.")
        return source
    preset = presets.NET_PRESETS[name]
    st.sidebar.caption(preset.description)
    cols = st.sidebar.columns(3)
    samples = box(cols[0], "samples", "Samples")
    noise = box(
        cols[1], "noise", "Noise", step=0.05, placeholder=f"{preset.default_noise:g}"
    )
    seed = box(cols[2], "seed", "Seed")
    return Source(name, int(samples), noise, int(seed))


def render_network() -> None:
    st.sidebar.header("Network")
    cols = st.sidebar.columns(3)
    box(cols[0], "layers", "Hidden layers")
    box(cols[1], "units", "Units (1st)")
    if st.session_state[NET_BY_NAME["layers"].widget] == 2:
        box(cols[2], "units2", "Units (2nd)")
    cols = st.sidebar.columns(2)
    choice(cols[0], "activation", "Activation", help=ACTIVATION_HELP)
    choice(cols[1], "loss", "Loss")
    box(st.sidebar, "init_seed", "Start seed (Glorot)", help=INIT_SEED_HELP)


def render_training(cols) -> tuple:
    """The optimizer and learning rate in cols (two places); steps, the
    schedule and the optimizer's hyperparameters in the sidebar. Returns the
    hyperparameters that differ from TensorFlow's defaults."""
    key = choice(
        cols[0], "optimizer", "Optimizer", format_func=lambda k: optimizers.get(k).label
    )
    box(cols[1], "lr", "Learning rate", format="%.6g", step=None)
    box(st.sidebar, "steps", "Steps", help="Full-batch steps; every step is kept.")
    choice(st.sidebar, "schedule", "Learning-rate schedule",
           help=" ".join(SCHEDULE_HELP.values()))  # fmt: skip
    # As on the first page: another optimizer's boxes start at TensorFlow's
    # defaults, and the last run's values come back after the other page.
    saved = st.session_state[NetKey.STATE]
    given = dict(saved.params) if saved.optimizer == key else {}
    return hyper_boxes(key, given, hyper_key)


def render_plane() -> None:
    st.sidebar.header("Plane")
    choice(st.sidebar, "plane", "Plane", help=PLANE_HELP)
    cols = st.sidebar.columns(3)
    box(cols[0], "grid", "Grid", help="Points per side of the loss grid")
    box(
        cols[1],
        "span",
        "Span",
        format="%.4g",
        placeholder="fit",
        help="The grid covers ±span on both axes; empty: fit the path",
    )
    box(cols[2], "dseed", "Dir. seed", help="Seeds the random directions")


def current_state(source: Source, params: tuple) -> NetState:
    """The state the widgets hold now, with the hyperparameters' boxes' values
    and the pins of the last rerun."""
    saved = st.session_state[NetKey.STATE]
    values = {
        s.name: st.session_state.get(s.widget, s.default) for s in NET_BY_NAME.values()
    }
    values["dataset"] = source.preset
    if values["step"] is not None and values["step"] == st.session_state.get(
        NetKey.STEP_END
    ):
        values["step"] = None  # at the end: the link says nothing, as it began
    return NetState(**values, params=params, pins=saved.pins)
