"""Plotly figures from Surface and Trajectory: data in, go.Figure out, nothing shown."""

# The only package that imports Plotly. Styling (palette, symbols, axis helpers)
# is landscape.figures.theme's; the playback figure is landscape.figures.animation's,
# imported only where it is used.
from landscape.figures.charts import (
    data_figure,
    fit_xs,
    loss_figure,
    sharpness_figure,
)
from landscape.figures.contour import contour_figure, surface3d_figure
from landscape.figures.overlays import Arrow
from landscape.figures.theme import CLASSROOM, SCREEN, RunView, Theme

__all__ = [
    "CLASSROOM",
    "SCREEN",
    "Arrow",
    "RunView",
    "Theme",
    "contour_figure",
    "data_figure",
    "fit_xs",
    "loss_figure",
    "sharpness_figure",
    "surface3d_figure",
]
