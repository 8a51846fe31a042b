"""Gradients under a caller's `no_grad` (issue 24, item 11): `grad`, `value_and_grad` and
`fit` compute in grad mode whatever the caller's, as torch.func.grad and JAX's grad do,
and the caller's mode is as it was afterwards."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value, grad, is_grad_enabled, no_grad, value_and_grad
from nn.data import Dataset
from nn.losses import cross_entropy
from nn.module import MLP
from nn.optim import SGD
from nn.train import fit


def f(x: Value, y: Value) -> Value:
    return x * x * y + y.exp()


def test_grad_inside_no_grad_is_the_gradient_not_zero() -> None:
    with no_grad():
        assert grad(lambda x: x * x)(3.0) == (6.0,)  # d(x²)/dx = 2x
        value, gradient = value_and_grad(f)(2.0, 0.5)
        assert grad(lambda x: grad(lambda y: y**3)(x)[0])(2.0) == (12.0,)  # d²(x³)/dx² = 6x, composed
        assert not is_grad_enabled()  # the caller's mode, restored
    assert value == 2.0 + math.exp(0.5)
    assert gradient == (2.0, 4.0 + math.exp(0.5))  # (2xy, x² + e^y) at (2, 0.5)
    assert is_grad_enabled()


def test_enable_grad_nests_inside_and_outside_no_grad() -> None:
    from autograd import enable_grad

    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            assert (Value(2.0) * 3.0).op == "*"  # a graph is recorded
            with no_grad():
                assert not is_grad_enabled()
            assert is_grad_enabled()
        assert not is_grad_enabled()
    with enable_grad():  # already on: stays on, and on after
        assert is_grad_enabled()
    assert is_grad_enabled()
    assert repr(enable_grad()) == "enable_grad()" and repr(no_grad()) == "no_grad()"


def _trained_weights(engine: str, inside_no_grad: bool) -> list[float]:
    rng = np.random.default_rng(0)
    data = Dataset(rng.random((12, 4)), np.arange(12) % 3, (2, 2))
    model = MLP(4, [3], activation="linear", rng=0)
    optimizer = SGD(model.parameters(), lr=0.5)
    run = dict(loss=cross_entropy, epochs=2, batch_size=4, mode=engine, rng=0, progress=False)
    if inside_no_grad:
        with no_grad():
            fit(model, optimizer, data, **run)  # type: ignore[arg-type]
            assert not is_grad_enabled()
    else:
        fit(model, optimizer, data, **run)  # type: ignore[arg-type]
    return [p.data for p in model.parameters()]


@pytest.mark.parametrize("engine", ["dynamic", "tape"])
def test_fit_inside_no_grad_trains_as_outside(engine: str) -> None:
    untrained = [p.data for p in MLP(4, [3], activation="linear", rng=0).parameters()]
    outside = _trained_weights(engine, inside_no_grad=False)
    assert outside != untrained
    assert _trained_weights(engine, inside_no_grad=True) == outside  # the same numbers, bit for bit
