"""The compiled tape against the dynamic engine, its specification: the batch mean and every
parameter's gradient within 1e-12, on random graphs and on the benchmark's networks."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, scalar_op, select, trace
from autograd.strategies import graphs
from bench.problems import MOONS_REG, MOONS_SIZES, moons_data, moons_weights
from tests.tape_helpers import assert_agree, cross_entropy, dynamic_mean, mlp, tape_mean


@settings(max_examples=60)
@given(
    g=graphs(1, 4, max_ops=10),
    n_inputs=st.integers(1, 2),
    shifts=st.lists(st.floats(-1e-3, 1e-3), min_size=1, max_size=3),
)
def test_random_graphs_agree_with_the_engine(g, n_inputs, shifts):
    n_inputs = min(n_inputs, len(g.inputs))
    params = [Value(x) for x in g.inputs[n_inputs:]]

    def fn(*xs):
        return g(*xs, *params)

    example = g.inputs[:n_inputs]
    # the example and examples near it: the graph is drawn well inside every op's domain there
    batch = [[x, *(x + d for d in shifts)] for x in example]
    tape = trace(fn, *example)
    assert_agree(tape_mean(tape, params, [np.array(col) for col in batch]), dynamic_mean(fn, params, batch))
    assert tape(*batch) == pytest.approx(dynamic_mean(fn, params, batch)[0], rel=1e-12, abs=1e-12)


def moons_loss(params: list[Value]) -> Callable[..., Value]:
    def loss(x, y):  # micrograd's demo: the SVM max-margin loss of one point, plus L2
        (score,) = mlp(params, MOONS_SIZES, x)
        return (1.0 - y * score).relu() + MOONS_REG * sum(p * p for p in params)

    return loss


def test_the_moons_mlp_agrees_and_trains():
    points, labels = moons_data()
    params = [Value(w) for w in moons_weights()]
    loss = moons_loss(params)
    tape = trace(loss, list(points[0]), labels[0])
    batch: list[Any] = [[list(p) for p in points[:40]], labels[:40]]
    assert_agree(
        tape_mean(tape, params, [np.array(batch[0]), np.array(batch[1])]), dynamic_mean(loss, params, batch)
    )
    for p in params:  # the same tape after an update: it reads the parameters' new numbers
        p.data -= 0.5 * p.grad
    assert_agree(
        tape_mean(tape, params, [np.array(batch[0]), np.array(batch[1])]), dynamic_mean(loss, params, batch)
    )


def test_a_subgraph_of_parameters_alone_agrees():
    """Steps that read only parameters run once (column 0), their edges pulled there alone; one
    of them is also read per example, so its gradient is summed over the batch."""
    a, b, c = Value(0.3), Value(-1.2), Value(0.7)
    params = [a, b, c]

    def loss(x):
        shared = (a * b).tanh()  # read by the penalty and by every example
        penalty = (shared * c + a * a).exp() * 0.5
        return penalty + shared * x + (x * c).sin()

    tape = trace(loss, 1.0)
    xs = [1.0, -2.0, 0.5, 3.0]
    assert_agree(tape_mean(tape, params, [np.array(xs)]), dynamic_mean(loss, params, [xs]))


def digits_like(seed: int = 0, sizes=(16, 8, 4)):
    rng = random.Random(seed)
    count = sum((a + 1) * b for a, b in itertools.pairwise(sizes))
    params = [Value(rng.uniform(-0.5, 0.5)) for _ in range(count)]

    def loss(x, target):  # softmax cross-entropy of an MLP, from engine ops only
        return cross_entropy(mlp(params, sizes, x), target)

    xs = [[rng.uniform(0.0, 4.0) for _ in range(sizes[0])] for _ in range(12)]
    targets = [rng.randrange(sizes[-1]) for _ in xs]
    return params, loss, xs, targets


def test_a_softmax_cross_entropy_mlp_agrees():
    params, loss, xs, targets = digits_like()
    tape = trace(loss, xs[0], targets[0])
    assert_agree(
        tape_mean(tape, params, [np.array(xs), np.array(targets)]), dynamic_mean(loss, params, [xs, targets])
    )


def test_select_picks_rows_of_an_embedding_table_per_example():
    rng = random.Random(1)
    users = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(5)]
    items = [[Value(rng.uniform(-1, 1)) for _ in range(3)] for _ in range(4)]
    bias = [Value(0.1 * k) for k in range(4)]
    params = [v for row in users + items for v in row] + bias

    def loss(user, item, rating):  # collaborative filtering: a dot product plus a bias
        u, i = select(users, user), select(items, item)
        prediction = sum(a * b for a, b in zip(u, i)) + select(bias, item)
        return (prediction - rating) ** 2

    batch: list[Any] = [[0, 3, 3, 1, 4], [2, 0, 2, 1, 3], [1.0, -0.5, 0.25, 2.0, 0.0]]
    tape = trace(loss, batch[0][0], batch[1][0], batch[2][0])
    got = tape_mean(tape, params, [np.array(a) for a in batch])
    assert_agree(got, dynamic_mean(loss, params, batch))
    assert all(g == 0.0 for g in got[1][6:9])  # user 2 appears in no example: no gradient


def test_select_on_the_dynamic_engine_is_indexing():
    a, b = Value(1.0), Value(2.0)
    assert select([a, b], 1) is b
    assert select([[a], [b]], np.int64(0)) == [a]  # type: ignore[arg-type]
    assert select([1.5, 2.5], 1).data == 2.5
    with pytest.raises(IndexError):
        select([a, b], -1)
    with pytest.raises(TypeError):
        select([a, b], 1.0)  # type: ignore[arg-type]


def test_a_batch_too_large_for_memory_is_run_in_parts():
    params, loss, xs, targets = digits_like(2)
    whole = trace(loss, xs[0], targets[0])
    parts = trace(loss, xs[0], targets[0], max_bytes=whole.bytes_per_example() * 5)  # 5 examples a part
    batch = [np.array(xs), np.array(targets)]
    assert_agree(tape_mean(parts, params, batch), tape_mean(whole, params, batch))


def test_scalar_op_runs_inside_the_replay():
    cube = scalar_op("cube", lambda x: x**3, lambda x: 3 * x**2)
    hypot = scalar_op(
        "hypot", math.hypot, lambda x, y: x / math.hypot(x, y), lambda x, y: y / math.hypot(x, y)
    )
    w, v = Value(0.7), Value(-0.4)

    def loss(x, y):  # in a dense layer's neighbourhood, with a constant operand and a constant call
        return cube(w * x) + cube(2.0) + hypot(v * y, 3.0) * hypot(w, v * x)

    tape = trace(loss, 1.0, 2.0)
    batch = [[0.5, -1.0, 2.0], [1.5, 0.25, -3.0]]
    assert_agree(tape_mean(tape, [w, v], [np.array(b) for b in batch]), dynamic_mean(loss, [w, v], batch))


def test_a_leaf_root_and_a_detached_value():
    w, v = Value(1.5), Value(-0.5)
    tape = trace(lambda x: w, 1.0)
    assert tape(np.array([1.0, 2.0])) == 1.5

    def loss(x):
        return (w * x).detach() * v + w * v

    tape = trace(loss, 2.0)
    batch = [[2.0, 3.0]]
    assert_agree(tape_mean(tape, [w, v], [np.array(batch[0])]), dynamic_mean(loss, [w, v], batch))
