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


class _ChangesTheModel:
    """A schedule that, besides the learning rate, changes the model at one step: the only
    outside code fit's steps run, so fit's once-an-epoch stale-tape check must see it."""

    def __init__(self, model: MLP, at: int) -> None:
        self.model, self.at, self.total_steps = model, at, 100

    def apply(self, step: int) -> None:
        if step == self.at:
            self.model.layers[0].neurons[1].activation = "tanh"

    def __repr__(self) -> str:
        return f"_ChangesTheModel(at={self.at})"


def test_a_model_changed_during_an_epoch_is_a_stale_tape_error() -> None:
    from autograd.errors import StaleTapeError

    data = Dataset(np.random.default_rng(0).random((6, 4)), np.arange(6) % 3, (2, 2))
    model = MLP(4, [3], rng=0)
    schedule = _ChangesTheModel(model, at=1)
    with pytest.raises(StaleTapeError, match=r"neurons\[1\]\.activation: 'sigmoid' became 'tanh'"):
        fit(model, SGD(model.parameters(), lr=0.1), data, loss=cross_entropy, batch_size=2,
            schedule=schedule, progress=False)  # fmt: skip
    # a tape traced after the change trains
    history = fit(model, SGD(model.parameters(), lr=0.1), data, loss=cross_entropy, batch_size=2,
                  progress=False)  # fmt: skip
    assert len(history.batch_losses) == 3
