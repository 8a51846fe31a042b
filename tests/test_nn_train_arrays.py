"""`nn.train.fit` trains in arrays: the same numbers as the per-Value loop it replaced
(zero_grad, backward, `optimizer.step()` on the Values), the Values and the optimizer's state
written back at every epoch's end and on every way out, and frozen parameters left alone."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from autograd import trace
from chainrule.digits import make_model, make_optimizer
from nn.data import Dataset, load_digits, minibatches, train_valid_split
from nn.losses import cross_entropy
from nn.optim import Adam, AdamW
from nn.optim import make_optimizer as nn_make_optimizer
from nn.schedule import OneCycle
from nn.train import Epoch, evaluate, fit


@pytest.fixture(scope="module")
def digits() -> tuple[Dataset, Dataset]:
    train, valid = train_valid_split(load_digits(), 0.2, rng=0)
    return train.subset(list(range(200))), valid.subset(list(range(60)))


def per_value_fit(model: Any, optimizer: Any, train: Dataset, *, epochs: int, batch_size: int, rng: int,
                  schedule: Any = None, engine: str = "tape") -> list[list[float]]:  # fmt: skip
    """The loop `fit` ran before it trained in arrays: every step through the Values' .grad
    and `optimizer.step()`. Returns the parameters after each epoch."""
    tape = trace(lambda x, y: cross_entropy(model(x), y), train.images[0].tolist(), int(train.labels[0]))
    generator = np.random.default_rng(rng)
    after, step = [], 0
    for _ in range(epochs):
        for images, labels in minibatches(train, batch_size, rng=generator):
            optimizer.zero_grad()
            if schedule is not None:
                schedule.apply(step)
            if engine == "tape":
                tape.backward(images, labels)
            else:
                losses = [cross_entropy(model(x.tolist()), int(y)) for x, y in zip(images, labels)]
                (sum(losses[1:], start=losses[0]) / len(losses)).backward()
            optimizer.step()
            step += 1
        after.append([p.data for p in model.parameters()])
    return after


@pytest.mark.parametrize(
    ("name", "settings", "one_cycle", "engine"),
    [
        ("sgd", {"momentum": 0.9, "nesterov": True, "weight_decay": 1e-3}, False, "tape"),
        ("rmsprop", {"centered": True, "momentum": 0.5}, False, "tape"),
        ("adamw", {"betas": (0.9, 0.99), "weight_decay": 0.1, "amsgrad": True}, True, "tape"),
        ("adam", {"weight_decay": 1e-2}, True, "dynamic"),
    ],
)
def test_fit_in_arrays_gives_the_per_value_loops_numbers(digits, name, settings, one_cycle, engine):
    train, _ = digits
    if engine == "dynamic":
        train = train.subset(list(range(40)))
    runs = []
    for arrays in (True, False):
        model = make_model("mlp", 64, hidden=8, seed=3)
        opt = nn_make_optimizer(name, model.parameters(), lr=1e-2, **settings)
        steps = 2 * -(-len(train) // 16)
        schedule = OneCycle(opt, None, steps) if one_cycle else None
        if arrays:
            seen: list[list[float]] = []
            record = _recorder(model, seen)
            fit(model, opt, train, loss=cross_entropy, epochs=2, batch_size=16, schedule=schedule, rng=5,
                mode=engine, progress=False, on_epoch=record)  # fmt: skip
        else:
            seen = per_value_fit(model, opt, train, epochs=2, batch_size=16, rng=5, schedule=schedule,
                                 engine=engine)  # fmt: skip
        runs.append((seen, json.loads(json.dumps(opt.state_dict()))))
    (arrays_seen, arrays_state), (values_seen, values_state) = runs
    for epoch_arrays, epoch_values in zip(arrays_seen, values_seen, strict=True):  # at each epoch's end
        assert epoch_arrays == pytest.approx(epoch_values, rel=1e-12, abs=1e-15)
    assert arrays_state.keys() == values_state.keys()
    assert arrays_state["param_groups"] == values_state["param_groups"]
    for index, state in values_state["state"].items():
        assert arrays_state["state"][index] == pytest.approx(state, rel=1e-12, abs=1e-15)
        assert list(arrays_state["state"][index]) == list(state)  # PyTorch's names, in its order


def _recorder(model: Any, seen: list[list[float]]) -> Any:
    return lambda epoch: seen.append([p.data for p in model.parameters()])


def test_the_comparison_can_fail(digits):
    """A planted bug (one extra step's learning rate) is seen by the same check."""
    train, _ = digits
    a, b = make_model("logistic", 64, seed=1), make_model("logistic", 64, seed=1)
    fit(a, Adam(a.parameters(), lr=1e-2), train, loss=cross_entropy, batch_size=16, rng=5, progress=False)
    per_value_fit(b, Adam(b.parameters(), lr=1.01e-2), train, epochs=1, batch_size=16, rng=5)
    assert [p.data for p in a.parameters()] != pytest.approx([p.data for p in b.parameters()], rel=1e-12)


class StopAt:
    """A schedule that raises `error` at step `at` (as Ctrl-C or a bug would, mid-epoch)."""

    def __init__(self, at: int, error: BaseException) -> None:
        self.total_steps, self.at, self.error = 10**6, at, error

    def apply(self, step: int) -> None:
        if step == self.at:
            raise self.error


@pytest.mark.parametrize("error", [KeyboardInterrupt(), RuntimeError("a bug")])
def test_the_values_and_state_are_written_back_on_every_exit(digits, error):
    train, _ = digits
    model = make_model("mlp", 64, hidden=8, seed=3)
    opt = AdamW(model.parameters(), lr=1e-2)
    with pytest.raises(type(error)):
        fit(model, opt, train, loss=cross_entropy, epochs=3, batch_size=16, rng=5, progress=False,
            schedule=StopAt(17, error))  # fmt: skip  # epoch 2, its fourth step
    reference = make_model("mlp", 64, hidden=8, seed=3)
    ref_opt = AdamW(reference.parameters(), lr=1e-2)
    tape = trace(lambda x, y: cross_entropy(reference(x), y), train.images[0].tolist(), int(train.labels[0]))
    generator = np.random.default_rng(5)
    batches = [b for _ in range(2) for b in minibatches(train, 16, rng=generator)][:17]
    for images, labels in batches:
        ref_opt.zero_grad()
        tape.backward(images, labels)
        ref_opt.step()
    assert [p.data for p in model.parameters()] == [p.data for p in reference.parameters()]
    assert all(opt.state[p]["step"] == 17.0 for p in model.parameters())
    assert opt.state_dict() == ref_opt.state_dict()


def test_a_diverging_step_changes_nothing_and_the_values_keep_the_last_good_numbers(digits):
    train, _ = digits
    model = make_model("mlp", 64, hidden=8, seed=3)
    opt = make_optimizer("sgd", model.parameters(), lr=1e300)
    before = [p.data for p in model.parameters()]
    with pytest.raises(OverflowError):
        fit(model, opt, train, loss=cross_entropy, epochs=2, batch_size=16, rng=5, progress=False)
    after = [p.data for p in model.parameters()]
    assert all(np.isfinite(after)) and after != before  # some steps were taken, none half-way


def test_the_callback_sees_the_epochs_numbers(digits):
    train, valid = digits
    model = make_model("mlp", 64, hidden=8, seed=3)
    opt = Adam(model.parameters(), lr=1e-2)
    seen: list[Epoch] = []

    def check(epoch: Epoch) -> None:  # the Values already hold this epoch's numbers
        fresh = trace(lambda x, y: cross_entropy(model(x), y), valid.images[0].tolist(), int(valid.labels[0]))
        assert fresh(valid.images, valid.labels) == pytest.approx(epoch.valid_loss, rel=1e-12)
        seen.append(epoch)

    history = fit(
        model, opt, train, valid, loss=cross_entropy, epochs=2, rng=0, progress=False, on_epoch=check
    )
    assert seen == history.epochs and len(seen) == 2


def test_history_records_each_steps_momentum(digits):
    train, _ = digits
    model = make_model("logistic", 64, seed=1)
    opt = Adam(model.parameters(), lr=1e-2)
    schedule = OneCycle(opt, None, 13)
    history = fit(model, opt, train, loss=cross_entropy, batch_size=16, schedule=schedule, progress=False)
    assert history.momentums == [schedule.momentum(step) for step in range(13)]
    assert history.momentums[0] == 0.95 and min(m or 1.0 for m in history.momentums) == pytest.approx(0.85)


# ---- freezing ----


def test_frozen_parameters_get_no_update_and_no_gradient(digits):
    train, _ = digits
    model = make_model("mlp", 64, hidden=8, seed=3)
    model.freeze()  # every layer group but the last (the head)
    body, head = model.layers[0].parameters(), model.layers[1].parameters()
    assert model.frozen_parameters() == body
    before = [p.data for p in body]
    opt = AdamW(model.parameters(), lr=1e-2)
    fit(model, opt, train, loss=cross_entropy, epochs=2, batch_size=16, rng=5, progress=False)
    assert [p.data for p in body] == before  # AdamW's weight decay would move them otherwise
    assert all(p.grad == 0.0 for p in body) and not any(p in opt.state for p in body)
    # the head trained exactly as an optimizer over the head alone trains it
    reference = make_model("mlp", 64, hidden=8, seed=3)
    ref_opt = AdamW(reference.layers[1].parameters(), lr=1e-2)
    per_value_fit(reference, ref_opt, train, epochs=2, batch_size=16, rng=5)
    assert [p.data for p in head] == pytest.approx(
        [p.data for p in reference.layers[1].parameters()], rel=1e-12
    )
    model.unfreeze()
    assert model.frozen_parameters() == []


def test_freeze_to_counts_layer_groups_and_requires_grad_reaches_children():
    model = make_model("mlp", 4, hidden=3, seed=0)
    model.freeze_to(1)
    assert model.frozen_parameters() == model.layers[0].parameters()
    model.freeze_to(0)
    assert model.frozen_parameters() == []
    model.layers[1].neurons[2].requires_grad_(False)
    assert model.frozen_parameters() == model.layers[1].neurons[2].parameters()
    assert model.requires_grad_(False) is model and model.frozen_parameters() == model.parameters()
    with pytest.raises(ValueError, match="n must satisfy"):
        model.freeze_to(3)


def test_engine_is_the_deprecated_name_of_mode(digits):
    train, valid = digits
    model = make_model("logistic", 64, seed=1)
    with pytest.warns(DeprecationWarning, match=r"engine= is now mode="):
        old = evaluate(model, valid, loss=cross_entropy, engine="dynamic")
    assert old == evaluate(model, valid, loss=cross_entropy, mode="dynamic")
    with pytest.raises(ValueError, match="mode must be one of 'tape', 'dynamic'; got 'eager'"):
        fit(model, Adam(model.parameters()), train, loss=cross_entropy, mode="eager", progress=False)
