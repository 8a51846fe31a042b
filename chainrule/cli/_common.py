"""What the `chainrule` subcommands share: the error type and the teaching network's options."""

from __future__ import annotations

import argparse
import contextlib
import math
from collections.abc import Iterator
from pathlib import Path

from chainrule.spreadsheet import DEFAULT_INPUTS, DEFAULT_TARGETS, DEFAULT_WEIGHTS


class CLIError(Exception):
    """A user error: `chainrule` prints it on one line and exits with status 2."""


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """--inputs, --weights and --targets of the teaching network (defaults: the course's)."""
    group = parser.add_argument_group(
        "the teaching network (defaults: the course's spreadsheet)",
        "Comma-separated numbers; when the first is negative, join it with '=': --weights=-0.5,...",
    )
    group.add_argument("--inputs", metavar="I1,I2", help=f"default {_joined(DEFAULT_INPUTS)}")
    group.add_argument("--weights", metavar="W1,...,W8", help=f"default {_joined(DEFAULT_WEIGHTS)}")
    group.add_argument("--targets", metavar="T1,T2", help=f"default {_joined(DEFAULT_TARGETS)}")


def network_values(
    args: argparse.Namespace,
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """(inputs, weights, targets) from the options of `add_network_arguments`; CLIError if bad."""
    inputs = _numbers(args.inputs, 2, "--inputs", "I1,I2") if args.inputs is not None else DEFAULT_INPUTS
    weights = (
        _numbers(args.weights, 8, "--weights", "W1,...,W8") if args.weights is not None else DEFAULT_WEIGHTS
    )
    targets = _numbers(args.targets, 2, "--targets", "T1,T2") if args.targets is not None else DEFAULT_TARGETS
    return inputs, weights, targets


def parse_number(text: str, option: str) -> float:
    """`text` as a finite float, or a CLIError naming `option` and the text."""
    try:
        x = float(text)
    except ValueError:
        raise CLIError(f"{option}: {text!r} is not a number") from None
    if not math.isfinite(x):
        raise CLIError(f"{option}: {text!r} is not a finite number")
    return x


def _numbers(text: str, count: int, option: str, metavar: str) -> tuple[float, ...]:
    parts = text.split(",")
    if len(parts) != count:
        raise CLIError(
            f"{option}: expected {count} comma-separated numbers ({metavar}), got {len(parts)}: {text!r}"
        )
    return tuple(parse_number(part.strip(), option) for part in parts)


def _joined(numbers: tuple[float, ...]) -> str:
    return ",".join(map(repr, numbers))


@contextlib.contextmanager
def numbers_that_fit() -> Iterator[None]:
    """The library's errors for numbers out of range (a node or an update overflowing,
    say) as one-line CLIErrors."""
    try:
        yield
    except (ValueError, OverflowError, ZeroDivisionError) as error:
        raise CLIError(str(error)) from None


def check_writable(path: Path, option: str) -> None:
    """Fail early, before any work, if `path` cannot be written (its directory is created)."""
    if path.is_dir():
        raise CLIError(f"{option}: {str(path)!r} is a directory")
    _write_atomically(path, None, option)


def write_output(path: Path, data: bytes, option: str) -> None:
    """Write `data` to `path` in full or not at all: a file already there is replaced only
    once the new one is complete. A CLIError naming `option` if it cannot be written."""
    _write_atomically(path, data, option)


def _write_atomically(path: Path, data: bytes | None, option: str) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise CLIError(
                f"{option}: cannot write {str(path)!r}: {str(path.parent)!r} is not a directory"
            ) from None
        partial.write_bytes(data or b"")
        if data is None:
            partial.unlink()
        else:
            partial.replace(path)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise CLIError(f"{option}: cannot write {str(path)!r}: {error.strerror or error}") from None
