"""Figures side by side as one file: a PNG, an SVG or an HTML page.

One figure is exactly files.py's to_png, to_svg or to_html; more share the
width by their `shares` and are rendered in one Chromium session.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from landscape.export.files import (
    check_size,
    render_images,
    to_html,
    to_png,
    to_svg,
)

STATIC = ("png", "svg", "html")
SVG_ROOT = re.compile(r"<svg\b")
HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="margin:0"><div style="display:flex;flex-wrap:wrap">
{cells}
</div></body></html>
"""
HTML_CELL = '<div style="flex:{share:.4f} 1 0;min-width:360px">{body}</div>'


def widths(width: int, shares: Sequence[float]) -> list[int]:
    """width split by shares into whole pixels that add up to width."""
    edges = np.round(np.cumsum([0.0, *shares]) / sum(shares) * width).astype(int)
    return np.diff(edges).tolist()


def _png_row(images: list[bytes]) -> bytes:
    from PIL import Image

    parts = [Image.open(io.BytesIO(b)).convert("RGB") for b in images]
    out = Image.new("RGB", (sum(p.width for p in parts), parts[0].height), "white")
    left = 0
    for part in parts:
        out.paste(part, (left, 0))
        left += part.width
    buffer = io.BytesIO()
    out.save(buffer, format="PNG")
    return buffer.getvalue()


def _svg_row(svgs: list[bytes], sizes: list[int], height: int) -> bytes:
    """Each figure's own <svg> nested at its x offset in one outer <svg>.
    Plotly names its clip paths after the plot's random id, so they stay apart."""
    total, left, inner = sum(sizes), 0, []
    for svg, w in zip(svgs, sizes):
        text = svg.decode()
        inner.append(SVG_ROOT.sub(f'<svg x="{left}" y="0"', text, count=1))
        left += w
    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{total}" height="{height}" viewBox="0 0 {total} {height}">'
    )
    return (head + "".join(inner) + "</svg>").encode()


def _html_row(figs: Sequence[Any], shares: Sequence[float], title: str) -> bytes:
    """One page, plotly.js inlined once, each figure in a flexible cell."""
    cells = []
    for k, (fig, share) in enumerate(zip(figs, shares)):
        body = fig.to_html(
            include_plotlyjs=k == 0,
            include_mathjax=False,
            full_html=False,
            config={"responsive": True, "displaylogo": False},
        )
        cells.append(HTML_CELL.format(share=share, body=body))
    return HTML_PAGE.format(title=title, cells="\n".join(cells)).encode()


def figure_file(
    figs: Sequence[Any],
    fmt: str,
    width: int = 960,
    height: int = 600,
    shares: Sequence[float] | None = None,
    title: str = "landscape",
) -> bytes:
    """Figures side by side as PNG, SVG or HTML bytes.

    Args:
        figs: plotly go.Figure objects, left to right; each sets its template.
        fmt: "png", "svg" or "html".
        width, height: the whole image in pixels (PNG, SVG); HTML keeps each
            figure's own height and lets the page's width decide.
        shares: each figure's part of the width (default: equal).
        title: the HTML page's title.
    """
    if fmt not in STATIC:
        raise ValueError(f"fmt={fmt!r}; use one of {', '.join(STATIC)}")
    check_size(width, height)
    shares = list(shares or [1.0] * len(figs))
    if len(figs) == 1:
        if fmt == "html":
            return to_html(figs[0])
        return (to_png if fmt == "png" else to_svg)(figs[0], width, height)
    if fmt == "html":
        return _html_row(figs, shares, title)
    sizes = widths(width, shares)
    opts = [{"format": fmt, "width": w, "height": height} for w in sizes]
    images = render_images(list(zip(figs, opts)))
    return _png_row(images) if fmt == "png" else _svg_row(images, sizes, height)
