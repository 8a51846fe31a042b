"""`fit`'s refusals (issue 24, item 13): a run that would take no step is an error, never an
epoch reporting a train loss of 0.0."""

from __future__ import annotations

import numpy as np
import pytest

from nn.data import Dataset
from nn.losses import cross_entropy
from nn.module import MLP
from nn.optim import SGD
from nn.train import fit


def test_a_batch_larger_than_the_data_with_drop_last_is_an_error() -> None:
    data = Dataset(np.random.default_rng(0).random((5, 4)), np.arange(5) % 3, (2, 2))
    model = MLP(4, [3], rng=0)
    before = [p.data for p in model.parameters()]
    with pytest.raises(ValueError, match=r"batch_size=10 with drop_last=True takes no step on 5 images"):
        fit(model, SGD(model.parameters(), lr=0.1), data, loss=cross_entropy, batch_size=10, drop_last=True)
    assert [p.data for p in model.parameters()] == before
    # the same batch without drop_last takes one step of all five images: a real loss
    history = fit(
        model, SGD(model.parameters(), lr=0.1), data, loss=cross_entropy, batch_size=10, progress=False
    )
    assert len(history.batch_losses) == 1 and history.epochs[0].train_loss == history.batch_losses[0] > 0.0
