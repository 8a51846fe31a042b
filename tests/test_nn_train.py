"""nn.train: a tiny run on both engines (the loss falls, the numbers agree), the GC left as
the caller had it, schedules, predictions."""

from __future__ import annotations

import gc
import math
from typing import Any

import numpy as np
import pytest

from nn.data import load_digits, train_valid_split
from nn.init import HeUniform, XavierUniform
from nn.losses import cross_entropy
from nn.module import MLP
from nn.optim import SGD
from nn.schedule import OneCycle
from nn.train import evaluate, fit, gc_paused, predict


def make_model(kind: str, pixels: int, hidden: int = 8, seed: int = 0) -> MLP:
    """Logistic regression or a ReLU MLP, as chainrule.digits makes them."""
    if kind == "logistic":
        return MLP(pixels, [10], activation="linear", init=XavierUniform(), rng=seed)
    he = HeUniform()
    return MLP(pixels, [hidden, 10], activation="relu", output_activation="linear", init=he, rng=seed)


@pytest.fixture(scope="module")
def tiny():
    """240 digits: 192 to train on, 48 held out."""
    return train_valid_split(load_digits().subset(np.arange(240)), 0.2, rng=0)


def train_tiny(tiny: Any, engine: str, epochs: int = 1, **options: Any) -> Any:
    train, valid = tiny
    model = make_model("mlp", 64, hidden=8, seed=1)
    opt = SGD(model.parameters(), lr=1.0)
    history = fit(
        model,
        opt,
        train,
        valid,
        loss=cross_entropy,
        epochs=epochs,
        batch_size=32,
        mode=engine,
        rng=3,
        progress=False,
        **options,
    )
    return model, history


def test_one_epoch_lowers_the_loss_and_both_engines_agree(tiny):
    tape_model, tape = train_tiny(tiny, "tape")
    dynamic_model, dynamic = train_tiny(tiny, "dynamic")
    losses = tape.batch_losses
    assert len(losses) == math.ceil(len(tiny[0]) / 32) and np.mean(losses[-2:]) < losses[0] - 0.2
    assert tape.epochs[0].valid_loss < losses[0]
    for a, b in zip(tape.batch_losses, dynamic.batch_losses, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12)
    for p, q in zip(tape_model.parameters(), dynamic_model.parameters(), strict=True):
        assert math.isclose(p.data, q.data, rel_tol=1e-12, abs_tol=1e-12)
    (t,), (d,) = tape.epochs, dynamic.epochs
    assert math.isclose(t.train_loss, d.train_loss, rel_tol=1e-12)
    assert math.isclose(t.valid_loss, d.valid_loss, rel_tol=1e-12)
    assert t.accuracy == d.accuracy


def test_the_train_loss_is_the_mean_over_images(tiny):
    _, history = train_tiny(tiny, "tape")
    n = len(tiny[0])
    sizes = [32] * (n // 32) + [n % 32] * (n % 32 > 0)
    assert history.epochs[0].train_loss == pytest.approx(np.average(history.batch_losses, weights=sizes))


def test_evaluate_matches_the_dynamic_engine(tiny):
    _, valid = tiny
    model = make_model("mlp", 64, hidden=8, seed=2)
    tape = evaluate(model, valid, loss=cross_entropy, mode="tape")
    dynamic = evaluate(model, valid, loss=cross_entropy, mode="dynamic")
    assert tape[0] == pytest.approx(dynamic[0], rel=1e-12) and tape[1] == dynamic[1]


@pytest.mark.parametrize("kind", ["logistic", "mlp"])
def test_predict_gives_the_engines_outputs(tiny, kind):
    _, valid = tiny
    model = make_model(kind, 64, hidden=8, seed=2)
    scores = predict(model, valid.images[:5])
    for row, image in zip(scores, valid.images[:5]):
        assert row.tolist() == pytest.approx([o.data for o in model(image.tolist())], rel=1e-12, abs=1e-12)


def test_one_cycle_sets_each_steps_learning_rate(tiny):
    train, _ = tiny
    model = make_model("logistic", 64)
    opt = SGD(model.parameters(), lr=0.1)
    schedule = OneCycle(opt, 0.05, 12)
    history = fit(
        model, opt, train, loss=cross_entropy, epochs=2, batch_size=32, schedule=schedule, progress=False
    )
    assert history.learning_rates == [schedule.lr(step) for step in range(12)]
    with pytest.raises(ValueError, match="schedule covers 12 steps, but 3 epochs of 6 batches take 18"):
        fit(model, opt, train, loss=cross_entropy, epochs=3, batch_size=32, schedule=schedule, progress=False)


# ---- the cyclic GC ----


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_callers_setting_on_every_exit(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), gc_paused():
            raise KeyError("inside")
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_the_dynamic_engine_pauses_the_gc_during_a_step_and_restores_it_after_an_error(tiny):
    seen = []

    def failing_loss(logits, target):
        seen.append(gc.isenabled())
        if len(seen) == 40:
            raise ZeroDivisionError("planted")
        return cross_entropy(logits, target)

    train, _ = tiny
    model = make_model("logistic", 64)
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError, match="planted"):
        fit(
            model,
            SGD(model.parameters(), lr=0.1),
            train,
            loss=failing_loss,
            mode="dynamic",
            batch_size=32,
            progress=False,
        )
    assert gc.isenabled()
    assert seen == [False] * 40
