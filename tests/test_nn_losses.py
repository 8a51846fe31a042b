import pytest

from autograd import Value
from nn.losses import half_squared_errors, l2_loss, mse_loss

OUTPUTS = (0.7, -0.2, 1.5)
TARGETS = (1.0, 0.0, 0.5)


def _leaves() -> list[Value]:
    return [Value(a) for a in OUTPUTS]


def test_half_squared_errors_and_l2_loss_match_the_formula() -> None:
    errors = half_squared_errors(_leaves(), TARGETS)
    expected = [0.5 * (t - a) ** 2 for a, t in zip(OUTPUTS, TARGETS, strict=True)]
    assert [e.data for e in errors] == pytest.approx(expected, rel=1e-15)
    assert l2_loss(_leaves(), TARGETS).data == pytest.approx(sum(expected), rel=1e-15)


def test_l2_loss_gradient_is_output_minus_target() -> None:
    outputs = _leaves()
    l2_loss(outputs, TARGETS).backward()
    assert [a.grad for a in outputs] == pytest.approx([a - t for a, t in zip(OUTPUTS, TARGETS)], rel=1e-15)


def test_mse_loss_value_and_gradient() -> None:
    outputs = _leaves()
    loss = mse_loss(outputs, TARGETS)
    loss.backward()
    n = len(OUTPUTS)
    assert loss.data == pytest.approx(sum((t - a) ** 2 for a, t in zip(OUTPUTS, TARGETS)) / n, rel=1e-15)
    assert [a.grad for a in outputs] == pytest.approx(
        [2.0 * (a - t) / n for a, t in zip(OUTPUTS, TARGETS)], rel=1e-15
    )


def test_a_single_output_is_one_error_term() -> None:
    (a,) = outputs = [Value(0.25)]
    loss = l2_loss(outputs, [1.0])
    assert loss.data == 0.5 * 0.75**2
    assert loss.op == "*"  # ½·(t − a)²: no sum around a single term
    assert a in {n for c in loss.children for n in c.children[0].children}


@pytest.mark.parametrize("loss", [l2_loss, mse_loss, half_squared_errors])
def test_mismatched_lengths_are_an_error(loss: object) -> None:
    with pytest.raises(ValueError, match=r"2 outputs and 3 targets"):
        loss([Value(0.1), Value(0.2)], [0.0, 1.0, 0.5])  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"0 outputs"):
        loss([], [])  # type: ignore[operator]


@pytest.mark.parametrize("loss", [l2_loss, mse_loss, half_squared_errors])
def test_plain_number_outputs_are_an_error_not_a_float_loss(loss: object) -> None:
    with pytest.raises(TypeError, match=r"outputs must be Values, got float: 0\.5"):
        loss([Value(0.1), 0.5], [0.0, 1.0])  # type: ignore[operator]
