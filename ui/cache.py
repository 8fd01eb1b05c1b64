"""The cached engine calls: data sets, runs, surfaces and minima, shared by sessions.

Arguments are frozen dataclasses of plain values, which st.cache_data hashes
field by field; no large array is ever an argument.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime

from landscape import (
    curvature,
    divergence,
    framing,
    optimizers,
    stability,
    surface,
    trainer,
)
from landscape.data import presets
from landscape.data.dataset import Dataset
from landscape.figures import backdrop
from landscape.settings import Pin, run_config
from ui.session import Key

GRID = 151  # surface points per side


@dataclass(frozen=True)
class Source:
    """Where the data comes from: a preset with its knobs, or an upload's hash."""

    preset: str
    samples: int
    noise: float | None
    seed: int
    upload: str = ""  # sha256 of the uploaded bytes


@st.cache_data(max_entries=64, show_spinner=False)
def get_dataset(source: Source) -> Dataset:
    if source.upload:
        # Kept in the uploading session only (freed with it): cached here under
        # the file's hash, so every session with the same file shares one copy.
        sha, data = st.session_state[Key.UPLOAD_DATA]
        if sha != source.upload:
            raise ValueError("that upload is no longer in this session")
        return data
    return presets.make_dataset(
        source.preset, source.samples, source.noise, source.seed
    )


@st.cache_data(max_entries=512, show_spinner=False)
def get_run(source: Source, loss: str, pin: Pin) -> trainer.Trajectory:
    return trainer.run(get_dataset(source), run_config(pin, loss, source.seed))


@st.cache_data(max_entries=128, show_spinner=False)
def get_stable_rate(source: Source, loss: str, pin: Pin) -> divergence.Suggestion:
    cfg = run_config(pin, loss, source.seed)
    return divergence.stable_rate(get_dataset(source), cfg)


@st.cache_data(max_entries=128, show_spinner=False)
def get_best_rate(source: Source, loss: str, pin: Pin) -> float:
    cfg = run_config(pin, loss, source.seed)
    return divergence.best_rate(get_dataset(source), cfg)


@st.cache_data(max_entries=256, show_spinner=False)
def get_hessian(source: Source, loss: str, w1: float, w2: float):
    """The exact Hessian (2, 2) of the loss at (w1, w2), float64."""
    return curvature.hessian(get_dataset(source), loss, (w1, w2))


@st.cache_data(max_entries=128, show_spinner=False)
def get_sharpness(source: Source, loss: str, pin: Pin):
    """(sharpness (m+1,), edge of stability (m,) or None, "lambda_max" or
    "preconditioned") along the pin's run: its Hessians after the run, batched."""
    cfg = run_config(pin, loss, source.seed)
    traj = curvature.record(get_dataset(source), cfg, get_run(source, loss, pin))
    hypers = optimizers.get(pin.optimizer).resolve(dict(pin.params))
    edge = stability.edge_of_stability(pin.optimizer, hypers, traj.learning_rates)
    if traj.preconditioned_sharpness is not None:
        return traj.preconditioned_sharpness, edge, "preconditioned"
    return traj.sharpness, edge, "lambda_max"


def get_limits(source: Source, loss: str, pin: Pin) -> dict:
    """The pin's rate limits from the curvature at the surface minimum, or at
    its start where the loss has no minimum (separable data).

    Cached by what they depend on (the optimizer, its hyperparameters, the
    start), not by the whole pin: a change of the rate, the commonest, then
    computes no Hessian (py-spy: 3.4% of a rate change's GIL time)."""
    return _limits(source, loss, pin.optimizer, pin.params, (pin.w1, pin.w2))


@st.cache_data(max_entries=128, show_spinner=False)
def _limits(source: Source, loss: str, optimizer: str, params, start) -> dict:
    minimum = get_minimum(source, loss, start)
    inside = framing.has_minimum(minimum, start)
    return curvature.limits_at(
        get_dataset(source), loss, optimizer, params,
        minimum if inside else start,
        "the minimum" if inside else "the start (this loss has no minimum: it "
        "keeps falling outwards, as cross-entropy does on separable data)",
    )  # fmt: skip


@st.cache_data(max_entries=64, show_spinner=False)
def get_surface(source: Source, loss: str, box: framing.Box) -> surface.Surface:
    return surface.loss_surface(get_dataset(source), loss, box[:2], box[2:], GRID)


@st.cache_data(max_entries=64, show_spinner=False)
def get_surface_png(source: Source, loss: str, box: framing.Box) -> bytes:
    """The surface's picture (backdrop.surface_png: the playback's too)."""
    return backdrop.surface_png(get_surface(source, loss, box))


def surface_address(source: Source, loss: str, box: framing.Box) -> str:
    """Where the page finds the surface's picture: Streamlit's media endpoint.

    Served by address, not inside the chart, so that a change of path (a new
    rate, a pin) does not send the surface again: the address stays the same
    and the browser has it. The media manager keeps a file while a run of
    the session registers it (coordinates are our own name for it); it has
    no public API, hence the runtime call.
    """
    png = get_surface_png(source, loss, box)
    return runtime.get_instance().media_file_mgr.add(
        png, "image/png", "landscape-surface"
    )


@st.cache_data(max_entries=64, show_spinner=False)
def get_minimum(source: Source, loss: str, start: tuple[float, float]):
    return framing.estimate_minimum(get_dataset(source), loss, start)


@st.cache_resource(max_entries=256, show_spinner=False)
def _freeze_heap(engines: int) -> int:
    """Move everything alive into the GC's permanent generation, once per engine.

    TensorFlow and Keras build large object graphs (traced functions, variables,
    optimizers). Python's cyclic GC walked all of them on every full collection,
    which the load test measured at ~0.7 s of a rerun's 0.86 s CPU; frozen, they
    are never scanned again. Keyed by the engine count, so it runs only after a
    new optimizer kind was compiled.
    """
    gc.collect()
    gc.freeze()
    return engines


def freeze_heap() -> None:
    _freeze_heap(len(trainer.engine_keys()))
