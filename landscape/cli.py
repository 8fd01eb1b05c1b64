"""python -m landscape train | surface | curvature | render | net-train | net-slice |
bench: a stable CLI."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence

from landscape.cli_parser import BadInput, parser

EXIT_BAD_INPUT = 2


def _render(args) -> dict:
    import time

    from landscape import api

    options = {k: getattr(args, k) for k in ("width", "height", "frames", "fps")}
    api.check_output(args.out, **options)  # before training: bad input fails fast
    if not os.path.isdir(os.path.dirname(os.path.abspath(args.out))):
        raise BadInput(f"cannot write {args.out}: its folder does not exist")
    view = {k: getattr(args, k) for k in ("seed", "grid", "w1", "w2")}
    data = _dataset(args)
    comp = api.comparison(
        data, args.loss, args.run, data_settings=_data_settings(args, data), **view
    )
    began = time.perf_counter()
    try:
        fmt = api.save(comp, args.out, classroom=args.classroom, **options)
    except OSError as e:
        raise BadInput(f"cannot write {args.out}: {e.strerror or e}") from None
    return {
        "out": args.out,
        "format": fmt,
        "bytes": os.path.getsize(args.out),
        "runs": [r.label for r in comp.runs],
        "seconds": round(time.perf_counter() - began, 3),
    }


def _params(pairs: list[str]) -> dict[str, float]:
    out = {}
    for pair in pairs:
        name, eq, value = pair.partition("=")
        if not eq or not name:
            raise BadInput(
                f"--param {pair!r} must look like NAME=VALUE, e.g. momentum=0.9"
            )
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise BadInput(f"--param {name}: {value!r} is not a number") from None
    return out


def _dataset(args):
    from landscape.data import csvfile, presets

    if args.data:
        try:
            return csvfile.load_csv(args.data, name=os.path.basename(args.data))
        except OSError as e:
            raise BadInput(f"cannot read {args.data}: {e.strerror or e}") from None
    args.dataset = args.dataset or "blobs"
    return presets.make_dataset(args.dataset, args.samples, args.noise, args.seed)


def _data_settings(args, data) -> dict:
    from landscape import api

    if args.data:
        return api.data_settings(data, file=args.data)
    return api.data_settings(
        data,
        preset=args.dataset,
        samples=args.samples,
        noise=args.noise,
        seed=args.seed,
    )


def _train(args) -> dict:
    from landscape import curvature, export, optimizers, runspec, trainer
    from landscape.config import RunConfig, Schedule, make_params

    data = _dataset(args)
    spec = optimizers.get(args.optimizer)
    schedule = Schedule(
        args.schedule, args.decay_steps, args.decay_rate, args.staircase, args.alpha
    )
    cfg = RunConfig(
        loss=args.loss,
        optimizer=args.optimizer,
        learning_rate=spec.default_lr if args.lr is None else args.lr,
        steps=args.steps,
        start=tuple(args.start),
        params=make_params(_params(args.param)),
        schedule=schedule,
        batch_size=args.batch_size,
        seed=args.seed,
    )
    traj = curvature.record(data, cfg, trainer.run(data, cfg))
    settings = (
        _data_settings(args, data)
        | runspec.config_settings(cfg)
        | {"xla": traj.compiled}
    )
    return export.trajectory_fields(traj) | {"settings": settings}


def _curvature(args) -> dict:
    from landscape import curvature, optimizers, stability
    from landscape.config import finite

    data = _dataset(args)
    at = [
        finite(f"--at {n}", v, "give two finite weights")
        for n, v in zip(("W1", "W2"), args.at)
    ]
    params = _params(args.param)
    hypers = optimizers.get(args.optimizer).resolve(params)
    h = curvature.hessian(data, args.loss, at)
    out = stability.describe(h, args.optimizer, hypers, args.loss, data.task)
    return out | {
        "settings": _data_settings(args, data)
        | {"loss": args.loss, "at": at, "optimizer": args.optimizer, "params": hypers}
    }


def _surface(args) -> dict:
    from landscape.surface import loss_surface

    data = _dataset(args)
    surf = loss_surface(data, args.loss, tuple(args.w1), tuple(args.w2), args.grid)
    return {
        "w1": surf.w1.tolist(),
        "w2": surf.w2.tolist(),
        "loss": surf.loss.tolist(),
        "settings": _data_settings(args, data)
        | {"loss": args.loss, "grid": args.grid, "w1": args.w1, "w2": args.w2},
    }


def _net(args) -> dict:
    from landscape.net import commands

    data = _dataset(args)
    return commands.main(args, data, _data_settings(args, data), _params(args.param))


def _summary(command: str, out: dict) -> str:
    if command.startswith("net-"):
        from landscape.net import commands

        return commands.summary(out)
    if command == "train":
        s, w, loss = out["settings"], out["weights"], out["losses"]
        source = s.get("dataset") or s.get("data")
        lines = [f"{s['optimizer']} lr={s['learning_rate']:g} on {source}"]
        if w:
            lines.append(f"start w=({w[0][0]:.4f}, {w[0][1]:.4f}) loss={loss[0]:.6f}")
            lines.append(
                f"end   w=({w[-1][0]:.4f}, {w[-1][1]:.4f}) loss={loss[-1]:.6f} "
                f"after {len(w) - 1} steps"
            )
        if out["diverged_at"] is not None:
            lines.append(f"diverged at step {out['diverged_at']}")
        return "\n".join(lines)
    if command == "render":
        return (
            f"wrote {out['out']} ({out['format']}, {out['bytes']:,} bytes, "
            f"runs: {'; '.join(out['runs'])}) in {out['seconds']:.2f} s"
        )
    if command == "curvature":
        lo, hi = out["eigenvalues"]
        ratio, limit, best = (out[k] for k in ("condition_number", "max_stable_lr",
                                                 "best_lr"))  # fmt: skip
        name = out["settings"]["optimizer"]
        parts = [
            f"eigenvalues {lo:.6g}, {hi:.6g} at w={tuple(out['settings']['at'])}",
            None if ratio is None else f"condition number {ratio:.4g}",
            f"no learning-rate limit: {out['reason']}"
            if limit is None
            else f"{name} is stable below lr {limit:.6g}",
            None if best is None else f"fastest near lr {best:.6g}",
        ]
        return "\n".join(p for p in parts if p)
    if command == "surface":
        import numpy as np

        loss = np.asarray(out["loss"])
        i, j = np.unravel_index(loss.argmin(), loss.shape)
        return (
            f"{loss.shape[0]}x{loss.shape[1]} grid, min loss {loss[i, j]:.6f} at "
            f"w1={out['w1'][j]:.4f} w2={out['w2'][i]:.4f}"
        )
    return json.dumps(out, indent=2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = parser(__doc__).parse_args(argv)
        if args.command == "bench" and args.browser:
            from landscape.bench import browser as browser_bench

            out = browser_bench.main()
        elif args.command == "bench" and args.export:
            from landscape.bench import export as export_bench

            out = export_bench.main(quick=args.quick)
        elif args.command == "bench" and args.net:
            from landscape.bench import net as net_bench

            out = net_bench.main(quick=args.quick, count=args.count_compiles)
        elif args.command == "bench":
            from landscape.bench import engine as bench

            out = bench.main(quick=args.quick, count_compiles=args.count_compiles)
        else:
            commands = {"train": _train, "surface": _surface, "render": _render,
                        "curvature": _curvature, "net-train": _net,
                        "net-slice": _net}  # fmt: skip
            out = commands[args.command](args)
    except (BadInput, ValueError) as e:
        message = " ".join(str(e).split())  # one line, whatever the source said
        print(f"landscape: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(json.dumps(out) if args.json else _summary(args.command, out))
    return 0
