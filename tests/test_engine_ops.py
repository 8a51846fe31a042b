"""Each op's value and local derivative against math-module closed forms and central differences."""

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, numerical_gradient

finite = st.floats(-50.0, 50.0)
positive = st.floats(1e-3, 50.0)
away_from_zero = st.one_of(st.floats(-50.0, -1e-2), st.floats(1e-2, 50.0))


def close(a: float, b: float, rel: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


def derivatives(f: Callable[..., Value], *xs: float) -> tuple[float, ...]:
    leaves = [Value(x) for x in xs]
    f(*leaves).backward()
    return tuple(leaf.grad for leaf in leaves)


# (name, function on Values, closed-form value, closed-form derivatives, strategy per argument)
UNARY = [
    ("exp", Value.exp, math.exp, lambda x: math.exp(x), finite),
    ("log", Value.log, math.log, lambda x: 1 / x, positive),
    ("tanh", Value.tanh, math.tanh, lambda x: 1 / math.cosh(x) ** 2, st.floats(-15.0, 15.0)),
    ("sigmoid", Value.sigmoid, lambda x: 1 / (1 + math.exp(-x)),
     lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2, st.floats(-30.0, 30.0)),
    ("relu", Value.relu, lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, away_from_zero),
    ("neg", lambda v: -v, lambda x: -x, lambda x: -1.0, finite),
]  # fmt: skip


@pytest.mark.parametrize(("name", "op", "value", "derivative", "xs"), UNARY, ids=[u[0] for u in UNARY])
@given(data=st.data())
def test_unary_op_matches_closed_form(name, op, value, derivative, xs, data) -> None:
    x = data.draw(xs, label="x")
    out = op(Value(x))
    assert close(out.data, value(x))
    (dx,) = derivatives(op, x)
    assert close(dx, derivative(x), rel=1e-9)


BINARY = [
    ("+", lambda a, b: a + b, lambda a, b: (1.0, 1.0), finite, finite),
    ("-", lambda a, b: a - b, lambda a, b: (1.0, -1.0), finite, finite),
    ("*", lambda a, b: a * b, lambda a, b: (b, a), finite, finite),
    ("/", lambda a, b: a / b, lambda a, b: (1 / b, -a / b**2), finite, away_from_zero),
    ("**", lambda a, b: a**b, lambda a, b: (b * a ** (b - 1), a**b * math.log(a)),
     st.floats(0.1, 10.0), st.floats(-3.0, 3.0)),
]  # fmt: skip


@pytest.mark.parametrize(("name", "f", "grads", "xs", "ys"), BINARY, ids=[b[0] for b in BINARY])
@given(data=st.data())
def test_binary_op_matches_closed_form(name, f, grads, xs, ys, data) -> None:
    a, b = data.draw(xs, label="a"), data.draw(ys, label="b")
    assert close(f(Value(a), Value(b)).data, f(a, b))
    expected = grads(a, b)
    assert all(close(g, e, rel=1e-9) for g, e in zip(derivatives(f, a, b), expected))
    # with a plain number on either side, only the Value is a child
    left, right = f(Value(a), b), f(a, Value(b))
    assert close(left.data, f(a, b)) and close(right.data, f(a, b))
    assert len(left.children) == len(right.children) == 1
    assert close(derivatives(lambda v: f(v, b), a)[0], expected[0], rel=1e-9)
    assert close(derivatives(lambda v: f(a, v), b)[0], expected[1], rel=1e-9)


@given(x=st.floats(-5.0, 5.0), n=st.sampled_from([-3, -2, -1, 0, 1, 2, 3, 4]))
def test_integer_power_of_any_sign(x: float, n: int) -> None:
    assume(n >= 1 or abs(x) > 1e-2)
    out = Value(x) ** n
    assert close(out.data, x**n)
    assert close(derivatives(lambda v: v**n, x)[0], n * x ** (n - 1) if n else 0.0, rel=1e-9)


@given(x=st.floats(1e-2, 10.0), n=st.floats(-2.5, 2.5))
def test_fractional_power(x: float, n: float) -> None:
    assert close((Value(x) ** n).data, x**n)
    assert close(derivatives(lambda v: v**n, x)[0], n * x ** (n - 1), rel=1e-9)


@pytest.mark.parametrize("op", [u[1] for u in UNARY], ids=[u[0] for u in UNARY])
@given(x=st.floats(-3.0, 3.0))
def test_unary_derivative_matches_central_differences(op, x: float) -> None:
    assume(abs(x) > 1e-3)  # relu's kink
    x = abs(x) if op is Value.log else x
    (numerical,) = numerical_gradient(op, [x])
    assert math.isclose(derivatives(op, x)[0], numerical, rel_tol=1e-6, abs_tol=1e-8)


@given(x=st.floats(0.1, 5.0), y=st.floats(-3.0, 3.0))
def test_binary_derivatives_match_central_differences(x: float, y: float) -> None:
    for _, f, _, _, _ in BINARY:
        analytic = derivatives(f, x, y)
        assume(abs(y) > 0.1)  # keeps a / b away from its pole
        numerical = numerical_gradient(f, [x, y])
        for a, n in zip(analytic, numerical):
            assert math.isclose(a, n, rel_tol=1e-6, abs_tol=1e-8)


def test_reflected_forms_with_plain_numbers() -> None:
    x = Value(4.0)
    assert (2 + x).data == 6.0 and (2 - x).data == -2.0 and (2 * x).data == 8.0
    assert (2 / x).data == 0.5 and (2**x).data == 16.0
    assert derivatives(lambda v: 2**v, 4.0)[0] == pytest.approx(16.0 * math.log(2.0), rel=1e-15)
    assert derivatives(lambda v: 2 / v, 4.0)[0] == -2 / 16


def test_division_is_exact_not_a_product_with_a_reciprocal() -> None:
    assert (Value(0.3) / Value(0.1)).data == 0.3 / 0.1
    assert (Value(0.3) / 0.1).data == 0.3 / 0.1


@pytest.mark.parametrize("x", [1000.0, -1000.0, 710.0, -745.0])
def test_sigmoid_and_tanh_are_stable_at_large_inputs(x: float) -> None:
    s, t = Value(x).sigmoid(), Value(x).tanh()
    assert s.data == (1.0 if x > 0 else 0.0) or 0.0 <= s.data < 1e-300
    assert t.data == math.copysign(1.0, x)
    (ds,) = derivatives(Value.sigmoid, x)
    (dt,) = derivatives(Value.tanh, x)
    assert math.isfinite(ds) and 0.0 <= ds < 1e-300
    assert dt == 0.0
