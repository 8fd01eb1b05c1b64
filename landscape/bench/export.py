"""python -m landscape bench --export: wall-clock time of every export format.

The comparison is the app's heaviest: 8 runs (the most it pins) of 300 steps on
a 201 x 201 surface. Each image export starts its own Chromium, as an export
from the app does; GIF and MP4 are 200 frames at 960 x 600.
"""

from __future__ import annotations

import time

from landscape import api
from landscape.data.presets import make_dataset

RUNS = [
    "adam lr=0.1",
    "sgd lr=0.5",
    "momentum lr=0.3",
    "rmsprop lr=0.05",
    "nadam lr=0.1",
    "sgd lr=30",
    "adagrad lr=1",
    "lion lr=0.05",
]
STEPS = 300
WIDTH, HEIGHT, FRAMES = 960, 600, 200


def main(quick: bool = False) -> dict:
    """Seconds and bytes per format; quick: 2 runs and 20 frames (for tests)."""
    runs = [f"{spec} steps={STEPS} w1=-3 w2=3" for spec in RUNS[: 2 if quick else 8]]
    frames = 20 if quick else FRAMES
    data = make_dataset("overlap", 200, None, 0)
    began = time.perf_counter()
    comp = api.comparison(data, "cross_entropy", runs, grid=201)
    out: dict = {
        "runs": len(runs),
        "steps": STEPS,
        "size": f"{WIDTH}x{HEIGHT}",
        "frames": frames,
        "train_and_surface_s": round(time.perf_counter() - began, 3),
        "formats": {},
    }
    for fmt in api.FORMATS:
        marks = _Marks()
        blob = api.render(
            comp, fmt, width=WIDTH, height=HEIGHT, frames=frames, progress=marks
        )
        out["formats"][fmt] = marks.result() | {"bytes": len(blob)}
    return out


class _Marks:
    """A progress callback that notes when the background, frames and encoding end."""

    def __init__(self):
        self.began = time.perf_counter()
        self.times: dict[str, float] = {}

    def __call__(self, fraction: float, message: str) -> None:
        now = time.perf_counter() - self.began
        if message.startswith("frame 1 of"):
            self.times["background_s"] = now
        elif message == "encoding":
            self.times["frames_s"] = now - self.times.get("background_s", 0.0)
            self.times["encoding_from"] = now

    def result(self) -> dict:
        total = time.perf_counter() - self.began
        out = {"seconds": round(total, 3)}
        if "encoding_from" in self.times:
            self.times["encode_s"] = total - self.times.pop("encoding_from")
            out |= {k: round(v, 3) for k, v in self.times.items()}
        return out
