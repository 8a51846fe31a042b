"""The one place where `nn` changes a parameter's data (optimizer steps, loading a state dict)."""

from __future__ import annotations

from autograd import Value

__all__ = ["set_data"]


def set_data(p: Value, x: float) -> None:
    """Give the leaf `p` the new data `x` through `Value.set_data`, which makes every graph
    built from the old data stale (a later `backward()` through it is a `StaleGraphError`)."""
    p.set_data(x)
