"""Each op's value and local derivative against math-module closed forms and central differences."""

import math
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, maximum, numerical_gradient
from autograd.errors import DomainError
from autograd.ops import OPS

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
    ("abs", Value.abs, abs, lambda x: math.copysign(1.0, x), away_from_zero),
    ("sqrt", Value.sqrt, math.sqrt, lambda x: 0.5 / math.sqrt(x), positive),
    ("log1p", Value.log1p, math.log1p, lambda x: 1 / (1 + x), st.floats(-0.99, 50.0)),
    ("softplus", Value.softplus, lambda x: math.log1p(math.exp(x)), lambda x: 1 / (1 + math.exp(-x)), finite),
    ("sin", Value.sin, math.sin, math.cos, finite),
    ("cos", Value.cos, math.cos, lambda x: -math.sin(x), finite),
]  # fmt: skip


def test_every_op_of_the_table_has_a_closed_form_here() -> None:
    assert {u[0] for u in UNARY} | {b[0] for b in BINARY} == set(OPS)


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
    ("maximum", maximum, lambda a, b: (1.0, 0.0) if a > b else (0.0, 1.0) if a < b else (0.5, 0.5),
     finite, finite),
]  # fmt: skip


@pytest.mark.parametrize(("name", "f", "grads", "xs", "ys"), BINARY, ids=[b[0] for b in BINARY])
@given(data=st.data())
def test_binary_op_matches_closed_form(name, f, grads, xs, ys, data) -> None:
    a, b = data.draw(xs, label="a"), data.draw(ys, label="b")
    f = max if f is maximum else f  # the closed form of maximum on plain floats
    op = maximum if f is max else f
    assert close(op(Value(a), Value(b)).data, f(a, b))
    expected = grads(a, b)
    assert all(close(g, e, rel=1e-9) for g, e in zip(derivatives(op, a, b), expected))
    # with a plain number on either side, only the Value is a child
    left, right = op(Value(a), b), op(a, Value(b))
    assert close(left.data, f(a, b)) and close(right.data, f(a, b))
    assert len(left.children) == len(right.children) == 1
    assert close(derivatives(lambda v: op(v, b), a)[0], expected[0], rel=1e-9)
    assert close(derivatives(lambda v: op(a, v), b)[0], expected[1], rel=1e-9)


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
    assume(abs(x) > 1e-3)  # the kinks of relu and abs
    x = abs(x) if op in (Value.log, Value.sqrt, Value.log1p) else x
    (numerical,) = numerical_gradient(op, [x])
    assert math.isclose(derivatives(op, x)[0], numerical, rel_tol=1e-6, abs_tol=1e-8)


@given(x=st.floats(0.1, 5.0), y=st.floats(-3.0, 3.0))
def test_binary_derivatives_match_central_differences(x: float, y: float) -> None:
    assume(abs(y) > 0.1 and abs(x - y) > 1e-3)  # away from the pole of a / b and the kink of maximum
    for _, f, _, _, _ in BINARY:
        analytic = derivatives(f, x, y)
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


@pytest.mark.parametrize("x", [1000.0, -1000.0, 710.0, -745.0, 0.0])
def test_softplus_is_stable_and_exact_at_large_inputs(x: float) -> None:
    out = Value(x).softplus()
    expected = x if x > 36.0 else 0.0 if x < -745.0 else math.log1p(math.exp(x))  # ln(1 + e^x) rounded
    assert out.data == pytest.approx(expected, rel=1e-15, abs=1e-320)
    (d,) = derivatives(Value.softplus, x)
    assert d == pytest.approx(1.0 if x > 0 else 0.5 if x == 0 else 0.0, abs=1e-300)


def test_softplus_keeps_its_digits_where_the_naive_form_loses_them() -> None:
    assert Value(-40.0).softplus().data == pytest.approx(math.exp(-40.0), rel=1e-15)
    assert Value(40.0).softplus().data == 40.0 + math.exp(-40.0)


def test_maximum_splits_the_gradient_at_a_tie_as_torch_maximum_does() -> None:
    assert derivatives(maximum, 2.0, 2.0) == (0.5, 0.5)
    assert derivatives(lambda v: maximum(v, 2.0), 2.0) == (0.5,)
    assert derivatives(lambda v: maximum(v, v), 2.0) == (1.0,)  # like v itself
    assert derivatives(maximum, 3.0, 2.0) == (1.0, 0.0)
    assert maximum(1.0, 2.0).data == 2.0 and maximum(1.0, 2.0).children == ()


def test_abs_has_derivative_zero_at_zero() -> None:
    assert derivatives(abs, 0.0) == (0.0,)
    assert abs(Value(-2.5)).data == 2.5 and abs(Value(-2.5)).op == "abs"


def test_log1p_is_exact_for_tiny_arguments() -> None:
    assert Value(1e-20).log1p().data == 1e-20
    assert derivatives(Value.log1p, 1e-20) == (1.0,)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Value(-1.0).sqrt(), r"sqrt: argument must be >= 0, got -1\.0"),
        (lambda: Value(-1.0).log1p(), r"log1p: argument must be > -1, got -1\.0"),
        (lambda: maximum(Value(1.0), "2"), r"maximum: b must be a real number, got str"),  # type: ignore[arg-type]
    ],
)
def test_new_ops_refuse_arguments_outside_their_domain(make: Callable[[], Value], message: str) -> None:
    with pytest.raises((DomainError, TypeError), match=message):
        make()
