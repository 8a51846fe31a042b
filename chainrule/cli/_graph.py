"""`chainrule graph`: the teaching network's computation graph after one forward and backward pass."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from autograd import Value, animate, draw
from autograd.graph import RANKDIRS
from chainrule.cli._common import (
    CLIError,
    add_network_arguments,
    network_values,
    numbers_that_fit,
    write_output,
)
from nn.teaching import teaching_network

if TYPE_CHECKING:
    import graphviz

T = TypeVar("T")
FORMATS = ("svg", "png", "dot")
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "graph",
        help="draw the course's 2-2-2 network as a computation graph (Graphviz)",
        description="Draw the course's 2-2-2 network after one forward and backward pass: every "
        "node with its data and grad, each op as its own node. SVG and PNG need Graphviz's dot "
        "(Debian/Ubuntu: apt-get install graphviz); --format dot does not.",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        type=Path,
        help="write the picture here (default: standard output, unless --animate is given)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="svg, png or dot (DOT source); default: from --out's suffix, else svg",
    )
    parser.add_argument(
        "--highlight",
        metavar="NAME",
        help="colour the paths from E_total to this node (e.g. w5) and state the chain rule along them",
    )
    parser.add_argument(
        "--edge-labels",
        action="store_true",
        help="label each edge with its local derivative and the gradient it passes back",
    )
    parser.add_argument(
        "--rankdir",
        choices=RANKDIRS,
        default="TB",
        help="layout direction: TB (top to bottom, the default), LR, BT or RL",
    )
    parser.add_argument(
        "--animate",
        metavar="PATH.gif",
        type=Path,
        help="also write the backward pass step by step as an animated GIF",
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs, weights, targets = network_values(args)
    with numbers_that_fit():
        network = teaching_network(inputs, weights, targets)
        network.loss.backward()
    highlight = _node(network.nodes, args.highlight) if args.highlight is not None else None
    fmt = args.format or _format_of(args.out)
    graph = draw(network.loss, rankdir=args.rankdir, edge_labels=args.edge_labels, highlight=highlight)
    if args.out is not None or args.animate is None:
        _write(_picture(graph, fmt), args.out)
    if args.animate is not None:
        try:
            args.animate.parent.mkdir(parents=True, exist_ok=True)
            frames = _with_dot(
                lambda: animate(
                    network.loss, args.animate, rankdir=args.rankdir, edge_labels=args.edge_labels
                )
            )
        except OSError as error:
            raise CLIError(f"--animate: cannot write {args.animate}: {error.strerror or error}") from None
        print(f"wrote {args.animate} ({frames} frames)")
    return 0


def _format_of(out: Path | None) -> str:
    """The format named by `--out`'s suffix (svg without --out); a CLIError for any other suffix."""
    if out is None:
        return "svg"
    if out.suffix.lower() not in SUFFIX_FORMATS:
        known = ", ".join(SUFFIX_FORMATS)
        raise CLIError(f"--out: cannot tell the format of {str(out)!r}: use a suffix {known}, or --format")
    return SUFFIX_FORMATS[out.suffix.lower()]


def _node(nodes: dict[str, Value], name: str) -> Value:
    if name not in nodes:
        raise CLIError(f"--highlight: no node named {name!r}; choose one of {', '.join(nodes)}")
    return nodes[name]


def _picture(graph: graphviz.Digraph, fmt: str) -> bytes:
    if fmt == "dot":  # DOT source: no `dot` binary needed
        source: str = graph.source
        return source.encode()
    picture: bytes = _with_dot(lambda: graph.pipe(format=fmt))
    return picture


def _with_dot(render: Callable[[], T]) -> T:
    """`render()`, with graphviz's errors (e.g. `dot` missing, hint included) as one-line CLIErrors."""
    import graphviz

    try:
        return render()
    except graphviz.ExecutableNotFound as error:
        raise CLIError(str(error)) from None
    except graphviz.CalledProcessError as error:
        raise CLIError(f"Graphviz's dot failed: {error}") from None


def _write(picture: bytes, path: Path | None) -> None:
    if path is None:
        sys.stdout.buffer.write(picture)
        sys.stdout.buffer.flush()
        return
    write_output(path, picture, "--out")
    print(f"wrote {path}")
