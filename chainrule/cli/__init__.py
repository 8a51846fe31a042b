"""The `chainrule` command: each subcommand in its own module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from chainrule.cli import _graddesc, _graph, _sweep
from chainrule.cli._common import CLIError


def main(argv: Sequence[str] | None = None) -> int:
    """Run `chainrule`; returns the exit code (a one-line error and 2 on bad input)."""
    parser = argparse.ArgumentParser(prog="chainrule", description=__doc__)
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _sweep.add_parser(subcommands)
    _graph.add_parser(subcommands)
    _graddesc.add_parser(subcommands)
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except CLIError as error:
        print(f"chainrule {args.command}: error: {error}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    sys.exit(main())
