"""Losses of a network's outputs against plain-number targets (targets are not graph nodes)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograd import Value, maximum, select

__all__ = ["cross_entropy", "half_squared_errors", "l2_loss", "mse_loss"]


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


def cross_entropy(logits: Sequence[Value], target: Any) -> Value:
    """The cross-entropy of one example, −log softmax(logits)[target]: the log-sum-exp of the
    scores minus the target's score, with the largest score subtracted first (exact for
    logits of ±1000). Built from engine ops only, the max through `maximum` and the lookup
    through `select`, so it traces with the target class as an integer input. Its gradient
    with respect to each score is p_i − y_i. (PyTorch's `cross_entropy` takes a batch; here a
    batch's loss is the mean over its examples, as `nn.train` takes it.)"""
    if not logits or not all(isinstance(z, Value) for z in logits):
        raise TypeError(f"logits must be a non-empty list of Values, got {logits!r}")
    m = logits[0]
    for z in logits[1:]:
        m = maximum(m, z)
    shifted = [z - m for z in logits]
    log_sum = sum((z.exp() for z in shifted[1:]), shifted[0].exp()).log()
    picked: Value = select(shifted, target)
    return log_sum - picked
