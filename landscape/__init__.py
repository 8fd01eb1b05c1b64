"""landscape: TensorFlow's optimizers over the true loss surface of a two-weight model.

The public names, re-exported. They load on first use (PEP 562), so that
`import landscape` and `python -m landscape` do not import TensorFlow before the
command line has quieted its start-up notices.

    import landscape
    data = landscape.make_dataset("overlap")
    fig = landscape.compare(data, "cross_entropy", ["adam lr=0.1", "sgd lr=0.5"])
    fig.show()
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "landscape.api": ("Comparison", "compare", "comparison", "parse_run", "render",
                      "save", "config_settings", "FORMATS"),
    "landscape.config": ("RunConfig", "Schedule", "MAX_STEPS"),
    "landscape.data.csvfile": ("load_csv",),
    "landscape.data.dataset": ("Dataset",),
    "landscape.data.presets": ("PRESETS", "make_dataset"),
    "landscape.figures": ("RunView", "contour_figure", "loss_figure",
                          "surface3d_figure", "data_figure", "SCREEN", "CLASSROOM"),
    "landscape.losses": ("LOSSES",),
    "landscape.optimizers": ("REGISTRY",),
    "landscape.surface": ("Surface", "loss_at", "loss_surface"),
    "landscape.trainer": ("run", "train"),
    "landscape.trajectory": ("Trajectory",),
}  # fmt: skip
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'landscape' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
