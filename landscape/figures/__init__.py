"""Plotly figures from Surface and Trajectory: data in, go.Figure out, nothing shown.

The only package that imports Plotly. The public names, re-exported from theme
(run colours, sizes, shared axis styling), contour (the contour and the 3D
surface, with the paths) and charts (loss per step, the data with each run's
fit). The playback figure is landscape.figures.animation's (with the controls
of controls.py), imported only where it is used.
"""

from landscape.figures.charts import data_figure, loss_figure
from landscape.figures.contour import Arrow, contour_figure, surface3d_figure
from landscape.figures.theme import (
    CLASSROOM,
    DASHES,
    MAX_MARKERS,
    PALETTE,
    SCREEN,
    SURFACE_SCALE,
    SYMBOLS,
    RunView,
    Theme,
    axis_title,
    log_levels,
    log_ticks,
    plain,
)

__all__ = [
    "CLASSROOM",
    "DASHES",
    "MAX_MARKERS",
    "PALETTE",
    "SCREEN",
    "SURFACE_SCALE",
    "SYMBOLS",
    "Arrow",
    "RunView",
    "Theme",
    "axis_title",
    "contour_figure",
    "data_figure",
    "log_levels",
    "log_ticks",
    "loss_figure",
    "plain",
    "surface3d_figure",
]
