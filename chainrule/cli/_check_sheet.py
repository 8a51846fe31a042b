"""`chainrule check-sheet`: a learner's spreadsheet's gradient cells, right or wrong against the engine."""

from __future__ import annotations

import argparse
import os
from typing import Any

from chainrule.check_sheet import check_sheet
from chainrule.cli._common import CLIError


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "check-sheet",
        help="check the gradient cells of a spreadsheet (.xlsx, .xlsm) against the engine",
        description="Read FILE's formulas, rebuild the cells LOSS depends on as Values with the "
        "PARAMS as leaves, run backward, and say for every cell of LOSS's row headed like a "
        "derivative (de/db, ∂E/∂w1) whether it is right, with the sheet's and the engine's numbers; "
        "finite-difference columns (headed 'est ...', or (f(x+h) - f(x))/h) are shown as estimates. "
        "Exit status 1 if a gradient cell is wrong.",
    )
    parser.add_argument("file", metavar="FILE", help="an Excel workbook (.xlsx or .xlsm)")
    parser.add_argument("--sheet", metavar="NAME", help="the worksheet (default: the active one)")
    parser.add_argument("--loss", required=True, metavar="CELL", help="the loss's cell, e.g. F4")
    parser.add_argument(
        "--params",
        required=True,
        nargs="+",
        metavar="CELL",
        help="the parameters' cells, each NAME=CELL (b=C4) or CELL (named by its column's header)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not os.path.isfile(args.file):
        raise CLIError(f"{args.file!r} is not a file")
    try:
        result = check_sheet(args.file, args.loss, args.params, sheet=args.sheet)
    except (ValueError, KeyError, OSError) as error:
        raise CLIError(str(error).removeprefix("check_sheet: ")) from None
    except Exception as error:  # openpyxl's errors for a file that is no workbook
        if type(error).__module__.startswith(("zipfile", "openpyxl")):
            raise CLIError(f"cannot read {args.file!r} as a workbook: {error}") from None
        raise
    print(result.report())
    return 1 if result.wrong else 0
