"""Bad input gets a clear error naming the bad value, never a silent wrong number."""

import math
import re

import pytest

from autograd import Value, no_grad, scalar_op
from autograd.errors import NonFiniteError, ZeroDivisionDomainError


@pytest.mark.parametrize("data", ["1", None, [1], True, 1j, Value(1.0)])
def test_data_must_be_a_real_number(data: object) -> None:
    with pytest.raises(TypeError, match=type(data).__name__):
        Value(data)  # type: ignore[arg-type]


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_data_must_be_finite(data: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Value(data)


def test_label_must_be_a_string() -> None:
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("other", ["2", None, [1], True])
def test_unsupported_operands_raise_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Value(1.0) * other  # type: ignore[operator]
    with pytest.raises(TypeError, match=type(other).__name__):
        other + Value(1.0)  # type: ignore[operator]
    with pytest.raises(TypeError, match=type(other).__name__):
        Value(1.0) - other  # type: ignore[operator]


@pytest.mark.parametrize("constant", [math.nan, math.inf])
def test_non_finite_constants_are_rejected(constant: float) -> None:
    with pytest.raises(ValueError, match="finite"):
        Value(1.0) + constant


@pytest.mark.parametrize("x", [0.0, -1.0, -1e-300])
def test_log_outside_its_domain(x: float) -> None:
    with pytest.raises(ValueError, match=rf"log: argument must be > 0, got {x!r}"):
        Value(x).log()


def test_negative_base_with_fractional_exponent() -> None:
    with pytest.raises(ValueError, match=r"\*\*: negative base -8.0 with non-integer exponent 0.5"):
        Value(-8.0) ** 0.5
    assert (Value(-2.0) ** 3).data == -8.0  # integer exponents are fine


@pytest.mark.parametrize("base", [0.0, -2.0])
def test_value_exponent_needs_a_positive_base(base: float) -> None:
    with pytest.raises(ValueError, match=rf"base must be > 0 with a Value exponent, got {base!r}"):
        Value(base) ** Value(2.0)
    with pytest.raises(ValueError, match="base must be > 0"):
        base ** Value(2.0)


def test_an_infinite_derivative_fails_only_when_backward_sends_a_gradient_through_it() -> None:
    for make in (lambda x: x**0.5, Value.sqrt, lambda x: x ** (1 / 3)):
        x = Value(0.0, "x")
        y = make(x)  # the value is 0.0; only the derivative is infinite
        assert y.data == 0.0 and y.local_grads == (math.inf,)
        message = (
            rf"backward: {re.escape(y.op)} at Value\(data=0\.0.* has the local derivative inf "
            r"with respect to Value\(data=0\.0.*label='x'\), and a non-zero gradient \(1\.0\) flows"
        )
        with pytest.raises(NonFiniteError, match=message):
            y.backward()
        assert x.grad == y.grad == 0.0  # nothing changed
        (y * 0.0 + x).backward()  # a zero gradient through it: fine
        assert x.grad == 1.0


def test_the_distance_between_two_equal_points_is_computed() -> None:
    p, q = Value(1.5), Value(1.5)
    d = ((p - q) ** 2 + (p - q) ** 2).sqrt()
    assert d.data == 0.0
    with no_grad():
        assert (Value(0.0) ** 0.5).data == 0.0


def test_zero_to_a_negative_power_is_a_division_by_zero() -> None:
    with pytest.raises(
        ZeroDivisionDomainError, match=r"\*\*: 0\.0 \*\* -1\.0 is infinite \(a division by zero\)"
    ):
        Value(0.0) ** -1


def test_division_by_zero() -> None:
    with pytest.raises(ZeroDivisionError, match=r"/: division of 1\.0 by zero"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match=r"/: division of 2\.0 by zero"):
        Value(2.0) / 0
    with pytest.raises(ZeroDivisionError, match=r"/: division of 3\.0 by zero"):
        3.0 / Value(0.0)


def test_exp_overflow_names_the_op() -> None:
    with pytest.raises(OverflowError, match=r"exp: overflow at 710\.0"):
        Value(710.0).exp()


@pytest.mark.parametrize("make", [lambda: Value(1e308) + Value(1e308), lambda: Value(1e200) * 1e200])
def test_arithmetic_overflow_is_an_error_not_inf(make) -> None:
    with pytest.raises(OverflowError, match="not finite"):
        make()


def test_pow_overflow_names_the_op() -> None:
    with pytest.raises(OverflowError, match=r"\*\*: overflow"):
        Value(10.0) ** 400


def test_scalar_op_checks_its_arguments_and_results() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        scalar_op("", math.sin, math.cos)
    with pytest.raises(TypeError, match="one derivative per argument"):
        scalar_op("sin", math.sin)
    sin = scalar_op("sin", math.sin, math.cos)
    with pytest.raises(TypeError, match="sin: takes 1 argument"):
        sin(Value(1.0), Value(2.0))
    with pytest.raises(TypeError, match="str"):
        sin("1")
    bad = scalar_op("bad", lambda x: math.nan, lambda x: 1.0)
    with pytest.raises(
        NonFiniteError, match=r"bad: the function returned nan at \[1\.0\], not a finite number"
    ):
        bad(Value(1.0))


def test_a_tiny_divisor_is_not_a_division_by_zero() -> None:
    with no_grad():  # b² underflows to 0.0 where b does not: no ZeroDivisionError
        assert (1.0 / Value(1e-200)).data == 1e200 and (Value(1.0) / Value(1e-200)).data == 1e200


@pytest.mark.parametrize(
    ("make", "x"),
    [(lambda x: 1.0 / x, 1e-200), (lambda x: Value(2.0) / x, 1e-200), (lambda x: x.log(), 1e-320)],
)
def test_a_derivative_beyond_the_float_range_is_an_error_at_backward(make, x: float) -> None:
    leaf = Value(x)
    y = make(leaf)  # the value is finite
    with pytest.raises(
        NonFiniteError, match=rf"backward: {re.escape(y.op)} at .* has the local derivative -?inf"
    ):
        y.backward()
    assert leaf.grad == 0.0


def test_an_exploding_gradient_is_an_error_and_changes_no_grad() -> None:
    x, b = Value(1e-200, "x"), Value(2.0, "b")
    y = x * 1e200 * 1e200 + b * 3.0  # finite data and local derivatives; d y/dx = 1e400
    with pytest.raises(
        OverflowError, match=r"backward: the gradient reaching Value\(data=1e-200.*label='x'\) is inf"
    ):
        y.backward()
    assert x.grad == b.grad == y.grad == 0.0


def test_zero_to_the_power_zero() -> None:
    x = Value(0.0)
    y = x**0
    y.backward()
    assert (y.data, x.grad) == (1.0, 0.0)


def test_math_functions_refuse_a_value_instead_of_silently_dropping_the_graph() -> None:
    with pytest.raises(TypeError):
        math.tanh(Value(1.0))  # type: ignore[arg-type]  # use Value(1.0).tanh()


def test_a_finite_power_whose_derivative_overflows_is_computed() -> None:
    # 1e-103 ** -2 = 1e206 is finite; only d/dx = -2e309 is not, which matters at backward only
    x = Value(1e-103, "x")
    y = x**-2
    assert y.data == pytest.approx(1e206, rel=1e-15) and y.local_grads == (-math.inf,)
    with pytest.raises(NonFiniteError, match=r"backward: \*\* at .* has the local derivative -inf"):
        y.backward()
