"""Mini-batches for the compiled loop, as per-example weights of a fixed shape."""

from __future__ import annotations

import numpy as np
import tensorflow as tf


class Batches:
    """Mini-batches as per-example weights: 1/len(batch) inside, 0 outside.

    Each epoch is a fresh permutation from np.random.default_rng(seed); batches
    are consecutive slices of it, the last one possibly smaller. Weights keep the
    compiled loop's shapes fixed whatever the batch size.
    """

    def __init__(self, n: int, size: int, seed: int, width: int):
        """n examples in batches of size; width >= n columns (padding rows get 0)."""
        self.n, self.size, self.width = n, size, width
        self.per_epoch = -(-n // size)
        self.rng = np.random.default_rng(seed)
        self.perms: list[np.ndarray] = []

    def weights(self, k0: int, rows: int) -> tf.Tensor:
        out = np.zeros((rows, self.width), np.float32)
        for r in range(rows):
            epoch, j = divmod(k0 + r, self.per_epoch)
            while len(self.perms) <= epoch:
                self.perms.append(self.rng.permutation(self.n))
            idx = self.perms[epoch][j * self.size : (j + 1) * self.size]
            out[r, idx] = 1.0 / len(idx)
        return tf.constant(out)
