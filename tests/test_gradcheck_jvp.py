"""check_jvp on hand-written forward-mode derivatives: J·v for random tangents v, element by
element of the output, against the engine or central differences along v."""

import numpy as np
import pytest

from autograd import GradcheckError, check_jvp, jvp
from tests import gradcheck_layers as layers

RNG = np.random.default_rng(5)
W, X, B = RNG.normal(size=(3, 3)), RNG.normal(size=3), RNG.normal(size=3)


def test_the_dense_layers_correct_jvp_passes() -> None:
    assert check_jvp(layers.dense, layers.dense_jvp, W, X, B)
    assert check_jvp(layers.dense, layers.dense_jvp, RNG.normal(size=(2, 4)), RNG.normal(size=4), X[:2])


def test_a_transposed_dw_fails_naming_the_output_elements() -> None:
    with pytest.raises(GradcheckError, match=r"^the jvp at dense\[\d\] is wrong: your jvp gives ") as info:
        check_jvp(layers.dense, layers.dense_jvp_transposed_dw, W, X, B)
    error = info.value
    v = error.cotangent  # the tangent, flat: W's 9 numbers, then x's 3, then b's 3
    dW, dx, db = v[:9].reshape(3, 3), v[9:12], v[12:]
    right = layers.dense_jvp((dW, dx, db), W, X, B)
    # the reference, independent of the check: the engine's own forward mode
    _, engine = jvp(
        lambda *leaves: list(np.tanh(np.array(leaves[:9]).reshape(3, 3) @ leaves[9:12] + leaves[12:])),
        [*W.reshape(-1), *X, *B],
        list(v),
    )
    assert right == pytest.approx(engine, rel=1e-12)
    first = error.mismatches[0]
    assert (error.index, error.element) == (int(first.output[6]), first.output)
    assert first.engine == pytest.approx(right[error.index], rel=1e-12)
    assert first.numerical == pytest.approx(right[error.index], rel=1e-6)
    lines = str(error).splitlines()
    assert lines[1].split() == ["output", "your", "jvp", "engine", "central", "differences", "verdict"]
    assert lines[-1].startswith("  with the tangents v = W: [[") and "; x: [" in lines[-1]


def test_a_kink_along_the_tangent_is_inconclusive() -> None:
    def relu(x):
        return np.maximum(x, 0.0)

    assert check_jvp(relu, lambda v, x: v[0] * (x > 0.0), np.array([0.5, -1.0]))
    with pytest.raises(
        GradcheckError, match=r"the jvp at relu\[0\] could not be checked: .*kink or a pole"
    ) as info:
        check_jvp(relu, lambda v, x: v[0] * (x > 0.0) + 0.25 * v[0] * (x == 0.0), np.array([0.0, 1.0]))
    assert info.value.inconclusive and info.value.engine is None
    assert "no engine column: relu cannot run on Values" in str(info.value)


def test_a_scalar_function_of_three_arguments() -> None:
    a, b, c = 0.7, RNG.normal(size=(2, 3)), RNG.normal(size=3)

    def blend_jvp(v: tuple[object, ...], a: float, B: np.ndarray, c: np.ndarray) -> object:
        da, dB, dc = layers.blend_backward(1.0, a, B, c)  # the gradient, dotted with the tangent
        return da * v[0] + np.sum(dB * v[1]) + np.sum(dc * v[2])

    assert check_jvp(layers.blend, blend_jvp, a, b, c)
    with pytest.raises(GradcheckError, match=r"^the jvp at blend is wrong"):
        check_jvp(layers.blend, lambda v, a, B, c: blend_jvp(v, a, B, c) + 0.1 * v[0], a, b, c)


def test_a_tangent_of_the_wrong_shape_is_refused() -> None:
    with pytest.raises(
        ValueError, match=r"jvp returned a tangent of shape \(2,\), the output of forward has shape \(3,\)"
    ):
        check_jvp(layers.dense, lambda v, W, x, b: np.zeros(2), W, X, B)
