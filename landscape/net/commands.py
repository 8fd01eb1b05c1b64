"""python -m landscape net-train | net-slice: the runs and slices as JSON."""

from __future__ import annotations

import numpy as np

from landscape import optimizers
from landscape.config import Schedule
from landscape.data.dataset import Dataset
from landscape.net import api
from landscape.net.config import net_config


def _config(args, params: dict[str, float]):
    spec = optimizers.get(args.optimizer)
    schedule = Schedule(
        args.schedule, args.decay_steps, args.decay_rate, args.staircase, args.alpha
    )
    return net_config(
        hidden=tuple(args.hidden or (8,)),
        activation=args.activation,
        params=params,
        loss=args.loss,
        optimizer=args.optimizer,
        learning_rate=spec.default_lr if args.lr is None else args.lr,
        steps=args.steps,
        schedule=schedule,
        init_seed=args.init_seed,
    )


def run_json(run: api.NetRun, data_settings: dict) -> dict:
    """net-train's output: params, losses, layout, diverged_at, settings."""
    cfg = run.config
    settings = data_settings | {
        "hidden": list(cfg.arch.hidden),
        "activation": cfg.arch.activation,
        "loss": cfg.loss,
        "optimizer": cfg.optimizer,
        "learning_rate": cfg.learning_rate,
        "steps": cfg.steps,
        "params": optimizers.get(cfg.optimizer).resolve(cfg.param_dict),
        "schedule": vars(cfg.schedule)
        | {"decay_steps": cfg.schedule.steps_for(cfg.steps)},
        "init_seed": cfg.init_seed,
        "weights": cfg.arch.size,
    }
    return {
        "params": run.params.tolist(),
        "losses": run.losses.tolist(),
        "layout": [{"name": n, "shape": list(s)} for n, s in run.layout],
        "diverged_at": run.diverged_at,
        "settings": settings,
    }


def slice_json(view) -> dict:
    """net-slice's additions: the plane, its grid and the projected path."""
    out = {
        "center": view.plane.center.tolist(),
        "directions": view.plane.directions.tolist(),
        "a1": view.a1.tolist(),
        "a2": view.a2.tolist(),
        "loss": view.loss.tolist(),
        "path": view.path.tolist(),
        "path_loss": view.path_loss.tolist(),
        "plane_loss_at_path": view.plane_loss_at_path.tolist(),
        "off_plane": view.off_plane.tolist(),
    }
    if view.plane.explained_variance is not None:
        out["explained_variance"] = view.plane.explained_variance.tolist()
    return out


def main(args, data: Dataset, data_settings: dict, params: dict[str, float]) -> dict:
    """Run net-train or net-slice on data for the parsed args."""
    if args.command == "net-slice":  # bad input fails before training
        api.check_slice(args.plane, args.grid, args.span, args.direction_seed)
    run = api.train(data, _config(args, params))
    out = run_json(run, data_settings)
    if args.command == "net-slice":
        view = api.slice_run(run, args.plane, args.grid, args.span, args.direction_seed)
        out |= slice_json(view)
        out["settings"] |= {
            "plane": args.plane,
            "grid": args.grid,
            "span": float(view.a1[-1]),
            "direction_seed": args.direction_seed,
        }
    return out


def summary(out: dict) -> str:
    """A few lines for a person: the run's start and end, and the slice's reach."""
    s, loss = out["settings"], out["losses"]
    lines = [
        f"{s['optimizer']} lr={s['learning_rate']:g} on a 2-"
        + "-".join(str(h) for h in s["hidden"])
        + f"-1 {s['activation']} net ({s['weights']} weights)",
        f"loss {loss[0]:.6f} at the start, {loss[-1]:.6f} after {len(loss) - 1} steps",
    ]
    if out["diverged_at"] is not None:
        lines.append(f"diverged at step {out['diverged_at']}")
    if "off_plane" in out:
        off = np.asarray(out["off_plane"])
        lines.append(
            f"{s['plane']} plane, {s['grid']}x{s['grid']} grid over ±{s['span']:.4g}; "
            f"the path is up to {off.max():.4g} off the plane"
        )
    return "\n".join(lines)
