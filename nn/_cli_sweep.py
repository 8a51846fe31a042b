"""`chainrule sweep`: train the teaching network at several learning rates; table, CSV, plot."""

from __future__ import annotations

import argparse
import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from nn._cli_common import (
    CLIError,
    add_network_arguments,
    check_writable,
    network_values,
    parse_number,
    write_output,
)
from nn._spreadsheet import TRACE_NAMES, EpochRecord
from nn.teaching import DEFAULT_EPOCHS, DEFAULT_LEARNING_RATES, sweep

if TYPE_CHECKING:  # matplotlib is imported only when a plot is asked for: it is slow to import
    from matplotlib.figure import Figure

CSV_HEADER = ("lr", "epoch", *TRACE_NAMES)


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "sweep",
        help="train the course's 2-2-2 network with SGD at several learning rates",
        description="Train the course's 2-2-2 network with plain SGD from the same start at each "
        "learning rate; print E_total before and after training, optionally write the "
        "per-epoch trace (CSV) and a plot of E_total against epoch (PNG).",
    )
    parser.add_argument(
        "--lr",
        nargs="+",
        metavar="LR",
        default=[repr(lr) for lr in DEFAULT_LEARNING_RATES],
        help=f"learning rates (default: {' '.join(map(repr, DEFAULT_LEARNING_RATES))})",
    )
    parser.add_argument(
        "--epochs", default=str(DEFAULT_EPOCHS), help="number of SGD updates (default: %(default)s)"
    )
    add_network_arguments(parser)
    parser.add_argument("--csv", metavar="PATH", type=Path, help="write the per-epoch trace here")
    parser.add_argument("--plot", metavar="PATH", type=Path, help="write a PNG of E_total against epoch here")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    learning_rates = [_learning_rate(text) for text in args.lr]
    epochs = _epochs(args.epochs)
    inputs, weights, targets = network_values(args)
    for path, option in ((args.csv, "--csv"), (args.plot, "--plot")):
        if path is not None:
            check_writable(path, option)
    try:
        traces = sweep(learning_rates, epochs=epochs, inputs=inputs, weights=weights, targets=targets)
    except (ValueError, OverflowError) as error:  # a node or an update overflowing, say
        raise CLIError(str(error)) from None
    print(format_table(traces))
    if args.csv is not None:
        text = io.StringIO()
        write_csv(traces, text)
        write_output(args.csv, text.getvalue().encode(), "--csv")
        print(f"wrote {args.csv}")
    if args.plot is not None:
        png = io.BytesIO()
        write_plot(traces, png)
        write_output(args.plot, png.getvalue(), "--plot")
        print(f"wrote {args.plot}")
    return 0


def format_table(traces: Sequence[Sequence[EpochRecord]]) -> str:
    """One aligned row per learning rate: E_total before training, after it, and the change."""
    updates = traces[0][-1].epoch
    header = ("lr", "E_total before", f"after {updates} update{'s' * (updates != 1)}", "change")
    rows = [header]
    for trace in traces:
        before, after = trace[0].loss, trace[-1].loss
        change = f"{(after - before) / before:+.1%}" if before > 0.0 else "-"
        rows.append((repr(trace[0].lr), _loss(before), _loss(after), change))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_csv(traces: Sequence[Sequence[EpochRecord]], file: IO[str]) -> None:
    """One row per (learning rate, epoch); floats written with repr's full precision."""
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for trace in traces:
        writer.writerows(record.row() for record in trace)


def write_plot(traces: Sequence[Sequence[EpochRecord]], file: IO[bytes]) -> None:
    """A PNG of E_total against epoch, one line per learning rate."""
    sweep_figure(traces).savefig(file, format="png", dpi=100)


def sweep_figure(traces: Sequence[Sequence[EpochRecord]]) -> Figure:
    """E_total against epoch, one labelled line per learning rate, on matplotlib's Agg canvas."""
    # the object API, not pyplot: no global backend switch, no window, nothing left open
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for trace in traces:
        axes.plot([r.epoch for r in trace], [r.loss for r in trace], label=repr(trace[0].lr))
    axes.set_xlabel("epoch (SGD updates)")
    axes.set_ylabel("E_total")
    axes.set_title("The 2-2-2 teaching network: E_total by learning rate")
    axes.set_xlim(0, max(1, traces[0][-1].epoch))
    axes.set_ylim(bottom=0.0)
    axes.grid(alpha=0.3)
    axes.legend(title="learning rate")
    return figure


def _loss(x: float) -> str:
    # fixed decimals line up; tiny errors switch to exponent form rather than print 0.000000
    return f"{x:.6f}" if x >= 1e-4 or x == 0.0 else f"{x:.3e}"


def _learning_rate(text: str) -> float:
    lr = parse_number(text, "--lr")
    if lr < 0.0:
        raise CLIError(f"--lr: learning rates must be >= 0, got {text!r}")
    return lr


def _epochs(text: str) -> int:
    try:
        epochs = int(text)
    except ValueError:
        raise CLIError(f"--epochs: {text!r} is not a whole number") from None
    if epochs < 0:
        raise CLIError(f"--epochs: must be >= 0, got {text!r}")
    return epochs
