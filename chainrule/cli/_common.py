"""What the `chainrule` subcommands share: one-line errors, options, output files, progress.

A subcommand is a module with `add_parser(subcommands)`, whose parser's `run(args) -> int`
does the work (see `chainrule.cli`). It uses:

- `CLIError`: a user error, printed by `main` on one line (exit status 2);
- `parse_number`, `parse_numbers`, `parse_count`: numbers as a person types them;
- `check_outputs` before any work (every output path, none created), then `write_output`
  (through the path: a file replaced in full, a symlink followed, a pipe written into);
- `numbers_that_fit`: the library's errors about the numbers as one line naming the options;
- `progress`: a progress bar on a terminal's stderr, nothing otherwise;
- `missing_extra`: which of chainrule's extras brings a module that is not installed.

Options are given once: `CommandParser` refuses a repeated option instead of keeping the last.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import math
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NoReturn

from autograd.errors import ChainruleError
from autograd.validation import DECIMAL_NUMBER, WHOLE_NUMBER, parse_decimal
from chainrule.spreadsheet import DEFAULT_INPUTS, DEFAULT_TARGETS, DEFAULT_WEIGHTS
from chainrule.sweep_report import plot_formats
from nn._files import write_file

__all__ = [
    "BOUNDS",
    "Bounds",
    "CLIError",
    "CommandParser",
    "add_network_arguments",
    "check_outputs",
    "check_writable",
    "missing_extra",
    "network_values",
    "numbers_that_fit",
    "parse_count",
    "parse_number",
    "parse_numbers",
    "progress",
    "refuse_terminal",
    "training_changes",
    "write_output",
]


class CLIError(Exception):
    """A user error: `chainrule` prints it on one line and exits with status 2."""


# ---- the parser ----


class CommandParser(argparse.ArgumentParser):
    """argparse's parser with two changes: an error is one line (the usage is in `--help`),
    and an option given twice is an error (argparse would silently keep the last)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # argument groups share the registry: their options are checked too
        self.register("action", None, _StoreOnce)
        self.register("action", "store", _StoreOnce)
        self.register("action", "store_true", _FlagOnce)


GIVEN = "_options_given"  # the attribute of the parsed namespace listing the options given


def _given_once(
    parser: argparse.ArgumentParser,
    namespace: argparse.Namespace,
    action: argparse.Action,
    option: str | None,
) -> None:
    given: dict[str, str] = vars(namespace).setdefault(GIVEN, {})
    if option is None:  # a positional argument
        return
    name = action.option_strings[-1]  # the long name
    if name in given:
        parser.error(f"{name} is given twice; give it once")
    given[name] = option


class _StoreOnce(argparse.Action):
    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option: str | None = None,
    ) -> None:
        _given_once(parser, namespace, self, option)
        setattr(namespace, self.dest, values)


class _FlagOnce(_StoreOnce):
    def __init__(
        self, option_strings: Sequence[str], dest: str, default: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(option_strings, dest, nargs=0, default=default, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option: str | None = None,
    ) -> None:
        super().__call__(parser, namespace, True, option)  # a flag stores True, not its (empty) values


# ---- numbers ----


@dataclasses.dataclass(frozen=True)
class Bounds:
    """Where an option's number must lie: above (or at) `low`, below `high`."""

    low: float | None = None
    low_allowed: bool = True
    high: float | None = None

    def check(self, x: float, text: str, option: str) -> float:
        if self.low is not None and (x < self.low or (x == self.low and not self.low_allowed)):
            sign = ">=" if self.low_allowed else ">"
            raise CLIError(f"{option}: must be {sign} {self.low:g}, got {text!r}")
        if self.high is not None and x >= self.high:
            raise CLIError(f"{option}: must be below {self.high:g}, got {text!r}")
        return x

    def __repr__(self) -> str:
        return f"Bounds(low={self.low!r}, low_allowed={self.low_allowed!r}, high={self.high!r})"


BOUNDS = {
    "--lr": Bounds(0.0, low_allowed=False),  # 0 trains nothing: an error in every command alike
    "--weight-decay": Bounds(0.0),
    "--valid-pct": Bounds(0.0, high=1.0),
}
"""The bounds of every number option, the same in each command that has the option."""


def parse_number(text: str, option: str) -> float:
    """`text` as a finite float within `option`'s `BOUNDS` (if it has any), or a CLIError
    naming `option` and the text."""
    x = _finite(text, option)
    bounds = BOUNDS.get(option)
    return bounds.check(x, text, option) if bounds is not None else x


def training_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The settings that --lr, --weight-decay and --epochs give, for those given (`train` and
    `collab` share them), each parsed with its bounds."""
    changes: dict[str, Any] = {}
    if args.lr is not None:
        changes["lr"] = parse_number(args.lr, "--lr")
    if args.weight_decay is not None:
        changes["weight_decay"] = parse_number(args.weight_decay, "--weight-decay")
    if args.epochs is not None:
        changes["epochs"] = parse_count(args.epochs, "--epochs", min_value=1)
    return changes


def _finite(text: str, option: str) -> float:
    """`text` as a finite float in decimal notation (`autograd.validation.parse_decimal`, as
    the data readers read their numbers: never "4_5" or Arabic-Indic digits, as Python's
    float() would), or a CLIError naming `option` and the text."""
    try:
        return parse_decimal(text)
    except ValueError as reason:
        raise CLIError(f"{option}: {text!r} {reason}") from None


def parse_count(text: str, option: str, *, min_value: int = 0, max_value: int | None = None) -> int:
    """`text` as a whole number ≥ `min_value` (and ≤ `max_value`, a size the command can
    build): 45, 1e3 and 1000.0 are; 4.5 and 4_5 are not."""
    word = text.strip()
    if not DECIMAL_NUMBER.fullmatch(word):
        raise CLIError(f"{option}: {text!r} is not a whole number")
    if WHOLE_NUMBER.fullmatch(word):
        n = int(word)
    else:
        x = float(word)
        if math.isinf(x):
            raise CLIError(f"{option}: {text!r} is too large")
        if not x.is_integer():
            raise CLIError(f"{option}: {text!r} is not a whole number")
        n = int(x)
    if n < min_value:
        raise CLIError(f"{option}: must be >= {min_value}, got {text!r}")
    if max_value is not None and n > max_value:
        raise CLIError(f"{option}: must be <= {max_value:,}, got {text!r}")
    return n


def parse_numbers(text: str, count: int, option: str, metavar: str) -> tuple[float, ...]:
    """`count` comma-separated numbers, e.g. "0.05,0.1"."""
    parts = text.split(",")
    if len(parts) != count:
        raise CLIError(
            f"{option}: expected {count} comma-separated numbers ({metavar}), got {len(parts)}: {text!r}"
        )
    return tuple(parse_number(part, option) for part in parts)


@contextlib.contextmanager
def numbers_that_fit(args: argparse.Namespace | None = None, options: Sequence[str] = ()) -> Iterator[None]:
    """The library's errors about the numbers (an overflow, a value out of an op's domain)
    as one-line CLIErrors naming those of `options` the command line gave, with their values.
    Any other exception, a bug's, goes on as it is."""
    try:
        yield
    except (ChainruleError, OverflowError, ZeroDivisionError) as error:  # float arithmetic's too
        given = vars(args).get(GIVEN, {}) if args is not None else {}
        shown = [f"{option} {_shown(getattr(args, _dest(option)))}" for option in options if option in given]
        where = f"with {', '.join(shown)}: " if shown else ""
        raise CLIError(f"{where}{error}") from None


def _dest(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _shown(value: object) -> str:
    text = " ".join(value) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ---- the teaching network's options ----


def add_mode_and_lr_find(parser: argparse.ArgumentParser, group: Any, modes: Sequence[str]) -> None:
    """The options `train` and `collab` share: --mode (and its old name --engine) in `group`,
    --lr-find in `parser`; `modes` is nn.train's MODES (not imported here: the other commands
    load no engine)."""
    group.add_argument(
        "--mode",
        choices=modes,
        default="tape",
        help="tape (a compiled tape replayed over each batch, the default) or dynamic (a graph per "
        "example, slow)",
    )
    group.add_argument("--engine", choices=modes, dest="mode", help=argparse.SUPPRESS)  # --mode's old name
    parser.add_argument(
        "--lr-find",
        action="store_true",
        help="run fastai's learning-rate finder instead of training (1e-7 → 10 over 100 minibatches): "
        "print its two suggestions and the curve (--plot writes the picture)",
    )


def add_network_arguments(parser: argparse.ArgumentParser) -> None:
    """--inputs, --weights and --targets of the teaching network (defaults: the course's)."""
    group = parser.add_argument_group(
        "the teaching network (defaults: the course's spreadsheet)",
        "Comma-separated numbers; when the first is negative, join it with '=': --weights=-0.5,...",
    )
    group.add_argument("--inputs", metavar="I1,I2", help=f"default {_joined(DEFAULT_INPUTS)}")
    group.add_argument("--weights", metavar="W1,...,W8", help=f"default {_joined(DEFAULT_WEIGHTS)}")
    group.add_argument("--targets", metavar="T1,T2", help=f"default {_joined(DEFAULT_TARGETS)}")


NETWORK_OPTIONS = ("--inputs", "--weights", "--targets")


def network_values(
    args: argparse.Namespace,
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]:
    """(inputs, weights, targets) from the options of `add_network_arguments`; CLIError if bad."""
    inputs = parse_numbers(args.inputs, 2, "--inputs", "I1,I2") if args.inputs is not None else DEFAULT_INPUTS
    weights = (
        parse_numbers(args.weights, 8, "--weights", "W1,...,W8")
        if args.weights is not None
        else DEFAULT_WEIGHTS
    )
    targets = (
        parse_numbers(args.targets, 2, "--targets", "T1,T2") if args.targets is not None else DEFAULT_TARGETS
    )
    return inputs, weights, targets


def _joined(numbers: tuple[float, ...]) -> str:
    return ",".join(map(repr, numbers))


# ---- output files ----


def check_outputs(*outputs: tuple[str | None, str]) -> None:
    """Fail before any work if one of the (path, option) pairs given (path not None) cannot
    be written, or two name the same file. Creates nothing: missing directories are made by
    `write_output`, once the work is done."""
    seen: dict[str, str] = {}
    for path, option in outputs:
        if path is None:
            continue
        target = _check_output(path, option)
        if target in seen:
            raise CLIError(f"{seen[target]} and {option} both name {path!r}: give each its own file")
        seen[target] = option


def _check_output(path: str, option: str) -> str:
    """What names the file `path` leads to, if it can be written (else a CLIError): its
    inode for a FIFO or a device, else its real path (symlinks followed)."""
    if not path.strip():
        raise CLIError(f"{option}: the path is empty")
    try:
        status = os.stat(path)  # follows symlinks, /dev/stdout → /proc/self/fd/1 → a pipe included
    except FileNotFoundError:
        status = None
    except OSError as error:
        raise CLIError(f"{option}: cannot write {path!r}: {error.strerror or error}") from None
    if (status is not None and stat.S_ISDIR(status.st_mode)) or path.endswith(("/", os.sep)):
        raise CLIError(f"{option}: {path!r} is a directory")
    if status is not None and not stat.S_ISREG(status.st_mode):  # a FIFO or a device: written in place
        if not os.access(path, os.W_OK):
            raise CLIError(f"{option}: cannot write {path!r}: permission denied")
        return f"{status.st_dev}:{status.st_ino}"
    if status is not None and not os.access(path, os.W_OK):
        raise CLIError(f"{option}: cannot write {path!r}: the file is read-only")
    target = os.path.realpath(path)
    existing = os.path.dirname(target)
    while not os.path.exists(existing):  # the directories to create, up to one that exists
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise CLIError(f"{option}: cannot write {path!r}: {existing!r} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CLIError(f"{option}: cannot write {path!r}: permission denied in {existing!r}")
    return f"{status.st_dev}:{status.st_ino}" if status is not None else target


def write_output(path: str | os.PathLike[str], data: bytes, option: str) -> None:
    """`nn._files.write_file`: through `path` (a symlink followed, a regular file replaced in
    full or not at all, a FIFO or a device written into, missing directories created); a
    CLIError naming `option` if it cannot be written."""
    try:
        write_file(path, data)
    except OSError as error:
        raise CLIError(f"{option}: cannot write {os.fspath(path)!r}: {error.strerror or error}") from None


def check_writable(path: str | os.PathLike[str], option: str) -> None:
    """`check_outputs` for one path (kept for the commands that check their outputs one by one)."""
    check_outputs((os.fspath(path), option))


def refuse_terminal(what: str, hint: str) -> None:
    """A CLIError if standard output is a terminal: `what` (a picture) would fill it with bytes."""
    isatty = getattr(sys.stdout, "isatty", None)
    if isatty is not None and isatty():
        raise CLIError(f"refusing to write {what} to a terminal: {hint}")


# ---- optional packages ----

EXTRAS = {  # an optional package's import name: its name on PyPI, and the extra of chainrule that brings it
    "graphviz": ("graphviz", "draw"),
    "PIL": ("Pillow", "draw"),
    "matplotlib": ("matplotlib", "plot"),
    "openpyxl": ("openpyxl", "sheet"),
    "tqdm": ("tqdm", "lessons"),
    "sklearn": ("scikit-learn", "data"),
    "mlxtend": ("mlxtend", "data"),
    "hypothesis": ("hypothesis", "strategies"),
}


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """The one line saying what to install for the module `error` did not find, or None when
    that module is not one of chainrule's optional packages (then it is a bug)."""
    top = (error.name or "").split(".")[0]
    if top not in EXTRAS:
        return None
    package, extra = EXTRAS[top]
    return (
        f"this needs the Python package {package!r}, which is not installed: pip install {package}, "
        f"or install chainrule with its {extra!r} extra (pip install 'path/to/chainrule[{extra}]')"
    )


# ---- progress ----


@contextlib.contextmanager
def progress(total: int, description: str, unit: str) -> Iterator[Callable[[int], object]]:
    """`update(n)` to advance a tqdm bar of `total` steps on stderr, shown only when stderr is
    a terminal (a log or a pipe gets nothing); the bar is removed when done."""
    isatty = getattr(sys.stderr, "isatty", None)
    if isatty is None or not isatty():
        yield lambda n: None
        return
    from tqdm import tqdm

    with tqdm(
        total=total, desc=description, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True
    ) as bar:
        yield bar.update


def plot_format_of(path: str) -> str:
    """The format `path`'s suffix names (png without one); a CLIError for one matplotlib lacks."""
    suffix = os.path.splitext(path)[1].lower().lstrip(".")
    if not suffix:
        return "png"
    formats = plot_formats()
    if suffix not in formats:
        raise CLIError(f"--plot: cannot tell the format of {path!r}: use a suffix {', '.join(formats)}")
    return suffix
