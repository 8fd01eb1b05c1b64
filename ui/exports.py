"""The app's downloads: the comparison on screen as an image, a page, a film or data."""

from __future__ import annotations

import streamlit as st

from landscape import api

FORMATS = {  # label: (extension, mime type)
    "PNG": ("png", "image/png"),
    "SVG": ("svg", "image/svg+xml"),
    "HTML": ("html", "text/html"),
    "GIF": ("gif", "image/gif"),
    "MP4": ("mp4", "video/mp4"),
    "CSV": ("csv", "text/csv"),
    "JSON": ("json", "application/json"),
}
SIZE = (960, 600)


def _build(kind: str, comp: api.Comparison, classroom: bool) -> bytes:
    """The file, through api.render, with a progress bar or spinner while it
    takes seconds: a film renders 200 frames, a PNG or SVG starts Chromium."""
    fmt = FORMATS[kind][0]
    width, height = SIZE
    options = {"width": width, "height": height, "classroom": classroom}
    if kind in ("GIF", "MP4"):
        bar = st.progress(0.0, text=f"Rendering the {kind}...")
        out = api.render(
            comp,
            fmt,
            progress=lambda f, m: bar.progress(min(f, 1.0), m),
            **options,
        )
        bar.empty()
        return out
    if kind in ("PNG", "SVG"):
        with st.spinner(f"Drawing the {kind}..."):
            return api.render(comp, fmt, **options)
    return api.render(comp, fmt, **options)


@st.fragment
def render_exports(comp: api.Comparison, classroom: bool) -> None:
    """Pick a format, prepare it (only on the button: never on every rerun),
    download it. A fragment: choosing, preparing and downloading rerun only
    this panel, not the charts above it."""
    kind = (
        st.segmented_control("Format", list(FORMATS), default="PNG", key="export_kind")
        or "PNG"
    )
    ext, mime = FORMATS[kind]
    if st.button(
        f"Prepare the {kind}",
        key="export_go",
        help="Contour and every shown run; GIF/MP4 play the runs step by "
        "step; CSV/JSON hold every step of every run.",
    ):
        st.session_state.export_file = (kind, _build(kind, comp, classroom))
    ready = st.session_state.get("export_file")
    if ready and ready[0] == kind:
        st.download_button(
            f"Download landscape.{ext}",
            ready[1],
            file_name=f"landscape.{ext}",
            mime=mime,
            key="export_dl",
        )
