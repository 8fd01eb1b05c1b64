"""python -m landscape bench --net: the small network's slice and training, timed.

The 41x41 slice is timed side by side with a float32 NumPy forward pass over
the same grid points; training runs of 1,000 steps are timed warm for every
registry optimizer, and the compiled loop's traces are counted across runs
that change what must not retrace.
"""

from __future__ import annotations

import os

import numpy as np

from landscape import optimizers
from landscape.bench import compiles
from landscape.bench.engine import _ms, _side_by_side
from landscape.config import Schedule
from landscape.data.presets import make_dataset
from landscape.net import api, model, slices
from landscape.net.config import net_config
from landscape.net.engine import engine
from landscape.net.layout import Architecture, glorot
from landscape.net.planes import make_plane

GRID = 41
SAMPLES = 500
STEPS = 1000
ARCH = Architecture((8,), "tanh")


def numpy_loss(arch: Architecture, x, y, points: np.ndarray) -> np.ndarray:
    """Mean cross-entropy of the net at each row of points (m, P), in NumPy.

    The forward pass vectorised over the points, in the dtype of points.
    """
    h, offset = x.astype(points.dtype), 0
    for k, (fan_in, fan_out) in enumerate(arch.layers):
        end = offset + fan_in * fan_out
        kernel = points[:, offset:end].reshape(-1, fan_in, fan_out)
        h = h @ kernel + points[:, None, end : end + fan_out]
        offset = end + fan_out
        if k < len(arch.layers) - 1:
            h = np.tanh(h) if arch.activation == "tanh" else np.maximum(h, 0)
    z = h[..., 0]
    # max(z, 0) - z*y + log1p(exp(-|z|)): the stable form of -log p(y)
    return (np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))).mean(axis=-1)


def slice_figures(run: api.NetRun, repeats: int) -> dict:
    """The whole 41x41 slice and its grid alone, against NumPy over that grid."""
    data = run.data
    plane = make_plane("pca", run.params, ARCH)
    view = api.slice_run(run, "pca", GRID)  # compiles
    a = view.a1
    d1, d2 = plane.directions
    points = (plane.center + a[None, :, None] * d1 + a[:, None, None] * d2).reshape(
        -1, ARCH.size
    )
    points32 = points.astype(np.float32)
    ms, out = _side_by_side(
        {"slice": lambda: api.slice_run(run, "pca", GRID),
         "grid": lambda: slices.plane_grid(data, ARCH, "cross_entropy", plane, a, a),
         "numpy": lambda: numpy_loss(ARCH, data.x, data.y, points32)},
        repeats,
    )  # fmt: skip
    return {
        "slice_grid": GRID,
        "slice_samples": SAMPLES,
        "slice_weights": ARCH.size,
        "slice_ms": round(ms["slice"], 1),
        "slice_grid_only_ms": round(ms["grid"], 1),
        "slice_numpy_float32_ms": round(ms["numpy"], 1),
        "slice_grid_speedup_vs_numpy": round(ms["numpy"] / ms["grid"], 1),
        "slice_max_abs_diff_vs_numpy": float(
            np.abs(out["numpy"].reshape(GRID, GRID) - out["grid"]).max()
        ),
    }


def _varied(key: str) -> list[tuple]:
    """(start seed, rate, schedule, steps, hypers) of runs that must not retrace."""
    spec = optimizers.get(key)
    base = spec.resolve({})
    runs = [(s, spec.default_lr * (1 + 0.1 * s), Schedule(), n, base)
            for s, n in ((1, 1), (2, 77), (3, 2500))]  # fmt: skip
    runs.append((4, 0.01, Schedule("cosine", alpha=0.1), 50, base))
    for h in spec.hypers:
        value = h.check(h.default * 0.5 if h.default else (h.low + h.high) / 4)
        runs.append((5, 0.01, Schedule(), 50, base | {h.name: value}))
    return runs


def training_figures(data, repeats: int) -> dict:
    """Each optimizer: its first and warm 1,000-step runs, and retraces after."""
    per = {}
    for key in optimizers.REGISTRY:
        eng = engine(ARCH, key, "cross_entropy", data.task)
        hypers = optimizers.get(key).resolve({})
        lr = optimizers.get(key).default_lr

        def one(seed, eng=eng, hypers=hypers, lr=lr):
            start = glorot(ARCH, seed)
            return eng.run(data, start, lr * (1 + seed / 10), Schedule(), STEPS, hypers)

        first, _ = _ms(lambda: one(0), 1)
        traces = eng.traces
        seeds = iter(range(1, repeats + 1))
        warm, _ = _ms(lambda one=one, seeds=seeds: one(next(seeds)), repeats)
        for seed, rate, schedule, steps, h in _varied(key):
            eng.run(data, glorot(ARCH, seed), rate, schedule, steps, h)
        other = make_dataset("moons", SAMPLES - 13, seed=1)  # same padded size
        eng.run(other, glorot(ARCH, 9), lr, Schedule(), 10, hypers)
        per[key] = {"first_ms": round(first, 1), "warm_ms": round(warm, 2),
                    "retraces": eng.traces - traces}  # fmt: skip
    return per


def count_compiles() -> dict:
    """XLA modules compiled in this process (run by compiles.count_in_child):
    during a warm-up, then across runs and slices that must reuse them."""
    dump = os.environ["LANDSCAPE_XLA_DUMP"]
    data = make_dataset("moons", SAMPLES, seed=0)
    keys = ("sgd", "adam", "tf1_adam")
    for key in keys:
        eng = engine(ARCH, key, "cross_entropy", data.task)
        eng.run(data, glorot(ARCH, 0), 0.01, Schedule(), 10, eng.spec.resolve({}))
    run = api.train(data, net_config(ARCH.hidden, ARCH.activation, steps=STEPS))
    api.slice_run(run, "pca", GRID)
    before = compiles.modules(dump)
    for key in keys:
        eng = engine(ARCH, key, "cross_entropy", data.task)
        for seed, rate, schedule, steps, h in _varied(key):
            eng.run(data, glorot(ARCH, seed), rate, schedule, steps, h)
    for plane in ("random", "interpolate"):
        api.slice_run(run, plane, GRID, direction_seed=3)
    return {
        "warmup": len(before),
        "after_warmup": len(compiles.modules(dump) - before),
    }


def main(quick: bool = False, count: bool = False) -> dict:
    """Every figure of issue 14's targets, measured in this one process (the
    XLA compiles in a child that dumps them)."""
    if count:
        return count_compiles()
    repeats = 3 if quick else 9
    data = make_dataset("moons", SAMPLES, seed=0)
    per = training_figures(data, repeats)  # first: each first_ms compiles
    cfg = net_config(ARCH.hidden, ARCH.activation, optimizer="adam",
                     learning_rate=0.05, steps=STEPS)  # fmt: skip
    run = api.train(data, cfg)
    fn = model.batch_loss(ARCH, "cross_entropy", data.task)
    out = slice_figures(run, repeats)
    traces = fn.experimental_get_tracing_count()
    for plane in ("random", "interpolate"):
        api.slice_run(run, plane, GRID)
    out["slice_retraces_after_warmup"] = fn.experimental_get_tracing_count() - traces
    warm = [p["warm_ms"] for p in per.values()]
    out |= {
        "train_steps": STEPS,
        "train_warm_ms_median": round(float(np.median(warm)), 2),
        "train_warm_ms_max": round(float(np.max(warm)), 2),
        "train_retraces_after_warmup": sum(p["retraces"] for p in per.values()),
        # XLA modules compiled in a child: during its warm-up (must be > 0, or
        # the count after means nothing) and after it.
        "xla_compiles": None if quick else compiles.count_in_child("--net"),
        "per_optimizer": per,
    }
    return out
