"""Gradients of plain-float functions: `grad` and `value_and_grad`, in the style of JAX."""

from __future__ import annotations

from collections.abc import Callable

from autograd.engine import Value
from autograd.validation import check_number


def value_and_grad(f: Callable[..., Value]) -> Callable[..., tuple[float, tuple[float, ...]]]:
    """`f` takes Values and returns a Value; the result takes floats and returns
    ``(f(*xs).data, (df/dx0, df/dx1, ...))``."""

    def wrapped(*xs: float) -> tuple[float, tuple[float, ...]]:
        leaves = [Value(check_number(x, f"argument {i}")) for i, x in enumerate(xs)]
        out = call(f, leaves)
        out.backward()
        return out.data, tuple(leaf.grad for leaf in leaves)

    return wrapped


def grad(f: Callable[..., Value]) -> Callable[..., tuple[float, ...]]:
    """Like `value_and_grad`, returning only the gradient tuple."""
    with_value = value_and_grad(f)
    return lambda *xs: with_value(*xs)[1]


def call(f: Callable[..., Value], leaves: list[Value]) -> Value:
    """`f(*leaves)`, checked to be a Value (a float would have lost the graph)."""
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"the function must return a Value, got {type(out).__name__}: {out!r}")
    return out
