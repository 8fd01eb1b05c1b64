"""Playback frames as pixels: the contour drawn once by kaleido, the paths by Pillow."""

# Rendering every frame through kaleido costs about 0.27 s a frame (54 s for 200),
# so the contour, colour bar, legend, minimum and start markers are rendered once,
# and each frame draws every run's path up to its step over a copy, with
# figures' colours, marker shapes (plotly.js's own geometry), dashes, sizes and
# marker thinning, mapped through the plot area that the SVG of the same render
# reports. landscape.export.movie encodes the frames as GIF or MP4.

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from landscape import export
from landscape.export import markers
from landscape.figures import SCREEN, RunView, Theme, contour_figure
from landscape.figures.controls import frame_steps
from landscape.figures.theme import MAX_MARKERS, casing_rgba
from landscape.surface import Surface

SUPERSAMPLE = 2  # paths are drawn at 2x and averaged down: smooth edges
# Each frame redraws every path from its start; past this many points in all,
# paths are drawn at 1x, a quarter of the work, where smoothing cannot be seen.
LONG_PATHS = 20_000
FRAMES_RANGE = (1, 1000)
FPS_RANGE = (1, 60)
Progress = Callable[[float, str], None]
FONTS = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf")
TEXT = "#2a3f5f"  # plotly_white's text colour, for the step counter


@dataclass(frozen=True, eq=False)
class Canvas:
    """A rendered background: image (h, w, 3) uint8; box (left, top, right,
    bottom), the plot area in pixels; w1 and w2 (min, max), its axis ranges."""

    image: np.ndarray
    box: tuple[int, int, int, int]
    w1: tuple[float, float]
    w2: tuple[float, float]


# The axes' clip rectangles in a Plotly SVG: x spans the plot area's width and
# y its height, both in the SVG's pixels.
X_CLIP = re.compile(r'class="axesclip" id="clip\w*?x"><rect x="([\d.]+)" '
                    r'y="[\d.]+" width="([\d.]+)"')  # fmt: skip
Y_CLIP = re.compile(r'class="axesclip" id="clip\w*?y"><rect x="[\d.]+" '
                    r'y="([\d.]+)" width="[\d.]+" height="([\d.]+)"')  # fmt: skip


def plot_box(svg: bytes) -> tuple[int, int, int, int]:
    """The plot area (left, top, right, bottom) of a one-subplot Plotly SVG."""
    text = svg.decode()
    x, y = X_CLIP.search(text), Y_CLIP.search(text)
    if not (x and y):
        raise RuntimeError("cannot find the plot area in kaleido's SVG")
    left, top = round(float(x[1])), round(float(y[1]))
    return left, top, left + round(float(x[2])), top + round(float(y[2]))


def _start_only(fig, runs: Sequence[RunView]):
    """Keep only each run's start marker in the figure's end-point traces."""
    labels = {r.label for r in runs}
    for trace in fig.data:
        if trace.legendgroup not in labels or trace.showlegend is not False:
            continue
        if trace.mode == "markers":  # the start and end markers
            trace.update(x=trace.x[:1], y=trace.y[:1], customdata=trace.customdata[:1])
            trace.marker.symbol = "circle-open"
        else:  # the casing under the path: drawn by the Painter
            trace.update(x=trace.x[:1], y=trace.y[:1])
    return fig


def background(
    surface: Surface,
    runs: Sequence[RunView],
    feature_names: tuple[str, str],
    theme: Theme = SCREEN,
    width: int = 960,
    height: int = 600,
) -> Canvas:
    """The contour figure with each path cut to its start, rendered once."""
    starts = [_cut(r, 0) for r in runs]
    fig = contour_figure(surface, starts, feature_names, theme, height)
    fig = _start_only(fig, starts)
    size = {"width": width, "height": height}
    png, svg = export.render_images(
        [(fig, {"format": "png"} | size), (fig, {"format": "svg"} | size)]
    )
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    w1 = (float(surface.w1[0]), float(surface.w1[-1]))
    w2 = (float(surface.w2[0]), float(surface.w2[-1]))
    return Canvas(image, plot_box(svg), w1, w2)


def _cut(run: RunView, step: int) -> RunView:
    """The run up to `step` (its own last step if it is shorter)."""
    t = run.trajectory
    k = min(step, len(t.weights) - 1) + 1
    return replace(
        run, trajectory=replace(t, weights=t.weights[:k], losses=t.losses[:k])
    )


def _shown(inside: np.ndarray, trace_index: int) -> np.ndarray:
    """Which markers plotly.js draws under marker.maxdisplayed (its selectMarkers):
    every inc-th point inside the axes, offset per trace so traces interleave."""
    idx = np.flatnonzero(inside)
    inc = max(1, math.ceil(len(idx) / MAX_MARKERS))
    # Math.round, which rounds halves up (Python's round goes to even).
    i0 = math.floor(trace_index * inc / 3 + (trace_index // 3) * inc / 7.1 + 0.5)
    return idx[np.round((np.arange(len(idx)) + i0) % inc) == 0]


class Painter:
    """Draws runs over a canvas in plotly.js's order: per run, its line, its
    thinned markers, then its end marker."""

    def __init__(self, canvas: Canvas, theme: Theme = SCREEN, scale: int = SUPERSAMPLE):
        self.canvas, self.theme, self.s = canvas, theme, scale
        left, top, right, bottom = canvas.box
        self.size = (right - left, bottom - top)
        self.base = Image.fromarray(canvas.image).convert("RGBA")
        self.font = font(theme.tick)

    def pixels(self, weights: np.ndarray) -> np.ndarray:
        """(m, 2) weights -> (m, 2) supersampled pixel centres in the plot area."""
        (a1, b1), (a2, b2) = self.canvas.w1, self.canvas.w2
        w, h = self.size
        px = (weights[:, 0] - a1) / (b1 - a1) * w
        py = (b2 - weights[:, 1]) / (b2 - a2) * h
        return np.stack([px, py], axis=-1) * self.s - 0.5

    def frame(self, runs: Sequence[RunView], step: int, last: int) -> np.ndarray:
        """The canvas with every run drawn up to `step`: (h, w, 3) uint8."""
        w, h = self.size
        layer = Image.new("RGBA", (w * self.s, h * self.s), (0, 0, 0, 0))
        draw = ImageDraw.Draw(layer)
        for index, run in enumerate(runs):
            self._run(draw, _cut(run, step), index)
        out = self.base.copy()
        out.alpha_composite(layer.reduce(self.s), dest=self.canvas.box[:2])
        left, top = self.canvas.box[:2]
        y = max(2, (top - self.theme.tick) // 2 - 2)
        text = f"step {step} of {last}"
        ImageDraw.Draw(out).text((left, y), text, fill=TEXT, font=self.font)
        return np.asarray(out.convert("RGB"))

    def _run(self, draw: ImageDraw.ImageDraw, run: RunView, index: int) -> None:
        s, theme = self.s, self.theme
        points = self.pixels(run.trajectory.weights.astype(np.float64))
        r, g, b, a = casing_rgba(run.color)
        edge = (r, g, b, round(255 * a))
        markers.polyline(draw, points, edge, theme.line + 2, "solid", s)
        markers.polyline(draw, points, run.color, theme.line, run.dash, s)
        w, h = self.size
        inside = (
            (points[:, 0] >= -0.5)
            & (points[:, 0] <= w * s)
            & (points[:, 1] >= -0.5)
            & (points[:, 1] <= h * s)
        )
        for k in _shown(inside, index):
            markers.marker(
                draw, points[k], run.symbol, theme.marker * s, run.color, edge, 1.5 * s
            )
        end = theme.end_marker * s
        markers.marker(draw, points[-1], run.symbol, end, run.color, "black", 2 * s)


def font(size: int):
    """Plotly's sans-serif at `size` pixels, or the nearest that is installed."""
    for name in FONTS:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def check(frames: int, fps: int) -> None:
    """ValueError unless frames and fps are whole numbers in their ranges."""
    for name, value, (lo, hi) in (
        ("frames", frames, FRAMES_RANGE),
        ("fps", fps, FPS_RANGE),
    ):
        if not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
            raise ValueError(f"{name}={value!r} is out of range; allowed: {lo} to {hi}")


def render_frames(
    surface: Surface,
    runs: Sequence[RunView],
    feature_names: tuple[str, str],
    *,
    theme: Theme = SCREEN,
    width: int = 960,
    height: int = 600,
    frames: int = 200,
    progress: Progress | None = None,
) -> Iterator[np.ndarray]:
    """Yield the playback's frames, (height, width, 3) uint8 each, one for each
    of figures.controls.frame_steps(runs, frames).

    progress, if given, is called with the fraction done and a short message.
    """
    report = progress or (lambda fraction, message: None)
    report(0.0, "drawing the contour")
    canvas = background(surface, runs, feature_names, theme, width, height)
    points = sum(len(r.trajectory.weights) for r in runs)
    painter = Painter(canvas, theme, 1 if points > LONG_PATHS else SUPERSAMPLE)
    steps = frame_steps(runs, frames)
    for i, step in enumerate(steps):
        yield painter.frame(runs, int(step), int(steps[-1]))
        done = round(0.1 + 0.8 * (i + 1) / len(steps), 4)
        report(done, f"frame {i + 1} of {len(steps)}")
    report(0.9, "encoding")
