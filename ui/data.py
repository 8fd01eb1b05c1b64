"""The sidebar's data section: a preset with its knobs, or an uploaded CSV."""

from __future__ import annotations

import hashlib

import streamlit as st

from landscape.data import presets
from landscape.data.dataset import Dataset
from landscape.settings import BY_NAME, UPLOAD
from ui import cache
from ui.session import KEEP, Key, md, offered, shown


def number_box(where, name: str, label: str, **options):
    """A setting's number box, its limits and key from the table of settings."""
    s = BY_NAME[name]
    low = 0 if s.optional and s.kind == "int" else s.low  # 0 stands for None
    return where.number_input(
        label, low, s.high, key=s.widget, persist_state=KEEP, **options
    )


def render_data() -> tuple[cache.Source, Dataset]:
    """The data set: a preset and its samples, noise and seed, or this session's
    upload. Returns where the data comes from and the data."""
    saved = st.session_state[Key.EXPLORER]
    if shown("dataset") or shown("upload"):
        st.sidebar.header("Data")
    name = saved.dataset if not shown("dataset") else _choose_dataset()
    if shown("upload"):
        render_upload()
    if name == UPLOAD and Key.UPLOAD in st.session_state:
        sha, filename = st.session_state[Key.UPLOAD]
        source = cache.Source(UPLOAD, 0, None, 0, upload=sha)
        data = cache.get_dataset(source)
        st.sidebar.caption(f"{md(filename)}: {len(data.y)} rows, {data.task}.")
        return source, data
    preset = presets.PRESETS[name]
    if shown("dataset"):
        st.sidebar.caption(preset.description)
    cols = st.sidebar.columns(3)
    samples = (
        saved.samples
        if not shown("samples")
        else number_box(cols[0], "samples", "Samples")
    )
    noise = (
        saved.noise
        if not shown("noise")
        else number_box(
            cols[1], "noise", "Noise", placeholder=f"{preset.default_noise:g}", step=0.1
        )
    )
    seed = saved.seed if not shown("seed") else number_box(cols[2], "seed", "Seed")
    source = cache.Source(name, int(samples), noise, int(seed))
    return source, cache.get_dataset(source)


def _choose_dataset() -> str:
    have_upload = Key.UPLOAD in st.session_state
    options = list(presets.PRESETS) + ([UPLOAD] if have_upload else [])
    widget = BY_NAME["dataset"].widget
    # The data set this session shows stays, whatever a stale browser sends.
    offered(widget, options, st.session_state[Key.EXPLORER].dataset)
    return st.sidebar.selectbox(
        "Data set",
        options,
        key=widget,
        persist_state=KEEP,
        format_func=lambda k: (
            f"Uploaded: {st.session_state[Key.UPLOAD][1]}" if k == UPLOAD else k
        ),
    )


def on_upload(
    file_key: str = Key.FILE, dataset_widget: str = BY_NAME["dataset"].widget
) -> None:
    """Parse an upload in memory before the widgets are drawn.

    A callback, because it switches the data-set selectbox (dataset_widget),
    which Streamlit only allows before that widget exists. A bad file keeps the
    previous data and runs. Both pages keep the upload in the same keys.
    """
    file = st.session_state[file_key]
    st.session_state[Key.UPLOAD_ERROR] = None
    if file is None:
        return
    raw = file.getvalue()
    try:
        data = presets.load_csv(raw, name=file.name)
    except ValueError as e:
        st.session_state[Key.UPLOAD_ERROR] = f"{md(file.name)}: {md(e)}"
        return
    sha = hashlib.sha256(raw).hexdigest()
    st.session_state[Key.UPLOAD_DATA] = (sha, data)
    st.session_state[Key.UPLOAD] = (sha, file.name)
    st.session_state[dataset_widget] = UPLOAD


def render_upload() -> None:
    st.sidebar.file_uploader(
        "Or upload a CSV",
        type=["csv"],
        key=Key.FILE,
        on_change=on_upload,
        help="A header row; 1 or 2 feature columns, then the label column. "
        "Labels 0/1 mean classification, anything else regression. At most 5 MB.",
    )
    if st.session_state.get(Key.UPLOAD_ERROR):
        st.sidebar.error(st.session_state[Key.UPLOAD_ERROR])


def describe_source(source: cache.Source) -> str:
    """Where the data came from, in words, for the generated scripts."""
    if source.upload:
        return f"the uploaded file {st.session_state[Key.UPLOAD][1]!r}"
    noise = source.noise
    if noise is None:
        noise = presets.PRESETS[source.preset].default_noise
    return (
        f"landscape's {source.preset!r} preset, samples={source.samples}, "
        f"noise={noise:g}, seed={source.seed}"
    )
