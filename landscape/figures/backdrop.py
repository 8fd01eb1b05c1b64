"""The loss surface as a picture under the playback: filled log-spaced bands, lines.

Why a picture and not the contour trace: plotly.js animates with
`redraw: false` by transitioning only "animatable" traces (scatter), and a
transition re-plots every cartesian subplot with just those traces, removing
every other trace layer. The contour vanished on the first Play or slider click
(measured in Chromium: 33 contour paths -> 0 after one Plotly.animate call).
`redraw: true` keeps it but re-computes the contour on every frame (137 ms a
frame measured, against 80 ms a frame at 1x). A layout image is not a trace,
so transitions leave it alone, and it costs nothing per frame.

The bands are the same log10(loss) levels the contour uses (log_levels), in the
same colour scale, so the playback looks like the contour view.
"""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from landscape.figures.theme import SURFACE_SCALE, log_levels
from landscape.surface import Surface

BANDS = 24  # as the contour's ncontours
UPSAMPLE = 4  # pixels per grid step: smooth band edges at playback sizes
LINE_RGB = np.array([64, 64, 64], dtype=np.float64)
LINE_ALPHA = 0.45


def _colours(t: np.ndarray) -> np.ndarray:
    """SURFACE_SCALE at t in [0, 1] -> (..., 3) RGB floats, linear between stops."""
    stops = np.array([s for s, _ in SURFACE_SCALE])
    rgb = np.array(
        [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for _, c in SURFACE_SCALE]
    )
    return np.stack([np.interp(t, stops, rgb[:, k]) for k in range(3)], axis=-1)


def _lerp(z: np.ndarray, factor: int) -> np.ndarray:
    """Linear interpolation along z's last axis onto (g-1)*factor+1 points.

    np.interp's own arithmetic, fp[j] + slope * (x - xp[j]) with xp = 0..g-1,
    for all rows at once: a loop of np.interp over the rows and then the
    columns (752 calls for a 151-point grid) was 4-5% of the server's GIL
    time under the load test, a new surface per change. Equal bit for bit
    (tests/test_figures.py compares the two).
    """
    g = z.shape[-1]
    x = np.linspace(0, g - 1, (g - 1) * factor + 1)
    j = np.minimum(x.astype(np.intp), g - 2)
    out = (z[..., 1:] - z[..., :-1])[..., j] * (x - j) + z[..., j]
    out[..., -1] = z[..., -1]  # x == xp[-1]: np.interp gives fp[-1] itself
    return out


def _upsample(z: np.ndarray, factor: int) -> np.ndarray:
    """Bilinear interpolation of z (g1, g2) onto ((g1-1)*factor+1, (g2-1)*factor+1)
    points: across the rows, then down the columns."""
    return _lerp(np.ascontiguousarray(_lerp(z, factor).T), factor).T


def band_index(surface: Surface, factor: int = UPSAMPLE) -> np.ndarray:
    """Each pixel's band, 0..BANDS-1, over log10(loss); row 0 is the top (w2 max)."""
    z, _, _ = log_levels(surface.loss)
    fine = _upsample(z.astype(np.float64), factor)[::-1]  # image rows run down
    lo, hi = float(fine.min()), float(fine.max())
    if hi <= lo:
        return np.zeros(fine.shape, dtype=int)
    return np.minimum(((fine - lo) / (hi - lo) * BANDS).astype(int), BANDS - 1)


def surface_png(surface: Surface, factor: int = UPSAMPLE) -> bytes:
    """The surface as a PNG: a colour per band, a thin line where bands meet.

    A palette PNG: each pixel is one of 2 x BANDS colours (a band's, or the
    band's blended with the line colour), so the colours are worked out once
    per band, not per pixel. Measured on a 151-point grid (601 x 601 pixels):
    33 ms and 18.7 KB as an RGB image, against 7-8 ms and 9.7 KB as a palette one
    (same pixels; tests/test_figures.py decodes both ways).
    """
    bands = band_index(surface, factor)
    edge = np.zeros(bands.shape, dtype=bool)
    edge[:, 1:] |= bands[:, 1:] != bands[:, :-1]
    edge[1:, :] |= bands[1:, :] != bands[:-1, :]
    fill = _colours((np.arange(BANDS) + 0.5) / BANDS)
    line = (1 - LINE_ALPHA) * fill + LINE_ALPHA * LINE_RGB
    image = Image.fromarray((bands + BANDS * edge).astype(np.uint8), mode="P")
    image.putpalette(np.round(np.concatenate([fill, line])).astype(np.uint8).tobytes())
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def surface_image(
    surface: Surface, xref: str = "x", yref: str = "y", source: str | None = None
) -> dict:
    """A Plotly layout image that covers the surface's own (w1, w2) box.

    source: where the browser finds surface_png(surface) (the app serves it
    once, so a change of path does not send it again); None embeds it.
    """
    w1, w2 = surface.w1, surface.w2
    if source is None:
        source = (
            "data:image/png;base64," + base64.b64encode(surface_png(surface)).decode()
        )
    return dict(
        source=source,
        xref=xref,
        yref=yref,
        x=float(w1[0]),
        y=float(w2[-1]),
        sizex=float(w1[-1] - w1[0]),
        sizey=float(w2[-1] - w2[0]),
        sizing="stretch",
        layer="below",
        name="loss surface",
    )
