"""python -m landscape bench: the engine timed side by side with its baselines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf

from landscape import optimizers, surface, trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset

PATH_STEPS = 1000
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


def _warm_configs(key: str, repeats: int) -> list[RunConfig]:
    """Runs that each change the learning rate and start: nothing to retrace."""
    spec = optimizers.get(key)
    return [
        RunConfig(
            optimizer=key,
            learning_rate=spec.default_lr * (1 + 0.1 * r),
            steps=PATH_STEPS,
            start=(-2.0 + 0.1 * r, 2.0 - 0.05 * r),
        )
        for r in range(1, repeats + 1)
    ]


def _variations(key: str) -> list[RunConfig]:
    """Runs that change steps and each hyperparameter: also nothing to retrace."""
    spec = optimizers.get(key)
    out = [RunConfig(optimizer=key, learning_rate=0.05, steps=s) for s in (1, 77, 2500)]
    for h in spec.hypers:
        value = h.default * 0.5 if h.default else (h.low + h.high) / 4
        out.append(
            RunConfig(
                optimizer=key,
                learning_rate=0.05,
                steps=50,
                params=((h.name, h.check(value)),),
            )
        )
    return out


def paths(data, repeats: int) -> dict:
    """First (compiling) and warm runs of every optimizer, with retrace counts."""
    per = {}
    for key in optimizers.REGISTRY:
        cfg = RunConfig(optimizer=key, learning_rate=0.05, steps=PATH_STEPS)
        first, _ = _ms(lambda cfg=cfg: trainer.run(data, cfg), 1)
        engine = trainer.engine(key, cfg.loss, data.task)
        traces = engine.traces
        runs = iter(_warm_configs(key, repeats))
        warm, traj = _ms(lambda runs=runs: trainer.run(data, next(runs)), repeats)
        for v in _variations(key):
            trainer.run(data, v)
        per[key] = {
            "first_ms": round(first, 1),
            "warm_ms": round(warm, 3),
            "retraces": engine.traces - traces,
            "xla": traj.compiled,
        }
    return per


def eager_loop(data, key: str, steps: int = PATH_STEPS) -> None:
    """The course's style: GradientTape and apply_gradients in a Python loop."""
    w = tf.Variable([[-2.0], [2.0]])
    opt = {"sgd": tf.keras.optimizers.SGD, "adam": tf.keras.optimizers.Adam}[key](0.05)
    x, labels = tf.constant(data.x), tf.constant(data.y[:, None])
    for _ in range(steps):
        with tf.GradientTape() as tape:
            logits = tf.matmul(x, w)
            cross_entropy = tf.nn.sigmoid_cross_entropy_with_logits(
                labels=labels, logits=logits
            )
            loss = tf.math.reduce_mean(cross_entropy)
        opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))


def numpy_loop(data, key: str, steps: int = PATH_STEPS) -> np.ndarray:
    """The same update in float64 NumPy: Keras's published SGD and Adam rules."""
    x, y = data.x.astype(np.float64), data.y.astype(np.float64)
    w, m, v = np.array([-2.0, 2.0]), np.zeros(2), np.zeros(2)
    lr, b1, b2, eps = 0.05, 0.9, 0.999, 1e-7
    for t in range(1, steps + 1):
        # d/dw mean(log(1 + e^z) - y z) = mean((sigmoid(z) - y) x)
        g = x.T @ (1.0 / (1.0 + np.exp(-(x @ w))) - y) / len(y)
        if key == "sgd":
            w = w - lr * g
            continue
        m += (1 - b1) * (g - m)
        v += (1 - b2) * (g * g - v)
        w = w - lr * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return w


def numpy_surface(data, w1: np.ndarray, w2: np.ndarray) -> np.ndarray:
    """Cross-entropy over the grid in float32 NumPy, vectorised over the grid."""
    x, y = data.x, data.y
    z = w1[None, :, None] * x[:, 0] + w2[:, None, None] * x[:, 1]
    each = np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))
    return each.mean(axis=-1)


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


def count_compiles() -> dict:
    """Run in a child whose XLA_FLAGS dump every compiled module; count them."""
    data = make_dataset("blobs", 200, seed=0)
    dump = os.environ["LANDSCAPE_XLA_DUMP"]
    keys = ("sgd", "momentum", "adam", "tf1_adam")
    box = (-3.0, 3.0)
    for key in keys:
        trainer.run(data, RunConfig(optimizer=key, steps=10))
    surface.loss_surface(data, "cross_entropy", box, box, 51)
    before = _modules(dump)
    for key in keys:
        for cfg in _warm_configs(key, 3) + _variations(key):
            trainer.run(data, cfg)
    after = _modules(dump)
    # Other sample counts that dataset.padded rounds to the same size as 200.
    for n in (193, 211, 224):
        other = make_dataset("blobs", n, seed=n)
        for key in keys:
            trainer.run(other, RunConfig(optimizer=key, steps=10))
        surface.loss_surface(other, "cross_entropy", box, box, 51)
    return {
        "warmup": len(before),
        "after_warmup": len(after - before),
        "after_new_sample_counts": len(_modules(dump) - after),
    }


def _modules(dump: str) -> set[str]:
    """XLA writes module_NNNN.* files for each module it compiles."""
    return {name.split(".")[0] for name in os.listdir(dump)}


def _compiles_in_child() -> dict | None:
    with tempfile.TemporaryDirectory() as dump:
        env = dict(
            os.environ,
            LANDSCAPE_XLA_DUMP=dump,
            XLA_FLAGS=f"--xla_dump_to={dump} --xla_dump_hlo_as_text",
        )
        out = subprocess.run(
            [sys.executable, "-m", "landscape", "bench", "--count-compiles", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode != 0:
            return None
        return json.loads(out.stdout)


def main(quick: bool = False, count_compiles: bool = False) -> dict:
    """Every figure the engine issue asks for, measured in this one process."""
    if count_compiles:
        return globals()["count_compiles"]()
    repeats = 3 if quick else 7
    data = make_dataset("blobs", 200, seed=0)
    per = paths(data, repeats)
    baselines = {}
    for key in BASELINE_KEYS:
        cfgs = iter(_warm_configs(key, 3 * repeats))
        ms, _ = _side_by_side(
            {"engine": lambda c=cfgs: trainer.run(data, next(c)),
             "eager": lambda k=key: eager_loop(data, k),
             "numpy": lambda k=key: numpy_loop(data, k)},
            1 if quick else 3,
        )  # fmt: skip
        baselines[key] = {
            "engine_warm_ms": round(ms["engine"], 3),
            "eager_ms": round(ms["eager"], 1),
            "numpy_float64_ms": round(ms["numpy"], 2),
            "speedup_vs_eager": round(ms["eager"] / ms["engine"], 1),
            "speedup_vs_numpy": round(ms["numpy"] / ms["engine"], 2),
        }
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
        "xla_compiles": None if quick else _compiles_in_child(),
        "not_compiled": [k for k, p in per.items() if not p["xla"]],
        "baselines": baselines,
        "speedup_vs_eager_median": round(
            float(np.median([b["eager_ms"] for b in baselines.values()])) / warm, 1
        ),
    }
    out |= surfaces(repeats)
    out["per_optimizer"] = per
    return out
