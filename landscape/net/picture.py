"""The network page's picture as files: the plane with every path beside the
decision (PNG, SVG, HTML), the playback (GIF, MP4), the run and slice (CSV, JSON).

pic = NetPicture(run, slice_run(run), (PathView("adam (live)", ...), *pins))
render(pic, "gif", frames=100)  # bytes, through landscape.api's checks
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, field

import numpy as np

from landscape import api, export
from landscape.export import movie, netfilm
from landscape.export.raster import Progress
from landscape.figures import CLASSROOM, SCREEN, Theme
from landscape.figures import net as figures
from landscape.figures.controls import spread_steps
from landscape.figures.net import PathView
from landscape.net import boundary, commands
from landscape.net.api import NetRun
from landscape.net.slices import NetSlice

FORMATS = api.FORMATS
SIZE = (1200, 600)
# The plane's part of the width: the page's columns are 5 : 4. The decision is
# beside it, not left out: a path on a slice says little about what the network
# learned, and the page shows the two together.
SHARE = 5 / 9


@dataclass(frozen=True, eq=False)
class NetPicture:
    """What the network page shows: the live run, its slice, the paths drawn on
    the slice (the live run's first, then the pins, each projected on it), and
    settings recorded in the JSON (the page puts its link's there)."""

    run: NetRun
    slice: NetSlice
    paths: tuple[PathView, ...]
    settings: dict = field(default_factory=dict)

    @property
    def last(self) -> int:
        return len(self.run.params) - 1

    def plane_figure(self, step: int, theme: Theme, height: int):
        sl = self.slice
        title = f"loss on the {sl.plane.kind} plane"
        return figures.plane_figure(
            sl.a1, sl.a2, sl.loss, list(self.paths), step, theme, height, title
        )

    def decision_figure(self, b: boundary.Boundary, theme: Theme, height: int):
        title = figures.decision_title(b.step, self.run.losses[b.step])
        return figures.boundary_figure(
            b.x1, b.x2, b.prob, self.run.data, theme, height, title
        )

    def boundary(self, step: int) -> boundary.Boundary:
        x1, x2 = boundary.input_box(self.run.data)
        return boundary.decision(
            self.run.config.arch, self.run.params[step], x1, x2, step
        )

    def figures(self, step: int, classroom: bool = False, height: int = 600):
        """The plane and the decision at `step`: two plotly go.Figures."""
        theme = CLASSROOM if classroom else SCREEN
        plane = self.plane_figure(step, theme, height)
        return plane, self.decision_figure(self.boundary(step), theme, height)


def path_csv(run: NetRun, sl: NetSlice) -> bytes:
    """One row per step: the loss, the plane coordinates, the loss on the plane
    there, the distance off the plane, then every weight (w0, w1, ...)."""
    steps = np.arange(len(run.params))
    table = np.column_stack(
        [steps, run.losses, sl.path, sl.plane_loss_at_path, sl.off_plane, run.params]
    )
    names = ["step", "loss", "a1", "a2", "plane_loss", "off_plane"]
    names += [f"w{k}" for k in range(run.params.shape[1])]
    out = io.StringIO()
    np.savetxt(
        out,
        table,
        delimiter=",",
        header=",".join(names),
        comments="",
        fmt=["%d"] + ["%.9g"] * (table.shape[1] - 1),
    )
    return out.getvalue().encode()


def run_slice_json(run: NetRun, sl: NetSlice, settings: dict) -> bytes:
    """net-slice's JSON (landscape.net.commands), settings among its settings."""
    out = commands.run_json(run, settings) | commands.slice_json(sl)
    return json.dumps(out).encode()


def film(
    pic: NetPicture,
    fmt: str,
    *,
    theme: Theme = SCREEN,
    width: int = SIZE[0],
    height: int = SIZE[1],
    frames: int = 200,
    fps: int = movie.FPS,
    progress: Progress | None = None,
) -> bytes:
    """The playback as a GIF or MP4: per frame, the live run's marker on the
    plane and the decision at that step; `frames` steps at most, spread evenly
    from 0 to the live run's last (figures.controls.spread_steps)."""
    report = progress or (lambda fraction, message: None)
    steps = spread_steps(pic.last, frames)
    b = pic.boundary(pic.last)
    probs = boundary.decisions(pic.run.config.arch, pic.run.params[steps], b.x1, b.x2)
    plane = pic.plane_figure(pic.last, theme, height)
    decision = pic.decision_figure(b, theme, height)
    titles = [figures.decision_title(k, pic.run.losses[k]) for k in steps]
    images = netfilm.render_frames(
        plane, decision, pic.slice.path[steps], probs, titles, theme=theme,
        width=width, height=height, share=SHARE, progress=report,
    )  # fmt: skip
    data = movie.encode(fmt, images, fps, netfilm.palette_colours(decision))
    report(1.0, "done")
    return data


def render(
    pic: NetPicture,
    fmt: str,
    *,
    width: int = SIZE[0],
    height: int = SIZE[1],
    classroom: bool = False,
    frames: int = 200,
    fps: int = movie.FPS,
    progress: Progress | None = None,
) -> bytes:
    """The picture in one of FORMATS, as bytes (api.render's options).

    PNG, SVG and HTML: the plane with every path at the last step, and the
    decision there beside it. GIF and MP4: see film. CSV and JSON: the live
    run and its slice, as path_csv and run_slice_json.
    """
    api.check_output(f"network.{fmt}", width, height, frames, fps)
    if fmt == "csv":
        return path_csv(pic.run, pic.slice)
    if fmt == "json":
        return run_slice_json(pic.run, pic.slice, pic.settings)
    theme = CLASSROOM if classroom else SCREEN
    if fmt in movie.FILMS:
        return film(pic, fmt, theme=theme, width=width, height=height,
                    frames=frames, fps=fps, progress=progress)  # fmt: skip
    figs = pic.figures(pic.last, classroom, height)
    return export.figure_file(figs, fmt, width, height, [SHARE, 1 - SHARE],
                              title="landscape · small network")  # fmt: skip


def save(pic: NetPicture, path: str | os.PathLike, **options) -> str:
    """Write the picture to path in the format its extension names; options
    are render's. Returns the format written."""
    fmt = api.check_output(path)
    data = render(pic, fmt, **options)
    with open(path, "wb") as f:
        f.write(data)
    return fmt
