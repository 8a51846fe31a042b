"""Checks of user-given arguments, shared by every floor of the library.

A number is any real number that is not a bool: int, float, `fractions.Fraction`, numpy's
scalars (anything registered as `numbers.Real`). Each check returns the value in its
canonical type (float, int, tuple) or raises `TypeError` (wrong kind) or `ValueError` (right
kind, bad value), naming the argument and showing the value with ``!r``.
"""

from __future__ import annotations

import math
import numbers
import re
import sys
from collections.abc import Collection, Sequence
from typing import TypeGuard, TypeVar

__all__ = [
    "DECIMAL_NUMBER",
    "WHOLE_NUMBER",
    "check_choice",
    "check_count",
    "check_flag",
    "check_int",
    "check_number",
    "check_sequence",
    "finite_floats",
    "is_int",
    "is_number",
    "parse_decimal",
]

T = TypeVar("T")

# Numbers as a person types them, in ASCII decimal notation: 0.5, -2, 1e3, .5e-3, and whole
# numbers 45, -2. Python's float() and int() also take "4_5", "١٢" (Arabic-Indic digits) and
# (float) " inf": in a command's option or a data file, a typo should be an error, not a number.
# The `chainrule` command's options and the data readers' fields are both read with these.
DECIMAL_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
WHOLE_NUMBER = re.compile(r"[+-]?\d+", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def parse_decimal(text: str) -> float:
    """`text` (`DECIMAL_NUMBER`, spaces around it allowed) as a finite float, or a ValueError
    whose message completes "<text> ...": "is not a number", "is not a finite number"."""
    word = text.strip()
    if _NON_FINITE.fullmatch(word):
        raise ValueError("is not a finite number")
    if not DECIMAL_NUMBER.fullmatch(word):
        raise ValueError("is not a number")
    x = float(word)
    if not math.isfinite(x):
        raise ValueError(f"is not a finite number (beyond ±{sys.float_info.max:.4g})")
    return x


def is_number(x: object) -> bool:
    """A real number that is not a bool (numpy's bool_ is not a `numbers.Real` either)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def is_int(x: object) -> TypeGuard[numbers.Integral]:
    """An integer that is not a bool: int or any `numbers.Integral` (numpy's integers too)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def check_number(
    x: object,
    name: str,
    *,
    min_value: float | None = None,
    max_value: float | None = None,
    exclude_min: bool = False,
    exclude_max: bool = False,
) -> float:
    """`x` as a finite float within the bounds (each inclusive unless excluded)."""
    if not is_number(x):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}: {x!r}")
    try:
        value = float(x)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond float's range
        raise ValueError(f"{name} must be finite, got an int too large for a float: {x!r}") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {x!r}")
    _check_bounds(value, x, name, min_value, max_value, exclude_min, exclude_max)
    return value


def check_int(x: object, name: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """`x` as an int (any `numbers.Integral` but bool, numpy's integers included) within the bounds."""
    if not is_int(x):
        raise TypeError(f"{name} must be an int, got {type(x).__name__}: {x!r}")
    value = int(x)
    _check_bounds(value, x, name, min_value, max_value, False, False)
    return value


def check_flag(x: object, name: str) -> bool:
    """`x` if it is a bool: a string such as 'no' would otherwise be true."""
    if not isinstance(x, bool):
        raise TypeError(f"{name} must be True or False, got {type(x).__name__}: {x!r}")
    return x


def check_choice(x: T, name: str, choices: Collection[T]) -> T:
    """`x` if it is one of `choices`."""
    if x not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {x!r}")
    return x


def check_sequence(x: object, name: str) -> Sequence[object]:
    """`x` if it is an ordered sequence: not a str or bytes (a sequence of characters), and not
    a set or dict, whose order is not the caller's."""
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        raise TypeError(f"{name} must be a list or tuple, got {type(x).__name__}: {x!r}")
    return x


def check_count(x: object, count: int, name: str) -> Sequence[object]:
    """`x` if it is a sequence of exactly `count` items."""
    seq = check_sequence(x, name)
    if len(seq) != count:
        raise ValueError(f"{name} must hold {count} numbers, got {len(seq)}: {x!r}")
    return seq


def finite_floats(x: object, count: int, name: str) -> tuple[float, ...]:
    """`x` as a tuple of `count` finite floats."""
    return tuple(check_number(item, f"each of {name}") for item in check_count(x, count, name))


def _check_bounds(
    value: float,
    shown: object,
    name: str,
    low: float | None,
    high: float | None,
    exclude_low: bool,
    exclude_high: bool,
) -> None:
    too_low = low is not None and (value <= low if exclude_low else value < low)
    too_high = high is not None and (value >= high if exclude_high else value > high)
    if too_low or too_high:
        lo = "" if low is None else f"{low!r} {'<' if exclude_low else '<='} "
        hi = "" if high is None else f" {'<' if exclude_high else '<='} {high!r}"
        raise ValueError(f"{name} must satisfy {lo}{name}{hi}, got {shown!r}")
