"""`logsumexp`: log Σ e^{x_i} without overflow, one step of a tape when traced; and `largest`,
the maximum of many Values that it (and nn's softmax) subtracts first."""

from __future__ import annotations

from collections.abc import Sequence
from threading import get_ident
from typing import Any

from autograd.engine import Value, maximum
from autograd.validation import check_number

__all__ = ["largest", "logsumexp"]


def largest(values: Sequence[Value]) -> Value:
    """The largest of `values` by `maximum` in pairs: a tree of ⌈log₂ n⌉ levels rather than a
    chain of n − 1 (a compiled tape runs a level at a time). At a tie `maximum` halves its
    gradient, so tied values share the result's gradient (otherwise than along a chain)."""
    xs = list(values)
    while len(xs) > 1:
        xs = [maximum(a, b) for a, b in zip(xs[::2], xs[1::2])] + xs[len(xs) - len(xs) % 2 :]
    return xs[0]


def logsumexp(values: Sequence[Any]) -> Value:
    """log Σ_i e^{x_i} (PyTorch's `torch.logsumexp`, JAX's `logsumexp`) of Values or plain
    numbers, computed as m + log Σ_i e^{x_i − m} with m the largest: no e^{x} overflows, so it is
    exact for x of ±1000, where log(sum(exp)) fails. Its gradient is softmax(x).

    On the dynamic engine it is that graph of the engine's ops (m's own gradient is 1 − Σ
    softmax, zero to rounding). Inside `autograd.trace` it is one step of the tape, whose local
    derivatives are the softmax itself: one numpy kernel instead of a level per op."""
    xs = _operands(values)
    m = largest(xs)
    exps = [(x - m).exp() for x in xs]
    out: Value = sum(exps[1:], start=exps[0]).log() + m
    from autograd.tape import _trace  # (no cycle at import time: the tape imports the engine)

    tracer = _trace._active.get(get_ident())
    if tracer is not None:
        tracer.logsumexp(out, xs)
    return out


def _operands(values: object) -> list[Value]:
    """`values` as a non-empty list of Values (a plain number becomes a constant Value)."""
    if isinstance(values, (str, bytes, Value)) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"logsumexp: values must be a non-empty list of Values or numbers, got {values!r}")
    return [x if isinstance(x, Value) else Value(check_number(x, "logsumexp: each value")) for x in values]
