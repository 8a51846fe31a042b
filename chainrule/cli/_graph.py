"""`chainrule graph`: the teaching network's computation graph after one forward and backward pass
(after K updates with `--epoch K`), as a picture, an animation, its frames, or a page that steps
through backpropagation in a browser (`--html`, with a training run on it with `--epochs`)."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from autograd import Value, animate, backward_frames, draw
from autograd.graph import ANIMATION_FORMATS, ORDERS, RANKDIRS, to_html
from chainrule.cli._common import (
    NETWORK_OPTIONS,
    CLIError,
    add_network_arguments,
    check_outputs,
    network_values,
    numbers_that_fit,
    parse_count,
    parse_number,
    refuse_terminal,
    write_output,
)
from chainrule.sweep import train
from nn.teaching import WEIGHT_NAMES, TeachingNetwork, teaching_network

T = TypeVar("T")
FORMATS = ("svg", "png", "pdf", "dot")
SUFFIX_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
DEFAULT_LR = 0.5  # the course's learning rate


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "graph",
        help="draw the course's 2-2-2 network as a computation graph (Graphviz)",
        description="Draw the course's 2-2-2 network after one forward and backward pass (after K "
        "updates of SGD with --epoch K): every value with its data and grad, each op as its own node, "
        "constants included. --html writes a page that steps through backpropagation in a browser "
        "(with --epochs N, a training run on a slider). SVG, PNG, PDF, animations and the page need "
        "Graphviz's dot (Debian/Ubuntu: apt-get install graphviz); --format dot does not.",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="write the picture here, in the format its suffix names (.svg, .png, .pdf, .dot or .gv); "
        "without --out it goes to standard output (not to a terminal, unless --format dot)",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="svg, png, pdf or dot (Graphviz's source text); default: from --out's suffix, else svg",
    )
    parser.add_argument(
        "--highlight",
        metavar="NAME",
        nargs="+",
        help="colour the paths from E_total to these nodes (e.g. w5 w1, or w5,w1) and state the "
        "chain rule along them",
    )
    parser.add_argument(
        "--html",
        metavar="PATH",
        help="also write a page that steps through the forward and backward passes node by node: "
        "one self-contained file that opens in a browser from disk",
    )
    parser.add_argument(
        "--epochs",
        metavar="N",
        help="with --html: train N updates of SGD at --lr and put every epoch on the page, with a slider",
    )
    parser.add_argument(
        "--epoch",
        metavar="K",
        help="draw the network after K updates of SGD at --lr (default: 0, the untrained network)",
    )
    parser.add_argument(
        "--lr", metavar="LR", help=f"the learning rate of --epoch and --epochs (default {DEFAULT_LR})"
    )
    parser.add_argument(
        "--order",
        choices=ORDERS,
        default="course",
        help="the order of the backward steps on the page and in the animation: course (the course's "
        "walk-through: w5…w8, then w1…w4; the default) or engine (the order backward() visits)",
    )
    parser.add_argument(
        "--group", action="store_true", help="one box per neuron (on the page: a button shows every node)"
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
    parser.add_argument("--duration", metavar="MS", help="milliseconds a frame of --animate (default 800)")
    parser.add_argument(
        "--frames", metavar="DIR", help="write each step of the backward pass as a PNG into this folder"
    )
    add_network_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    inputs, weights, targets = network_values(args)
    check_outputs((args.out, "--out"), (args.animate, "--animate"), (args.html, "--html"))
    if args.frames is not None and os.path.exists(args.frames) and not os.path.isdir(args.frames):
        raise CLIError(f"--frames: {args.frames!r} is a file, not a folder")
    fmt = _format(args.out, args.format)
    animation_format = _animation_format(args.animate)
    epoch, epochs, lr, duration = _training_options(args)
    if args.group and (args.edge_labels or args.highlight):
        raise CLIError(
            "--group draws one box per neuron: it cannot be combined with --edge-labels or --highlight"
        )
    to_stdout = all(x is None for x in (args.out, args.animate, args.html, args.frames))
    if to_stdout and fmt != "dot":
        refuse_terminal(
            f"a {fmt.upper()} picture",
            f"choose a file with --out PATH.{fmt}, redirect (> graph.{fmt}), or use --format dot",
        )
    with numbers_that_fit(args, (*NETWORK_OPTIONS, "--lr")):
        network = _network_after(epoch, lr, inputs, weights, targets)
        history = _history(epochs, lr, inputs, weights, targets) if epochs is not None else [network]
    highlight = [_node(network.nodes, name) for name in _names(args.highlight)]
    group = network.model if args.group else None
    graph = draw(
        network.loss,
        rankdir=args.rankdir,
        edge_labels=args.edge_labels,
        highlight=highlight or None,
        group=group,
    )
    # everything is rendered before anything is written: a failure leaves no file behind
    picture = _picture(graph, fmt) if args.out is not None or to_stdout else b""
    frames, animation = 0, b""
    if args.animate is not None:
        buffer = io.BytesIO()
        frames = _with_dot(
            lambda: animate(
                network.loss,
                buffer,
                duration_ms=duration,
                format=animation_format,
                rankdir=args.rankdir,
                edge_labels=args.edge_labels,
                order=args.order,
            )
        )
        animation = buffer.getvalue()
    stills = _stills(network, args) if args.frames is not None else []
    page = ""
    if args.html is not None:
        trained = f", SGD at lr {lr:g}" if epochs is not None else ""
        after = f" after {epoch} update{'s' * (epoch != 1)} at lr {lr:g}" if epoch else ""
        page = _with_dot(
            lambda: (
                to_html(
                    [n.loss for n in history],
                    title=f"The course's 2-2-2 network{after}{trained}",
                    order=args.order,
                    group=history[0].model if args.group else None,
                    rankdir=args.rankdir,
                ).html
            )
        )
    if to_stdout:
        sys.stdout.buffer.write(picture)
    if args.out is not None:
        write_output(args.out, picture, "--out")
        print(f"wrote {args.out}")
    if args.animate is not None:
        write_output(args.animate, animation, "--animate")
        print(f"wrote {args.animate} ({frames} frames, {duration} ms each)")
    for i, still in enumerate(stills, start=1):
        write_output(os.path.join(args.frames, f"step-{i:02d}.png"), still, "--frames")
    if stills:
        print(f"wrote {len(stills)} frames to {args.frames}")
    if args.html is not None:
        data = page.encode()
        write_output(args.html, data, "--html")
        shown = f", {len(history)} epochs" if epochs is not None else ""
        print(f"wrote {args.html} ({len(data):,} bytes{shown})")
    return 0


def _training_options(args: argparse.Namespace) -> tuple[int, int | None, float, int]:
    """(--epoch, --epochs or None, --lr, --duration), checked."""
    epoch = parse_count(args.epoch, "--epoch") if args.epoch is not None else 0
    epochs = parse_count(args.epochs, "--epochs", min_value=1) if args.epochs is not None else None
    lr = parse_number(args.lr, "--lr") if args.lr is not None else DEFAULT_LR
    if lr <= 0:
        raise CLIError(f"--lr: must be > 0, got {args.lr!r}")
    if epochs is not None and args.html is None:
        raise CLIError(
            "--epochs puts a training run on the page: give --html PATH "
            "(or --epoch K for the network after K updates)"
        )
    if epochs is not None and args.epoch is not None:
        raise CLIError("--epoch and --epochs: give one (--epochs N puts epochs 0 to N on the page)")
    if args.lr is not None and args.epoch is None and epochs is None:
        raise CLIError("--lr is the learning rate of --epoch K or --epochs N: give one of them")
    duration = parse_count(args.duration, "--duration", min_value=1) if args.duration is not None else 800
    if args.duration is not None and args.animate is None:
        raise CLIError("--duration is the time a frame of --animate PATH stays: give --animate")
    return epoch, epochs, lr, duration


def _network_after(
    epoch: int, lr: float, inputs: tuple[float, ...], weights: tuple[float, ...], targets: tuple[float, ...]
) -> TeachingNetwork:
    """The network after `epoch` updates of SGD (`chainrule.sweep.train`), backward done."""
    if epoch:
        weights = _weights(
            train(lr, epochs=epoch, inputs=inputs, weights=weights, targets=targets, every=epoch)[-1]
        )
    network = teaching_network(inputs, weights, targets)
    network.loss.backward()
    return network


def _history(
    epochs: int, lr: float, inputs: tuple[float, ...], weights: tuple[float, ...], targets: tuple[float, ...]
) -> list[TeachingNetwork]:
    """The network at each epoch 0 … `epochs` of `train`, rebuilt from that epoch's weights."""
    records = train(lr, epochs=epochs, inputs=inputs, weights=weights, targets=targets)
    return [teaching_network(inputs, _weights(record), targets) for record in records]


def _weights(record: Any) -> tuple[float, ...]:
    return tuple(record.values[name] for name in WEIGHT_NAMES)


def _stills(network: TeachingNetwork, args: argparse.Namespace) -> list[bytes]:
    """Each backward step as a PNG (the frames of --animate)."""
    frames = backward_frames(
        network.loss, rankdir=args.rankdir, edge_labels=args.edge_labels, order=args.order
    )
    return [_picture(frame, "png") for frame in frames]


def _names(given: list[str] | None) -> list[str]:
    """--highlight's names, separated by spaces or commas."""
    names = [name for item in given or [] for name in item.split(",") if name.strip()]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise CLIError(f"--highlight: {', '.join(repeated)} given twice")
    return [name.strip() for name in names]


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
