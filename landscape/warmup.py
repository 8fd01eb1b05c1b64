"""Compile what a class meets first, before anyone opens the page.

The first page of a fresh server imports TensorFlow and compiles the engine of
each optimizer it shows (about 10 s on 2 cores). `warm()` does that work in the
server process at start-up (ui/serve.py runs it in a thread), so the first
student of a class does not wait: the default page, every lesson's runs and
their surfaces, trained once and thrown away. Compiled engines stay in
landscape.trainer for the life of the process, shared by every session.
"""

from __future__ import annotations

import time
import urllib.parse

from landscape import framing, links, surface, trainer
from landscape.data.presets import make_dataset
from landscape.lessons import LESSONS
from landscape.settings import run_config

GRID = 151  # as ui.cache.GRID: the surface compiles per grid size


def pages() -> list[dict[str, list[str]]]:
    """The default page and each lesson's link, as query parameters."""
    lessons = [urllib.parse.parse_qs(lesson.query) for lesson in LESSONS]
    return [{}, *lessons]


def warm(log=print, pause=None) -> float:
    """Train every run of the default page and the lessons; returns seconds.

    pause: called once the default page is warm, before the lessons (the
        server waits there for its first page to be served, so that page does
        not share the cores with the lessons' compiles).
    """
    began = time.perf_counter()
    for i, query in enumerate(pages()):
        if i == 1 and pause is not None:
            pause()
        state, _ = links.parse_query(query)
        data = make_dataset(state.dataset, state.samples, state.noise, state.seed)
        start = (state.w1, state.w2)
        minimum = framing.estimate_minimum(data, state.loss, start)
        box = framing.base_box(start, minimum)
        surface.loss_surface(data, state.loss, box[:2], box[2:], GRID)
        for pin in (state.live, *state.pins):
            trainer.run(data, run_config(pin, state.loss, state.seed))
    seconds = time.perf_counter() - began
    log(f"landscape: warmed {len(trainer.engine_keys())} engines in {seconds:.1f} s")
    return seconds
