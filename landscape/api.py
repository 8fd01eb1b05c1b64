"""Runs side by side for notebooks, scripts and the app: a Comparison and its files."""

# data = landscape.make_dataset("overlap")
# fig = landscape.compare(data, "cross_entropy", ["adam lr=0.1", "sgd lr=0.5"])
# landscape.save(landscape.comparison(data, "cross_entropy", [...]), "path.gif")

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace

from landscape import curvature, export, figures, framing, trainer
from landscape.config import RunConfig
from landscape.data.dataset import Dataset
from landscape.data.presets import ALL_PRESETS
from landscape.export import movie, raster
from landscape.runspec import MAX_RUNS, RunSpec, config_settings, labels, parse_run
from landscape.surface import Surface, loss_surface

FORMATS = ("png", "svg", "html", "gif", "mp4", "csv", "json")


def data_settings(
    data: Dataset,
    *,
    preset: str | None = None,
    samples: int | None = None,
    noise: float | None = None,
    seed: int | None = None,
    file: str | None = None,
) -> dict:
    """Where the data came from, as the exports and the command line record it.

    Give the preset it was made from, with its samples, noise (None: the
    preset's default) and seed, or the CSV file it was read from; with neither,
    the data set's own name stands for it.

    Args:
        data: the data set, for its row count and task.
        preset: a key of ALL_PRESETS; iris, a fixed real data set, takes no knobs.
        samples, noise, seed: the preset's arguments.
        file: the CSV file's name or path, as the user gave it.

    Returns:
        {"dataset", "samples", "noise", "seed"} for a preset, {"dataset"} for
        iris or a bare data set, or {"data": file}; then "rows" and "task".
    """
    base = {"rows": int(len(data.y)), "task": data.task}
    if file is not None:
        return {"data": file} | base
    if preset is None or preset == "iris":  # iris: its knobs do not apply
        return {"dataset": preset or data.name} | base
    noise = ALL_PRESETS[preset].default_noise if noise is None else noise
    knobs = {"samples": samples, "noise": noise, "seed": seed}
    return {"dataset": preset} | knobs | base


@dataclass(frozen=True, eq=False)
class Comparison:
    """Trained runs on one data set and loss, with the surface drawn under them.

    data_settings says where the data came from (see data_settings); None
    records the data set's name only.
    """

    dataset: Dataset
    loss: str
    surface: Surface
    runs: tuple[figures.RunView, ...]
    configs: tuple[RunConfig, ...]
    data_settings: dict | None = None

    def __post_init__(self) -> None:
        if self.data_settings is None:
            object.__setattr__(self, "data_settings", data_settings(self.dataset))

    def with_curvature(self) -> tuple[figures.RunView, ...]:
        """The runs with the curvature along each recorded (curvature.record),
        as the step tables carry it."""
        return tuple(
            replace(run, trajectory=curvature.record(self.dataset, cfg, run.trajectory))
            for run, cfg in zip(self.runs, self.configs)
        )

    def figure(self, classroom: bool = False, height: int = 620):
        """The contour with every path: a plotly go.Figure."""
        theme = figures.CLASSROOM if classroom else figures.SCREEN
        names = self.dataset.feature_names
        return figures.contour_figure(
            self.surface, list(self.runs), names, theme, height
        )

    def settings(self) -> dict:
        """The data's settings, then the loss and the surface's grid and ranges."""
        s = self.surface
        return self.data_settings | {
            "loss": self.loss,
            "grid": int(len(s.w1)),
            "w1": [float(s.w1[0]), float(s.w1[-1])],
            "w2": [float(s.w2[0]), float(s.w2[-1])],
        }


def comparison(
    dataset: Dataset,
    loss: str,
    runs: Sequence[RunSpec],
    *,
    seed: int = 0,
    grid: int = 201,
    w1: tuple[float, float] | None = None,
    w2: tuple[float, float] | None = None,
    data_settings: dict | None = None,
) -> Comparison:
    """Train every run and compute the surface under them, as the app does.

    Args:
        dataset: the data.
        loss: "cross_entropy", "mse" or "mae"; it replaces each run's own.
        runs: 1 to 8 runs, each as parse_run takes them.
        seed: feeds the mini-batch shuffle.
        grid: surface points per side, 3 to 401.
        w1, w2: axis ranges; None fits the first start, the minimum and the paths.
        data_settings: where the data came from, as data_settings() gives it;
            None records the data set's name.
    """
    if not 1 <= len(runs) <= MAX_RUNS:
        raise ValueError(f"give 1 to {MAX_RUNS} runs (one per colour); got {len(runs)}")
    configs = [replace(parse_run(r), loss=loss, seed=seed) for r in runs]
    trajectories = [trainer.run(dataset, c) for c in configs]
    start = configs[0].start
    box = framing.fit_paths(
        framing.base_box(start, framing.estimate_minimum(dataset, loss, start)),
        [t.weights for t in trajectories],
    )
    w1 = tuple(w1) if w1 is not None else box[:2]
    w2 = tuple(w2) if w2 is not None else box[2:]
    surface = loss_surface(dataset, loss, w1, w2, grid)
    labelled = zip(labels(configs), trajectories)
    views_ = tuple(figures.RunView(text, t, i) for i, (text, t) in enumerate(labelled))
    return Comparison(dataset, loss, surface, views_, tuple(configs), data_settings)


def compare(
    dataset: Dataset,
    loss: str,
    runs: Sequence[RunSpec],
    classroom: bool = False,
    **options,
):
    """The runs' paths over the loss contour, as a plotly go.Figure.

    Args:
        dataset, loss, runs: as comparison takes them; options: its keywords.
        classroom: larger text, lines and markers for a projector.
    """
    return comparison(dataset, loss, runs, **options).figure(classroom)


def check_output(
    path: str | os.PathLike,
    width: int = 960,
    height: int = 600,
    frames: int = 200,
    fps: int = movie.FPS,
) -> str:
    """The format a file name asks for, with the sizes checked: ValueError
    saying what is allowed, before any training is spent."""
    ext = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if ext not in FORMATS:
        allowed = ", ".join(f".{f}" for f in FORMATS)
        raise ValueError(
            f"cannot write {ext and '.' + ext or 'no extension'}; use one of {allowed}"
        )
    export.check_size(width, height)
    raster.check(frames, fps)
    return ext


def render(
    comp: Comparison,
    fmt: str,
    *,
    width: int = 960,
    height: int = 600,
    classroom: bool = False,
    frames: int = 200,
    fps: int = movie.FPS,
    progress: raster.Progress | None = None,
) -> bytes:
    """The comparison in one of FORMATS, as bytes; see export and movie.

    progress, for GIF and MP4, is called as progress(fraction, message).
    """
    check_output(f"comparison.{fmt}", width, height, frames, fps)
    if fmt in ("csv", "json"):
        runs = comp.with_curvature()
        if fmt == "csv":
            return export.to_csv(runs)
        per_run = [config_settings(c) for c in comp.configs]
        return export.to_json(runs, comp.settings(), per_run)
    if fmt in ("gif", "mp4"):
        encode = movie.to_gif if fmt == "gif" else movie.to_mp4
        theme = figures.CLASSROOM if classroom else figures.SCREEN
        return encode(
            comp.surface,
            comp.runs,
            comp.dataset.feature_names,
            theme=theme,
            width=width,
            height=height,
            frames=frames,
            fps=fps,
            progress=progress,
        )
    return export.figure_file([comp.figure(classroom, height)], fmt, width, height)


def save(comp: Comparison, path: str | os.PathLike, **options) -> str:
    """Write the comparison to path in the format its extension names.

    Options are render's. Returns the format written.
    """
    fmt = check_output(path)
    data = render(comp, fmt, **options)
    with open(path, "wb") as f:
        f.write(data)
    return fmt
