"""The one place where `nn` changes a parameter's data (optimizer steps, loading a state dict)."""

from __future__ import annotations

from autograd import Value

__all__ = ["set_data"]


def set_data(p: Value, x: float) -> None:
    """Give the leaf `p` the new data `x` (already checked finite by the caller)."""
    p.data = x
