"""backward(): the chain rule over shared nodes, repeated calls, depth, no_grad and detach."""

import math
import sys

import pytest

from autograd import Value, grad, gradients, is_grad_enabled, no_grad, topological_order, value_and_grad


def test_shared_node_gradient_is_a_sum_over_uses() -> None:
    a = Value(3.0)
    b = a + a
    c = b * b  # c = 4a², dc/da = 8a
    c.backward()
    assert (a.grad, b.grad, c.grad) == (24.0, 12.0, 1.0)


def test_diamond_is_visited_once() -> None:
    x = Value(0.5)
    y = x.tanh()
    z = y * y.exp() + y  # y reached three times
    assert len(topological_order(z)) == len({id(n) for n in topological_order(z)}) == 5
    z.backward()
    t = math.tanh(0.5)
    assert x.grad == pytest.approx((math.exp(t) * (1 + t) + 1) * (1 - t * t), rel=1e-14)


def test_each_backward_adds_the_gradient_exactly_once_everywhere() -> None:
    x = Value(2.0)
    h = x * x
    y = h * h + h  # y = x⁴ + x²
    y.backward()
    first = [n.grad for n in topological_order(y)]
    y.backward()
    assert [n.grad for n in topological_order(y)] == [2 * g for g in first]
    assert x.grad == 2 * (4 * 8 + 2 * 2)


def test_zero_grad_clears_the_whole_graph() -> None:
    x = Value(2.0)
    y = (x * 3.0).tanh()
    y.backward()
    y.zero_grad()
    assert all(n.grad == 0.0 for n in topological_order(y))


def test_a_million_deep_chain_at_the_default_recursion_limit() -> None:
    assert sys.getrecursionlimit() <= 10_000
    x = y = Value(1.0)
    n = 1_000_000
    for _ in range(n):
        y = y * 1.0000001 + 0.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001**n, rel=1e-9)


def test_order_puts_children_before_parents() -> None:
    a, b = Value(1.0), Value(2.0)
    out = ((a * b) + a).exp() / b
    order = topological_order(out)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[-1] is out
    assert all(position[id(c)] < position[id(n)] for n in order for c in n.children)


def test_no_grad_records_no_graph_and_restores_the_mode() -> None:
    x = Value(1.0)
    with no_grad():
        assert not is_grad_enabled()
        with no_grad():
            y = x * 2.0 + x
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.data == 3.0 and y.children == () and y.op == ""


def test_no_grad_as_a_decorator_restores_the_mode_after_an_error() -> None:
    @no_grad()
    def fails() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError):
        fails()
    assert is_grad_enabled()


def test_detach_stops_gradients() -> None:
    x = Value(3.0, "x")
    y = x * x
    d = y.detach()
    assert (d.data, d.children) == (9.0, ())
    (d * x).backward()
    assert x.grad == 9.0 and y.grad == 0.0


def test_leaf_records_op_children_and_local_grads() -> None:
    a, b = Value(2.0, "a"), Value(5.0, "b")
    c = a * b
    assert (c.op, c.children, c.local_grads) == ("*", (a, b), (5.0, 2.0))
    assert (a.op, a.children, a.local_grads) == ("", (), ())


def test_values_hash_by_identity() -> None:
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2


def test_repr_shows_data_grad_and_label() -> None:
    assert repr(Value(1.5, "w1")) == "Value(data=1.5, grad=0.0, label='w1')"
    assert repr(Value(2)) == "Value(data=2.0, grad=0.0)"
    assert repr(no_grad()) == "no_grad()"


def test_grad_and_value_and_grad() -> None:
    def f(x: Value, y: Value) -> Value:
        return x * y + y.exp()

    assert grad(f)(2.0, 0.0) == (0.0, 3.0)
    assert value_and_grad(f)(2.0, 0.0) == (1.0, (0.0, 3.0))
    with pytest.raises(TypeError, match="must return a Value, got float"):
        grad(lambda x: 1.0)(2.0)  # type: ignore[arg-type, return-value]
    with pytest.raises(TypeError, match="str"):
        grad(f)("2", 1.0)


def test_gradients_are_what_backward_adds_and_touch_no_grad() -> None:
    x = Value(0.7)
    h = x * x
    y = (h + x).tanh() * h
    expected = gradients(y)
    assert all(n.grad == 0.0 for n in topological_order(y))
    y.backward()
    assert expected == {n: n.grad for n in topological_order(y)}
    assert expected[x] == pytest.approx(grad(lambda v: ((v * v + v).tanh()) * (v * v))(0.7)[0], rel=1e-15)
