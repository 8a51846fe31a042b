"""`chainrule graph` (not yet implemented)."""

import argparse
from typing import Any


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser("graph", help="(not yet implemented)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return 1
