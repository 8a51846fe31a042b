"""Ops a user defines from a function and its derivatives behave like built-in ones."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck, no_grad, scalar_op, topological_order
from autograd.errors import NonFiniteError

hypot = scalar_op("hypot", math.hypot, lambda x, y: x / math.hypot(x, y), lambda x, y: y / math.hypot(x, y))


@given(x=st.floats(0.1, 10.0), y=st.floats(0.1, 10.0))
def test_a_binary_user_op_takes_part_in_backward(x: float, y: float) -> None:
    a, b = Value(x), Value(y)
    out = (hypot(a, b) * a).log()
    out.backward()
    h = math.hypot(x, y)
    assert a.grad == pytest.approx((x / h * x + h) / (h * x), rel=1e-12)
    assert b.grad == pytest.approx(y / h / h, rel=1e-12)
    assert gradcheck(lambda p, q: (hypot(p, q) * p).log(), [x, y])


def test_plain_number_arguments_are_not_children() -> None:
    a = Value(3.0)
    out = hypot(a, 4.0)
    assert (out.data, out.op, out.children, out.local_grads) == (5.0, "hypot", (a,), (0.6,))
    assert topological_order(out) == [a, out]


def test_the_op_has_its_name() -> None:
    assert hypot.__name__ == "hypot"


def test_plain_numbers_only_give_a_constant_leaf() -> None:
    out = hypot(3.0, 4.0)
    assert (out.data, out.op, out.children) == (5.0, "", ())


def test_an_infinite_derivative_is_an_error_only_when_a_gradient_flows_through_it() -> None:
    sqrt = scalar_op("sqrt", math.sqrt, lambda x: 0.5 / math.sqrt(x) if x else math.inf)
    y = sqrt(Value(0.0))
    assert (y.data, y.local_grads) == (0.0, (math.inf,))
    with pytest.raises(NonFiniteError, match=r"backward: sqrt at .* has the local derivative inf"):
        y.backward()


def test_scalar_op_calls_no_derivative_under_no_grad() -> None:
    def derivative(x: float) -> float:
        raise AssertionError("called")

    with no_grad():
        assert scalar_op("f", math.sin, derivative)(Value(0.5)).data == math.sin(0.5)


def test_a_derivative_of_the_wrong_type_is_a_type_error() -> None:
    bad = scalar_op("bad", math.sin, lambda x: "1.0")  # type: ignore[arg-type, return-value]
    with pytest.raises(
        TypeError, match=r"bad: the derivative returned str '1\.0' at \[0\.5\], not a real number"
    ):
        bad(Value(0.5))
