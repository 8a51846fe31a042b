"""Public hypothesis strategies for testing gradient code: `values` and `graphs`.

The only module of the library that imports hypothesis.

>>> from hypothesis import given
>>> from autograd import gradcheck
>>> @given(graphs(max_leaves=3))
... def test_backward_matches_finite_differences(g):
...     assert gradcheck(g, g.inputs)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograd.engine import Value, apply
from autograd.ops import OPS as TABLE
from autograd.validation import is_int, is_number

__all__ = ["OPS", "Graph", "graphs", "values"]


def values(
    min_value: float | None = None,
    max_value: float | None = None,
    *,
    exclude_min: bool = False,
    exclude_max: bool = False,
    label: str = "",
) -> st.SearchStrategy[Value]:
    """Leaf Values whose data are finite floats in [min_value, max_value]."""
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if bound is not None and not _is_finite_number(bound):
            raise InvalidArgument(f"{name}={bound!r} must be a finite number or None")
    if min_value is not None and max_value is not None and min_value > max_value:
        raise InvalidArgument(f"min_value={min_value!r} must be <= max_value={max_value!r}")
    if not isinstance(label, str):
        raise InvalidArgument(f"label={label!r} must be a str")
    floats = st.floats(
        min_value,
        max_value,
        allow_nan=False,
        allow_infinity=False,
        exclude_min=exclude_min,
        exclude_max=exclude_max,
    )
    # built by composition, so a failing example prints as `Value(1.0)` or `Value(1.0, 'w')`
    return floats.map(Value) if not label else st.builds(Value, floats, st.just(label))


# An operand of a step: ("node", index into the nodes so far) or ("const", a number).
Operand = tuple[str, float]

# every op of the engine's table, two-operand ones first (as drawn: the order is part of a seed's graph)
_BINARY = tuple(name for name, op in TABLE.items() if op.arity == 2)
_UNARY = tuple(name for name, op in TABLE.items() if op.arity == 1)
OPS: tuple[str, ...] = (*_BINARY, *_UNARY)
_BOUND = 100.0  # every node's |data| stays below it, so finite differences stay accurate


@dataclass(frozen=True)
class Graph:
    """A drawn computation graph: leaf data and the steps that build the root from them.

    Call it on Values (or anything with the same ops) to rebuild the graph: ``g(*leaves)``
    returns the root, so ``gradcheck(g, g.inputs)`` checks backward() on it.
    """

    inputs: tuple[float, ...]
    steps: tuple[tuple[str, tuple[Operand, ...]], ...]

    def __call__(self, *leaves: Value) -> Value:
        if len(leaves) != len(self.inputs):
            raise TypeError(f"this graph takes {len(self.inputs)} leaves, got {len(leaves)}")
        nodes: list[Value] = list(leaves)
        for op, args in self.steps:
            nodes.append(_apply(op, [nodes[int(i)] if kind == "node" else i for kind, i in args]))
        return nodes[-1]

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(len(self.inputs))]
        for op, args in self.steps:
            parts = [names[int(i)] if kind == "node" else repr(i) for kind, i in args]
            if op in _UNARY:
                names.append(f"{op}({parts[0]})")
            else:  # a named binary op reads as a call, the others infix
                names.append(
                    f"{op}({parts[0]}, {parts[1]})" if op.isalpha() else f"({parts[0]} {op} {parts[1]})"
                )
        return f"Graph(inputs={self.inputs!r}, root={names[-1]!r})"


def graphs(
    min_leaves: int = 1,
    max_leaves: int = 3,
    *,
    max_ops: int = 8,
    ops: Sequence[str] = OPS,
    min_value: float = -2.0,
    max_value: float = 2.0,
) -> st.SearchStrategy[Graph]:
    """Random computation graphs over min_leaves..max_leaves leaves with up to `max_ops` ops.

    Leaf data lie in [min_value, max_value]. Every op is applied only well inside its
    domain (log and sqrt of x > 0.5, log1p of x > -0.5, division by |x| > 0.5, relu, abs and
    maximum away from their kinks, bounded results), so the graph is differentiable at its
    inputs and finite differences agree with the true gradient. Operands may be shared
    (diamonds) and may be plain numbers.
    """
    for name, n in (("min_leaves", min_leaves), ("max_leaves", max_leaves), ("max_ops", max_ops)):
        if not is_int(n) or n < (0 if name == "max_ops" else 1):
            raise InvalidArgument(f"{name}={n!r} must be an int >= {0 if name == 'max_ops' else 1}")
    if min_leaves > max_leaves:
        raise InvalidArgument(f"min_leaves={min_leaves!r} must be <= max_leaves={max_leaves!r}")
    if isinstance(ops, str) or not ops or any(op not in OPS for op in ops):
        raise InvalidArgument(f"ops={ops!r} must be a non-empty sequence drawn from {OPS!r}")
    for name, bound in (("min_value", min_value), ("max_value", max_value)):
        if not _is_finite_number(bound) or abs(bound) > _BOUND:
            raise InvalidArgument(f"{name}={bound!r} must be a finite number within ±{_BOUND}")
    if min_value >= max_value:
        raise InvalidArgument(f"min_value={min_value!r} must be < max_value={max_value!r}")
    return _graphs(
        min_leaves,
        max_leaves,
        max_ops=max_ops,
        ops=tuple(ops),
        min_value=float(min_value),
        max_value=float(max_value),
    )


def _draw_graph(
    draw: st.DrawFn,
    min_leaves: int,
    max_leaves: int,
    *,
    max_ops: int,
    ops: tuple[str, ...],
    min_value: float,
    max_value: float,
) -> Graph:
    n_leaves = draw(st.integers(min_leaves, max_leaves))
    inputs = tuple(draw(st.floats(min_value, max_value)) for _ in range(n_leaves))
    data = list(inputs)  # each node's value, to keep the next op inside its domain
    steps: list[tuple[str, tuple[Operand, ...]]] = []
    for _ in range(draw(st.integers(0, max_ops))):
        op = draw(st.sampled_from(ops))
        node: Operand = ("node", len(data) - 1)  # the latest node: every step leads to the root
        args: tuple[Operand, ...] = (node,)
        if op in _BINARY:
            constant_side = draw(st.sampled_from(("none", "left", "right")))
            if constant_side == "left":  # a positive base for **, so its log is defined
                args = (("const", draw(st.floats(0.6, 2.0) if op == "**" else st.floats(-2.0, 2.0))), node)
            elif constant_side == "right":  # small exponents for **, so results stay bounded
                constant = draw(
                    st.sampled_from((-1.0, 0.5, 2.0, 3.0)) if op == "**" else st.floats(-2.0, 2.0)
                )
                args = (node, ("const", constant))
            else:  # two nodes, in either order; the same node twice makes a diamond (a + a)
                other: Operand = ("node", draw(st.integers(0, len(data) - 1)))
                args = (other, node) if draw(st.booleans()) else (node, other)
        xs = [data[int(i)] if kind == "node" else i for kind, i in args]
        if not TABLE[op].safe(*xs):  # well inside the op's domain, away from poles and kinks
            op, args, xs = "tanh", (node,), [data[int(node[1])]]  # always defined, always bounded
        result = _apply(op, [Value(x) for x in xs]).data
        if abs(result) > _BOUND:
            op, args, result = "tanh", (node,), math.tanh(data[int(node[1])])
        steps.append((op, args))
        data.append(result)
    return Graph(inputs, tuple(steps))


_draw_graph.__name__ = "graphs"  # so the strategy's repr reads as the public call: graphs(1, 3, ...)
_graphs = st.composite(_draw_graph)


def _apply(op: str, args: list[Value | float]) -> Value:
    first = args[0]
    if TABLE[op].arity == 1 and not isinstance(first, Value) and hasattr(first, op):
        # another engine's Value (notebook 00 builds one): its method of that name, so that a
        # Graph rebuilds on anything with the same ops, as its docstring says
        result: Value = getattr(first, op)()
        return result
    return apply(op, *args)


def _is_finite_number(x: object) -> bool:
    return is_number(x) and math.isfinite(x)  # type: ignore[arg-type]


# `arrays`, float64 numpy arrays built on hypothesis.extra.numpy, lives in its own module
# (`autograd._strategies_arrays`) and is published here with the others.
from autograd._strategies_arrays import arrays  # noqa: E402

__all__ += ["arrays"]
