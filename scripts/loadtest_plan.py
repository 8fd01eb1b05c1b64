"""What each load-test session does, and what it must get back from the server.

Every session has its own data set, seed and start, and every interaction its
own optimizer, learning rate and steps; `verify` recomputes each run with
`landscape.trainer.run` and compares it with the path the session received.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

import numpy as np

DATASETS = (("blobs", "cross_entropy"), ("overlap", "cross_entropy"),
            ("dose", "cross_entropy"), ("line", "mse"))  # fmt: skip
OPTIMIZERS = ("sgd", "momentum", "adam", "rmsprop", "nadam", "adagrad")
STEPS = (100, 200, 300)
SAMPLES = 200  # one sample count: each new count is a new XLA compile


@dataclass(frozen=True)
class Settings:
    """One interaction's settings: what the live run must be computed from."""

    dataset: str
    loss: str
    seed: int
    optimizer: str
    lr: float
    w1: float
    w2: float
    steps: int

    def query(self) -> str:
        return (f"dataset={self.dataset}&loss={self.loss}&seed={self.seed}"
                f"&samples={SAMPLES}&optimizer={self.optimizer}&lr={self.lr:g}"
                f"&w1={self.w1:g}&w2={self.w2:g}&steps={self.steps}")  # fmt: skip


def settings_from(query: str) -> Settings:
    """The settings in a URL the app wrote (the inverse of Settings.query)."""
    from landscape import links

    state, warnings = links.parse_query(urllib.parse.parse_qs(query))
    if warnings or state.samples != SAMPLES:
        raise ValueError(f"the app wrote a URL it cannot read back: {warnings}")
    return Settings(state.dataset, state.loss, state.seed, state.optimizer,
                    state.lr, state.w1, state.w2, state.steps)  # fmt: skip


def plan(session: int, interactions: int, optimizers=OPTIMIZERS) -> list[Settings]:
    """Settings for the page load (index 0) and each interaction after it.

    Learning rates differ between every (session, interaction), so a session that
    received another's run could not match its own settings by accident.
    """
    dataset, loss = DATASETS[session % len(DATASETS)]
    out = []
    for k in range(interactions + 1):
        lr = (session + 1) * 0.01 + (k + 1) * 0.01 / (interactions + 2)
        out.append(Settings(
            dataset, loss, seed=session,
            optimizer=optimizers[(session + k) % len(optimizers)],
            lr=float(f"{lr:.4g}"), w1=round(-2 + 0.1 * (session % 20), 3),
            w2=round(2 - 0.25 * (k % 8), 3), steps=STEPS[(session + k) % 3],
        ))  # fmt: skip
    return out


def widget_values(s: Settings) -> dict[str, object]:
    from landscape import optimizers
    from landscape.settings import BY_NAME

    values = {"optimizer": optimizers.get(s.optimizer).label, "lr": s.lr,
              "w1": s.w1, "w2": s.w2, "steps": s.steps}  # fmt: skip
    return {BY_NAME[name].widget: value for name, value in values.items()}


def label(s: Settings) -> str:
    """The live path's legend name the app must show for these settings."""
    from landscape.runspec import run_label

    return f"{run_label(s.optimizer, s.lr)} (live)"


def expected(s: Settings) -> np.ndarray:
    """The engine's path for these settings, (steps+1, 2), computed here."""
    from landscape import trainer
    from landscape.config import RunConfig
    from landscape.data import presets

    data = presets.make_dataset(s.dataset, SAMPLES, None, s.seed)
    cfg = RunConfig(loss=s.loss, optimizer=s.optimizer, learning_rate=s.lr,
                    steps=s.steps, start=(s.w1, s.w2), seed=s.seed)  # fmt: skip
    return trainer.run(data, cfg).weights


def verify(paths) -> list[str]:
    """Each received (session, settings, name, path) against the engine's run."""
    problems = []
    for who, s, name, xy in paths:
        want = expected(s)
        same = want.shape == xy.shape and np.allclose(want, xy, rtol=0, atol=1e-6)
        if name != label(s) or not same:
            where = ""
            if want.shape == xy.shape:  # how far, and from which step
                gap = np.abs(want - xy).max(axis=1)
                first = int(np.argmax(gap > 1e-6))
                where = f" (max |diff| {gap.max():.3g} from step {first})"
            problems.append(f"session {who}: got {name!r} {xy.shape}, expected "
                            f"{label(s)!r} {want.shape} for {s}{where}")  # fmt: skip
    return problems
