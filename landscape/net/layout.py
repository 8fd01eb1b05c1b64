"""The MLP's architecture, its flat weight vector's layout, and Glorot's init."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ACTIVATIONS = ("tanh", "relu")
UNITS_RANGE = (2, 16)  # units per hidden layer
MAX_HIDDEN_LAYERS = 2
INPUTS = 2  # the data's two features


@dataclass(frozen=True)
class Architecture:
    """2 inputs -> hidden layers of `hidden` units (activation) -> 1 sigmoid output.

    The weights travel as one flat vector of `size` numbers: for each layer
    (hidden ones, then the output) its kernel (in, out) row-major, then its
    bias (out,), in the order of `layout`.
    """

    hidden: tuple[int, ...] = (8,)
    activation: str = "tanh"

    def __post_init__(self) -> None:
        lo, hi = UNITS_RANGE
        if not 1 <= len(self.hidden) <= MAX_HIDDEN_LAYERS:
            raise ValueError(
                f"{len(self.hidden)} hidden layers; 1 or {MAX_HIDDEN_LAYERS} allowed"
            )
        for units in self.hidden:
            whole = isinstance(units, (int, np.integer)) and not isinstance(units, bool)
            if not whole or not lo <= units <= hi:
                raise ValueError(
                    f"hidden layer of {units!r} units; each hidden layer "
                    f"takes {lo} to {hi} units"
                )
        if self.activation not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {self.activation!r}; "
                f"choose one of {', '.join(ACTIVATIONS)}"
            )

    @property
    def widths(self) -> tuple[int, ...]:
        """Units per layer, inputs first: (2, *hidden, 1)."""
        return (INPUTS, *self.hidden, 1)

    @property
    def layers(self) -> list[tuple[int, int]]:
        """(fan_in, fan_out) of each dense layer."""
        w = self.widths
        return list(zip(w[:-1], w[1:]))

    @property
    def layout(self) -> list[tuple[str, tuple[int, ...]]]:
        """(name, shape) of each tensor in flattening order."""
        names = [f"hidden_{k + 1}" for k in range(len(self.hidden))] + ["output"]
        out = []
        for name, (fan_in, fan_out) in zip(names, self.layers):
            out += [(f"{name}/kernel", (fan_in, fan_out)), (f"{name}/bias", (fan_out,))]
        return out

    @property
    def size(self) -> int:
        """P, the number of weights."""
        return sum(fan_in * fan_out + fan_out for fan_in, fan_out in self.layers)

    def units(self) -> list[np.ndarray]:
        """Each unit's incoming kernel weights as indices into the flat vector.

        Unit c of a layer with kernel (in, out) at offset o owns the entries
        o + r * out + c for r < in: column c of the row-major kernel.
        """
        out, offset = [], 0
        for fan_in, fan_out in self.layers:
            for c in range(fan_out):
                out.append(offset + np.arange(fan_in) * fan_out + c)
            offset += fan_in * fan_out + fan_out
        return out

    def biases(self) -> np.ndarray:
        """Indices of every bias in the flat vector."""
        out, offset = [], 0
        for fan_in, fan_out in self.layers:
            offset += fan_in * fan_out
            out.append(offset + np.arange(fan_out))
            offset += fan_out
        return np.concatenate(out)


def glorot(arch: Architecture, seed: int) -> np.ndarray:
    """Keras's default init, seeded: kernels Glorot-uniform, biases zero.

    Glorot and Bengio (2010): kernel entries uniform in [-l, l] with
    l = sqrt(6 / (fan_in + fan_out)), so each layer keeps its signal's variance.

    Returns:
        (P,) float32 flat weights.
    """
    rng = np.random.default_rng(seed)
    parts = []
    for fan_in, fan_out in arch.layers:
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        parts += [rng.uniform(-limit, limit, fan_in * fan_out), np.zeros(fan_out)]
    return np.concatenate(parts).astype(np.float32)
