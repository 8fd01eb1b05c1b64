"""The command line's argparse parser: bad input is one line on stderr, status 2."""

from __future__ import annotations

import argparse


class BadInput(Exception):
    """Input the user must fix; shown as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr, status 2."""

    def error(self, message: str) -> None:
        raise BadInput(message)


def parser(description: str) -> Parser:
    """The parser of python -m landscape train|surface|curvature|render|net-train|
    net-slice|bench."""
    p = Parser(prog="python -m landscape", description=description)
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    _train_parser(sub)
    _surface_parser(sub)
    _curvature_parser(sub)
    _render_parser(sub)
    _net_parsers(sub)
    _bench_parser(sub)
    return p


def _data_options(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group()
    source.add_argument("--dataset", help="a preset name (default: blobs)")
    source.add_argument("--data", metavar="FILE.csv", help="a CSV file (see README)")
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--noise", type=float, default=None, help="default: the preset's")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--loss", default="cross_entropy", help="cross_entropy, mse (L2) or mae (L1)"
    )


def _train_parser(sub) -> None:
    t = sub.add_parser("train", help="train and print the path")
    _data_options(t)
    t.add_argument("--optimizer", default="sgd", help="a registry key")
    t.add_argument("--lr", type=float, default=None, help="default: TF's default")
    t.add_argument("--steps", type=int, default=100)
    t.add_argument(
        "--start", type=float, nargs=2, default=[-2.0, 2.0], metavar=("W1", "W2")
    )
    t.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    _schedule_options(t)
    t.add_argument("--batch-size", type=int, default=None)
    t.add_argument("--json", action="store_true", help="print one JSON object")


def _schedule_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--schedule", default="constant", help="constant, exponential or cosine"
    )
    p.add_argument("--decay-steps", type=int, default=None)
    p.add_argument("--decay-rate", type=float, default=0.5)
    p.add_argument("--staircase", action="store_true")
    p.add_argument("--alpha", type=float, default=0.0)


def _net_parser(sub, name: str, help: str) -> argparse.ArgumentParser:
    n = sub.add_parser(name, help=help)
    _data_options(n)
    n.set_defaults(dataset="circles")
    n.add_argument(
        "--hidden",
        type=int,
        action="append",
        metavar="UNITS",
        help="units of a hidden layer (2 to 16); twice for two layers",
    )
    n.add_argument("--activation", default="tanh", help="tanh or relu")
    n.add_argument("--optimizer", default="adam", help="a registry key")
    n.add_argument("--lr", type=float, default=None, help="default: TF's default")
    n.add_argument("--steps", type=int, default=200)
    n.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    _schedule_options(n)
    n.add_argument("--init-seed", type=int, default=0, help="seeds the Glorot start")
    n.add_argument("--json", action="store_true", help="print one JSON object")
    return n


def _net_parsers(sub) -> None:
    _net_parser(sub, "net-train", "train a small network and print its path")
    s = _net_parser(sub, "net-slice", "a network's loss over a plane, with its path")
    s.add_argument("--plane", default="pca", help="pca, random or interpolate")
    s.add_argument("--grid", type=int, default=41, help="points per side, 3 to 81")
    s.add_argument(
        "--span",
        type=float,
        default=None,
        help="the grid covers [-SPAN, SPAN]; default: fits the path",
    )
    s.add_argument("--direction-seed", type=int, default=0)


def _surface_parser(sub) -> None:
    s = sub.add_parser("surface", help="print the loss over a grid")
    _data_options(s)
    s.add_argument("--grid", type=int, default=101)
    s.add_argument(
        "--w1", type=float, nargs=2, default=[-5.0, 5.0], metavar=("MIN", "MAX")
    )
    s.add_argument(
        "--w2", type=float, nargs=2, default=[-5.0, 5.0], metavar=("MIN", "MAX")
    )
    s.add_argument("--json", action="store_true")


def _curvature_parser(sub) -> None:
    c = sub.add_parser(
        "curvature", help="the Hessian at a point and the stable learning rates"
    )
    _data_options(c)
    c.add_argument("--at", type=float, nargs=2, required=True, metavar=("W1", "W2"))
    c.add_argument("--optimizer", default="sgd", help="a registry key")
    c.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    c.add_argument("--json", action="store_true", help="print one JSON object")


def _render_parser(sub) -> None:
    r = sub.add_parser("render", help="draw runs side by side into a file")
    _data_options(r)
    r.add_argument("--run", action="append", required=True, metavar="'KEY lr=X ...'")
    formats = ".png .svg .html .gif .mp4 .csv or .json"
    r.add_argument(
        "--out", required=True, metavar="FILE", help=f"its extension: {formats}"
    )
    r.add_argument("--classroom", action="store_true", help="projector styling")
    for name, default in (("width", 960), ("height", 600), ("frames", 200),
                          ("fps", 20), ("grid", 201)):  # fmt: skip
        r.add_argument(f"--{name}", type=int, default=default)
    for name in ("--w1", "--w2"):
        r.add_argument(name, type=float, nargs=2, metavar=("MIN", "MAX"))
    r.add_argument("--json", action="store_true")


def _bench_parser(sub) -> None:
    b = sub.add_parser("bench", help="measure the engine against baselines")
    b.add_argument("--json", action="store_true")
    b.add_argument("--quick", action="store_true", help="fewer repeats (for tests)")
    b.add_argument(
        "--browser",
        action="store_true",
        help="time the app in Chromium instead of the engine",
    )
    b.add_argument("--export", action="store_true", help="time every export format")
    b.add_argument("--net", action="store_true", help="time the small network")
    b.add_argument("--count-compiles", action="store_true", help=argparse.SUPPRESS)
