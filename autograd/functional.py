"""Gradients of functions, in the style of JAX: `grad` and `value_and_grad`.

They compose, as JAX's do: given plain floats they return floats; given Values (as when an
outer `grad` calls an inner one) they return Values whose graph computes the gradient, so
``grad(lambda x: grad(f)(x)[0])`` is the second derivative. ``create_graph=True`` returns such
Values for float inputs too (to draw the gradient's graph, say).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd.engine import Value, enable_grad
from autograd.validation import check_number


def value_and_grad(
    f: Callable[..., Value], *, create_graph: bool = False
) -> Callable[..., tuple[Any, tuple[Any, ...]]]:
    """`f` takes Values and returns a Value; the result takes floats and returns
    ``(f(*xs).data, (df/dx0, df/dx1, ...))``, or Values where the inputs are Values or
    `create_graph` is set (the value `f(*xs)` itself and the gradient as graphs).

    The gradient is computed in grad mode whatever the caller's (`enable_grad`): inside a
    `no_grad` block it is still the gradient, as torch.func.grad's and JAX's are, not 0."""

    def wrapped(*xs: float | Value) -> tuple[Any, tuple[Any, ...]]:
        as_graph = create_graph or any(isinstance(x, Value) for x in xs)
        leaves = [
            x if isinstance(x, Value) else Value(check_number(x, f"argument {i}")) for i, x in enumerate(xs)
        ]
        with enable_grad():
            out = call(f, leaves)
            if as_graph:
                from autograd.second_order import gradient_graph

                grads = gradient_graph(out)
                return out, tuple(grads.get(leaf, Value(0.0)) for leaf in leaves)
            out.backward()
        return out.data, tuple(leaf.grad for leaf in leaves)

    return wrapped


def grad(f: Callable[..., Value], *, create_graph: bool = False) -> Callable[..., tuple[Any, ...]]:
    """Like `value_and_grad`, returning only the gradient tuple."""
    with_value = value_and_grad(f, create_graph=create_graph)
    return lambda *xs: with_value(*xs)[1]


def call(f: Callable[..., Value], leaves: list[Value]) -> Value:
    """`f(*leaves)`, checked to be a Value (a float would have lost the graph)."""
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"the function must return a Value, got {type(out).__name__}: {out!r}")
    return out
