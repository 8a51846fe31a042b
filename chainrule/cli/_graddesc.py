"""`chainrule graddesc`: the course's graddesc sheet, a line fitted by online SGD, momentum,
RMSProp and Adam; a table, the CSV of every update, a plot."""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

from chainrule.cli._common import (
    GIVEN,
    CLIError,
    check_outputs,
    numbers_that_fit,
    parse_count,
    parse_number,
    plot_format_of,
    write_output,
)
from chainrule.graddesc import (
    OPTIMIZERS,
    RULES,
    SHEETS,
    SheetPass,
    SheetState,
    default_lr,
    reset,
    sheet_runs,
    train,
)
from chainrule.graddesc_report import (
    format_finite_differences,
    format_sheet_runs,
    format_table,
    write_csv,
    write_plot,
)

NOT_WITH_RUNS = ("--rules", "--epochs", "--csv", "--plot")


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
        help=f"any of {', '.join(OPTIMIZERS)} (default: all four, in that order); with --runs, "
        f"the workbook's sheets: any of {', '.join(SHEETS)} (default: all five)",
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
        "(default: the sheet's 1e-4, 1e-4, 0.02, 1; with --rules library 1e-4, 1e-5, 0.02, 0.5; "
        "with --runs, typed into the sheet after reset or --resume)",
    )
    macros = parser.add_argument_group(
        "the workbook's buttons (graddesc.xlsm's macros)",
        "reset: a = b = 1 and the optimizer state warmed up by passes from there; onestep: the "
        "a, b the last row STARTS from (C32, D32) and the m, v after it become the top, so each "
        "pass's 29th update is dropped; run: five onesteps (adam_ann: after each, lr / 4 when "
        "√v_b + √v_a exceeds twice its smallest value so far).",
    )
    macros.add_argument(
        "--runs",
        metavar="N",
        help="press run N times (a whole number >= 0) after reset, and print each sheet's error "
        "after every onestep and its top a, b (not with --rules, --epochs, --csv, --plot)",
    )
    macros.add_argument(
        "--resume", metavar="PATH", help="with --runs: start from the states --save-state wrote"
    )
    macros.add_argument(
        "--save-state", metavar="PATH", help="with --runs: write each sheet's state here (JSON)"
    )
    macros.add_argument(
        "--finite-differences",
        action="store_true",
        help="with --runs: the basic sheet's forward differences (h = 0.01) beside its gradients, "
        "for the pass it shows at the end",
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
    if args.runs is not None:
        return _run_macros(args)
    for option in ("--resume", "--save-state", "--finite-differences"):
        if option in vars(args).get(GIVEN, {}):
            raise CLIError(f"{option}: only with --runs (the workbook's buttons)")
    optimizers = _optimizers(args.optimizer, OPTIMIZERS)
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


def _run_macros(args: argparse.Namespace) -> int:
    given = vars(args).get(GIVEN, {})
    for option in NOT_WITH_RUNS:
        if option in given:
            raise CLIError(f"{option}: not with --runs (the workbook's buttons run the sheet's own rules)")
    presses = parse_count(args.runs, "--runs", min_value=0)
    sheets = _optimizers(args.optimizer if "--optimizer" in given else list(SHEETS), SHEETS)
    if args.finite_differences and "basic" not in sheets:
        raise CLIError("--finite-differences: the basic sheet has them; add basic to --optimizer")
    check_outputs((args.save_state, "--save-state"))
    starts = _resumed(args.resume, sheets) if args.resume is not None else {s: reset(s) for s in sheets}
    if args.lr is not None:
        rates = _learning_rates(args.lr, sheets, "sheet")
        starts = {s: _with_lr(starts[s], lr) for s, lr in zip(sheets, rates)}
    with numbers_that_fit(args, ("--lr", "--runs")):
        passes = [sheet_runs(s, presses, state=starts[s]) for s in sheets]
    if args.save_state is not None:
        states = {p[-1].state.sheet: p[-1].state.to_dict() for p in passes}
        write_output(args.save_state, (json.dumps(states, indent=1) + "\n").encode(), "--save-state")
    print(format_sheet_runs(passes, "reset" if args.resume is None else f"the states in {args.resume}"))
    if args.finite_differences:
        basic: SheetPass = passes[sheets.index("basic")][-1]
        print()
        print("the basic sheet's last pass: forward differences beside backward()'s gradients")
        print(format_finite_differences(basic))
    if args.save_state is not None:
        print(f"wrote {args.save_state}")
    return 0


def _with_lr(state: SheetState, lr: float) -> SheetState:
    return SheetState.from_dict({**state.to_dict(), "lr": lr})


def _resumed(path: str, sheets: list[str]) -> dict[str, SheetState]:
    try:
        with open(path, encoding="utf-8") as file:
            data = json.load(file)
    except OSError as error:
        raise CLIError(f"--resume: cannot read {path!r}: {error.strerror or error}") from None
    except ValueError as error:
        raise CLIError(f"--resume: {path!r} is not JSON: {error}") from None
    if not isinstance(data, dict):
        raise CLIError(f"--resume: {path!r} holds no sheet states (a JSON object by sheet name)")
    states = {}
    for sheet in sheets:
        if sheet not in data:
            raise CLIError(
                f"--resume: {path!r} has no state for the {sheet} sheet (it has {', '.join(data)})"
            )
        try:
            states[sheet] = SheetState.from_dict(data[sheet])
        except (TypeError, ValueError) as error:
            raise CLIError(f"--resume: {path!r}, the {sheet} sheet: {error}") from None
        if states[sheet].sheet != sheet:
            raise CLIError(
                f"--resume: {path!r}: the state under {sheet!r} is the {states[sheet].sheet} sheet's"
            )
    return states


def _optimizers(names: list[str], known: tuple[str, ...]) -> list[str]:
    for name in names:
        if name not in known:
            raise CLIError(f"--optimizer: {name!r} is not one of {', '.join(known)}")
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
    rates = [parse_number(text, "--lr") for text in texts]
    return rates * len(optimizers) if len(rates) == 1 else rates
