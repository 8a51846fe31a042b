"""The scalar engine: `Value`, its primitive ops, the topological order and `backward()`.

A node records, at forward time, its children and the local derivative of its op with
respect to each child (data, not a closure: closures form reference cycles that keep a
graph alive until the cyclic GC runs). `backward()` is then one loop over a topological
order: ``child.grad += local * node.grad``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Union

Number = Union[int, float]
Operand = Union["Value", int, float]

_grad_enabled = True
_ONE_CHILD: tuple[float] = (1.0,)  # shared local derivatives, so `x + 1` allocates no tuple
_ADD_LOCAL = (1.0, 1.0)
_SUB_LOCAL = (1.0, -1.0)


def _check_number(x: object, where: str) -> float:
    """`x` as a float if it is a finite real number (not a bool); raise otherwise."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{where} must be an int or float, got {type(x).__name__}: {x!r}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{where} must be finite, got {x!r}")
    return x


def _constant(x: object) -> float | None:
    """A plain-number operand as a float, or None when the type is not ours to handle."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return _check_number(x, "a constant operand")


class Value:
    """A scalar node of a computation graph: its data, its gradient, and how it was made.

    `grad` accumulates like PyTorch's: each `backward()` adds d(root)/d(node) to every
    node of the root's graph exactly once, so call `zero_grad()` (or set `grad = 0.0`)
    between steps.
    """

    # __slots__: no per-node dict; a node is ~200 bytes instead of micrograd's ~1,200.
    __slots__ = ("data", "grad", "label", "op", "children", "local_grads", "_pending")

    data: float
    grad: float
    label: str
    op: str
    children: tuple[Value, ...]
    local_grads: tuple[float, ...]

    def __init__(self, data: Number, label: str = "") -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self.data = _check_number(data, "Value data")
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.children = ()
        self.local_grads = ()

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ---- primitive ops: each computes its data and the local derivative per child ----

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data + other.data, "+", (self, other), _ADD_LOCAL)
        c = _constant(other)
        return NotImplemented if c is None else _node(self.data + c, "+", (self,), _ONE_CHILD)

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data - other.data, "-", (self, other), _SUB_LOCAL)
        c = _constant(other)
        return NotImplemented if c is None else _node(self.data - c, "-", (self,), _ONE_CHILD)

    def __rsub__(self, other: Number) -> Value:  # other - self
        c = _constant(other)
        return NotImplemented if c is None else _node(c - self.data, "-", (self,), (-1.0,))

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data * other.data, "*", (self, other), (other.data, self.data))
        c = _constant(other)
        return NotImplemented if c is None else _node(self.data * c, "*", (self,), (c,))

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            b = other.data
            if b == 0.0:
                raise ZeroDivisionError(f"/: division of {self.data!r} by a zero Value")
            return _node(self.data / b, "/", (self, other), (1.0 / b, -self.data / (b * b)))
        c = _constant(other)
        if c is None:
            return NotImplemented
        if c == 0.0:
            raise ZeroDivisionError(f"/: division of {self.data!r} by zero")
        return _node(self.data / c, "/", (self,), (1.0 / c,))

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        c = _constant(other)
        if c is None:
            return NotImplemented
        b = self.data
        if b == 0.0:
            raise ZeroDivisionError(f"/: division of {c!r} by a zero Value")
        return _node(c / b, "/", (self,), (-c / (b * b),))

    def __pow__(self, other: Operand) -> Value:
        a = self.data
        if isinstance(other, Value):  # a**b = exp(b·ln a): needs a > 0 for d/db = a**b·ln a
            if a <= 0.0:
                raise ValueError(f"**: base must be > 0 with a Value exponent, got {a!r}")
            b = other.data
            out = _pow(a, b)
            return _node(out, "**", (self, other), (b * _pow(a, b - 1.0), out * math.log(a)))
        n = _constant(other)
        if n is None:
            return NotImplemented
        if a < 0.0 and not n.is_integer():
            raise ValueError(f"**: negative base {a!r} with non-integer exponent {n!r}")
        if a == 0.0 and n < 1.0 and n != 0.0:
            raise ZeroDivisionError(f"**: 0.0 ** {n!r} has no finite derivative")
        return _node(_pow(a, n), "**", (self,), (n * _pow(a, n - 1.0),))

    def __rpow__(self, other: Number) -> Value:  # other ** self
        c = _constant(other)
        if c is None:
            return NotImplemented
        if c <= 0.0:
            raise ValueError(f"**: base must be > 0 with a Value exponent, got {c!r}")
        out = _pow(c, self.data)
        return _node(out, "**", (self,), (out * math.log(c),))

    def exp(self) -> Value:
        try:
            out = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp: overflow at {self.data!r}") from None
        return _node(out, "exp", (self,), (out,))

    def log(self) -> Value:
        x = self.data
        if x <= 0.0:
            raise ValueError(f"log: argument must be > 0, got {x!r}")
        return _node(math.log(x), "log", (self,), (1.0 / x,))

    def tanh(self) -> Value:
        # sech²x = 4e/(1+e)² with e = exp(-2|x|): 1 - tanh² would lose every digit for large |x|
        e = math.exp(-2.0 * abs(self.data))
        return _node(math.tanh(self.data), "tanh", (self,), (4.0 * e / ((1.0 + e) * (1.0 + e)),))

    def sigmoid(self) -> Value:
        # With e = exp(-|x|) ≤ 1 nothing overflows, and σ' = e/(1+e)² keeps its digits where
        # σ(1-σ) would cancel: σ(x) = 1/(1+e) for x ≥ 0, e/(1+e) below.
        x = self.data
        e = math.exp(-abs(x))
        s = 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
        return _node(s, "sigmoid", (self,), (e / ((1.0 + e) * (1.0 + e)),))

    def relu(self) -> Value:
        x = self.data
        return _node(x if x > 0.0 else 0.0, "relu", (self,), (1.0 if x > 0.0 else 0.0,))

    # ---- derived ops ----

    def __neg__(self) -> Value:  # -self
        return self * -1.0

    def __radd__(self, other: Number) -> Value:  # other + self
        return self + other

    def __rmul__(self, other: Number) -> Value:  # other * self
        return self * other

    def __float__(self) -> float:
        return self.data

    # ---- the graph ----

    def detach(self) -> Value:
        """A new leaf with the same data and label: gradients stop here."""
        return Value(self.data, self.label)

    def zero_grad(self) -> None:
        """Set the gradient of every node of this graph to 0.0."""
        for node in topological_order(self):
            node.grad = 0.0

    def backward(self) -> None:
        """Add d(self)/d(node) to `node.grad` for every node of the graph, self included."""
        order = topological_order(self)
        for node in order:  # a per-call accumulator: repeated calls add each term once
            node._pending = 0.0
        self._pending = 1.0
        for node in reversed(order):
            g = node._pending
            node.grad += g
            for child, local in zip(node.children, node.local_grads):
                child._pending += local * g


def _pow(a: float, b: float) -> float:
    try:
        out = a**b
    except OverflowError:
        raise OverflowError(f"**: overflow at {a!r} ** {b!r}") from None
    return out


_new_value = object.__new__


def _node(data: float, op: str, children: tuple[Value, ...], local_grads: tuple[float, ...]) -> Value:
    """A result node; its data is already checked by the op. Records no graph under no_grad."""
    if not math.isfinite(data):  # float + and * overflow to inf silently: say so instead
        raise OverflowError(f"{op}: result {data!r} is not finite")
    out = _new_value(Value)  # skips __init__'s checks: ops build thousands of nodes a step
    out.data = data
    out.grad = 0.0
    out.label = ""
    if _grad_enabled:
        out.op = op
        out.children = children
        out.local_grads = local_grads
    else:
        out.op = ""
        out.children = ()
        out.local_grads = ()
    return out


def topological_order(root: Value) -> list[Value]:
    """Every node of `root`'s graph, each after all of its children (iterative DFS)."""
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)
        elif node not in visited:  # a set, not a walk per use: graphs have diamonds (a + a)
            visited.add(node)
            stack.append((node, True))
            stack.extend((child, False) for child in node.children if child not in visited)
    return order


def scalar_op(
    name: str, f: Callable[..., float], *derivatives: Callable[..., float]
) -> Callable[..., Value]:
    """A new op from its function and one derivative per argument, each on plain floats.

    >>> softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)),
    ...                      lambda x: 1.0 / (1.0 + math.exp(-x)))
    >>> softplus(Value(0.0)).data
    0.6931471805599453

    Arguments may be Values or plain numbers; only the Values become children.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {name!r}")
    if not callable(f) or not derivatives or not all(map(callable, derivatives)):
        raise TypeError(f"scalar_op({name!r}) needs a function and one derivative per argument")

    def op(*args: Operand) -> Value:
        if len(args) != len(derivatives):
            raise TypeError(f"{name}: takes {len(derivatives)} argument(s), got {len(args)}")
        xs = [a.data if isinstance(a, Value) else _check_number(a, f"{name} argument") for a in args]
        out = f(*xs)
        if not isinstance(out, (int, float)) or isinstance(out, bool) or not math.isfinite(out):
            raise ValueError(f"{name}: function returned {out!r} at {xs!r}, not a finite float")
        children, local_grads = [], []
        for a, df in zip(args, derivatives):
            if isinstance(a, Value):
                d = df(*xs)
                if not isinstance(d, (int, float)) or not math.isfinite(d):
                    raise ValueError(f"{name}: derivative returned {d!r} at {xs!r}")
                children.append(a)
                local_grads.append(float(d))
        return _node(float(out), name, tuple(children), tuple(local_grads))

    op.__name__ = op.__qualname__ = name
    return op


class no_grad(ContextDecorator):  # noqa: N801 - PyTorch's name
    """Ops inside record no graph: results are leaves. Works as a decorator too."""

    def __init__(self) -> None:
        self._previous: list[bool] = []  # a stack: one instance may be entered recursively

    def __enter__(self) -> None:
        global _grad_enabled
        self._previous.append(_grad_enabled)
        _grad_enabled = False

    def __exit__(self, *exc: object) -> None:
        global _grad_enabled
        _grad_enabled = self._previous.pop()

    def __repr__(self) -> str:
        return "no_grad()"


def is_grad_enabled() -> bool:
    """False inside `no_grad()`."""
    return _grad_enabled
