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
    count = max(1, min(frames, longest + 1))
    return np.round(np.linspace(0, longest, count)).astype(int)


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


def _buttons(theme: Theme) -> dict:
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
        y=1.2,
        xanchor="left",
        yanchor="top",
        buttons=buttons,
        font=dict(size=theme.tick),
        pad=dict(t=4, r=4),
    )


def _slider(steps: np.ndarray, theme: Theme) -> dict:
    """A slider over the frames named by steps, the current step shown above it."""
    return dict(
        active=0,
        x=0.42,
        len=0.58,
        y=1.24,
        yanchor="top",
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


def add_controls(fig: go.Figure, steps: np.ndarray, theme: Theme) -> None:
    """Play (at 1x or another of SPEEDS), pause and a slider over the frames named
    by steps, above the plots, where a projector cuts nothing off."""
    fig.update_layout(
        updatemenus=[_buttons(theme)],
        sliders=[_slider(steps, theme)],
        # Controls on top, where a projector cuts nothing off; legend below.
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
        margin=dict(b=90, t=115),
    )
