"""`chainrule graph`: the teaching network's computation graph after one forward and backward pass."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from autograd import Value, animate, draw
from autograd.graph import ANIMATION_FORMATS, RANKDIRS
from chainrule.cli._common import (
    NETWORK_OPTIONS,
    CLIError,
    add_network_arguments,
    check_outputs,
    network_values,
    numbers_that_fit,
    refuse_terminal,
    write_output,
)
from nn.teaching import teaching_network

T = TypeVar("T")
FORMATS = ("svg", "png", "dot")
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "graph",
        help="draw the course's 2-2-2 network as a computation graph (Graphviz)",
        description="Draw the course's 2-2-2 network after one forward and backward pass: every "
        "value with its data and grad, each op as its own node, constants included. SVG and PNG "
        "need Graphviz's dot (Debian/Ubuntu: apt-get install graphviz); --format dot does not.",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="write the picture here, in the format its suffix names (.svg, .png, .dot or .gv); "
        "without --out it goes to standard output (not to a terminal, unless --format dot)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="svg, png or dot (Graphviz's source text); default: from --out's suffix, else svg",
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
        metavar="PATH",
        help="also write the backward pass step by step as an animation, in the format its suffix "
        f"names ({', '.join('.' + suffix for suffix in ANIMATION_FORMATS)})",
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs, weights, targets = network_values(args)
    check_outputs((args.out, "--out"), (args.animate, "--animate"))
    fmt = _format(args.out, args.format)
    animation_format = _animation_format(args.animate)
    to_stdout = args.out is None and args.animate is None
    if to_stdout and fmt != "dot":
        refuse_terminal(
            f"a {fmt.upper()} picture",
            f"choose a file with --out PATH.{fmt}, redirect (> graph.{fmt}), or use --format dot",
        )
    with numbers_that_fit(args, NETWORK_OPTIONS):
        network = teaching_network(inputs, weights, targets)
        network.loss.backward()
    highlight = _node(network.nodes, args.highlight) if args.highlight is not None else None
    graph = draw(network.loss, rankdir=args.rankdir, edge_labels=args.edge_labels, highlight=highlight)
    # everything is rendered before anything is written: a failure leaves no file behind
    picture = _picture(graph, fmt) if args.out is not None or to_stdout else b""
    frames, animation = 0, b""
    if args.animate is not None:
        buffer = io.BytesIO()
        frames = _with_dot(
            lambda: animate(
                network.loss,
                buffer,
                format=animation_format,
                rankdir=args.rankdir,
                edge_labels=args.edge_labels,
            )
        )
        animation = buffer.getvalue()
    if to_stdout:
        sys.stdout.buffer.write(picture)
    if args.out is not None:
        write_output(args.out, picture, "--out")
        print(f"wrote {args.out}")
    if args.animate is not None:
        write_output(args.animate, animation, "--animate")
        print(f"wrote {args.animate} ({frames} frames)")
    return 0


def _format(out: str | None, chosen: str | None) -> str:
    """The picture's format: `--format`, else the one `--out`'s suffix names, else svg; a
    CLIError for a suffix that names no format, or another than `--format`'s."""
    if out is None:
        return chosen or "svg"
    suffix = os.path.splitext(out)[1].lower()
    named = SUFFIX_FORMATS.get(suffix)
    if chosen is None and named is None:
        known = ", ".join(SUFFIX_FORMATS)
        raise CLIError(f"--out: cannot tell the format of {out!r}: use a suffix {known}, or --format")
    if chosen is not None and named is not None and named != chosen:
        raise CLIError(f"--format {chosen} does not match --out {out!r}: the suffix says {named}")
    return chosen or named or "svg"


def _animation_format(path: str | None) -> str:
    if path is None:
        return "gif"
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if suffix not in ANIMATION_FORMATS:
        known = ", ".join("." + name for name in ANIMATION_FORMATS)
        raise CLIError(f"--animate: cannot write an animation as {path!r}: use a suffix {known}")
    return suffix


def _node(nodes: dict[str, Value], name: str) -> Value:
    if name not in nodes:
        raise CLIError(f"--highlight: no node named {name!r}; choose one of {', '.join(nodes)}")
    return nodes[name]


def _picture(graph: Any, fmt: str) -> bytes:
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
