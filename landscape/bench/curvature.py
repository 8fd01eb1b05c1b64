"""The cost of recording curvature: the batched Hessian after a 1,000-step run."""

from __future__ import annotations

import time

import numpy as np

from landscape import curvature, optimizers, trainer
from landscape.bench.compiles import PATH_STEPS, warm_configs
from landscape.data.dataset import Dataset

KEYS = ("sgd", "adam")  # plain, and the Adam family with its preconditioner


def _median_ms(samples: list[float]) -> float:
    return float(np.median(samples) * 1000)


def recording(data: Dataset, repeats: int) -> dict:
    """Per key: the warm run and the curvature of its 1,001 rows, timed in turn.

    Each round times a warm run, then sharpness_along over that run's rows
    (every Hessian in one batched call, their eigenvalues, and for Adam P^-1 H),
    so the two share whatever load the machine has at that moment.
    """
    out = {}
    for key in KEYS:
        hypers = optimizers.get(key).resolve({})
        cfgs = warm_configs(key, repeats + 1)
        traj = trainer.run(data, cfgs[0])
        curvature.sharpness_along(data, cfgs[0].loss, key, hypers, traj)  # compile
        runs, curves = [], []
        for cfg in cfgs[1:]:
            t = time.perf_counter()
            traj = trainer.run(data, cfg)
            runs.append(time.perf_counter() - t)
            t = time.perf_counter()
            curvature.sharpness_along(data, cfg.loss, key, hypers, traj)
            curves.append(time.perf_counter() - t)
        run_ms, curve_ms = _median_ms(runs), _median_ms(curves)
        out[key] = {
            "rows": len(traj.weights),
            "path_warm_ms": round(run_ms, 3),
            "curvature_ms": round(curve_ms, 3),
            "curvature_overhead_pct": round(100 * curve_ms / run_ms, 1),
        }
    return out


def summary(per_key: dict) -> dict:
    """The figures the issue asks for: the worst key's overhead, each measured
    side by side with its own warm run (never against a path_warm_ms timed at
    another moment, which on a shared machine can differ by half)."""
    worst = max(per_key, key=lambda k: per_key[k]["curvature_overhead_pct"])
    return {
        "curvature_steps": PATH_STEPS,
        "curvature_ms": per_key[worst]["curvature_ms"],
        # The target: recording curvature costs at most 25% of the warm run.
        "curvature_overhead_pct": per_key[worst]["curvature_overhead_pct"],
        "curvature": per_key,
    }
