"""`chainrule sheet`: the course's spreadsheets regenerated from the engine, every cell a formula:
the 2-2-2 network trained by hand (default), or the graddesc lesson's optimizers."""

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
    write_output,
)
from chainrule.course_sheet import DEFAULT_LR, MAZUR_BIASES, course_workbook
from chainrule.graddesc import OPTIMIZERS
from chainrule.graddesc_sheet import graddesc_workbook
from chainrule.spreadsheet import DEFAULT_EPOCHS, DEFAULT_LEARNING_RATES

LESSONS = ("course", "graddesc")


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "sheet",
        help="write the course's spreadsheet (or graddesc's) as live formulas, from the engine",
        description="Write an Excel workbook (.xlsx) whose every cell is a formula, opened and "
        "recalculated by Excel or LibreOffice. course (default): the 2-2-2 network, one row per "
        "epoch (weights, forward pass, every gradient), each row's weights updated from the row "
        "above, so dragging down trains on; a chart of E_total. graddesc: the lesson's line fit, "
        "one sheet per optimizer (x, y, b, a, gradients, running averages, new b and a).",
    )
    parser.add_argument(
        "lesson", nargs="?", default="course", metavar="course|graddesc", help="default: course"
    )
    parser.add_argument("--out", metavar="PATH", help="the workbook to write (default: LESSON.xlsx)")
    parser.add_argument("--lr", metavar="LR", help=f"course: the learning rate (default: {DEFAULT_LR!r})")
    parser.add_argument(
        "--epochs",
        metavar="N",
        help=f"course: SGD updates, one row each (default: {DEFAULT_EPOCHS}); "
        "graddesc: passes over the 29 points (default: 1)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="course: one sheet per learning rate of the sweep "
        f"({' '.join(map(repr, DEFAULT_LEARNING_RATES))})",
    )
    parser.add_argument(
        "--biases",
        action="store_true",
        help=f"course: Mazur's biases b1, b2 = {MAZUR_BIASES[0]!r}, {MAZUR_BIASES[1]!r} "
        "(kept fixed, as in his post)",
    )
    parser.add_argument(
        "--optimizer",
        nargs="+",
        metavar="NAME",
        help=f"graddesc: any of {', '.join(OPTIMIZERS)}, one sheet each (default: all four)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.lesson not in LESSONS:
        raise CLIError(f"{args.lesson!r} is not one of {', '.join(LESSONS)}")
    out = args.out if args.out is not None else f"{args.lesson}.xlsx"
    check_outputs((out, "--out"))
    if args.lesson == "course":
        if args.optimizer is not None:
            raise CLIError("--optimizer is for 'chainrule sheet graddesc'")
        if args.sweep and args.lr is not None:
            raise CLIError("give --lr or --sweep, not both")
        rates = list(DEFAULT_LEARNING_RATES) if args.sweep else [_rate(args.lr)]
        epochs = parse_count(args.epochs, "--epochs") if args.epochs is not None else DEFAULT_EPOCHS
        with numbers_that_fit(args, ("--lr", "--epochs")):
            workbook = course_workbook(rates, epochs=epochs, biases=MAZUR_BIASES if args.biases else None)
    else:
        for option, given in (("--lr", args.lr), ("--sweep", args.sweep), ("--biases", args.biases)):
            if given:
                raise CLIError(f"{option} is for 'chainrule sheet course'; graddesc uses the sheet's rates")
        optimizers = args.optimizer or list(OPTIMIZERS)
        for name in optimizers:
            if name not in OPTIMIZERS:
                raise CLIError(f"--optimizer: {name!r} is not one of {', '.join(OPTIMIZERS)}")
            if optimizers.count(name) > 1:
                raise CLIError(f"--optimizer: {name!r} is given more than once")
        epochs = parse_count(args.epochs, "--epochs", min_value=1) if args.epochs is not None else 1
        workbook = graddesc_workbook(optimizers, epochs=epochs)
    data = io.BytesIO()
    workbook.save(data)
    write_output(out, data.getvalue(), "--out")
    print(f"wrote {out} ({', '.join(workbook.sheetnames)})")
    return 0


def _rate(text: str | None) -> float:
    if text is None:
        return DEFAULT_LR
    return parse_number(text, "--lr")  # > 0, as in every command (cli._common.BOUNDS)
