"""`chainrule sweep`: train the teaching network at several learning rates; table, CSV, plot."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import Any

from chainrule.cli._common import (
    CLIError,
    add_network_arguments,
    check_writable,
    network_values,
    numbers_that_fit,
    parse_number,
    write_output,
)
from chainrule.report import format_table, write_csv, write_plot
from chainrule.spreadsheet import DEFAULT_EPOCHS, DEFAULT_LEARNING_RATES
from chainrule.sweep import sweep


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
    with numbers_that_fit():
        traces = sweep(learning_rates, epochs=epochs, inputs=inputs, weights=weights, targets=targets)
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
