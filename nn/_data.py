"""The one place where `nn` changes a parameter's data (optimizer steps, loading a state dict)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value
from autograd.engine import set_data_all

__all__ = ["set_data", "set_data_of_all"]


def set_data(p: Value, x: float) -> None:
    """Give the leaf `p` the new data `x` through `Value.set_data`, which makes every graph
    built from the old data stale (a later `backward()` through it is a `StaleGraphError`)."""
    p.set_data(x)


def set_data_of_all(params: Sequence[Value], numbers: Sequence[float]) -> None:
    """`set_data` for each parameter and number, in one pass (`autograd.engine.set_data_all`)."""
    set_data_all(params, numbers)
