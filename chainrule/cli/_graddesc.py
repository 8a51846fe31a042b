"""`chainrule graddesc`: the course's graddesc sheet, a line fitted by online SGD, momentum,
RMSProp and Adam; a table, the CSV of every update, a plot."""

from __future__ import annotations

import argparse
import io
from typing import Any

from chainrule.cli._common import (
    CLIError,
    check_outputs,
    numbers_that_fit,
    parse_count,
    parse_number,
    plot_format_of,
    write_output,
)
from chainrule.graddesc import OPTIMIZERS, RULES, default_lr, train
from chainrule.graddesc_report import format_table, write_csv, write_plot


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "graddesc",
        help="fit the course's line y = 2x + 30 with SGD, momentum, RMSProp and Adam",
        description="Fit y = a·x + b to the course's graddesc sheet (29 points on y = 2x + 30) "
        "with online SGD from a = b = 1, one update per point in the sheet's order; print per "
        "optimizer the root of the summed squared error of each epoch and the final a and b, "
        "optionally write every update (CSV) and a picture of the (a, b) paths and the errors.",
    )
    parser.add_argument(
        "--optimizer",
        nargs="+",
        metavar="NAME",
        default=list(OPTIMIZERS),
        help=f"any of {', '.join(OPTIMIZERS)} (default: all four, in that order)",
    )
    parser.add_argument(
        "--rules",
        default="sheet",
        metavar="sheet|library",
        help="sheet: the spreadsheet's update formulas (default); library: nn.optim's (PyTorch's formulas)",
    )
    parser.add_argument(
        "--epochs",
        default="5",
        metavar="N",
        help="passes over the 29 points, a whole number >= 1 (default: %(default)s)",
    )
    parser.add_argument(
        "--lr",
        nargs="+",
        metavar="LR",
        help="one learning rate for every optimizer, or one per optimizer "
        "(default: the sheet's 1e-4, 1e-4, 0.02, 1; with --rules library 1e-4, 1e-5, 0.02, 0.5)",
    )
    parser.add_argument("--csv", metavar="PATH", help="write one row per update here")
    parser.add_argument(
        "--plot",
        metavar="PATH",
        help="write the (a, b) paths and the error per epoch here, in the format its suffix names "
        "(.png, .svg, .pdf, ...; PNG without a suffix)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    optimizers = _optimizers(args.optimizer)
    if args.rules not in RULES:
        raise CLIError(f"--rules: {args.rules!r} is not one of {', '.join(RULES)}")
    epochs = parse_count(args.epochs, "--epochs", min_value=1)
    rates = _learning_rates(args.lr, optimizers, args.rules)
    check_outputs((args.csv, "--csv"), (args.plot, "--plot"))
    plot_format = plot_format_of(args.plot) if args.plot is not None else ""
    with numbers_that_fit(args, ("--lr", "--rules")):
        runs = [train(name, rules=args.rules, epochs=epochs, lr=lr) for name, lr in zip(optimizers, rates)]
    if args.csv is not None:
        text = io.StringIO()
        write_csv(runs, text)
        write_output(args.csv, text.getvalue().encode(), "--csv")
    if args.plot is not None:
        picture = io.BytesIO()
        write_plot(runs, picture, format=plot_format)
        write_output(args.plot, picture.getvalue(), "--plot")
    print(format_table(runs))
    for path in (args.csv, args.plot):
        if path is not None:
            print(f"wrote {path}")
    return 0


def _optimizers(names: list[str]) -> list[str]:
    for name in names:
        if name not in OPTIMIZERS:
            raise CLIError(f"--optimizer: {name!r} is not one of {', '.join(OPTIMIZERS)}")
        if names.count(name) > 1:
            raise CLIError(f"--optimizer: {name!r} is given more than once")
    return names


def _learning_rates(texts: list[str] | None, optimizers: list[str], rules: str) -> list[float]:
    if texts is None:
        return [default_lr(name, rules) for name in optimizers]
    if len(texts) not in (1, len(optimizers)):
        raise CLIError(
            f"--lr: give one learning rate, or one per optimizer ({len(optimizers)}), got {len(texts)}"
        )
    rates = []
    for text in texts:
        lr = parse_number(text, "--lr")
        if lr < 0.0:
            raise CLIError(f"--lr: learning rates must be >= 0, got {text!r}")
        rates.append(lr)
    return rates * len(optimizers) if len(rates) == 1 else rates
