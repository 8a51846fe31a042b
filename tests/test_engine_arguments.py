"""Arguments a learner gets wrong are errors naming the argument, at the call that takes them;
every real number that is not a bool is a number (numpy's scalars, Fraction)."""

from fractions import Fraction

import numpy as np
import pytest

from autograd import Value, gradients, maximum, scalar_op, topological_order


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: gradients(3.0), "gradients"),  # type: ignore[arg-type]
        (lambda: topological_order("x"), "topological_order"),  # type: ignore[arg-type]
        (lambda: Value.backward(3.0), "backward"),  # type: ignore[arg-type]
        (lambda: Value.zero_grad([Value(1.0)]), "zero_grad"),  # type: ignore[arg-type]
    ],
)
def test_graph_functions_name_a_root_that_is_not_a_value(call, name: str) -> None:
    with pytest.raises(
        TypeError, match=rf"^{name}: root must be a Value \(the result of ops on Values\), got "
    ):
        call()


def test_a_label_that_is_not_a_string_is_refused_at_assignment() -> None:
    v = Value(1.0, "w")
    with pytest.raises(TypeError, match="label must be a str, got int: 7"):
        v.label = 7  # type: ignore[assignment]
    assert v.label == "w"
    v.label = "w2"
    assert repr(v) == "Value(data=1.0, grad=0.0, label='w2')"
    with pytest.raises(TypeError, match="label must be a str, got int"):
        Value(1.0, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("number", [np.float32(1.5), np.int64(3), np.float64(0.25), Fraction(1, 2), 2])
def test_every_real_number_that_is_not_a_bool_is_accepted_everywhere(number: object) -> None:
    x = float(number)  # type: ignore[arg-type]
    assert Value(number).data == x  # type: ignore[arg-type]
    v = Value(2.0)
    assert (v + number).data == 2.0 + x and (v * number).data == 2.0 * x  # type: ignore[operator]
    assert (number - v).operands == (x, v)  # type: ignore[operator]
    assert (v**number).operands == (v, x)  # type: ignore[operator]
    assert maximum(v, number).operands == (v, x)  # type: ignore[arg-type]
    assert (
        scalar_op("twice", lambda a, b: 2 * a * b, lambda a, b: 2 * b, lambda a, b: 2 * a)(v, number).data
        == 4 * x
    )
    v.set_data(number)  # type: ignore[arg-type]
    assert v.data == x and type(v.data) is float


@pytest.mark.parametrize("flag", [True, np.bool_(True)])
def test_a_bool_is_not_a_number(flag: object) -> None:
    with pytest.raises(TypeError, match="Value data must be a real number, got"):
        Value(flag)  # type: ignore[arg-type]


def test_an_int_beyond_the_float_range_names_the_op_or_argument() -> None:
    with pytest.raises(ValueError, match=r"^Value data must be finite, got an int too large for a float"):
        Value(10**400)
    with pytest.raises(ValueError, match=r"^\*: the constant operand must be finite, got an int too large"):
        Value(1.0) * 10**400
    with pytest.raises(ValueError, match=r"^set_data: data must be finite"):
        Value(1.0).set_data(10**400)
