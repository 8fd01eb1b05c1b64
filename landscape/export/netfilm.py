"""The network page's playback as pixels: the plane with the paths and the step's
marker, and beside it the decision at that step."""

# Rendering both figures through kaleido for every frame would cost about 0.3 s
# a frame, so each is rendered once without what moves: each frame draws the
# live run's step marker on the plane (Pillow, at 2x, with the figure's own
# marker style) and fills the decision at that step (NumPy). The fill follows
# plotly.js: the band between levels l and l + size takes the colour scale at
# l + size / 2, at the trace's opacity over the plot's background, so its grid
# lines show through; P(class 1) between grid points is bilinear, as plotly.js's
# contours are linear between them, and the p = 0.5 line is drawn where that
# interpolated probability crosses 0.5. The data's markers are cut from a
# render with them and laid over the fill.

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import numpy as np
from PIL import Image, ImageDraw

from landscape import export
from landscape.export import markers, raster
from landscape.export.raster import TEXT, Progress, plot_box
from landscape.export.row import widths
from landscape.figures import SCREEN, Theme

SUPERSAMPLE = 2
TITLE_X = 0.05  # plotly_white puts a title's left edge at 5% of the width


def _rgb(colour: str) -> np.ndarray:
    """'#rrggbb' or 'rgb(r, g, b)' -> (3,) float."""
    if colour.startswith("#"):
        return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], float)
    return np.array([float(v) for v in colour[colour.index("(") + 1 : -1].split(",")])


def scale_colour(scale, value: float) -> np.ndarray:
    """A plotly colour scale [(position, colour), ...] at value in [0, 1],
    linear in RGB between its stops, as plotly.js interpolates it."""
    stops = np.array([float(p) for p, _ in scale])
    colours = np.stack([_rgb(c) for _, c in scale])
    return np.array([np.interp(value, stops, colours[:, c]) for c in range(3)])


def _bilinear(n_out: int, n_in: int) -> np.ndarray:
    """(n_out, n_in) weights taking n_in grid values spanning the axis to the
    centres of n_out pixels spanning the same axis."""
    at = (np.arange(n_out) + 0.5) / n_out * (n_in - 1)
    lo = np.clip(np.floor(at).astype(int), 0, n_in - 2)
    frac = at - lo
    out = np.zeros((n_out, n_in))
    out[np.arange(n_out), lo] = 1 - frac
    out[np.arange(n_out), lo + 1] = frac
    return out


def _dilate(mask: np.ndarray, radius: float) -> np.ndarray:
    """mask grown by a disc of `radius` pixels."""
    r = int(np.ceil(radius))
    padded = np.pad(mask, r)
    out = np.zeros_like(mask)
    h, w = mask.shape
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            if dx * dx + dy * dy <= radius * radius + 0.5:
                out |= padded[r + dy : r + dy + h, r + dx : r + dx + w]
    return out


def bands(trace) -> tuple[float, float, np.ndarray, float]:
    """A filled go.Contour's first level, level size, each band's colour
    (bands, 3) and opacity, by plotly.js's rule (see the top of this module)."""
    c = trace.contours
    start, size = float(c.start), float(c.size)
    count = round((float(c.end) - start) / size)
    lo, hi = float(trace.zmin), float(trace.zmax)
    mids = start + (np.arange(count) + 0.5) * size
    colours = np.stack(
        [scale_colour(trace.colorscale, (m - lo) / (hi - lo)) for m in mids]
    )
    return start, size, colours, 1.0 if trace.opacity is None else float(trace.opacity)


def palette_colours(decision) -> list[tuple[int, int, int]]:
    """The colours the decision's frames bring in: each band over white, and the
    black of the p = 0.5 line (for a GIF's palette)."""
    _, _, colours, opacity = bands(decision.data[0])
    over = np.round(colours * opacity + 255 * (1 - opacity)).astype(int)
    return [tuple(c) for c in over.tolist()] + [(0, 0, 0)]


class DecisionFill:
    """P(class 1) grids -> the decision's plot area in pixels, as plotly.js
    fills the figure's first trace (a filled contour over the whole area)."""

    def __init__(self, trace, base: np.ndarray, grid: tuple[int, int], line: float):
        """trace: the fill's go.Contour; base (h, w, 3): the plot area without
        the fill; grid: the probability grid's (rows, columns); line: the
        p = 0.5 line's width in pixels."""
        self.start, self.size, colours, self.opacity = bands(trace)
        # the fill at its opacity over the base: each band's part, then the base's
        self.over = (self.opacity * colours).astype(np.float32)
        self.base = ((1 - self.opacity) * base).astype(np.float32)
        h, w = base.shape[:2]
        s = SUPERSAMPLE
        # rows run from the top, the highest x2, down
        self.rows, self.cols = (
            [_bilinear(h * k, grid[0])[::-1].astype(np.float32) for k in (1, s)],
            [_bilinear(w * k, grid[1]).T.astype(np.float32) for k in (1, s)],
        )
        self.radius = max(line * s / 2 - 0.5, 0.5)

    def __call__(self, prob: np.ndarray) -> np.ndarray:
        """prob (rows, columns), row 0 at the lowest x2 -> (h, w, 3) uint8."""
        s, last = SUPERSAMPLE, len(self.over) - 1
        h, w = self.base.shape[:2]
        # the bands at 1x (their edges are pale on pale), the line at 2x
        prob = prob.astype(np.float32)
        up = self.rows[0] @ prob @ self.cols[0]
        band = np.clip(((up - self.start) / self.size).astype(int), 0, last)
        out = self.over[band]
        out += self.base
        inside = (self.rows[1] @ prob @ self.cols[1]) >= 0.5
        edge = np.zeros_like(inside)
        edge[:, 1:] |= inside[:, 1:] != inside[:, :-1]
        edge[1:, :] |= inside[1:, :] != inside[:-1, :]
        thick = _dilate(edge, self.radius).view(np.uint8)
        hits = sum(thick[i::s, j::s] for i in range(s) for j in range(s))
        out *= 1 - hits[..., None] / np.float32(s * s)  # the line is black
        return np.round(out).astype(np.uint8)


def _still_plane(fig):
    """The plane without its step marker (its last trace), whose legend entry
    stays as "step"."""
    out = type(fig)(fig)
    mark = out.data[-1]
    if not str(mark.name).startswith("step"):
        raise ValueError("the plane figure's last trace must be its step marker")
    mark.update(x=[None], y=[None], name="step")
    return out


def _still_decision(fig, points: bool):
    """The decision with no fill, no p = 0.5 line and no title (each frame's);
    the colour bar stays. points=False also leaves out the data's markers."""
    out = type(fig)(fig)
    out.data[0].opacity = 0.0
    out.data[1].visible = False
    if not points:
        for trace in out.data[2:]:
            trace.update(x=[None], y=[None])
    return out.update_layout(title_text="")


def _image(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _title_middle(image: np.ndarray, top: int) -> float:
    """The middle row of the dark text in the left half of the top margin
    (the plane's title), for the decision's title to sit level with it."""
    margin = image[:top, : image.shape[1] // 2]
    rows = np.flatnonzero((margin.max(axis=-1) < 160).any(axis=1))
    return float(rows[0] + rows[-1]) / 2 if len(rows) else top / 2


class NetPainter:
    """Frames of the plane and the decision side by side, from the two full
    figures, rendered once without what moves."""

    def __init__(self, plane, decision, theme: Theme, width: int, height: int,
                 share: float):  # fmt: skip
        wp, wd = widths(width, [share, 1 - share])
        still, with_points = _still_plane(plane), _still_decision(decision, True)
        specs = [
            (still, {"format": "png", "width": wp, "height": height}),
            (still, {"format": "svg", "width": wp, "height": height}),
            (with_points, {"format": "png", "width": wd, "height": height}),
            (with_points, {"format": "svg", "width": wd, "height": height}),
            (_still_decision(decision, False),
             {"format": "png", "width": wd, "height": height}),
        ]  # fmt: skip
        png_p, svg_p, png_d, svg_d, png_bare = export.render_images(specs)
        self.plane, self.plane_box = _image(png_p), plot_box(svg_p)
        self.decision, self.box = _image(png_d), plot_box(svg_d)
        left, top, right, bottom = self.box
        bare = _image(png_bare)[top:bottom, left:right]
        self.area = self.decision[top:bottom, left:right]
        self.points = (self.area != bare).any(axis=-1)
        fill = decision.data[0]
        self.fill = DecisionFill(fill, bare, np.shape(fill.z), theme.line)
        self.mark = plane.data[-1].marker
        self.ranges = plane.layout.xaxis.range, plane.layout.yaxis.range
        self.font = raster.font(theme.title)
        self.title_at = (TITLE_X * wd, _title_middle(self.plane, self.plane_box[1]))

    def plane_at(self, point: np.ndarray) -> np.ndarray:
        """The plane with the step marker at point (a1, a2), drawn at 2x on a
        patch around it, clipped to the plot area as plotly.js clips it."""
        s, m = SUPERSAMPLE, self.mark
        left, top, right, bottom = self.plane_box
        (x0, x1), (y0, y1) = self.ranges
        px = left + (point[0] - x0) / (x1 - x0) * (right - left)
        py = top + (y1 - point[1]) / (y1 - y0) * (bottom - top)
        reach = int(np.ceil(m.size / 2 + m.line.width)) + 2
        cx, cy = int(round(px)), int(round(py))
        patch = Image.new("RGBA", (2 * reach * s, 2 * reach * s))
        at = (np.array([px - cx, py - cy]) + reach) * s - 0.5
        markers.marker(ImageDraw.Draw(patch), at, m.symbol, m.size * s, m.color,
                       m.line.color, m.line.width * s)  # fmt: skip
        layer = np.asarray(patch.reduce(s), np.float32) / 255
        out = self.plane.copy()
        xa, xb = max(cx - reach, left), min(cx + reach, right)
        ya, yb = max(cy - reach, top), min(cy + reach, bottom)
        if xa >= xb or ya >= yb:
            return out  # the step lies outside the plotted square
        src = layer[
            ya - cy + reach : yb - cy + reach, xa - cx + reach : xb - cx + reach
        ]
        alpha = src[..., 3:]
        under = out[ya:yb, xa:xb].astype(np.float32)
        out[ya:yb, xa:xb] = np.round(src[..., :3] * 255 * alpha + under * (1 - alpha))
        return out

    def decision_at(self, prob: np.ndarray, title: str) -> np.ndarray:
        """The decision filled from prob (rows, columns), with its title."""
        area = self.fill(prob)
        area[self.points] = self.area[self.points]
        out = self.decision.copy()
        left, top, right, bottom = self.box
        out[top:bottom, left:right] = area
        image = Image.fromarray(out)
        ImageDraw.Draw(image).text(self.title_at, title, fill=TEXT, font=self.font,
                                   anchor="lm")  # fmt: skip
        return np.asarray(image)

    def frame(self, point: np.ndarray, prob: np.ndarray, title: str) -> np.ndarray:
        return np.concatenate([self.plane_at(point), self.decision_at(prob, title)], 1)


def render_frames(
    plane,
    decision,
    points: np.ndarray,
    probs: np.ndarray,
    titles: Sequence[str],
    *,
    theme: Theme = SCREEN,
    width: int = 1200,
    height: int = 600,
    share: float = 5 / 9,
    progress: Progress | None = None,
) -> Iterator[np.ndarray]:
    """Yield the playback's frames, (height, width, 3) uint8 each.

    Args:
        plane: figures.net.plane_figure with every path; its last trace is the
            step marker, drawn per frame.
        decision: figures.net.boundary_figure at any step; its fill, its
            p = 0.5 line and its title are drawn per frame.
        points (k, 2): the marker's plane coordinates at each frame's step;
        probs (k, rows, columns): P(class 1) on the decision's grid there;
        titles (k,): the decision's title there.
        share: the plane's part of the width.
        progress: called as progress(fraction, message).
    """
    report = progress or (lambda fraction, message: None)
    report(0.0, "drawing the plane and the decision")
    painter = NetPainter(plane, decision, theme, width, height, share)
    for i, (point, prob, title) in enumerate(zip(points, probs, titles)):
        yield painter.frame(point, prob, title)
        report(
            round(0.1 + 0.8 * (i + 1) / len(points), 4),
            f"frame {i + 1} of {len(points)}",
        )
    report(0.9, "encoding")
