"""Styles shared by every figure: run colours, screen and classroom sizes, axes."""

from __future__ import annotations

import functools
import html
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from landscape.trajectory import Trajectory

# Nine styles, one per run on a chart (the live run and 8 pins): Okabe & Ito's
# colour-blind-safe palette (black last) and Tol's wine, each with its own
# marker shape and dash, so runs stay apart in greyscale and on a washed-out
# projector. No run uses the star: it marks the surface minimum alone.
PALETTE = (
    "#E69F00",
    "#0072B2",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#882255",
)
SYMBOLS = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "x",
    "pentagon",
    "cross",
    "triangle-down",
    "triangle-left",
)
DASHES = (
    "solid",
    "dash",
    "dot",
    "dashdot",
    "longdash",
    "longdashdot",
    "12px,4px,3px,4px,3px,4px",
    "3px,9px",
    "18px,5px",
)
# Under each path, a casing that contrasts with its colour: light colours
# (yellow, sky blue) vanish on the white valley floor, dark ones (black, blue)
# on the dark slopes; the casing keeps every run visible over every shade.
CASING_DARK = (0, 0, 0, 0.55)
CASING_LIGHT = (255, 255, 255, 0.8)


def casing_rgba(color: str) -> tuple[int, int, int, float]:
    """The casing for a run colour, (r, g, b, alpha 0-1): dark under light
    colours, light under dark ones (by the colour's luma)."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return CASING_DARK if 0.299 * r + 0.587 * g + 0.114 * b > 140 else CASING_LIGHT


def casing(color: str) -> str:
    """casing_rgba as a Plotly colour."""
    r, g, b, a = casing_rgba(color)
    return f"rgba({r},{g},{b},{a})"


# Light (low loss) to dark (high loss) greys: coloured paths stand out on any
# level, and the valley floor, where paths end, is the lightest part.
SURFACE_SCALE = [
    [0.0, "#ffffff"],
    [0.35, "#d9d9d9"],
    [0.7, "#969696"],
    [1.0, "#404040"],
]
MAX_MARKERS = 60  # step markers drawn per path; the line keeps every step


@dataclass(frozen=True)
class Theme:
    """Sizes for the screen and for a projector (classroom mode)."""

    title: int = 16
    tick: int = 13
    line: float = 2.5
    marker: int = 7
    end_marker: int = 14
    template: str = "plotly_white"
    # Where a horizontal legend under the plot starts (paper units): below the
    # x axis's title, which is larger on a projector.
    legend_y: float = -0.12


SCREEN = Theme()
# Classroom: axis titles >= 22 px and ticks >= 18 px, thick lines, big markers,
# and "simple_white" (black axes, no grey grid) for contrast on a projector.
CLASSROOM = Theme(
    title=24,
    tick=19,
    line=5.0,
    marker=11,
    end_marker=22,
    template="simple_white",
    legend_y=-0.2,
)


@dataclass(frozen=True, eq=False)
class RunView:
    """A run to draw: its legend label, its trajectory and its style slot (0-8)."""

    label: str
    trajectory: Trajectory
    slot: int = 0

    @property
    def color(self) -> str:
        return PALETTE[self.slot % len(PALETTE)]

    @property
    def symbol(self) -> str:
        return SYMBOLS[self.slot % len(SYMBOLS)]

    @property
    def dash(self) -> str:
        return DASHES[self.slot % len(DASHES)]

    def line(self, theme: Theme) -> dict:
        """The run's line style: its colour and dash at the theme's width."""
        return dict(color=self.color, width=theme.line, dash=self.dash)


def axis_title(name: str, feature: str) -> str:
    """'w1 (sepal_length)'; a bias weight reads 'w2 (bias)'."""
    return f"{name} ({plain(feature)})"


def plain(text: str) -> str:
    """User text (an uploaded column name) as Plotly shows it: no markup.

    Plotly reads <b>, <a href> and friends in titles; escaped, they are text.
    """
    return html.escape(str(text), quote=False)


# Every trace type these figures draw; template() keeps their defaults.
TRACE_TYPES = ("contour", "scatter", "scatter3d", "surface")


@functools.cache
def template(name: str) -> go.layout.Template:
    """Plotly's named template cut to its layout and the trace types drawn here.

    Plotly validates a template afresh on every figure given one. The full
    template carries defaults for every trace type Plotly has, and validating
    them was about 6 ms per figure (three or four figures each app rerun); the
    layout plus TRACE_TYPES draw the same picture in half the time. A Template
    object, not a dict: update_layout merges a dict key by key into the
    default template, which costs far more than it saves.

    Returns a shared object: Plotly copies it into each figure; never change it.
    """
    full = pio.templates[name]
    return go.layout.Template(
        layout=full.layout, data={kind: full.data[kind] for kind in TRACE_TYPES}
    )


def figure(theme: Theme, data=None) -> go.Figure:
    """A new figure with the theme's template, for figures built up by Plotly's
    update methods (the playback's subplots; the network page's charts).

    An explicit template: importing Streamlit swaps Plotly's default for one
    whose colours are placeholders, which static exports draw black.
    """
    return go.Figure(data, layout={"template": template(theme.template)})


def look(theme: Theme, height: int) -> dict:
    """The theme's template, fonts and sizes as a layout for one pair of axes."""
    axis = dict(title=dict(font=dict(size=theme.title)), tickfont=dict(size=theme.tick))
    return dict(
        template=template(theme.template),
        height=height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=theme.tick),
        legend=dict(font=dict(size=theme.tick)),
        hoverlabel=dict(font=dict(size=theme.tick)),
        xaxis=axis,
        yaxis=axis,
    )


def merged(base: dict, over: dict) -> dict:
    """base with over laid on it: nested dicts merged key by key (new dicts)."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            value = merged(out[key], value)
        out[key] = value
    return out


def assemble(theme: Theme, height: int, traces, layout: dict) -> go.Figure:
    """traces under layout (laid over look()), made in one construction and
    not validated again.

    Written by hand because Plotly's own way is the app's largest cost: py-spy
    on a server's reruns put Plotly at 39-44% of busy samples, two thirds of it
    in update_layout/update_xaxes/update_yaxes (each one a relayout through
    Plotly's change machinery, ~3 ms) and the rest in validating the template
    again for every figure. The traces are validated when they are made
    (go.Scatter etc.); the layout is a plain dict, and
    tests/test_figures.py validates every figure's whole spec with Plotly and
    compares it to this one.

    Validation is back on for the figure once made: a later change (an
    export's update_layout, a named template) is checked and expanded as
    Plotly always does.
    """
    fig = go.Figure(list(traces), merged(look(theme, height), layout), _validate=False)
    for part_ in (fig, fig.layout, *fig.data):
        part_._validate = True
    return fig


AXES_AND_TEMPLATE = ("xaxis", "yaxis", "template")


def style(fig: go.Figure, theme: Theme, height: int) -> go.Figure:
    """look() on a figure made by figure() (every pair of axes), returned."""
    axes = look(theme, height)  # its template: figure() gave it already
    fig.update_layout({k: v for k, v in axes.items() if k not in AXES_AND_TEMPLATE})
    fig.update_xaxes(axes["xaxis"])
    fig.update_yaxes(axes["yaxis"])
    return fig


def finite_span(arrays) -> tuple[float, float]:
    """The smallest and largest positive values over arrays (1, 1 if none)."""
    values = np.concatenate([np.ravel(a) for a in arrays]) if arrays else np.ones(1)
    values = values[np.isfinite(values) & (values > 0)]
    return (float(values.min()), float(values.max())) if len(values) else (1.0, 1.0)


MAX_DECADES = 6  # labelled powers of ten on a log axis, at most


def labels_that_fit(pixels: float, theme: Theme) -> int:
    """How many tick labels an axis of this many pixels holds with room
    between them: one per 1.5 tick-font heights, and the first."""
    return max(2, 1 + int(pixels // (1.5 * theme.tick)))


def log_ticks(lo: float, hi: float, most: int | None = None) -> dict:
    """Ticks at 1, 2 and 5 x 10^k for a log axis, every label at full size.

    Plotly draws the in-between digits of a log axis at 0.75x the tick font,
    too small on a projector; explicit ticks are all drawn at full size. Over
    more than MAX_DECADES powers of ten (a diverging run), every k-th power
    only, so the labels of a short classroom chart do not run into each other.
    most: at most about this many labels (labels_that_fit), for a short axis:
    the classroom playback's loss panel (97 px) had drawn five in each
    other's way (1, 1e+03 ... 1e+12).
    """
    if hi < 4 * lo:  # less than a factor of 4: evenly spaced round numbers
        return _thinned(_even_ticks(lo, hi), most)
    first, last = np.floor(np.log10(lo)), np.ceil(np.log10(hi))
    room = MAX_DECADES if most is None else max(1, min(MAX_DECADES, most - 1))
    few = last - first <= 4 and (most is None or 3 * (last - first + 1) <= most)
    mantissas = (1, 2, 5) if few else (1,)
    stride = max(1, int(np.ceil((last - first) / room)))
    powers = [e for e in np.arange(first, last + 1) if e % stride == 0]  # 1 in
    values = [float(m * 10.0**e) for e in powers for m in mantissas]
    values = [v for v in values if lo / 1.5 <= v <= hi * 1.5] or [lo, hi]
    return _thinned(dict(tickvals=values, ticktext=[f"{v:.3g}" for v in values]), most)


def _thinned(ticks: dict, most: int | None) -> dict:
    """Every k-th tick, the fewest k that leaves at most `most` (0.6, 1.0 and
    1.4 of 0.6, 0.8, ..., 1.4): evenly spaced still, none dropped into a gap."""
    n = len(ticks["tickvals"])
    if most is None or n <= most:
        return ticks
    k = -(-n // most)
    return {name: values[::k] for name, values in ticks.items()}


def _even_ticks(lo: float, hi: float, count: int = 4) -> dict:
    """About count round, evenly spaced values from lo to hi (1, 2 or 5 x 10^k
    apart), labelled with the digits that tell them apart."""
    span = max(hi - lo, abs(hi) * 1e-6, 1e-12)
    step = 10 ** np.floor(np.log10(span / count))
    step *= next((m for m in (1, 2, 5, 10) if span / (m * step) <= count + 1), 10)
    values = np.arange(np.ceil(lo / step), np.floor(hi / step) + 1) * step
    digits = max(0, -int(np.floor(np.log10(step))))
    values = [float(v) for v in values] or [lo, hi]
    return dict(tickvals=values, ticktext=[f"{v:.{digits}f}" for v in values])


def log_levels(loss: np.ndarray) -> tuple[np.ndarray, list[float], list[str]]:
    """log10 of the loss for colouring, with colour-bar ticks at round losses."""
    floor = max(float(loss.min()), 1e-6)
    z = np.log10(np.maximum(loss, floor)).astype(np.float32)
    lo, hi = float(z.min()), float(z.max())
    if hi <= lo:
        return z, [lo], [f"{10**lo:.3g}"]
    ticks = log_ticks(10**lo, 10**hi)
    kept = [
        (float(np.log10(v)), text)
        for v, text in zip(ticks["tickvals"], ticks["ticktext"])
        if lo <= np.log10(v) <= hi
    ] or [(lo, f"{10**lo:.3g}"), (hi, f"{10**hi:.3g}")]
    return z, [v for v, _ in kept], [text for _, text in kept]


def part(run: RunView, name: str) -> dict:
    """A trace's tag, Plotly's free `meta` field: whose run it draws (its style
    slot: the live run is 0) and which part ("casing", "path", "ends", "loss",
    "fit"). The browser's drag bridge (ui/drag.py) finds the live run's traces
    by it; by slot, not label, so that its payload does not change with the
    committed rate (and is not sent again for each)."""
    return {"slot": run.slot, "part": name}
