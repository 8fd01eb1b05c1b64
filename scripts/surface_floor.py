"""Where the 201 x 201 x 1,000 cross-entropy surface spends its time.

Usage: python scripts/surface_floor.py [--repeats 7]

Times, side by side in one process (interleaved round by round), XLA kernels
that each compute a part of the surface's work over the same grid, and the
NumPy float32 baseline of `python -m landscape bench`:

  logits   w1*x1 + w2*x2 and the mean over examples: the kernel's floor
  exp      plus exp(-|z|)
  log1p    plus log1p(|z|)
  surface  TensorFlow's sigmoid_cross_entropy_with_logits, as the app draws it
           (landscape.surface.loss_surface)
  numpy    NumPy float32, vectorised over the grid (the bench's baseline)

It exists to show, with numbers, that the exact loss is bound by the cost of
XLA's exp and log1p, not by memory or by the reduction.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from landscape import losses, surface  # noqa: E402
from landscape.bench.engine import (  # noqa: E402
    SURFACE_GRID,
    SURFACE_SAMPLES,
    _side_by_side,
    numpy_surface,
)
from landscape.data.presets import make_dataset  # noqa: E402

PARTS = {
    "logits": lambda z: z,
    "exp": lambda z: tf.exp(-tf.abs(z)),
    "log1p": lambda z: tf.math.log1p(tf.abs(z)),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args()
    data = make_dataset("blobs", SURFACE_SAMPLES, seed=0)
    box = (-6.0, 6.0)
    s = surface.loss_surface(data, "cross_entropy", box, box, SURFACE_GRID)
    mesh = tf.constant(np.stack(np.meshgrid(s.w1, s.w2), axis=-1))
    x = tf.constant(data.x)
    fns = {}
    for name, part in PARTS.items():
        kernel = tf.function(
            lambda x, w, part=part: tf.math.reduce_mean(
                part(losses.logits(x, w)), axis=-1
            ),
            jit_compile=True,
        )
        kernel(x, mesh)  # compile outside the timing
        fns[name] = lambda kernel=kernel: kernel(x, mesh).numpy()
    fns["surface"] = lambda: (
        surface.loss_surface(data, "cross_entropy", box, box, SURFACE_GRID).loss
    )
    fns["numpy"] = lambda: numpy_surface(data, s.w1, s.w2)
    ms, _ = _side_by_side(fns, args.repeats)
    print(json.dumps({name: round(v, 1) for name, v in ms.items()}))


if __name__ == "__main__":
    main()
