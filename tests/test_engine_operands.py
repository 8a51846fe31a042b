"""Every node keeps its operands, plain numbers included, in operand order: enough to
recompute the graph from the nodes alone (what a compiled tape and a drawing need)."""

import math
import operator
import sys
from collections.abc import Callable

import pytest
from hypothesis import given, settings

from autograd import Value, maximum, no_grad, scalar_op, topological_order
from autograd.strategies import Graph, graphs

# each op name on plain floats, written independently of the engine
FLOAT_OPS: dict[str, Callable[..., float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
    "maximum": max,
    "neg": operator.neg,
    "exp": math.exp,
    "log": math.log,
    "tanh": math.tanh,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "relu": lambda x: max(x, 0.0),
    "abs": abs,
    "sqrt": math.sqrt,
    "log1p": math.log1p,
    "softplus": lambda x: math.log1p(math.exp(x)),
    "sin": math.sin,
    "cos": math.cos,
}


def data(operand: Value | float) -> float:
    return operand.data if isinstance(operand, Value) else operand


@given(g=graphs(1, 3, max_ops=10))
@settings(max_examples=200)
def test_every_node_can_be_recomputed_from_its_op_and_operands(g: Graph) -> None:
    root = g(*(Value(x) for x in g.inputs))
    for node in topological_order(root):
        if node.op:
            recomputed = FLOAT_OPS[node.op](*map(data, node.operands))
            assert math.isclose(node.data, recomputed, rel_tol=1e-12, abs_tol=1e-15)
            assert [o for o in node.operands if isinstance(o, Value)] == list(node.children)
            assert all(type(o) is float for o in node.operands if not isinstance(o, Value))
        else:
            assert node.operands == node.children == ()


def test_constants_keep_their_side() -> None:
    x = Value(2.0, "x")
    cases = [
        (x * 3.0, "*", (x, 3.0)),
        (3.0 * x, "*", (3.0, x)),
        (x + 1, "+", (x, 1.0)),
        (1 + x, "+", (1.0, x)),
        (x - 2.0, "-", (x, 2.0)),
        (2.0 - x, "-", (2.0, x)),
        (x / 4.0, "/", (x, 4.0)),
        (4.0 / x, "/", (4.0, x)),
        (x**2, "**", (x, 2.0)),
        (x**0, "**", (x, 0.0)),
        (3.0**x, "**", (3.0, x)),
        (maximum(0.0, x), "maximum", (0.0, x)),
        (maximum(x, 0.0), "maximum", (x, 0.0)),
        (-x, "neg", (x,)),
        (x.exp(), "exp", (x,)),
        (x * x, "*", (x, x)),
    ]
    for node, op, operands in cases:
        assert (node.op, node.operands) == (op, operands)
        assert all(type(o) is float for o in node.operands if not isinstance(o, Value))
        assert node.children == (x,) * len(node.children) and len(node.local_grads) == len(node.children)
    assert x.operands == ()


def test_the_local_derivative_of_a_constant_first_operand_is_the_values() -> None:
    x = Value(2.0)
    assert ((2.0 - x).children, (2.0 - x).local_grads) == ((x,), (-1.0,))
    assert ((3.0 * x).local_grads, (8.0 / x).local_grads) == ((3.0,), (-2.0,))


def test_unary_minus_is_its_own_op() -> None:
    x = Value(2.0)
    y = -x
    y.backward()
    assert (y.op, y.data, y.local_grads, x.grad) == ("neg", -2.0, (-1.0,), -1.0)


def test_scalar_op_constants_are_operands_too() -> None:
    hypot = scalar_op(
        "hypot", math.hypot, lambda a, b: a / math.hypot(a, b), lambda a, b: b / math.hypot(a, b)
    )
    x = Value(3.0)
    assert hypot(4, x).operands == (4.0, x) and hypot(x, 4).operands == (x, 4.0)
    assert hypot(4, x).local_grads == (0.6,)
    softplus = scalar_op("softplus", lambda v: math.log1p(math.exp(v)), lambda v: 1.0 / (1.0 + math.exp(-v)))
    assert softplus(x).operands == (x,)


def test_operands_are_read_only() -> None:
    y = Value(1.0) * 2.0
    with pytest.raises(AttributeError):
        y.operands = ()  # type: ignore[misc]


def test_a_constant_operand_costs_no_memory() -> None:
    x, y = Value(1.0), Value(2.0)
    assert sys.getsizeof(x - 2.0) == sys.getsizeof(2.0 - x) == sys.getsizeof(x - y) == sys.getsizeof(x)


def test_no_grad_results_keep_no_operands() -> None:
    x = Value(1.0)
    with no_grad():
        y = 2.0 - x
    assert (y.op, y.operands) == ("", ())
