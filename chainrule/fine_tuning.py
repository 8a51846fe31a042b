"""Fine-tuning, the way lesson 5 opens, at the engine's scale: a network pretrained on one task
learns a related one from few examples faster than a network from scratch.

`fine_tuning_comparison` pretrains lesson 5's MLP on the digits 0–4, replaces its head with a
new five-way layer, trains the head alone on a few images of the digits 5–9 (the body
frozen: `Module.freeze`), then unfreezes and trains everything with discriminative learning
rates (`nn.optim.layer_group_params`: the body at a tenth of the head's), against the same
network trained from scratch on the same few images for as many epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.digits import make_model
from nn.data import Dataset, load_digits, train_valid_split
from nn.init import HeUniform
from nn.losses import cross_entropy
from nn.module import MLP, Layer
from nn.optim import AdamW, layer_group_params
from nn.schedule import OneCycle
from nn.train import fit

__all__ = ["Stage", "digits_between", "fine_tuning_comparison"]


@dataclass(frozen=True)
class Stage:
    """One line of the comparison: what was trained, for how many epochs, and the held-out
    accuracy on the digits 5–9 after it."""

    name: str
    epochs: int
    accuracy: float

    def __repr__(self) -> str:
        return f"Stage({self.name!r}, epochs={self.epochs}, accuracy={self.accuracy:.4f})"


def digits_between(data: Dataset, first: int, last: int, per_class: int | None = None) -> Dataset:
    """The images of the digits first … last, relabelled 0 … last − first; with `per_class`,
    only the first that many of each."""
    chosen = []
    for digit in range(first, last + 1):
        where = np.flatnonzero(data.labels == digit)
        chosen += list(where[:per_class] if per_class is not None else where)
    picked = data.subset(sorted(chosen))
    return Dataset(picked.images, picked.labels - first, picked.image_shape, f"{data.name} {first}-{last}")


def _train(model: MLP, optimizer: AdamW, train: Dataset, valid: Dataset, epochs: int, seed: int) -> float:
    steps = -(-len(train) // 16)
    schedule = OneCycle(optimizer, None, epochs * steps)  # each group at its own peak
    history = fit(model, optimizer, train, valid, loss=cross_entropy, epochs=epochs, batch_size=16,
                  schedule=schedule, rng=seed, progress=False)  # fmt: skip
    return history.epochs[-1].accuracy or 0.0


def fine_tuning_comparison(
    *, per_class: int = 10, hidden: int = 50, pretrain_epochs: int = 8, head_epochs: int = 10,
    unfrozen_epochs: int = 10, lr: float = 0.05, seed: int = 0,
) -> list[Stage]:  # fmt: skip
    """Pretrain on 0–4 (all their training images), then on `per_class` training images of
    each of 5–9: the new head alone, then everything at discriminative rates (lr/10 for the
    body, lr for the head); and from scratch for the same epochs. Accuracy on the held-out
    images of 5–9."""
    train, valid = train_valid_split(load_digits(), 0.2, rng=seed)
    first, second = digits_between(train, 0, 4), digits_between(train, 5, 9, per_class)
    second_valid = digits_between(valid, 5, 9)
    model = make_model("mlp", train.images.shape[1], hidden=hidden, classes=5, seed=seed)
    _train(model, AdamW(model.parameters(), lr=lr), first, digits_between(valid, 0, 4), pretrain_epochs, seed)
    stages = [Stage("pretrained on 0-4, with a new head, untrained", 0, 0.0)]
    model.layers[-1] = Layer(hidden, 5, activation="linear", init=HeUniform(), rng=seed + 1)  # the new head
    stages[0] = Stage(stages[0].name, 0, _accuracy(model, second_valid))
    model.freeze()
    head = _train(model, AdamW(model.parameters(), lr=lr), second, second_valid, head_epochs, seed)
    stages.append(Stage("head only, body frozen", head_epochs, head))
    model.unfreeze()
    optimizer = AdamW(layer_group_params(model, (lr / 10, lr)))
    tuned = _train(model, optimizer, second, second_valid, unfrozen_epochs, seed)
    stages.append(Stage("then unfrozen, body at lr/10", head_epochs + unfrozen_epochs, tuned))
    scratch = make_model("mlp", train.images.shape[1], hidden=hidden, classes=5, seed=seed)
    total = head_epochs + unfrozen_epochs
    stages.append(Stage("from scratch", total, _train(scratch, AdamW(scratch.parameters(), lr=lr), second,
                                                      second_valid, total, seed)))  # fmt: skip
    return stages


def _accuracy(model: MLP, data: Dataset) -> float:
    from nn.train import accuracy

    return accuracy(model, data)
