"""check_vjp on hand-written numpy backwards: correct ones pass, planted bugs are caught with
the element named, against the engine where the forward runs on Values, else central
differences."""

import numpy as np
import pytest

from autograd import GradcheckError, check_vjp
from tests import gradcheck_layers as layers

RNG = np.random.default_rng(3)
W, X, B = RNG.normal(size=(3, 3)), RNG.normal(size=3), RNG.normal(size=3)


def test_the_dense_layers_correct_backward_passes() -> None:
    assert check_vjp(layers.dense, layers.dense_backward, W, X, B)
    w, x = RNG.normal(size=(4, 2)), RNG.normal(size=2)  # not square
    assert check_vjp(layers.dense, layers.dense_backward, w, x, RNG.normal(size=4), cotangents=5, seed=9)


def test_a_transposed_dw_fails_naming_the_elements() -> None:
    with pytest.raises(GradcheckError) as info:
        check_vjp(layers.dense, layers.dense_backward_transposed_dw, W, X, B)
    error = info.value
    u = error.cotangent
    right = layers.dense_backward(u, W, X, B)[0]  # the reference, independent of the check
    wrong = layers.dense_backward_transposed_dw(u, W, X, B)[0]
    named = {m.input for m in error.mismatches}
    # dx, db and W's diagonal are right
    assert named == {f"W[{i}, {j}]" for i in range(3) for j in range(3) if i != j}
    first = error.mismatches[0]
    assert (error.index, error.element, first.input) == (0, "W[0, 1]", "W[0, 1]")
    assert first.analytic == wrong[0, 1]
    assert first.engine == pytest.approx(right[0, 1], rel=1e-12)
    assert first.numerical == pytest.approx(right[0, 1], rel=1e-6)
    lines = str(error).splitlines()
    assert lines[0] == (
        f"gradient of input 0 at W[0, 1] is wrong: your vjp gives {float(wrong[0, 1])!r}, "
        f"the engine gives {first.engine!r}, central differences give {first.numerical!r}"
    )
    assert lines[1].split() == ["input", "your", "vjp", "engine", "central", "differences", "verdict"]
    assert lines[2].split()[:3] == ["W[0,", "1]", f"{wrong[0, 1]:.8g}"]
    assert lines[-1].startswith("  with the cotangent u = [") and "seed=0" in lines[-1]


def test_a_transposed_dw_of_a_rectangular_w_is_a_shape_error() -> None:
    w = RNG.normal(size=(3, 2))
    with pytest.raises(ValueError, match=r"vjp's gradient for W has shape \(2, 3\), W has shape \(3, 2\)"):
        check_vjp(layers.dense, layers.dense_backward_transposed_dw, w, RNG.normal(size=2), B)


def test_a_numpy_softmax_that_cannot_run_on_values_is_checked_by_central_differences() -> None:
    z = np.array([0.5, -1.0, 2.0, 0.1])
    assert check_vjp(layers.softmax, layers.softmax_backward, z)
    wrong = r"^gradient of input 0 at z\[\d\] is wrong: your vjp gives"
    with pytest.raises(GradcheckError, match=wrong) as info:
        check_vjp(layers.softmax, layers.softmax_backward_without_the_sum, z)
    error = info.value
    assert error.engine is None and {m.input for m in error.mismatches} == {f"z[{k}]" for k in range(4)}
    s, u = layers.softmax(z), error.cotangent
    jacobian = np.diag(s) - np.outer(s, s)  # the closed form
    assert [m.numerical for m in error.mismatches] == pytest.approx(list(u @ jacobian), rel=1e-6)
    (note,) = [line for line in str(error).splitlines() if "no engine column" in line]
    assert "softmax cannot run on Values" in note and "calls `z.max()`" in note


def test_a_softmax_on_values_gets_the_engines_column() -> None:
    z = np.array([0.5, -1.0, 2.0])
    assert check_vjp(layers.softmax_on_values, layers.softmax_backward, z)
    with pytest.raises(GradcheckError, match=r"the engine gives") as info:
        check_vjp(layers.softmax_on_values, layers.softmax_backward_without_the_sum, z)
    assert all(m.engine == pytest.approx(m.numerical, rel=1e-6) for m in info.value.mismatches)


def test_a_three_argument_function() -> None:
    a, b, c = 0.7, RNG.normal(size=(2, 3)), RNG.normal(size=3)
    assert check_vjp(layers.blend, layers.blend_backward, a, b, c)
    with pytest.raises(GradcheckError, match=r"^gradient of input 2 at c\[\d\] is wrong") as info:
        check_vjp(layers.blend, layers.blend_backward_wrong_dc, a, np.vstack([b, b[:1]]), c)
    assert {m.index for m in info.value.mismatches} == {2}  # a and B are right
    # a scalar's own name is in the table
    with pytest.raises(GradcheckError) as scalar:
        check_vjp(layers.blend, lambda u, a, B, c: (0.0, *layers.blend_backward(u, a, B, c)[1:]), a, b, c)
    assert scalar.value.element == "" and scalar.value.mismatches[0].input == "a"
    assert str(scalar.value).startswith("gradient of input 0 is wrong: your vjp gives 0.0")


def test_a_kink_makes_check_vjp_inconclusive() -> None:
    def relu(x):
        return np.maximum(x, 0.0)

    def wrong_at_zero(u, x):  # the subgradient 1 at 0, where relu's engine op takes 0
        return u * (x >= 0.0)

    assert check_vjp(relu, wrong_at_zero, np.array([0.5, -1.0]))
    with pytest.raises(GradcheckError, match="is wrong") as info:  # a wrong x[1] is the news, not x[0]'s kink
        check_vjp(relu, lambda u, x: u * 0.5, np.array([0.0, 1.0]))
    assert [(m.input, m.verdict) for m in info.value.mismatches] == [("x[1]", "wrong")]
    with pytest.raises(GradcheckError, match=r"could not be checked: .*kink or a pole within eps") as kink:
        check_vjp(relu, lambda u, x: u * (x > 0.0) + 0.25 * u * (x == 0.0), np.array([0.0, 1.0]))
    assert kink.value.inconclusive and kink.value.mismatches[0].input == "x[0]"


def test_bad_vjps_and_arguments_are_refused_naming_them() -> None:
    with pytest.raises(TypeError, match=r"vjp must return one gradient per input \(3: W, x, b\), got tuple"):
        check_vjp(layers.dense, lambda u, W, x, b: (W, x), W, X, B)
    with pytest.raises(TypeError, match="forward and vjp must be callable"):
        check_vjp(layers.dense, None, W, X, B)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cotangents must satisfy"):
        check_vjp(layers.dense, layers.dense_backward, W, X, B, cotangents=0)


def test_the_cotangents_come_from_the_seed() -> None:
    def failing(seed: int) -> np.ndarray:
        with pytest.raises(GradcheckError) as info:
            check_vjp(layers.dense, layers.dense_backward_transposed_dw, W, X, B, seed=seed)
        u: np.ndarray = info.value.cotangent
        return u

    assert np.array_equal(failing(1), failing(1)) and not np.array_equal(failing(1), failing(2))
