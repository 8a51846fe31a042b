"""Collaborative filtering on the compiled tape: the same numbers as the dynamic engine, and a
workspace that does not grow with the embedding tables."""

import random
from typing import Any

import numpy as np
import pytest

from autograd import Value, select, trace
from chainrule.collab import lesson_ratings, train_epochs
from nn.collab import EmbeddingDotBias
from nn.data import synthetic_ratings
from nn.init import Uniform
from nn.optim import SGD
from tests.tape_helpers import assert_agree, dynamic_mean, tape_mean


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("y_range", [None, (0.0, 5.5)])
def test_the_tapes_loss_and_gradients_are_the_dynamic_engines(bias, y_range):
    r = lesson_ratings()
    model = EmbeddingDotBias(4, r.n_users, r.n_items, bias=bias, y_range=y_range, init=Uniform(-1, 1), rng=2)

    def squared_error(user, item, rating):
        return (model(user, item) - rating) ** 2

    tape = trace(squared_error, r.users[0], r.items[0], r.ratings[0])
    batch: list[list[Any]] = [list(r.users[:60]), list(r.items[:60]), list(r.ratings[:60])]
    params = model.parameters()
    got = tape_mean(tape, params, [np.array(column) for column in batch])
    assert_agree(got, dynamic_mean(squared_error, params, batch))
    absent = set(range(r.n_users)) - set(batch[0])  # users not in the batch: no gradient
    rows = model.user_factors.weight
    assert absent and all(w.grad == 0.0 for u in absent for w in rows[u])


def test_training_on_the_tape_follows_the_dynamic_engine():
    r = synthetic_ratings(12, 15, 3, density=0.6, seed=4).ratings
    weights = []
    for engine in ("tape", "dynamic"):
        model = EmbeddingDotBias(3, r.n_users, r.n_items, y_range=(0.0, 6.0), init=Uniform(-0.5, 0.5), rng=1)
        optimizer = SGD(model.parameters(), lr=0.3)
        list(train_epochs(model, optimizer, r, epochs=3, batch_size=16, seed=2, mode=engine))
        weights.append([p.data for p in model.parameters()])
    np.testing.assert_allclose(weights[0], weights[1], rtol=1e-12, atol=1e-13)


def test_the_workspace_per_example_does_not_grow_with_the_tables():
    def bytes_per_example(n_users: int, n_items: int) -> int:
        model = EmbeddingDotBias(5, n_users, n_items, y_range=(0.0, 5.5))
        tape = trace(lambda u, i, x: (model(u, i) - x) ** 2, 0, 0, 3.0)
        return tape.bytes_per_example()

    assert bytes_per_example(10, 20) == bytes_per_example(1000, 2000)


def test_a_selection_among_parameters_and_computed_values_still_agrees():
    rng = random.Random(0)
    w = [Value(rng.uniform(-1, 1)) for _ in range(4)]

    def fn(k, x):  # candidates: two parameters, a product and a constant
        return select([w[0], w[1], w[2] * w[3] * x, 2.0], k) * w[2] + w[0] * x

    tape = trace(fn, 1, 0.5)
    batch: list[list[Any]] = [[0, 1, 2, 3, 2, 0], [0.5, -1.0, 2.0, 0.25, -0.5, 1.5]]
    got = tape_mean(tape, w, [np.array(batch[0]), np.array(batch[1])])
    assert_agree(got, dynamic_mean(fn, w, batch))
