"""gradcheck on numpy code: array inputs of any shape, list and array outputs, the whole
Jacobian element by element, kinks inconclusive, and a function that cannot run on Values."""

import math

import numpy as np
import pytest

from autograd import GradcheckError, Value, gradcheck, numerical_gradient, scalar_op
from autograd.gradcheck import NotOnValuesError
from tests import gradcheck_layers as layers

RNG = np.random.default_rng(7)
W, X, B = RNG.normal(size=(3, 2)), RNG.normal(size=2), RNG.normal(size=3)
# tanh whose derivative forgets the square: 1 - tanh instead of 1 - tanh²
wrong_tanh = scalar_op("tanh", math.tanh, lambda z: 1.0 - math.tanh(z))


def test_a_numpy_dense_layer_runs_on_values_and_its_whole_jacobian_passes() -> None:
    assert gradcheck(layers.dense, [W, X, B])
    out = layers.dense(np.array([[Value(w) for w in row] for row in W], dtype=object), X, B)
    assert [v.data for v in out] == pytest.approx(layers.dense(W, X, B), rel=1e-15)


def test_list_outputs_are_checked_element_by_element() -> None:
    def pieces(a, b):
        return [a * b, wrong_tanh(a) + b, (a - b).exp()]

    with pytest.raises(GradcheckError) as info:
        gradcheck(pieces, [0.3, -0.8])
    error = info.value
    assert {m.output for m in error.mismatches} == {"pieces[1]"}  # outputs 0 and 2 are right
    assert [m.input for m in error.mismatches] == ["a"]
    assert error.analytic == pytest.approx(1.0 - math.tanh(0.3), rel=1e-12)
    assert error.numerical == pytest.approx(1.0 - math.tanh(0.3) ** 2, rel=1e-8)  # the closed form
    assert str(error).startswith("gradient of input 0 for output pieces[1] is wrong: backward() gives")
    assert gradcheck(lambda a, b: [a * b, a.tanh() + b, (a - b).exp()], [0.3, -0.8])


def test_one_wrong_element_of_an_array_jacobian_is_the_one_named() -> None:
    def f(W):  # only out[1] reads W[2, 1] through the wrong op
        return np.array([W[0, 0] * W[1, 1], wrong_tanh(W[2, 1]) * W[0, 1], W.sum()], dtype=object)

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [W.reshape(2, 3).T.copy()])
    error = info.value
    assert [(m.output, m.input) for m in error.mismatches] == [("f[1]", "W[2, 1]")]
    assert (error.index, error.element, error.output) == (0, "W[2, 1]", "f[1]")
    assert "gradient of input 0 at W[2, 1] for output f[1] is wrong" in str(error)


def test_the_op_whose_derivative_disagrees_is_named_inside_the_graph() -> None:
    def dense_wrong(W, x, b):
        return np.vectorize(wrong_tanh, otypes=[object])(W @ x + b)

    with pytest.raises(GradcheckError) as info:
        gradcheck(dense_wrong, [W, X, B])
    error = info.value
    z = W[0] @ X + B[0]
    assert error.op.startswith("the op whose derivative disagrees: tanh(")
    assert f"its local derivative(s) {1.0 - math.tanh(z):.8g}" in error.op
    assert error.mismatches[0].output == "dense_wrong[0]" and error.element == "W[0, 0]"
    assert error.numerical == pytest.approx((1.0 - math.tanh(z) ** 2) * X[0], rel=1e-7)
    lines = str(error).splitlines()
    assert lines[1].split() == ["output", "input", "backward()", "central", "differences", "verdict"]
    assert lines[-1] == "  " + error.op
    assert any(line.startswith("  at W = [[") and "x = [" in line and "b = [" in line for line in lines)


@pytest.mark.parametrize(
    ("f", "x", "left", "right"),
    [
        (abs, 1e-7, -0.8, 1.0),  # the step from 1e-7 - 1e-6 to 1e-7 + 1e-6 straddles |x|'s kink
        (lambda v: v.relu(), 0.0, 0.0, 1.0),
        (lambda v: 1.0 / v, 1e-7, None, None),  # a pole
    ],
)
def test_a_kink_or_a_pole_within_eps_is_inconclusive_not_wrong(f, x, left, right) -> None:
    inconclusive = r"could not be checked: .*kink or a pole within eps=1e-06"
    with pytest.raises(GradcheckError, match=inconclusive) as info:
        gradcheck(f, [x])
    error = info.value
    assert error.inconclusive and "is wrong" not in str(error)
    if left is not None:
        assert (error.mismatches[0].left, error.mismatches[0].right) == pytest.approx((left, right), rel=1e-6)
    assert not gradcheck(f, [x], raise_exception=False)
    assert gradcheck(f, [x + 1e-3])  # farther than eps from it, the same function passes


def test_a_wrong_derivative_beside_a_kink_is_still_wrong() -> None:
    wrong_softplus = scalar_op("softplus", lambda v: math.log1p(math.exp(v)), lambda v: 1 / (1 + math.exp(v)))
    with pytest.raises(GradcheckError, match="is wrong") as info:
        gradcheck(lambda v: v[0].relu() + wrong_softplus(v[1]), [np.array([0.0, 1.5])])
    assert [m.input for m in info.value.mismatches] == ["v[1]"]  # v[0] sits on relu's kink, v[1] is wrong


def test_a_function_that_cannot_run_on_values_is_explained_in_one_line() -> None:
    with pytest.raises(NotOnValuesError) as info:
        gradcheck(layers.dense_math, [W, X, B])
    message = str(info.value)
    assert "\n" not in message and isinstance(info.value, TypeError)
    assert message.startswith("dense_math cannot run on Values, so the engine cannot differentiate it: ")
    assert "gradcheck_layers.py:" in message and "calls `math.tanh(sum(W[i, j] * x[j]" in message
    assert "(TypeError: must be real number, not Value)" in message and "check_vjp(" in message
    conversion = r"calls `np.asarray\(W, dtype=np.float64\)`, which needs plain numbers"
    with pytest.raises(NotOnValuesError, match=conversion) as f64:
        gradcheck(layers.dense_float64, [W, X, B])
    assert "\n" not in str(f64.value)


def test_a_function_returning_plain_floats_is_explained() -> None:
    with pytest.raises(NotOnValuesError, match=r"returned a float64 array holding no Value"):
        gradcheck(lambda x: np.zeros(2), [X])


def test_inputs_mix_floats_values_and_arrays_of_any_shape() -> None:
    cube = RNG.normal(size=(2, 1, 2))
    assert gradcheck(lambda a, t, v: (t * a).sum() + v * v, [0.5, cube, Value(2.0)])
    assert gradcheck(lambda s: s * s, [np.array(1.5)])  # a 0-d array
    grads = numerical_gradient(lambda t: (t * t).sum(), [cube])
    assert grads == pytest.approx(tuple(2 * cube.reshape(-1)), rel=1e-8)


def test_bad_array_inputs_are_refused_naming_them() -> None:
    with pytest.raises(ValueError, match=r"inputs\[0\] must be finite, got nan"):
        gradcheck(lambda t: t.sum(), [np.array([1.0, math.nan])])
    with pytest.raises(ValueError, match=r"eps=1e-06 is too small for input 0 at t\[1\] = 1e\+20"):
        gradcheck(lambda t: t.sum(), [np.array([1.0, 1e20])])


def test_a_result_of_pieces_of_different_shapes_is_refused() -> None:
    with pytest.raises(TypeError, match="of them of one shape; got a tuple whose pieces are not"):
        gradcheck(lambda t: (t, t.sum()), [X])
    with pytest.raises(TypeError, match="got a list whose pieces are not that: \\[\\]"):
        gradcheck(lambda t: [], [X])
