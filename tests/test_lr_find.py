"""`nn.lr_find`: fastai v1's ramp and smoothing against a hand computation, stopping on
divergence and on the engine's errors, the two suggestions, and nothing changed afterwards."""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
import pytest

from autograd import trace
from chainrule.digits import make_model
from nn.data import Dataset, load_digits, train_valid_split
from nn.losses import cross_entropy
from nn.lr_find import LRFinder, lr_find
from nn.optim import SGD, AdamW


@pytest.fixture(scope="module")
def train() -> Dataset:
    return train_valid_split(load_digits(), 0.2, rng=0)[0]


def test_the_ramp_and_the_smoothing_are_fastais(train):
    model = make_model("logistic", 64, seed=0)
    finder = lr_find(model, SGD(model.parameters(), lr=0.1), train, loss=cross_entropy, num_it=30,
                     stop_div=False, rng=1)  # fmt: skip
    assert len(finder.lrs) == 30
    assert finder.lrs == pytest.approx([1e-7 * (10.0 / 1e-7) ** (i / 30) for i in range(30)], rel=1e-14)
    average, expected = 0.0, []
    for i, loss in enumerate(finder.losses):  # fastai's SmoothenValue, written out
        average = 0.98 * average + 0.02 * loss
        expected.append(average / (1 - 0.98 ** (i + 1)))
    assert finder.smoothed == pytest.approx(expected, rel=1e-14)
    assert finder.smoothed[0] == finder.losses[0]  # the bias correction: the first is the loss itself


def test_the_losses_are_the_ones_training_at_those_rates_gives(train):
    """An independent replay: plain SGD steps on the tape at the recorded rates."""
    model = make_model("logistic", 64, seed=0)
    finder = lr_find(model, SGD(model.parameters(), lr=0.1), train, loss=cross_entropy, num_it=12,
                     batch_size=None)  # fmt: skip
    tape = trace(lambda x, y: cross_entropy(model(x), y), train.images[0].tolist(), int(train.labels[0]))
    theta = tape.parameter_data()
    for lr, recorded in zip(finder.lrs, finder.losses, strict=True):
        loss, grad = tape.value_and_grad(theta, train.images, train.labels)
        assert loss == pytest.approx(recorded, rel=1e-12)
        theta = theta - lr * grad


def test_weights_optimizer_state_and_rates_are_restored(train):
    model = make_model("mlp", 64, hidden=8, seed=0)
    groups: list[dict[str, Any]] = [{"params": model.layers[0].parameters(), "lr": 1e-4}]
    opt = AdamW([*groups, {"params": model.layers[1].parameters()}])
    weights = [p.data for p in model.parameters()]
    state = json.dumps(opt.state_dict())
    for engine in ("tape", "dynamic"):
        lr_find(model, opt, train.subset(list(range(50))), loss=cross_entropy, num_it=12, batch_size=16,
                mode=engine)  # fmt: skip
        assert [p.data for p in model.parameters()] == weights
        assert json.dumps(opt.state_dict()) == state
        assert [g["lr"] for g in opt.param_groups] == [1e-4, 1e-3]


def test_it_stops_when_the_smoothed_loss_passes_four_times_the_best(train):
    model = make_model("mlp", 64, hidden=16, seed=0)
    finder = lr_find(model, SGD(model.parameters(), lr=0.1), train, loss=cross_entropy, end_lr=1e4, rng=0)
    assert finder.stop_reason.startswith("diverged at lr ")
    assert finder.smoothed[-1] > 4 * min(finder.smoothed) and len(finder.lrs) < 100
    assert all(s <= 4 * min(finder.smoothed[: i + 1]) for i, s in enumerate(finder.smoothed[:-1]))


def test_an_overflow_stops_it_instead_of_crashing(train):
    model = make_model("mlp", 64, hidden=16, seed=0)
    opt = SGD(model.parameters(), lr=0.1)
    finder = lr_find(
        model, opt, train, loss=cross_entropy, start_lr=1e100, end_lr=1e300, stop_div=False, rng=0
    )
    assert finder.stop_reason.startswith("stopped at lr 1e+104: NonFiniteError: ")
    assert all(math.isfinite(x) for x in finder.smoothed)


def test_the_suggestions():
    lrs = list(np.logspace(-7, 1, 40))
    # a curve flat, then falling fastest at index 20, lowest at 30, then rising
    smoothed = (
        [2.0] * 15 + [2.0 - 0.01 * k * k for k in range(1, 6)] + [1.75 - 0.05 * k for k in range(1, 11)]
    )
    smoothed += [1.25 + 0.1 * k for k in range(1, 11)]
    finder = LRFinder(lrs, smoothed, smoothed, "")
    window = smoothed[10:35]
    steepest = 10 + int(np.gradient(window).argmin())
    assert finder.steepest == lrs[steepest]
    assert finder.minimum_div_10 == lrs[10 + int(np.argmin(window))] / 10
    assert LRFinder([1e-3] * 12, [1.0] * 12, [1.0] * 12, "").steepest is None  # too few points past the skips
    assert "steepest descent at lr" in finder.summary() and "minimum ÷ 10" in finder.summary()
