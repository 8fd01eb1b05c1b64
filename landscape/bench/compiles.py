"""Runs that must not recompile, and the XLA compiles counted in a child process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from landscape import optimizers, surface, trainer
from landscape.config import RunConfig
from landscape.data.presets import make_dataset

PATH_STEPS = 1000  # steps of every timed path


def warm_configs(key: str, repeats: int) -> list[RunConfig]:
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


def variations(key: str) -> list[RunConfig]:
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


def count_compiles() -> dict:
    """Run in a child whose XLA_FLAGS dump every compiled module; count them."""
    data = make_dataset("blobs", 200, seed=0)
    dump = os.environ["LANDSCAPE_XLA_DUMP"]
    keys = ("sgd", "momentum", "adam", "tf1_adam")
    box = (-3.0, 3.0)
    for key in keys:
        trainer.run(data, RunConfig(optimizer=key, steps=10))
    surface.loss_surface(data, "cross_entropy", box, box, 51)
    before = modules(dump)
    for key in keys:
        for cfg in warm_configs(key, 3) + variations(key):
            trainer.run(data, cfg)
    after = modules(dump)
    # Other sample counts that dataset.padded rounds to the same size as 200.
    for n in (193, 211, 224):
        other = make_dataset("blobs", n, seed=n)
        for key in keys:
            trainer.run(other, RunConfig(optimizer=key, steps=10))
        surface.loss_surface(other, "cross_entropy", box, box, 51)
    return {
        "warmup": len(before),
        "after_warmup": len(after - before),
        "after_new_sample_counts": len(modules(dump) - after),
    }


def modules(dump: str) -> set[str]:
    """XLA writes module_NNNN.* files for each module it compiles."""
    return {name.split(".")[0] for name in os.listdir(dump)}


def count_in_child(*flags: str) -> dict | None:
    """count_compiles (bench --count-compiles with `flags`) in a child that dumps
    every XLA module; None if it failed."""
    with tempfile.TemporaryDirectory() as dump:
        env = dict(
            os.environ,
            LANDSCAPE_XLA_DUMP=dump,
            XLA_FLAGS=f"--xla_dump_to={dump} --xla_dump_hlo_as_text",
        )
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "landscape",
                "bench",
                *flags,
                "--count-compiles",
                "--json",
            ],  # fmt: skip
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if out.returncode != 0:
            return None
        return json.loads(out.stdout)
