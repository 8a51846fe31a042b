"""`autograd.strategies.arrays`: float64 arrays in bounds, away from kinks, with hypothesis's
argument errors; drawn arrays drive gradcheck and check_vjp."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra.numpy import array_shapes

from autograd import check_vjp, gradcheck
from autograd.strategies import arrays
from tests import gradcheck_layers as layers


@given(arrays((2, 3), min_value=-1.0, max_value=3.0, away_from=[0.0, 1.0], margin=0.01))
def test_arrays_have_the_shape_the_bounds_and_keep_away_from_kinks(a) -> None:
    assert a.dtype == np.float64 and a.shape == (2, 3)
    assert np.all((a >= -1.0) & (a <= 3.0))
    assert np.all(np.abs(a) > 0.01) and np.all(np.abs(a - 1.0) > 0.01)


@given(arrays(array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3)))
def test_a_shape_strategy_draws_any_shape_and_gradcheck_takes_it(a) -> None:
    assert a.ndim <= 3
    assert gradcheck(lambda t: np.sum(np.tanh(t) * t), [a])


@given(arrays(4, away_from=[0.0]))
def test_relu_backward_away_from_its_kink(x) -> None:
    def relu(v):
        if v.dtype == object:  # the engine's run, on Values
            return np.vectorize(lambda e: e.relu(), otypes=[object])(v)
        return np.maximum(v, 0.0)

    assert check_vjp(relu, lambda u, v: u * (v > 0.0), x)


@given(st.tuples(arrays((3, 2)), arrays(2), arrays(3)))
def test_drawn_dense_layers_pass(args) -> None:
    assert check_vjp(layers.dense, layers.dense_backward, *args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shape": -1}, "shape=-1 must be an int >= 0"),
        ({"shape": (2, "3")}, "must be an int >= 0, a tuple of them"),
        ({"shape": 2, "min_value": 1.0, "max_value": 1.0}, "min_value=1.0 must be < max_value=1.0"),
        ({"shape": 2, "margin": -1.0}, "margin=-1.0 must be >= 0"),
        ({"shape": 2, "away_from": "0"}, "away_from='0' must be a sequence of finite numbers"),
        ({"shape": 2, "max_value": float("inf")}, "max_value=inf must be a finite number"),
    ],
)
def test_bad_arguments_raise_invalid_argument(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("(", r"\(").replace("[", r"\[")):
        arrays(**kwargs)
