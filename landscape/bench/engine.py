"""python -m landscape bench: the engine timed side by side with its baselines."""

from __future__ import annotations

import time

import numpy as np

from landscape import optimizers, surface, trainer
from landscape.bench import compiles
from landscape.bench import curvature as curvature_bench
from landscape.bench.baselines import eager_loop, numpy_loop, numpy_surface
from landscape.bench.compiles import PATH_STEPS, variations, warm_configs
from landscape.config import RunConfig
from landscape.data.dataset import Dataset
from landscape.data.presets import make_dataset

SURFACE_GRID = 201
SURFACE_SAMPLES = 1000
BASELINE_KEYS = ("sgd", "adam")


def _ms(fn, repeats: int) -> tuple[float, object]:
    """Median wall time of fn() in milliseconds, and its last result."""
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times)), out


def paths(data: Dataset, repeats: int) -> dict:
    """First (compiling) and warm runs of every optimizer, with retrace counts."""
    per = {}
    for key in optimizers.REGISTRY:
        cfg = RunConfig(optimizer=key, learning_rate=0.05, steps=PATH_STEPS)
        first, _ = _ms(lambda cfg=cfg: trainer.run(data, cfg), 1)
        engine = trainer.engine(key, cfg.loss, data.task)
        traces = engine.traces
        runs = iter(warm_configs(key, repeats))
        warm, traj = _ms(lambda runs=runs: trainer.run(data, next(runs)), repeats)
        for v in variations(key):
            trainer.run(data, v)
        per[key] = {
            "first_ms": round(first, 1),
            "warm_ms": round(warm, 3),
            "retraces": engine.traces - traces,
            "xla": traj.compiled,
        }
    return per


def _side_by_side(fns: dict, repeats: int) -> tuple[dict, dict]:
    """Median ms of each fn, the calls interleaved round by round.

    On a shared machine a burst of load then falls on every contender alike,
    so the ratios between them hold even when the absolute times wobble.
    """
    times: dict = {name: [] for name in fns}
    results: dict = {}
    for _ in range(repeats):
        for name, fn in fns.items():
            t = time.perf_counter()
            results[name] = fn()
            times[name].append((time.perf_counter() - t) * 1000)
    return {name: float(np.median(v)) for name, v in times.items()}, results


def surfaces(repeats: int) -> dict:
    """The surface's median ms against float32 NumPy's, and their largest gap."""
    data = make_dataset("blobs", SURFACE_SAMPLES, seed=0)
    rng = (-6.0, 6.0)
    s = surface.loss_surface(data, "cross_entropy", rng, rng, SURFACE_GRID)  # compile
    ms, out = _side_by_side(
        {"tf": lambda: surface.loss_surface(data, "cross_entropy", rng, rng,
                                            SURFACE_GRID),
         "numpy": lambda: numpy_surface(data, s.w1, s.w2)},
        repeats,
    )  # fmt: skip
    return {
        "surface_grid": SURFACE_GRID,
        "surface_samples": SURFACE_SAMPLES,
        "surface_ms": round(ms["tf"], 1),
        "surface_numpy_float32_ms": round(ms["numpy"], 1),
        "surface_speedup_vs_numpy": round(ms["numpy"] / ms["tf"], 1),
        "surface_max_abs_diff_vs_numpy": float(
            np.abs(out["numpy"] - out["tf"].loss).max()
        ),
    }


def against_baselines(data: Dataset, runs: int, rounds: int) -> dict:
    """Each of BASELINE_KEYS: the engine's warm run against the eager loop and
    NumPy, interleaved for `rounds` rounds (the engine's from `runs` configs)."""
    out = {}
    for key in BASELINE_KEYS:
        cfgs = iter(warm_configs(key, runs))
        ms, _ = _side_by_side(
            {"engine": lambda c=cfgs: trainer.run(data, next(c)),
             "eager": lambda k=key: eager_loop(data, k, PATH_STEPS),
             "numpy": lambda k=key: numpy_loop(data, k, PATH_STEPS)},
            rounds,
        )  # fmt: skip
        out[key] = {
            "engine_warm_ms": round(ms["engine"], 3),
            "eager_ms": round(ms["eager"], 1),
            "numpy_float64_ms": round(ms["numpy"], 2),
            "speedup_vs_eager": round(ms["eager"] / ms["engine"], 1),
            "speedup_vs_numpy": round(ms["numpy"] / ms["engine"], 2),
        }
    return out


def main(quick: bool = False, count_compiles: bool = False) -> dict:
    """Every figure the engine issue asks for, measured in this one process."""
    if count_compiles:
        return compiles.count_compiles()
    repeats = 3 if quick else 7
    data = make_dataset("blobs", 200, seed=0)
    per = paths(data, repeats)
    baselines = against_baselines(data, 3 * repeats, 1 if quick else 3)
    warm = float(np.median([p["warm_ms"] for p in per.values()]))
    out = {
        "path_steps": PATH_STEPS,
        "path_warm_ms": round(warm, 3),
        "path_first_ms": round(
            float(np.median([p["first_ms"] for p in per.values()])), 1
        ),
        "retraces_after_warmup": sum(p["retraces"] for p in per.values()),
        # XLA modules compiled in a child that dumps them: during its warm-up
        # (must be > 0, or the count below means nothing) and after it.
        "xla_compiles": None if quick else compiles.count_in_child(),
        "not_compiled": [k for k, p in per.items() if not p["xla"]],
        "baselines": baselines,
        "speedup_vs_eager_median": round(
            float(np.median([b["eager_ms"] for b in baselines.values()])) / warm, 1
        ),
    }
    out |= curvature_bench.summary(curvature_bench.recording(data, repeats))
    out |= surfaces(repeats)
    out["per_optimizer"] = per
    return out
