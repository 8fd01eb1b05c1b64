"""Frozen settings of one small-network run, with their validation: NetConfig."""

from __future__ import annotations

from dataclasses import dataclass, field

from landscape.config import Schedule, learning_rate, make_params, whole
from landscape.net.layout import Architecture

# Every step's weights are kept (steps+1, P), and P reaches 337, so the cap is
# lower than the two-weight model's.
NET_MAX_STEPS = 10_000


@dataclass(frozen=True)
class NetConfig:
    """Everything that defines one network run, apart from the data.

    params holds the optimizer's hyperparameters as sorted (name, value) pairs
    (config.make_params); unnamed ones take TensorFlow's defaults. init_seed
    seeds the Glorot start (layout.glorot).
    """

    arch: Architecture = field(default_factory=Architecture)
    loss: str = "cross_entropy"
    optimizer: str = "adam"
    learning_rate: float = 0.01
    steps: int = 200
    params: tuple[tuple[str, float], ...] = ()
    schedule: Schedule = field(default_factory=Schedule)
    init_seed: int = 0

    def __post_init__(self) -> None:
        learning_rate(self.learning_rate)
        whole("steps", self.steps, 0, NET_MAX_STEPS)
        whole("init seed", self.init_seed, 0, 2**32 - 1)

    @property
    def param_dict(self) -> dict[str, float]:
        return dict(self.params)


def net_config(
    hidden: tuple[int, ...] = (8,),
    activation: str = "tanh",
    params: dict[str, float] | None = None,
    **settings,
) -> NetConfig:
    """A NetConfig from plain values: hidden units per layer, the activation,
    hyperparameters as a dict, and NetConfig's other fields by name."""
    arch = Architecture(tuple(hidden), activation)
    return NetConfig(arch=arch, params=make_params(params), **settings)
