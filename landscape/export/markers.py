"""Plotly's marker shapes and line dashes, drawn with Pillow for animation frames.

The geometry is plotly.js's own (src/components/drawing/symbol_defs.js and
Drawing.dashStyle), so a frame's markers match the interactive chart's.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import ImageDraw

_R2, _R3 = math.sqrt(2), math.sqrt(3)
# Every frame redraws each path from its start, so very long paths are cheapened:
# beyond MAX_DASHES dashes a path is drawn solid (the pattern no longer shows at
# that density), and beyond ROUND_JOINTS points its joints are left plain.
MAX_DASHES = 1500
ROUND_JOINTS = 2000


def _cross(r: float) -> list[tuple[float, float]]:
    a, b = 0.4 * r, 1.2 * r
    return [(b, a), (a, a), (a, b), (-a, b), (-a, a), (-b, a),
            (-b, -a), (-a, -a), (-a, -b), (a, -b), (a, -a), (b, -a)]  # fmt: skip


def _x(r: float) -> list[tuple[float, float]]:
    i = 0.8 * r / _R2
    j = 2 * i
    return [(0, i), (i, j), (j, i), (i, 0), (j, -i), (i, -j),
            (0, -i), (-i, -j), (-j, -i), (-i, 0), (-j, i), (-i, j)]  # fmt: skip


def _triangle(r: float, up: bool) -> list[tuple[float, float]]:
    rt, r2 = 2 * r / _R3, r / 2 if up else -r / 2
    return [(-rt, r2), (rt, r2), (0, -r if up else r)]


def _star(r: float) -> list[tuple[float, float]]:
    i = 1.4 * r
    n, a, o, s = 0.225 * i, 0.951 * i, 0.363 * i, 0.588 * i
    u, c, f, h = -0.309 * i, 0.118 * i, 0.809 * i, 0.382 * i
    return [(n, u), (a, u), (o, c), (s, f), (0, h), (-s, f),
            (-o, c), (-a, u), (-n, u), (0, -i)]  # fmt: skip


def _pentagon(r: float) -> list[tuple[float, float]]:
    x1, x2, y1, y2 = 0.951 * r, 0.588 * r, -0.309 * r, 0.809 * r
    return [(x1, y1), (x2, y2), (-x2, y2), (-x1, y1), (0, -r)]


# r is half the marker size, as in plotly.js; y grows downwards, as in SVG.
SHAPES = {
    "square": lambda r: [(r, r), (-r, r), (-r, -r), (r, -r)],
    "diamond": lambda r: [(1.3 * r, 0), (0, 1.3 * r), (-1.3 * r, 0), (0, -1.3 * r)],
    "cross": _cross,
    "x": _x,
    "triangle-up": lambda r: _triangle(r, True),
    "triangle-down": lambda r: _triangle(r, False),
    "star": _star,
    "pentagon": _pentagon,
    "triangle-left": lambda r: [(r / 2, -2 * r / _R3), (r / 2, 2 * r / _R3), (-r, 0)],
}


def dash_pattern(dash: str, width: float) -> tuple[float, ...]:
    """On/off lengths in pixels, as plotly.js's Drawing.dashStyle; () is solid.
    A list of lengths ("12px,4px") is used as it is, as plotly.js does."""
    if "px" in dash:
        return tuple(float(v.strip().removesuffix("px")) for v in dash.split(","))
    d = max(width, 3)
    return {
        "solid": (),
        "dot": (d, d),
        "dash": (3 * d, 3 * d),
        "longdash": (5 * d, 5 * d),
        "dashdot": (3 * d, d, d, d),
        "longdashdot": (5 * d, 2 * d, d, 2 * d),
    }[dash]


def _pieces(points: np.ndarray, pattern: tuple[float, ...]) -> list[np.ndarray]:
    """The 'on' stretches of a polyline under a dash pattern, by arc length; the
    whole line if it would take more than MAX_DASHES dashes."""
    along = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    total, period = along[-1], sum(pattern)
    if total > MAX_DASHES * period:
        return [points]
    offsets = np.cumsum((0.0,) + pattern)  # starts of on, off, on, off ...
    bases = np.arange(0.0, total, period)[:, None]
    starts = (bases + offsets[0:-1:2]).ravel()
    ends = np.minimum(bases + offsets[1::2], total).ravel()
    starts, ends = starts[starts < ends], ends[starts < ends]
    first, last = np.searchsorted(along, starts, "right"), np.searchsorted(along, ends)
    at = [np.stack([np.interp(v, along, points[:, c]) for c in (0, 1)], -1)
          for v in (starts, ends)]  # fmt: skip
    return [
        np.vstack([at[0][k], points[first[k] : last[k]], at[1][k]])
        for k in range(len(starts))
    ]


def polyline(
    draw: ImageDraw.ImageDraw,
    points: np.ndarray,
    color: str,
    width: float,
    dash: str,
    scale: int = 1,
) -> None:
    """A path through (m, 2) pixel points, `width` wide and dashed as Plotly
    would draw it, on a drawing `scale` times the figure's pixels."""
    # Points on the same pixel as the one before add nothing but drawing time.
    moved = np.concatenate([[True], np.any(np.diff(np.round(points), axis=0), 1)])
    points = points[moved]
    if len(points) < 2:
        return
    pattern = tuple(scale * v for v in dash_pattern(dash, width))
    pieces = _pieces(points, pattern) if pattern else [points]
    w = max(1, round(width * scale))
    joint = "curve" if len(points) <= ROUND_JOINTS else None
    for piece in pieces:
        draw.line(piece.ravel().tolist(), fill=color, width=w, joint=joint)


def marker(
    draw: ImageDraw.ImageDraw,
    at: np.ndarray,
    symbol: str,
    size: float,
    fill: str,
    line: str,
    line_width: float,
) -> None:
    """A filled marker of plotly's `size` at `at`, outlined (stroke centred on
    the edge, as in SVG) line_width wide."""
    x, y = float(at[0]), float(at[1])
    r = size / 2
    outer, inner = r + line_width / 2, max(r - line_width / 2, 0.5)
    for radius, colour in ((outer, line), (inner, fill)):
        if symbol == "circle" or symbol not in SHAPES:
            draw.ellipse([x - radius, y - radius, x + radius, y + radius], fill=colour)
        else:
            shape = SHAPES[symbol](radius)
            draw.polygon([(x + px, y + py) for px, py in shape], fill=colour)
