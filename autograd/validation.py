"""Checks of user-given numbers and sequences, shared by every floor of the library.

Each returns the value in its canonical type or raises `TypeError`/`ValueError` naming the
argument and showing the bad value.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["check_count", "finite_floats"]


def check_count(numbers: Sequence[object], count: int, name: str) -> None:
    """`numbers` must be a sequence (not a string) of exactly `count` items."""
    if isinstance(numbers, (str, bytes)) or not isinstance(numbers, Sequence) or len(numbers) != count:
        raise ValueError(f"{name} must be a sequence of {count} numbers, got {numbers!r}")


def finite_floats(numbers: Sequence[float], count: int, name: str) -> tuple[float, ...]:
    """`numbers` as floats, if there are `count` of them and each is a finite int or float."""
    check_count(numbers, count, name)
    for x in numbers:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            raise TypeError(f"{name} must hold ints or floats, got {type(x).__name__}: {x!r}")
        if not math.isfinite(x):
            raise ValueError(f"{name} must be finite, got {x!r} in {numbers!r}")
    return tuple(float(x) for x in numbers)
