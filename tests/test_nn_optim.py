import math

import pytest

from autograd import Value
from nn.optim import SGD, Optimizer


def test_sgd_step_moves_each_parameter_against_its_gradient() -> None:
    a, b = Value(1.0), Value(-2.0)
    loss = a * a + 3.0 * b  # ∂/∂a = 2a = 2, ∂/∂b = 3
    loss.backward()
    SGD([a, b], lr=0.1).step()
    assert (a.data, b.data) == (1.0 - 0.1 * 2.0, -2.0 - 0.1 * 3.0)


def test_sgd_minimises_a_quadratic() -> None:
    x = Value(5.0)
    optimizer = SGD([x], lr=0.25)
    for _ in range(40):
        optimizer.zero_grad()
        ((x - 3.0) ** 2).backward()
        optimizer.step()
    assert x.data == pytest.approx(3.0, abs=1e-9)


def test_zero_grad_zeroes_only_the_parameters() -> None:
    a, other = Value(1.0), Value(2.0)
    (a * other).backward()
    SGD([a], lr=0.1).zero_grad()
    assert (a.grad, other.grad) == (0.0, 1.0)


def test_lr_zero_leaves_parameters_alone() -> None:
    a = Value(1.0)
    (a * 4.0).backward()
    SGD([a], lr=0).step()
    assert a.data == 1.0


@pytest.mark.parametrize(
    ("params", "lr", "error", "shown"),
    [
        ([Value(1.0)], -0.1, ValueError, "-0.1"),
        ([Value(1.0)], math.nan, ValueError, "nan"),
        ([Value(1.0)], math.inf, ValueError, "inf"),
        ([Value(1.0)], "0.1", TypeError, "'0.1'"),
        ([], 0.1, ValueError, "empty"),
        ([1.0], 0.1, TypeError, "1.0"),
    ],
)
def test_bad_arguments(params: list[Value], lr: float, error: type[Exception], shown: str) -> None:
    with pytest.raises(error, match=shown):
        SGD(params, lr=lr)


def test_a_parameter_listed_twice_is_an_error() -> None:
    a = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([a, a], lr=0.1)


def test_a_diverging_step_raises_instead_of_writing_inf() -> None:
    a = Value(-1e300)
    a.grad = 1e10
    with pytest.raises(OverflowError, match="diverged"):
        SGD([a], lr=1e300).step()
    assert a.data == -1e300


def test_base_class_has_no_step_and_reprs() -> None:
    with pytest.raises(NotImplementedError):
        Optimizer([Value(1.0)], lr=0.1).step()
    assert repr(SGD([Value(1.0), Value(2.0)], lr=0.5)) == "SGD(2 parameters, lr=0.5)"
