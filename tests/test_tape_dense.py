"""`autograd.weighted_sum`, nn's neurons' Σ w·x + b: on the engine exactly the sum of its
products; traced, one step per neuron, replayed as a layer's matrix product."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value, trace, weighted_sum
from autograd.errors import NonFiniteError
from tests.tape_helpers import assert_agree, dynamic_mean, tape_mean


def test_on_the_engine_it_is_the_sum_of_its_products_bit_for_bit():
    rng = random.Random(0)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(7)]
    xs = [Value(rng.uniform(-3, 3)) for _ in range(7)]
    b = Value(0.25)
    out = weighted_sum(ws, xs, b)
    want = sum([w * x for w, x in zip(ws, xs)][1:], start=ws[0] * xs[0]) + b
    assert out.data == want.data
    out.backward()
    assert [w.grad for w in ws] == [x.data for x in xs] and b.grad == 1.0
    assert weighted_sum([2.0], [Value(3.0)]).data == 6.0  # plain numbers too
    with pytest.raises(ValueError, match=r"zip\(\) argument 2 is shorter"):
        weighted_sum(ws, xs[:3])


def test_an_nn_mlp_traces_one_step_per_neuron_and_agrees_with_the_engine():
    model = nn.MLP(30, [8, 3], activation="relu", output_activation="linear", rng=0)
    params = model.parameters()

    def loss(x: Any, y: Any) -> Value:
        return nn.cross_entropy(model(x), y)

    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(9, 30)), rng.integers(0, 3, 9)
    tape = trace(loss, xs[0].tolist(), int(ys[0]), params=params)
    ops = tape.program.ops
    assert sum(op.code == "dot" for op in ops) == 11 and not any(op.code == "*" for op in ops)
    assert tape.bytes_per_example() < 8 * 2 * (30 + 50 * 2)  # no row per weight or product
    want = dynamic_mean(loss, params, [xs.tolist(), ys.tolist()])
    assert_agree(tape_mean(tape, params, [xs, ys]), want)
    np.testing.assert_allclose(
        tape.outputs(xs, ys), [loss([Value(v) for v in x], int(y)).data for x, y in zip(xs, ys)], rtol=1e-13
    )


def test_what_cannot_be_a_matrix_row_is_traced_as_the_engines_graph():
    w, v = Value(0.5), Value(-2.0)

    def loss(x: Any) -> Value:
        computed = w * 2.0  # a weight the function computed
        twice = weighted_sum([w, v], [x, x])  # an input used twice
        return weighted_sum([computed, v], [x, twice], w) + twice

    tape = trace(loss, 1.5)
    assert not any(op.code == "dot" for op in tape.program.ops)
    batch = [[1.5, -0.5, 3.0]]
    assert_agree(tape_mean(tape, [w, v], [np.array(batch[0])]), dynamic_mean(loss, [w, v], batch))


def test_an_overflow_is_the_engines_error_naming_the_example():
    ws = [Value(1e200), Value(1.0)]
    tape = trace(lambda x, y: weighted_sum(ws, [x, y]), 1.0, 1.0)
    with pytest.raises(NonFiniteError, match=r"\*.*example 1"):
        tape(np.array([1.0, 1e200]), np.array([0.0, 0.0]))
    with pytest.raises(NonFiniteError, match=r"\*"):  # at the traced example: the engine's own error
        trace(lambda x: weighted_sum(ws, [x, x * 1.0]), 1e200)


def test_a_layer_whose_weights_are_a_block_of_the_parameters_reads_them_as_a_view():
    # model.parameters() order: a layer's weights are rows of the vector, read and given their
    # gradients through a view; the same parameters in a shuffled order are gathered and
    # scattered: both the same numbers, bit for bit
    model = nn.MLP(20, [7, 5, 3], activation="relu", output_activation="linear", rng=0)
    params = model.parameters()
    order = list(np.random.default_rng(1).permutation(len(params)))

    def loss(x: Any, y: Any) -> Value:
        return nn.losses.cross_entropy(model(x), y)

    in_order = trace(loss, [0.1] * 20, 1, params=params)
    shuffled = trace(loss, [0.1] * 20, 1, params=[params[i] for i in order])
    assert all(g.grid is not None for g in in_order._replay.groups if g.code == "dense")
    assert all(g.grid is None for g in shuffled._replay.groups if g.code == "dense")
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((33, 20)), rng.integers(0, 3, 33)
    theta = in_order.parameter_data()
    loss_a, grad_a = in_order.value_and_grad(theta, x, y)
    loss_b, grad_b = shuffled.value_and_grad(theta[order], x, y)
    assert loss_a == loss_b
    assert grad_a[order].tolist() == grad_b.tolist()
