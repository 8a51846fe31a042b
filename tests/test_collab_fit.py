"""`chainrule.collab.train_epochs` trains through `nn.train`'s loop: the numbers of the loop it
had of its own (written out here: Python's shuffle of one order, MSE on the tape or the
engine, the schedule before each step)."""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import pytest

from autograd import trace
from chainrule.collab import lesson_ratings, rmse, train_epochs
from nn.collab import EmbeddingDotBias
from nn.losses import mse_loss
from nn.optim import Adam
from nn.schedule import OneCycle


def own_loop(model: Any, optimizer: Any, train: Any, *, epochs: int, batch_size: int | None, seed: int,
             engine: str, schedule: Any = None) -> list[float]:  # fmt: skip
    """collab's loop before it trained through `nn.train` (its code, kept as the reference)."""
    tape = trace(lambda u, i, r: (model(u, i) - r) ** 2, train.users[0], train.items[0], train.ratings[0])
    users, items, ratings = (np.array(c) for c in (train.users, train.items, train.ratings))
    rng, order, step, out = random.Random(seed), list(range(len(train))), 0, []
    for _ in range(epochs):
        if batch_size is not None:
            rng.shuffle(order)
        size = len(order) if batch_size is None else batch_size
        for start in range(0, len(order), size):
            batch = order[start : start + size]
            optimizer.zero_grad()
            if engine == "tape":
                chosen = np.array(batch)
                tape.backward(users[chosen], items[chosen], ratings[chosen])
            else:
                predictions = [model(train.users[j], train.items[j]) for j in batch]
                mse_loss(predictions, [train.ratings[j] for j in batch]).backward()
            if schedule is not None:
                schedule.apply(step)
            optimizer.step()
            step += 1
        out.append(rmse(model, train))
    return out


@pytest.mark.parametrize(("batch_size", "engine", "one_cycle"), [(None, "tape", False), (16, "tape", True),
                                                                  (32, "dynamic", False)])  # fmt: skip
def test_train_epochs_gives_its_own_loops_numbers(batch_size, engine, one_cycle):
    r = lesson_ratings()
    results = []
    for through_fit in (True, False):
        model = EmbeddingDotBias(3, r.n_users, r.n_items, rng=2, y_range=(0.0, 5.5))
        opt = Adam(model.parameters(), lr=0.05)
        steps = 4 * (1 if batch_size is None else math.ceil(len(r) / batch_size))
        schedule = OneCycle(opt, 0.05, steps) if one_cycle else None
        if through_fit:
            records = list(train_epochs(model, opt, r, epochs=4, batch_size=batch_size, seed=7, mode=engine,
                                        schedule=schedule))  # fmt: skip
            results.append([record.train_rmse for record in records])
        else:
            results.append(own_loop(model, opt, r, epochs=4, batch_size=batch_size, seed=7, engine=engine,
                                    schedule=schedule))  # fmt: skip
    assert results[0] == pytest.approx(results[1], rel=1e-12)
    assert results[0][-1] < results[0][0]
