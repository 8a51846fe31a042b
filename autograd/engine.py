"""The scalar engine: `Value`, its primitive ops, the topological order and `backward()`.

A node records, at forward time, its children and the local derivative of its op with
respect to each child (data, not a closure: closures form reference cycles that keep a
graph alive until the cyclic GC runs). `backward()` is then one loop over a topological
order: ``child.grad += local * node.grad``.

Every op has one or two operands, so a node keeps them in four slots (`_child0`, `_local0`,
`_child1`, `_local1`) rather than in two tuples: each tuple is one more object for the cyclic
GC to track and walk, and slots made a training step 1.5× faster with the GC on. A constant
(plain-number) operand takes the local-derivative slot that its missing child leaves free:

    x - 2.0   _child0=x     _local0=1.0  _child1=None  _local1=2.0   (the constant second)
    2.0 - x   _child0=None  _local0=2.0  _child1=x     _local1=-1.0  (the constant first)
    x.exp()   _child0=x     _local0=e^x  _child1=None  _local1=None  (one operand)

so the graph keeps every operand at no cost in memory. The `operands`, `children` and
`local_grads` properties give them as tuples, in operand order.

Each op's math (its result, local derivatives and domain) is written once, in its row of
`autograd.ops.OPS`; the methods below apply it (`_unary`). Only the arithmetic dunders spell
their few lines out, for speed, and a test holds them to the table bit for bit.
`backward(create_graph=True)` builds the gradients from the same rows as Values
(`autograd.second_order`).

Two more things a node records: the data version at which it was made (`set_data`, as an
optimizer step, advances the version, so backward can refuse an operand newer than its
result: a stale graph), and nothing at all under `no_grad`, whose mode is per thread.
"""

from __future__ import annotations

import itertools
import math
import operator
import threading
from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import ContextDecorator
from typing import Any, TypeAlias

from autograd.errors import NonFiniteError, StaleGraphError
from autograd.ops import OPS, Op
from autograd.validation import check_number, is_number

Number: TypeAlias = int | float
Operand: TypeAlias = "Value | int | float"

# autograd.tape's tracer while it traces a function, else None: `select` and `scalar_op` tell it
# what a node alone cannot (the candidates of a selection, the function of a scalar_op)
_tracer: Any = None


class _GradMode(threading.local):
    """Each thread's grad mode (as in PyTorch: a new thread starts with it on), and the modes
    its open `no_grad` blocks will restore."""

    enabled = True

    def __init__(self) -> None:
        self.saved: list[bool] = []


_mode = _GradMode()
# How many threads have grad mode off. While it is 0, as it is outside no_grad, `_node` tests
# this one global and never reads the (slower) thread-local mode.
_threads_without_grad = 0
_global_lock = threading.Lock()  # guards the two counters of this module: threads without grad, data version

# The data version: set_data advances it and stamps the changed node with it, every node
# records it when made, so an operand newer than its result marks a stale graph.
_data_version = 0
_next_version = itertools.count(1).__next__  # called under _global_lock


def _constant(x: object, op: str) -> float | None:
    """A plain-number operand of `op` as a float, or None when the type is not ours to handle.

    Every real number but a bool is one (int, float, Fraction, numpy's scalars)."""
    if type(x) is float and x - x == 0.0:  # the common case, a finite float, in one test
        return x
    if type(x) is int and -_LARGE_INT < x < _LARGE_INT:  # the next most common: x ** 2, 1 - x
        return float(x)
    if not is_number(x):
        return None
    return check_number(x, f"{op}: the constant operand")


_LARGE_INT = 2**1000  # well inside float's range


class Value:
    """A scalar node of a computation graph: its data, its gradient, and how it was made.

    `grad` accumulates like PyTorch's: each `backward()` adds d(root)/d(node) to every
    node of the root's graph exactly once, so call `zero_grad()` (or set `grad = 0.0`)
    between steps.
    """

    # __slots__: no per-node dict, and no tuple per node (see the module docstring)
    __slots__ = (
        "data",
        "grad",
        "_label",
        "op",
        "_child0",
        "_child1",
        "_local0",
        "_local1",
        "_pending",
        "_version",
    )

    data: float
    grad: float
    _label: str  # behind the `label` property, which checks assignments; ops set "" directly
    op: str
    _child0: Value | None
    _child1: Value | None
    _local0: float
    _local1: float | None  # None: the op has one operand
    _pending: float
    _version: int  # the data version at which this node's data was computed or set

    def __init__(self, data: Number, label: str = "") -> None:
        if type(data) is float and data - data == 0.0:  # the common case, a finite float, in one test
            self.data = data
        else:
            self.data = check_number(data, "Value data")
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self.grad = 0.0
        self._label = label
        self.op = ""
        self._child0 = self._child1 = None
        self._local0 = 0.0
        self._local1 = None
        self._version = _data_version

    @property
    def label(self) -> str:
        """The node's name in drawings and reprs ("" for none)."""
        return self._label

    @label.setter
    def label(self, label: str) -> None:
        if not isinstance(label, str):
            raise TypeError(f"label must be a str, got {type(label).__name__}: {label!r}")
        self._label = label

    @property
    def operands(self) -> tuple[Value | float, ...]:
        """Every operand of the op that made this node, in operand order: Values and the
        plain numbers (as floats) it was given. ``(2.0 - x).operands == (2.0, x)``; a leaf's
        is ``()``. Read-only: the graph is what the ops recorded."""
        child0, child1 = self._child0, self._child1
        if child0 is None:
            return () if child1 is None else (self._local0, child1)  # a constant first
        if child1 is not None:
            return (child0, child1)
        return (child0,) if self._local1 is None else (child0, self._local1)  # a constant second

    @property
    def children(self) -> tuple[Value, ...]:
        """The Value operands of the op that made this node, in operand order."""
        child0, child1 = self._child0, self._child1
        if child0 is None:
            return () if child1 is None else (child1,)
        return (child0,) if child1 is None else (child0, child1)

    @property
    def local_grads(self) -> tuple[float, ...]:
        """d(self)/d(child) for each of `children`, as the op computed it."""
        child0, child1 = self._child0, self._child1
        if child0 is None:
            return () if child1 is None else (self._local1,)  # type: ignore[return-value]
        return (self._local0,) if child1 is None else (self._local0, self._local1)  # type: ignore[return-value]

    def __repr__(self) -> str:
        label = f", label={self._label!r}" if self._label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # ---- primitive ops: each computes its data and the local derivative per child ----

    def __add__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data + other.data, "+", self, 1.0, other, 1.0)
        c = _constant(other, "+")
        return NotImplemented if c is None else _node(self.data + c, "+", self, 1.0, None, c)

    def __radd__(self, other: Number) -> Value:  # other + self
        c = _constant(other, "+")
        return NotImplemented if c is None else _node(c + self.data, "+", None, c, self, 1.0)

    def __sub__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data - other.data, "-", self, 1.0, other, -1.0)
        c = _constant(other, "-")
        return NotImplemented if c is None else _node(self.data - c, "-", self, 1.0, None, c)

    def __rsub__(self, other: Number) -> Value:  # other - self
        c = _constant(other, "-")
        return NotImplemented if c is None else _node(c - self.data, "-", None, c, self, -1.0)

    def __mul__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            return _node(self.data * other.data, "*", self, other.data, other, self.data)
        c = _constant(other, "*")
        return NotImplemented if c is None else _node(self.data * c, "*", self, c, None, c)

    def __rmul__(self, other: Number) -> Value:  # other * self
        c = _constant(other, "*")
        return NotImplemented if c is None else _node(c * self.data, "*", None, c, self, c)

    def __truediv__(self, other: Operand) -> Value:
        if isinstance(other, Value):
            b = other.data
            if b == 0.0:
                raise _DIVISION_BY_ZERO.error_at("/", self.data, b)
            return _node(self.data / b, "/", self, 1.0 / b, other, -(self.data / b) / b)
        c = _constant(other, "/")
        if c is None:
            return NotImplemented
        if c == 0.0:
            raise _DIVISION_BY_ZERO.error_at("/", self.data, c)
        return _node(self.data / c, "/", self, 1.0 / c, None, c)

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        c = _constant(other, "/")
        if c is None:
            return NotImplemented
        b = self.data
        if b == 0.0:
            raise _DIVISION_BY_ZERO.error_at("/", c, b)
        return _node(c / b, "/", None, c, self, -(c / b) / b)

    def __pow__(self, other: Operand) -> Value:
        a = self.data
        if isinstance(other, Value):  # a**b = exp(b·ln a): needs a > 0 for d/db = a**b·ln a
            b = other.data
            _check_pow(a, b, exponent_is_value=True)
            out = _pow(a, b)
            return _node(out, "**", self, _pow_derivative(a, b), other, out * math.log(a))
        n = _constant(other, "**")
        if n is None:
            return NotImplemented
        if n == 0.0:  # x**0 = 1 everywhere, 0**0 included, with derivative 0
            return _node(1.0, "**", self, 0.0, None, n)
        _check_pow(a, n, exponent_is_value=False)
        return _node(_pow(a, n), "**", self, _pow_derivative(a, n), None, n)

    def __rpow__(self, other: Number) -> Value:  # other ** self
        c = _constant(other, "**")
        if c is None:
            return NotImplemented
        _check_pow(c, self.data, exponent_is_value=True)
        out = _pow(c, self.data)
        return _node(out, "**", None, c, self, out * math.log(c))

    # the other ops' math is in their rows of autograd.ops.OPS, which `_unary` applies

    def exp(self) -> Value:
        """eˣ, with derivative eˣ."""
        return _unary(_EXP, self)

    def log(self) -> Value:
        """ln x for x > 0, with derivative 1/x."""
        return _unary(_LOG, self)

    def tanh(self) -> Value:
        """tanh x, with derivative sech²x (computed so that no digit is lost for large |x|)."""
        return _unary(_TANH, self)

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e⁻ˣ), with derivative σ(x)(1 − σ(x)); nothing overflows."""
        return _unary(_SIGMOID, self)

    def relu(self) -> Value:
        """max(x, 0), with derivative 1 for x > 0, else 0."""
        return _unary(_RELU, self)

    def __neg__(self) -> Value:  # -self
        return _node(-self.data, "neg", self, -1.0)

    def abs(self) -> Value:
        """|x|, with derivative sign(x) and 0 at 0 (PyTorch's subgradient)."""
        return _unary(_ABS, self)

    def __abs__(self) -> Value:  # abs(self)
        return self.abs()

    def sqrt(self) -> Value:
        """√x for x >= 0; its derivative 1/(2√x) is infinite at 0."""
        return _unary(_SQRT, self)

    def log1p(self) -> Value:
        """ln(1 + x), exact for tiny x where ``(1 + x).log()`` loses every digit."""
        return _unary(_LOG1P, self)

    def softplus(self) -> Value:
        """ln(1 + eˣ), computed as max(x, 0) + ln(1 + e^-|x|): nothing overflows and it is
        exact at ±1000 (the naive form overflows at 710). Its derivative is σ(x)."""
        return _unary(_SOFTPLUS, self)

    def sin(self) -> Value:
        """sin x, with derivative cos x."""
        return _unary(_SIN, self)

    def cos(self) -> Value:
        """cos x, with derivative −sin x."""
        return _unary(_COS, self)

    # ---- the graph ----

    def set_data(self, data: Number) -> None:
        """Replace this node's data, as an optimizer step does.

        Every graph built from the old value becomes stale: a later `backward()` through it
        raises `autograd.errors.StaleGraphError` (its local derivatives were computed from
        the old value; run the forward pass again). Assigning ``.data`` directly is not
        tracked (as in PyTorch, where ``.data`` bypasses autograd): do that only to a node no
        graph has used yet.
        """
        global _data_version
        self.data = check_number(data, "set_data: data")
        with _global_lock:  # the global version must never move back (two threads stepping)
            _data_version = self._version = _next_version()

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickling and `copy.deepcopy` without recursion, so a graph of any depth works: a
        leaf is its data, grad and label; a result is its graph as a flat list in topological
        order (leaves by reference, so they stay shared with the rest of what is pickled;
        the op nodes as records). A node's version history is not kept: the copy is fresh,
        unless the graph was stale, and then the copy is stale too."""
        if self._child0 is None and self._child1 is None:
            return (_leaf, (type(self), self.data, self.grad, self._label))
        return (_graph, (_records(self),))

    def detach(self) -> Value:
        """A new leaf with the same data and label: gradients stop here."""
        return Value(self.data, self._label)

    def zero_grad(self) -> None:
        """Set the gradient of every node of this graph to 0.0."""
        for node in topological_order(_root(self, "zero_grad")):
            node.grad = 0.0

    def backward(self, *, create_graph: bool = False) -> None:
        """Add d(self)/d(node) to `node.grad` for every node of the graph, self included.

        A gradient that would be inf or nan (one that overflows on the way, or a non-zero
        gradient through an infinite local derivative such as √x's at 0) raises
        `autograd.errors.NonFiniteError` (an OverflowError) naming the node, where PyTorch
        would carry inf or nan on silently, and leaves every `.grad` as it was.

        With ``create_graph=True`` (PyTorch's flag) each gradient is itself a graph of Values,
        built from the table of ops' derivatives, and `.grad` holds that Value: it can be
        differentiated again (``x.grad.backward()``), drawn and traced. See
        `autograd.second_order`.
        """
        if create_graph:
            from autograd.second_order import gradient_graph

            for node, g in gradient_graph(_root(self, "backward")).items():
                node.grad = g if node.grad == 0.0 else g + node.grad  # type: ignore[assignment]  # a Value
            return
        for node in _propagate(_root(self, "backward")):  # only once every gradient is known to be finite
            node.grad += node._pending


def set_data_all(nodes: Sequence[Value], data: Sequence[Number]) -> None:
    """`node.set_data(x)` for each node and number, as an optimizer step over a whole model
    does: every number checked before any node changes, then one new data version for all
    (graphs built from the old data are stale), without a lock and a check per node.

    Both must be ordered (a set would pair nodes and numbers in hash order), and every node
    a Value, checked before any changes."""
    for name, items in (("nodes", nodes), ("data", data)):
        if isinstance(items, (AbstractSet, Mapping)) or not hasattr(items, "__len__"):
            raise TypeError(
                f"set_data_all: {name} must be a sequence (a list, a tuple), got {type(items).__name__}"
            )
    if len(nodes) != len(data):
        raise ValueError(f"set_data_all: {len(nodes)} nodes but {len(data)} numbers")
    if set(map(type, nodes)) - {Value}:  # one pass in C when all are Values, else one by one
        for i, node in enumerate(nodes):
            if not isinstance(node, Value):
                raise TypeError(f"set_data_all: nodes[{i}] is {type(node).__name__} {node!r}, not a Value")
    checked = [
        x if type(x) is float and x - x == 0.0 else check_number(x, f"set_data_all: data[{i}]")
        for i, x in enumerate(data)
    ]
    global _data_version
    with _global_lock:
        version = _data_version = _next_version()
    for node, x in zip(nodes, checked):
        node.data = x
        node._version = version


def gradients(root: Value) -> dict[Value, float]:
    """d(root)/d(node) for every node of `root`'s graph, leaving every `.grad` alone:
    what `root.backward()` would add."""
    return {node: node._pending for node in _propagate(_root(root, "gradients"))}


def fresh_order(root: Value) -> list[Value]:
    """`topological_order(root)`, after checking that no operand changed after a node was
    computed from it (StaleGraphError)."""
    order = topological_order(root)
    latest = _data_version
    for node in order:
        if node._version != latest:  # made before the latest set_data: from older data?
            _check_fresh(node)
    return order


def _propagate(root: Value) -> list[Value]:
    """The chain rule: each node's `_pending` set to d(root)/d(node); returns the nodes."""
    order = topological_order(root)
    latest = _data_version
    for node in order:  # a per-call accumulator: repeated backward() calls add each term once
        node._pending = 0.0
        if node._version != latest:  # made before the latest set_data: from older data? (fresh_order's check,
            _check_fresh(node)  # in the same pass over the nodes as the reset)
    root._pending = 1.0
    for node in reversed(order):
        g = node._pending
        if g == 0.0:  # nothing to pass on, not even through an infinite local derivative
            continue
        if g - g != 0.0:  # inf or nan: an exploding gradient is an error, not a number
            raise _non_finite_gradient(order, node, g)
        child = node._child0
        if child is not None:  # child.grad += local * node.grad, into the accumulator
            child._pending += node._local0 * g
            child = node._child1
            if child is not None:
                child._pending += node._local1 * g  # type: ignore[operator]  # a float with a child
        else:
            child = node._child1
            if child is not None:  # a constant first operand, the Value second
                child._pending += node._local1 * g  # type: ignore[operator]
    return order


def _leaf(cls: type[Value], data: float, grad: float, label: str) -> Value:
    """A leaf again, from its pickled fields."""
    out = _new_value(cls)
    out.data, out.grad, out._label, out.op = data, grad, label, ""
    out._child0 = out._child1 = None
    out._local0, out._local1 = 0.0, None
    out._version = _data_version
    return out


_Record: TypeAlias = "Value | tuple[type[Value], float, float, str, str, int, float, int, float | None, bool]"


def _records(root: Value) -> list[_Record]:
    """`root`'s graph in topological order: each leaf itself, each op node as its fields with
    its children as indices into the list (-1 for none), and whether it is stale."""
    order = topological_order(root)
    index = {node: i for i, node in enumerate(order)}
    records: list[_Record] = []
    for node in order:
        child0, child1 = node._child0, node._child1
        if child0 is None and child1 is None:
            records.append(node)
            continue
        stale = any(c is not None and c._version > node._version for c in (child0, child1))
        i0 = -1 if child0 is None else index[child0]
        i1 = -1 if child1 is None else index[child1]
        records.append(
            (
                type(node),
                node.data,
                node.grad,
                node._label,
                node.op,
                i0,
                node._local0,
                i1,
                node._local1,
                stale,
            )
        )
    return records


def _graph(records: list[_Record]) -> Value:
    """The root of the graph `_records` flattened, rebuilt in order without recursion."""
    nodes: list[Value] = []
    for record in records:
        if isinstance(record, Value):
            nodes.append(record)
            continue
        cls, data, grad, label, op, i0, local0, i1, local1, stale = record
        out = _new_value(cls)
        out.data, out.grad, out._label, out.op = data, grad, label, op
        out._child0 = nodes[i0] if i0 >= 0 else None
        out._child1 = nodes[i1] if i1 >= 0 else None
        out._local0, out._local1 = local0, local1
        out._version = -1 if stale else _data_version  # older than any operand: still stale
        nodes.append(out)
    return nodes[-1]


def _root(root: object, caller: str) -> Value:
    """`root` if it is a Value: a float has no graph (the graph was lost, or never built)."""
    if not isinstance(root, Value):
        raise TypeError(
            f"{caller}: root must be a Value (the result of ops on Values), "
            f"got {type(root).__name__}: {root!r}"
        )
    return root


def _check_fresh(node: Value) -> None:
    """Raise StaleGraphError if an operand of `node` changed after `node` was computed."""
    for child in (node._child0, node._child1):
        if child is not None and child._version > node._version:
            raise StaleGraphError(
                f"backward: the graph is stale: {child!r} changed (set_data, as an optimizer step "
                f"does) after {node.op} at {node!r} was computed from it; rebuild the graph by "
                "running the forward pass again"
            )


def _non_finite_gradient(order: list[Value], child: Value, g: float) -> NonFiniteError:
    """The error for the non-finite gradient `g` that reached `child`, naming the node whose
    infinite local derivative sent it there, if one did (else it overflowed on the way)."""
    for node in order[order.index(child) + 1 :]:  # the nodes that have passed their gradients on
        if node._pending != 0.0:
            for operand, local in zip(node.children, node.local_grads):
                if operand is child and local - local != 0.0:
                    return NonFiniteError(
                        f"backward: {node.op} at {node!r} has the local derivative {local!r} with "
                        f"respect to {child!r}, and a non-zero gradient ({node._pending!r}) flows through it"
                    )
    return NonFiniteError(f"backward: the gradient reaching {child!r} is {g!r}")


_EXP, _LOG, _TANH, _SIGMOID, _RELU, _ABS, _SQRT, _LOG1P, _SOFTPLUS, _SIN, _COS, _MAXIMUM = (
    OPS[name]
    for name in (
        "exp",
        "log",
        "tanh",
        "sigmoid",
        "relu",
        "abs",
        "sqrt",
        "log1p",
        "softplus",
        "sin",
        "cos",
        "maximum",
    )
)
(_DIVISION_BY_ZERO,) = OPS["/"].domain
_POW_DOMAIN = OPS["**"].domain


def _unary(op: Op, x: Value) -> Value:
    """The node of a one-operand op of the table: its domain checked, its result and local
    derivative computed on floats by the table's formulas."""
    a = x.data
    for domain in op.domain:
        if not domain.test(a):
            raise domain.error_at(op.name, a)
    try:
        out, local = op.floats(a)
    except OverflowError:
        raise NonFiniteError(f"{op.name}: overflow at {a!r}") from None
    return _node(out, op.name, x, local)


def _check_pow(a: float, b: float, *, exponent_is_value: bool) -> None:
    for domain in _POW_DOMAIN:
        if (exponent_is_value or domain.only_if_value is None) and not domain.test(a, b):
            raise domain.error_at("**", a, b)


def _pow_derivative(a: float, n: float) -> float:
    """n·a^(n-1), infinite where that overflows (as at 0 ** 0.5): it is an error only if
    backward sends a gradient through it."""
    try:
        derivative: float = n * a ** (n - 1.0)
    except (OverflowError, ZeroDivisionError):  # a^(n-1) is ±inf: negative for a < 0 and odd n - 1
        return -n * math.inf if a < 0.0 and (n - 1.0) % 2.0 == 1.0 else n * math.inf
    return derivative


def _pow(a: float, b: float) -> float:
    try:
        out: float = a**b
    except OverflowError:
        raise NonFiniteError(f"**: overflow at {a!r} ** {b!r}") from None
    return out


_new_value = object.__new__


def _node(
    data: float,
    op: str,
    child0: Value | None,
    local0: float,
    child1: Value | None = None,
    local1: float | None = None,
) -> Value:
    """A result node; its data is already checked by the op. Records no graph under no_grad.

    The slots as the module docstring lays them out: a missing child's local slot holds the
    constant operand, if there is one.
    """
    if data - data != 0.0:  # inf or nan: float + and * overflow silently; say so instead
        raise NonFiniteError(f"{op}: result {data!r} is not finite")
    out = _new_value(Value)  # skips __init__'s checks: ops build thousands of nodes a step
    out.data = data
    out.grad = 0.0
    out._label = ""
    out._version = _data_version
    # (local derivatives may be infinite, as √x's at 0: backward checks the ones it uses)
    if not _threads_without_grad or _mode.enabled:
        out.op = op
        out._child0 = child0
        out._local0 = local0
        out._child1 = child1
        out._local1 = local1
    else:
        out.op = ""
        out._child0 = out._child1 = None
        out._local0 = 0.0
        out._local1 = None
    return out


def topological_order(root: Value) -> list[Value]:
    """Every node of `root`'s graph once, each after all of its children.

    An iterative depth-first search (no recursion limit: a chain of any depth memory allows)
    whose stack is the current path, so it allocates nothing per node but the `visited` set,
    which makes shared nodes (diamonds such as `a + a`) visited once.
    """
    _root(root, "topological_order")
    order: list[Value] = []
    visited = {root}
    path = [root]
    while path:
        node = path[-1]
        child = node._child0
        if child is not None and child not in visited:
            visited.add(child)
            path.append(child)
            continue
        child = node._child1
        if child is not None and child not in visited:
            visited.add(child)
            path.append(child)
            continue
        order.append(path.pop())  # both children done
    return order


def scalar_op(name: str, f: Callable[..., float], *derivatives: Callable[..., float]) -> Callable[..., Value]:
    """A new op from its function and its derivative(s), each on plain floats.

    Like every built-in op it takes one or two arguments, with one derivative per argument:

    >>> softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)),
    ...                      lambda x: 1.0 / (1.0 + math.exp(-x)))
    >>> softplus(Value(0.0)).data
    0.6931471805599453

    Arguments may be Values or plain numbers; only the Values become children. A derivative
    may be infinite where the function's is (√x at 0): that is an error only if backward
    sends a gradient through it. Under `no_grad()` the derivatives are not called.
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"name must be a non-empty str, got {name!r}")
    if not callable(f) or len(derivatives) not in (1, 2) or not all(map(callable, derivatives)):
        raise TypeError(f"scalar_op({name!r}) needs a function and one derivative per argument (1 or 2)")
    name = ScalarOpName(name, derivatives)

    def op(*args: Operand) -> Value:
        if len(args) != len(derivatives):
            raise TypeError(f"{name}: takes {len(derivatives)} argument(s), got {len(args)}")
        xs = [
            a.data if isinstance(a, Value) else check_number(a, f"{name}: argument {i}")
            for i, a in enumerate(args)
        ]
        out = _real(f(*xs), f"{name}: the function", xs)
        if out - out != 0.0:
            raise NonFiniteError(f"{name}: the function returned {out!r} at {xs!r}, not a finite number")
        if not is_grad_enabled():  # the result is a constant: no derivative is needed
            return Value(out)
        locals_ = [
            _real(df(*xs), f"{name}: the derivative", xs) if isinstance(a, Value) else 0.0
            for a, df in zip(args, derivatives)
        ]
        if len(args) == 1:
            a = args[0]
            node = _node(out, name, a, locals_[0]) if isinstance(a, Value) else Value(out)
        else:
            node = _binary(out, name, args[0], xs[0], locals_[0], args[1], xs[1], locals_[1])
        if _tracer is not None and node.op:  # the tape must call f and its derivatives again
            _tracer.scalar_op(node, op, f, derivatives, args)
        return node

    op.__name__ = op.__qualname__ = name
    return op


class ScalarOpName(str):
    """The `op` of a `scalar_op`'s nodes: its name, equal to the plain str (drawings and
    messages use it as one), carrying the op's derivatives, so that gradients of gradients
    can call them on Values even where the name is also a built-in op's."""

    derivatives: tuple[Callable[..., Any], ...]

    def __new__(cls, name: str, derivatives: tuple[Callable[..., Any], ...]) -> ScalarOpName:
        out = super().__new__(cls, name)
        out.derivatives = derivatives
        return out

    def __reduce__(self) -> tuple[Any, ...]:  # pickled as its name: the functions may not pickle
        return (str, (str(self),))


def maximum(a: Operand, b: Operand) -> Value:
    """The larger of `a` and `b` (Values or plain numbers), like `torch.maximum`.

    Its derivative is 1 for the larger operand and 0 for the other. At a tie, where max has
    no derivative, each operand gets half the gradient (PyTorch's convention for
    torch.maximum), so ``maximum(x, x)`` has derivative 1, as x has. A plain number is a
    constant operand; two plain numbers give a constant leaf (as `scalar_op` does).
    """
    x = a.data if isinstance(a, Value) else check_number(a, "maximum: a")
    y = b.data if isinstance(b, Value) else check_number(b, "maximum: b")
    out, (da, db) = _MAXIMUM.on_floats(x, y)
    return _binary(out, "maximum", a, x, da, b, y, db)


def apply(op: str, *operands: Operand) -> Value:
    """The op named `op` in `autograd.ops.OPS` applied to `operands` on this engine: Python's
    operator for it, else the `Value` method of its name (one operand), else this module's
    function of its name (``maximum``)."""
    spec = OPS.get(op)
    if spec is None:
        raise ValueError(f"apply: no op {op!r} in autograd.ops.OPS")
    if len(operands) != spec.arity:
        raise TypeError(f"apply: {op} takes {spec.arity} operand(s), got {len(operands)}")
    if spec.operator:
        result: Value = getattr(operator, spec.operator)(*operands)
        return result
    if spec.arity == 1:
        return getattr(Value, op)(_as_value(operands[0]))  # type: ignore[no-any-return]
    return globals()[op](*operands)  # type: ignore[no-any-return]


def _as_value(x: Operand) -> Value:
    return x if isinstance(x, Value) else Value(x)


def _binary(data: float, op: str, a: Operand, x: float, da: float, b: Operand, y: float, db: float) -> Value:
    """The node of a two-operand op whose operands may be Values or plain numbers (whose
    data are `x`, `y`); `da`, `db` are the local derivatives of the Value operands."""
    if isinstance(a, Value):
        return _node(data, op, a, da, b, db) if isinstance(b, Value) else _node(data, op, a, da, None, y)
    if isinstance(b, Value):
        return _node(data, op, None, x, b, db)
    return Value(data)  # plain numbers only: a constant


def select(values: Sequence[Any], index: int) -> Any:
    """``values[index]`` as a graph operation: the Value at `index` (a plain number becomes a
    constant Value; a row, i.e. a sequence, comes back as a list of its items so selected).

    On the dynamic engine this is indexing, and the gradient reaches only the selected item.
    Inside `autograd.trace` the index may be an integer input, different for every example
    (a cross-entropy's target class, the row of an embedding table): the tape then gathers
    per example forward and scatter-adds backward. Plain indexing, ``values[i]``, cannot be
    traced that way: an index input refuses to become a Python int.
    """
    if _tracer is not None:
        return _tracer.select(values, index)
    check = check_selection if isinstance(index, int) else _check_index
    return _selected(values[check(values, index)])


def check_selection(values: Sequence[Any], index: int) -> int:
    """`index` as an int in range for `values`; raise TypeError or IndexError otherwise."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"select: values must be a non-empty list or tuple, got {values!r}")
    if isinstance(index, bool) or not 0 <= index < len(values):  # no negative indices: a bug, not a choice
        raise IndexError(f"select: index must satisfy 0 <= index < {len(values)}, got {index!r}")
    return index


def _check_index(values: Sequence[Any], index: Any) -> int:
    try:
        i = operator.index(index)  # numpy's integers too
    except TypeError:
        raise TypeError(f"select: index must be an int, got {type(index).__name__}: {index!r}") from None
    return check_selection(values, i)


def _selected(item: Any) -> Any:
    if isinstance(item, Value):
        return item
    if isinstance(item, (str, bytes)) or not isinstance(item, Sequence):
        return Value(check_number(item, "select: a selected constant"))
    return [_selected(x) for x in item]


def _real(x: object, what: str, at: list[float]) -> float:
    """What a user's function returned, as a float (maybe inf or nan)."""
    if not is_number(x):
        raise TypeError(f"{what} returned {type(x).__name__} {x!r} at {at!r}, not a real number")
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:  # an int beyond float's range
        raise NonFiniteError(f"{what} returned {x!r} at {at!r}, beyond the float range") from None


class _GradModeBlock(ContextDecorator):
    """A block (or a decorated function) run in grad mode `_enabled`, the caller's mode
    restored on exit: the shared body of `no_grad` and `enable_grad`."""

    _enabled: bool

    def __enter__(self) -> None:
        mode = _mode
        mode.saved.append(mode.enabled)
        _set_grad_mode(self._enabled)

    def __exit__(self, *exc: object) -> None:
        _set_grad_mode(_mode.saved.pop())

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class no_grad(_GradModeBlock):  # noqa: N801 - PyTorch's name
    """Ops inside record no graph: results are leaves.

    The mode is per thread, as PyTorch's is: a block in one thread changes nothing in
    another, and one instance (a decorator, say) may be entered by several threads and
    recursively. Works as a decorator of functions too; unlike PyTorch's, not of generator
    functions (the mode is restored before a generator's body runs: use `with no_grad():`
    inside).
    """

    _enabled = False


class enable_grad(_GradModeBlock):  # noqa: N801 - PyTorch's name
    """Ops inside record their graph, even within a caller's `no_grad` (torch.enable_grad):
    what `grad`, `value_and_grad` and `nn.train.fit` compute their gradients in, as
    torch.func.grad and JAX's grad ignore the caller's mode. Per thread, as `no_grad`."""

    _enabled = True


def _set_grad_mode(enabled: bool) -> None:
    """This thread's grad mode, and the count of threads without grad that `_node` tests."""
    global _threads_without_grad
    mode = _mode
    if mode.enabled == enabled:
        return
    if enabled:
        mode.enabled = True
        with _global_lock:
            _threads_without_grad -= 1
    else:
        with _global_lock:
            _threads_without_grad += 1
        mode.enabled = False  # only after counting it: _node must see the count first


def is_grad_enabled() -> bool:
    """False inside `no_grad()` (in this thread)."""
    return _mode.enabled
