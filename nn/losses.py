"""Losses of a network's outputs against plain-number targets (targets are not graph nodes)."""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value

__all__ = ["half_squared_errors", "l2_loss", "mse_loss"]


def half_squared_errors(outputs: Sequence[Value], targets: Sequence[float]) -> list[Value]:
    """The course's per-output errors ½(t − a)², one Value per output."""
    _check_lengths(outputs, targets)
    return [0.5 * (t - a) ** 2 for a, t in zip(outputs, targets, strict=True)]


def l2_loss(outputs: Sequence[Value], targets: Sequence[float]) -> Value:
    """The course's error E = Σ ½(t − a)²."""
    errors = half_squared_errors(outputs, targets)
    return sum(errors[1:], start=errors[0])


def mse_loss(outputs: Sequence[Value], targets: Sequence[float]) -> Value:
    """Mean squared error (1/n) Σ (t − a)², PyTorch's `mse_loss` with its default mean."""
    _check_lengths(outputs, targets)
    squares = [(t - a) ** 2 for a, t in zip(outputs, targets, strict=True)]
    return sum(squares[1:], start=squares[0]) / len(squares)


def _check_lengths(outputs: Sequence[Value], targets: Sequence[float]) -> None:
    for a in outputs:  # a float here would give a float loss with nothing to backpropagate
        if not isinstance(a, Value):
            raise TypeError(f"outputs must be Values, got {type(a).__name__}: {a!r}")
    if len(outputs) != len(targets) or not outputs:
        raise ValueError(
            f"need as many targets as outputs (at least one), got {len(outputs)} outputs "
            f"and {len(targets)} targets: {targets!r}"
        )
