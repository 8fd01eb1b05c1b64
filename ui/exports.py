"""The app's downloads: the picture on screen as an image, a page, a film or data.

One panel for both pages: each hands it a render(fmt, width=, height=,
classroom=, progress=) that makes the file (landscape.api.render for the
explorer's comparison, landscape.net.picture.render for the network).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

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
HELP = (
    "Contour and every shown run; GIF/MP4 play the runs step by step; "
    "CSV/JSON hold every step of every run."
)
Render = Callable[..., bytes]


def _build(kind: str, render: Render, size: tuple[int, int], classroom: bool) -> bytes:
    """The file, with a progress bar or spinner while it takes seconds: a film
    renders up to 200 frames, a PNG or SVG starts Chromium."""
    fmt = FORMATS[kind][0]
    width, height = size
    options = {"width": width, "height": height, "classroom": classroom}
    if kind in ("GIF", "MP4"):
        bar = st.progress(0.0, text=f"Rendering the {kind}...")
        out = render(fmt, progress=lambda f, m: bar.progress(min(f, 1.0), m), **options)
        bar.empty()
        return out
    if kind in ("PNG", "SVG"):
        with st.spinner(f"Drawing the {kind}..."):
            return render(fmt, **options)
    return render(fmt, **options)


def export_panel(
    render: Render,
    classroom: bool,
    *,
    key: str = "export",
    stem: str = "landscape",
    size: tuple[int, int] = SIZE,
    help: str = HELP,
    token: str = "",
) -> None:
    """Pick a format, prepare it (only on the button: never on every rerun),
    download it. Call it inside a fragment, so that choosing, preparing and
    downloading rerun only the panel, not the charts above it.

    Args:
        render: makes the file (see the module's docstring).
        key: the prefix of the panel's session keys (_kind, _go, _file, _dl).
        stem: the downloaded file's name before its extension.
        token: what the file shows (e.g. the page's link); a prepared file
            is offered only while the token is the same.
    """
    kind = (
        st.segmented_control("Format", list(FORMATS), default="PNG", key=f"{key}_kind")
        or "PNG"
    )
    ext, mime = FORMATS[kind]
    if st.button(f"Prepare the {kind}", key=f"{key}_go", help=help):
        data = _build(kind, render, size, classroom)
        st.session_state[f"{key}_file"] = (kind, data, token)
    ready = st.session_state.get(f"{key}_file")
    if ready and ready[0] == kind and ready[2] == token:
        st.download_button(
            f"Download {stem}.{ext}",
            ready[1],
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"{key}_dl",
        )


@st.fragment
def render_exports(comp: api.Comparison, classroom: bool) -> None:
    """The explorer's panel: the comparison on screen (api.render)."""
    export_panel(partial(api.render, comp), classroom)
