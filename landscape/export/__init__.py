"""Exports: step tables, static images and HTML (files.py,
row.py for figures side by side); animations (movie.py,
drawn by raster.py with plotly.js's marker shapes from markers.py).

The file formats are re-exported here; movie and raster load only where used
(they import Pillow and imageio).
"""

from landscape.export.files import (
    check_size,
    render_images,
    steps_table,
    to_csv,
    to_html,
    to_json,
    to_png,
    to_svg,
    trajectory_fields,
    trajectory_record,
)
from landscape.export.row import figure_file

__all__ = [
    "check_size",
    "figure_file",
    "render_images",
    "steps_table",
    "to_csv",
    "to_html",
    "to_json",
    "to_png",
    "to_svg",
    "trajectory_fields",
    "trajectory_record",
]
