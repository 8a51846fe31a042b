"""`chainrule sweep`: train the teaching network at several learning rates; table, CSV, plot."""

from __future__ import annotations

import argparse
import io
from typing import Any

from chainrule.cli._common import (
    NETWORK_OPTIONS,
    add_network_arguments,
    check_outputs,
    network_values,
    numbers_that_fit,
    parse_count,
    parse_number,
    plot_format_of,
    progress,
    write_output,
)
from chainrule.spreadsheet import DEFAULT_EPOCHS, DEFAULT_LEARNING_RATES
from chainrule.sweep import sweep
from chainrule.sweep_report import format_table, write_csv, write_plot

PLOT_POINTS = 10_000  # at most this many epochs per line are kept for the plot alone


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "sweep",
        help="train the course's 2-2-2 network with SGD at several learning rates",
        description="Train the course's 2-2-2 network with plain SGD from the same start at each "
        "learning rate; print E_total before and after training, optionally write the "
        "per-epoch trace (CSV) and a plot of E_total against epoch. A long run shows its "
        "progress on a terminal.",
    )
    parser.add_argument(
        "--lr",
        nargs="+",
        metavar="LR",
        default=[repr(lr) for lr in DEFAULT_LEARNING_RATES],
        help=f"learning rates (default: {' '.join(map(repr, DEFAULT_LEARNING_RATES))})",
    )
    parser.add_argument(
        "--epochs",
        default=str(DEFAULT_EPOCHS),
        help="number of SGD updates, a whole number such as 45 or 1e3 (default: %(default)s)",
    )
    add_network_arguments(parser)
    parser.add_argument(
        "--csv", metavar="PATH", help="write the per-epoch trace here (one row per rate and epoch)"
    )
    parser.add_argument(
        "--plot",
        metavar="PATH",
        help="write a chart of E_total against epoch here, in the format its suffix names "
        "(.png, .svg, .pdf, ...; PNG without a suffix)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    learning_rates = [parse_number(text, "--lr") for text in args.lr]
    epochs = parse_count(args.epochs, "--epochs")
    inputs, weights, targets = network_values(args)
    check_outputs((args.csv, "--csv"), (args.plot, "--plot"))
    plot_format = plot_format_of(args.plot) if args.plot is not None else ""
    # keep only the epochs that will be written: all for the CSV, enough for a plot, else two
    every = 1 if args.csv is not None else max(1, epochs // PLOT_POINTS) if args.plot else max(1, epochs)
    with (
        numbers_that_fit(args, ("--lr", *NETWORK_OPTIONS)),
        progress(len(learning_rates) * (epochs + 1), "sweep", "epoch") as advance,
    ):
        traces = sweep(
            learning_rates,
            epochs=epochs,
            inputs=inputs,
            weights=weights,
            targets=targets,
            every=every,
            on_epoch=lambda: advance(1),
        )
    csv_data = plot_data = b""
    if args.csv is not None:
        text = io.StringIO()
        write_csv(traces, text)
        csv_data = text.getvalue().encode()
    if args.plot is not None:
        picture = io.BytesIO()
        write_plot(traces, picture, format=plot_format)
        plot_data = picture.getvalue()
    if args.csv is not None:
        write_output(args.csv, csv_data, "--csv")
    if args.plot is not None:
        write_output(args.plot, plot_data, "--plot")
    print(format_table(traces))
    for path in (args.csv, args.plot):
        if path is not None:
            print(f"wrote {path}")
    return 0
