"""The playback's timeline: the steps its frames show, its buttons and its slider."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from landscape.figures.theme import RunView, Theme

SPEEDS = {"0.5x": 160, "1x": 80, "2x": 40, "4x": 20}  # ms per frame
MAX_FRAMES = 300  # the playback figure's frames, at most: longer runs are thinned


def frame_steps(runs: Sequence[RunView], frames: int = MAX_FRAMES) -> np.ndarray:
    """The step each frame shows, for the playback figure and the GIF/MP4 alike.

    Every step, or `frames` steps spread evenly from 0 to the longest run's last
    step; always at least one frame (step 0, for runs of no steps or no runs).
    No two frames show the same step: with at most longest + 1 frames the
    spacing is 1 or more, and values more than 1 apart round apart.

    Returns:
        (count,) int steps, increasing.
    """
    longest = max((len(r.trajectory.weights) - 1 for r in runs), default=0)
    return spread_steps(longest, frames)


def spread_steps(last: int, frames: int) -> np.ndarray:
    """Every step from 0 to last, or `frames` of them spread evenly (at least
    one: step 0); see frame_steps. Returns (count,) int steps, increasing."""
    count = max(1, min(frames, last + 1))
    return np.round(np.linspace(0, last, count)).astype(int)


def _pause() -> dict:
    """Stop on the current frame (a new dict each time: Plotly keeps what it gets)."""
    return {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}


def _play(ms: int) -> dict:
    """Animate from the current frame, ms per frame, redrawing only what moves."""
    return {
        "frame": {"duration": ms, "redraw": False},
        "fromcurrent": True,
        "transition": {"duration": 0},
        "mode": "immediate",
    }


def _buttons(theme: Theme, y: float) -> dict:
    """Play at 1x, pause, then play at each other speed of SPEEDS."""
    buttons = [
        dict(label="▶ Play", method="animate", args=[None, _play(SPEEDS["1x"])]),
        dict(label="❚❚ Pause", method="animate", args=[[None], _pause()]),
    ]
    buttons += [
        dict(label=name, method="animate", args=[None, _play(ms)])
        for name, ms in SPEEDS.items()
        if name != "1x"
    ]
    return dict(
        type="buttons",
        direction="right",
        x=0,
        y=y,
        xanchor="left",
        yanchor="top",
        buttons=buttons,
        font=dict(size=theme.tick),
        pad=dict(t=4, r=4),
    )


def _slider(steps: np.ndarray, theme: Theme, y: float) -> dict:
    """A slider over the frames named by steps, the current step shown above it."""
    return dict(
        active=0,
        x=0.42,
        len=0.58,
        y=y,
        yanchor="top",
        pad=dict(t=0, b=0),
        currentvalue=dict(prefix="step ", font=dict(size=theme.tick, color="#222222")),
        # Hundreds of step labels would crowd the titles: the current
        # step is shown above the slider instead.
        font=dict(color="rgba(0,0,0,0)"),
        ticklen=0,
        steps=[
            dict(
                label=str(s),
                method="animate",
                args=[[str(s)], {**_pause(), "transition": {"duration": 0}}],
            )
            for s in steps
        ],
    )


def margins(theme: Theme) -> tuple[int, int]:
    """(top, bottom) margins in pixels: the controls above the plots; below, the
    x ticks and title, then the legend, so none of them overlap at any height."""
    # The slider with its step label, then the panels' titles under it.
    top = 3 * theme.tick + theme.title + 52
    bottom = 2 * theme.tick + theme.title + 40
    return top, bottom


def add_controls(fig: go.Figure, steps: np.ndarray, theme: Theme, height: int) -> None:
    """Play (at 1x or another of SPEEDS), pause and a slider over the frames named
    by steps, above the plots, where a projector cuts nothing off; the legend at
    the bottom of the figure. Call it after style(): it sets the margins."""
    top, bottom = margins(theme)
    plot = max(height - top - bottom, 1)  # the plot area's height in pixels

    def above(px: float) -> float:  # px from the figure's top, in paper units
        return 1 + (top - px) / plot

    fig.update_layout(
        updatemenus=[_buttons(theme, above(4))],
        sliders=[_slider(steps, theme, above(2))],
        legend=dict(
            orientation="h",
            x=0,
            y=0,
            xanchor="left",
            yanchor="bottom",
            yref="container",
        ),  # fmt: skip
        margin=dict(t=top, b=bottom),
    )
