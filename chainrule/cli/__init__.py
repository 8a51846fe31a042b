"""The `chainrule` command (also `python -m chainrule`): `main` builds the parser from the
subcommand modules listed in `COMMANDS` and turns every failure into one line on stderr.

A subcommand is a module with `add_parser(subcommands)` (see `chainrule.cli._common` for what
the modules share); add it to `COMMANDS`, one line each.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence

import autograd._clash  # noqa: F401  first: names HIPS autograd if it replaced our autograd/__init__.py
from autograd.errors import ChainruleError
from chainrule import __version__
from chainrule.cli import _check_sheet, _collab, _graddesc, _graph, _sheet, _sweep, _train
from chainrule.cli._common import CLIError, CommandParser, missing_extra

__all__ = ["COMMANDS", "main"]

COMMANDS = [  # in the order `chainrule --help` lists them
    _sweep,
    _graph,
    _graddesc,
    _collab,
    _train,
    _sheet,
    _check_sheet,
]

DESCRIPTION = """\
Backpropagation you can check and see, on the course's small networks: each COMMAND below
is one lesson (its numbers, a table, optional CSV and plot files, or a drawing)."""

EPILOG = """\
examples:
  chainrule sweep --csv sweep.csv --plot sweep.png
  chainrule graph --highlight w5 --edge-labels --out network.svg
  chainrule collab --ratings ml-100k --plot movies.png
  chainrule sheet --out course.xlsx
  chainrule check-sheet graddesc.xlsm --sheet basic --loss F4 --params b=C4 a=D4
  chainrule COMMAND --help     the options of one command

Exit status: 0 on success, 2 on an error (one line on stderr), 130 when interrupted."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run `chainrule` with `argv` (default: the command line); returns the exit status.

    Every failure is one line on stderr: a bad argument, numbers the library refuses (its
    `ChainruleError`s), a file or standard output that cannot be written, an optional package
    that is not installed (naming the extra that brings it) (status 2); Ctrl-C
    (status 130). Anything else is a bug and keeps its traceback."""
    parser = CommandParser(
        prog="chainrule",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_parser(subcommands)
    prog = "chainrule"
    try:
        args = parser.parse_args(argv)
        prog = f"chainrule {args.command}"
        code: int = args.run(args)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not at exit
    except SystemExit as done:  # argparse: --help, --version, or a one-line usage error
        return 0 if done.code is None else done.code if isinstance(done.code, int) else 2
    except (CLIError, ChainruleError) as error:
        return _fail(f"{prog}: error: {error}", 2)
    except ModuleNotFoundError as error:  # an optional package: name the extra that installs it
        line = missing_extra(error)
        if line is None:
            raise
        return _fail(f"{prog}: error: {line}", 2)
    except KeyboardInterrupt:
        return _fail(f"{prog}: interrupted", 130)
    except OSError as error:  # standard output on a full disk, or closed (a pipe whose reader left)
        _silence_stdout()
        where = repr(error.filename) if error.filename else "standard output"
        return _fail(f"{prog}: error: cannot write {where}: {error.strerror or error}", 2)
    return code


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's and the examples' line breaks."""


def _fail(line: str, code: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()  # what was printed before the error comes before it
    with contextlib.suppress(OSError):
        print(line, file=sys.stderr)
    return code


def _silence_stdout() -> None:
    """Send what standard output still holds to /dev/null: after a failure, nothing more goes
    out, and Python's own flush at exit cannot fail a second time with a traceback."""
    with contextlib.suppress(Exception):
        sys.stdout.flush()
    with contextlib.suppress(Exception):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


if __name__ == "__main__":
    sys.exit(main())
