"""The app's downloads: the current comparison as an image, a page, a film or data.

Files are built only when asked for (a button), never on every rerun: a PNG
starts Chromium through kaleido, and a film renders 200 frames.
"""

from __future__ import annotations

import streamlit as st

from landscape import export, figures, runspec
from landscape.export import movie

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


def _build(kind: str, surf, runs, data, theme, configs, settings) -> bytes:
    width, height = SIZE
    if kind in ("GIF", "MP4"):
        bar = st.progress(0.0, text=f"Rendering the {kind}...")
        make = movie.to_gif if kind == "GIF" else movie.to_mp4
        out = make(
            surf,
            runs,
            data.feature_names,
            theme=theme,
            width=width,
            height=height,
            progress=lambda f, m: bar.progress(min(f, 1.0), m),
        )
        bar.empty()
        return out
    if kind == "CSV":
        return export.to_csv(runs)
    if kind == "JSON":
        return export.to_json(
            runs, settings, [runspec.config_settings(c) for c in configs]
        )
    fig = figures.contour_figure(surf, runs, data.feature_names, theme, height=height)
    if kind == "HTML":
        return export.to_html(fig)
    with st.spinner(f"Drawing the {kind}..."):
        return (export.to_png if kind == "PNG" else export.to_svg)(fig, width, height)


def render_exports(surf, runs, data, theme, configs, settings) -> None:
    """Pick a format, prepare it, download it."""
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
        st.session_state.export_file = (
            kind,
            _build(kind, surf, runs, data, theme, configs, settings),
        )
    ready = st.session_state.get("export_file")
    if ready and ready[0] == kind:
        st.download_button(
            f"Download landscape.{ext}",
            ready[1],
            file_name=f"landscape.{ext}",
            mime=mime,
            key="export_dl",
        )
