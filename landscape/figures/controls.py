"""The playback's play, pause and speed buttons and its step slider."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from landscape.figures.theme import Theme

SPEEDS = {"0.5x": 160, "1x": 80, "2x": 40, "4x": 20}  # ms per frame


def add_controls(fig: go.Figure, steps: np.ndarray, theme: Theme) -> None:
    """Play (at 1x or another of SPEEDS), pause and a slider over the frames named
    by steps, above the plots, where a projector cuts nothing off."""

    def play(ms: int) -> dict:
        return {
            "frame": {"duration": ms, "redraw": False},
            "fromcurrent": True,
            "transition": {"duration": 0},
            "mode": "immediate",
        }

    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    buttons = [
        dict(label="▶ Play", method="animate", args=[None, play(SPEEDS["1x"])]),
        dict(label="❚❚ Pause", method="animate", args=[[None], pause]),
    ]
    buttons += [
        dict(label=name, method="animate", args=[None, play(ms)])
        for name, ms in SPEEDS.items()
        if name != "1x"
    ]
    fig.update_layout(
        updatemenus=[
            dict(
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
        ],
        sliders=[
            dict(
                active=0,
                x=0.42,
                len=0.58,
                y=1.24,
                yanchor="top",
                currentvalue=dict(
                    prefix="step ", font=dict(size=theme.tick, color="#222222")
                ),
                # Hundreds of step labels would crowd the titles: the current
                # step is shown above the slider instead.
                font=dict(color="rgba(0,0,0,0)"),
                ticklen=0,
                steps=[
                    dict(
                        label=str(s),
                        method="animate",
                        args=[[str(s)], {**pause, "transition": {"duration": 0}}],
                    )
                    for s in steps
                ],
            )
        ],
        # Controls on top, where a projector cuts nothing off; legend below.
        legend=dict(orientation="h", y=-0.12, x=0, yanchor="top"),
        margin=dict(b=90, t=115),
    )
