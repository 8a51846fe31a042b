"""The training loop: the lesson's `update()` grown up, and nothing more.

For each epoch: shuffle the training images (from the seed), and for each minibatch zero the
gradients, let the schedule (if any) set the learning rate and momentum, compute the batch's
mean loss and its gradients, and take one optimizer step; then measure the loss and accuracy on
the validation images. `fit` returns a `History` (per step and per epoch) to plot.

Two engines compute a batch's loss and gradients, to the same numbers (1e-12):

- ``"dynamic"``: the engine as written, one graph per example, summed into the batch's mean
  and sent through `backward()`. Slow, but every node is there to look at and draw. The
  cyclic garbage collector is paused during each step (graphs are acyclic, so it only costs
  time: see `fit`) and the caller's setting restored however the step ends.
- ``"tape"``: the per-example loss traced once into a tape (`autograd.trace`) and replayed
  over each whole batch with numpy.
"""

from __future__ import annotations

import contextlib
import gc
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from autograd import Value, enable_grad, no_grad
from autograd.validation import check_choice, check_flag, check_int
from nn._outputs import BatchOutputs
from nn.data import Dataset, as_generator, minibatches
from nn.module import Module

__all__ = ["ENGINES", "Epoch", "History", "Model", "evaluate", "fit", "gc_paused", "predict"]

ENGINES = ("tape", "dynamic")

Loss = Callable[[Sequence[Value], Any], Value]
"""A per-example loss: (the model's outputs, the example's target class) -> a scalar Value."""


class Model(Protocol):
    """What `fit` trains: called on one image's pixels it returns the class scores; it has
    `parameters()` (an `nn.Module` such as `MLP`)."""

    def __call__(self, x: Sequence[Value | float]) -> Sequence[Value]: ...

    def parameters(self) -> list[Value]: ...


class _Optimizer(Protocol):
    def zero_grad(self) -> None: ...
    def step(self) -> None: ...


class _Schedule(Protocol):
    total_steps: int

    def apply(self, step: int) -> None: ...


@dataclass(frozen=True)
class Epoch:
    """One epoch's numbers: the mean training loss over its batches (weighted by their
    sizes), the validation loss and accuracy (None without validation data) and the wall
    time of its training steps."""

    epoch: int
    train_loss: float
    valid_loss: float | None
    accuracy: float | None
    seconds: float


@dataclass
class History:
    """What `fit` saw: each step's batch loss and learning rate, and each epoch's numbers."""

    batch_losses: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)
    epochs: list[Epoch] = field(default_factory=list)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside, then as the caller had it (on any exit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def fit(
    model: Model,
    optimizer: _Optimizer,
    train: Dataset,
    valid: Dataset | None = None,
    *,
    loss: Loss,
    epochs: int = 1,
    batch_size: int = 64,
    schedule: _Schedule | None = None,
    engine: str = "tape",
    rng: np.random.Generator | int | None = None,
    drop_last: bool = False,
    progress: bool = True,
    on_epoch: Callable[[Epoch], None] | None = None,
) -> History:
    """Train `model` on `train` for `epochs` epochs of minibatches of `batch_size`.

    `loss(outputs, target)` is one example's loss (e.g. `nn.losses.cross_entropy`); a batch's
    loss is its mean. The batches are shuffled from `rng` (a seed or a numpy Generator; by
    default the library's generator, see `nn.manual_seed`).
    `schedule` (e.g. `nn.schedule.OneCycle`) must cover every step. `progress` shows a tqdm
    bar on stderr (when tqdm is installed); `on_epoch` is called with each `Epoch` as it ends.

    On the dynamic engine the cyclic GC is paused during each step: the graphs hold no
    cycles, so the collector frees nothing, and walking a batch's graph (hundreds of
    thousands of nodes) made a digits step several times slower (see docs/design.md).
    """
    check_int(epochs, "epochs", min_value=0)
    check_int(batch_size, "batch_size", min_value=1)
    check_flag(progress, "progress")
    check_flag(drop_last, "drop_last")
    steps = len(train) // batch_size if drop_last else -(-len(train) // batch_size)
    if epochs and len(train) and not steps:  # an epoch of no step would report a loss of 0.0
        raise ValueError(
            f"batch_size={batch_size!r} with drop_last=True takes no step on {len(train)} images: "
            "nothing would be trained (a smaller batch_size, or drop_last=False)"
        )
    runner = _runner(model, loss, check_choice(engine, "engine", ENGINES), train)
    generator = as_generator(rng)
    if schedule is not None and schedule.total_steps < epochs * steps:
        raise ValueError(
            f"schedule covers {schedule.total_steps} steps, but {epochs} epochs of {steps} batches "
            f"take {epochs * steps}"
        )
    history = History()
    for epoch in range(1, epochs + 1):
        start = time.perf_counter()
        total = 0.0
        batches = minibatches(train, batch_size, rng=generator, drop_last=drop_last)
        with _progress_bar(steps, epoch, progress) as bar:
            for images, labels in batches:
                optimizer.zero_grad()
                if schedule is not None:
                    schedule.apply(len(history.batch_losses))
                batch_loss = runner.loss_and_grad(images, labels)
                optimizer.step()
                total += batch_loss * len(labels)
                history.batch_losses.append(batch_loss)
                history.learning_rates.append(_learning_rate(optimizer))
                bar.set_postfix(loss=f"{batch_loss:.4f}", refresh=False)
                bar.update(1)
        seconds = time.perf_counter() - start
        seen = len(train) - len(train) % batch_size if drop_last else len(train)
        valid_loss, accuracy = runner.evaluate(valid) if valid is not None else (None, None)
        record = Epoch(epoch, total / max(seen, 1), valid_loss, accuracy, seconds)
        history.epochs.append(record)
        if on_epoch is not None:
            on_epoch(record)
    return history


def evaluate(model: Model, data: Dataset, *, loss: Loss, engine: str = "tape") -> tuple[float, float]:
    """(mean loss, accuracy) of `model` on `data`, computing no gradients."""
    return _runner(model, loss, check_choice(engine, "engine", ENGINES), data).evaluate(data)


def predict(model: Model, images: NDArray[np.float64]) -> NDArray[np.float64]:
    """The model's outputs (one row per image: class scores) for each row of `images`: the
    model's graph traced once and replayed over all of them (`autograd.Tape.outputs`)."""
    return BatchOutputs(model)(images)


class _Dynamic:
    """The engine as written: one graph per example."""

    def __init__(self, model: Model, loss: Loss) -> None:
        self.model, self.loss = model, loss

    def loss_and_grad(self, images: NDArray[np.float64], labels: NDArray[np.int64]) -> float:
        with gc_paused(), enable_grad():  # a caller's no_grad must not make every gradient 0
            losses = [self.loss(self.model(x.tolist()), int(y)) for x, y in zip(images, labels)]
            mean = sum(losses[1:], start=losses[0]) / len(losses)
            mean.backward()
            value = mean.data
            del losses, mean  # freed here by reference counting, while the collector is off
        return value

    def evaluate(self, data: Dataset) -> tuple[float, float]:
        total, correct = 0.0, 0
        with no_grad(), gc_paused():
            for x, y in zip(data.images, data.labels):
                outputs = self.model(x.tolist())
                total += self.loss(outputs, int(y)).data
                correct += int(np.argmax([o.data for o in outputs]) == y)
        return total / len(data), correct / len(data)


class _Tape:
    """The per-example loss traced once on the first training example, replayed over batches;
    the accuracy from the scores, traced likewise."""

    def __init__(self, model: Model, loss: Loss, example: Dataset) -> None:
        from autograd import trace

        self.model = model
        self.outputs = BatchOutputs(model)  # the scores, traced at the first evaluation
        with enable_grad():  # traced in grad mode, as the dynamic engine computes its gradients
            self.tape = trace(
                lambda x, y: loss(model(x), y), example.images[0].tolist(), int(example.labels[0])
            )

    def loss_and_grad(self, images: NDArray[np.float64], labels: NDArray[np.int64]) -> float:
        return self.tape.backward(images, labels)

    def evaluate(self, data: Dataset) -> tuple[float, float]:
        scores = self.outputs(data.images)
        return self.tape(data.images, data.labels), float(np.mean(scores.argmax(axis=1) == data.labels))


def _runner(model: Model, loss: Loss, engine: str, example: Dataset) -> _Dynamic | _Tape:
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}: {model!r}")
    if not callable(loss):
        raise TypeError(f"loss must be a function (outputs, target) -> Value, got {loss!r}")
    if not len(example):
        raise ValueError(f"no images to train on: {example!r}")
    return _Tape(model, loss, example) if engine == "tape" else _Dynamic(model, loss)


def _learning_rate(optimizer: _Optimizer) -> float:
    groups = getattr(optimizer, "param_groups", None)
    lr = groups[0]["lr"] if groups else getattr(optimizer, "lr", float("nan"))
    return float(lr)


def _progress_bar(total: int, epoch: int, enabled: bool) -> Any:
    """One bar per epoch on stderr, gone when the epoch ends (so `on_epoch` can print); none
    when tqdm is not installed (it comes with the `lessons` extra: the engine does not need it)."""
    try:
        from tqdm import tqdm
    except ModuleNotFoundError:
        return _NoBar()
    return tqdm(
        total=total, desc=f"epoch {epoch}", file=sys.stderr, disable=not enabled, unit="batch", leave=False
    )


class _NoBar(contextlib.nullcontext["_NoBar"]):
    """What `fit` calls on a tqdm bar, doing nothing."""

    def __init__(self) -> None:
        super().__init__(self)

    def set_postfix(self, **values: object) -> None:
        pass

    def update(self, n: int) -> None:
        pass

    def __repr__(self) -> str:
        return "_NoBar()"
