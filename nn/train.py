"""The training loop: the lesson's `update()` grown up, and nothing more.

For each epoch: shuffle the training examples (from the seed), and for each minibatch let the
schedule (if any) set the learning rate and momentum, compute the batch's mean loss and its
gradient, and take one optimizer step; then measure the loss and the metrics on the
validation data. `fit` returns a `History` (per step and per epoch) to plot; `train_epochs`
is the same loop yielding each epoch's numbers as it ends.

The loop trains in arrays: the parameters are one float64 vector `theta` (in
`model.parameters()` order), each step is ``loss, grad = value_and_grad(theta, batch)`` then
the optimizer's array update of `theta` in place (`Optimizer.arrays`), so no step loops over
the Values. The numbers go back into the Values (and the optimizer's state into `opt.state`)
at the end of every epoch, before the evaluation and any callback, and on every way out (an
error, Ctrl-C): the model is never stale when anyone looks. Frozen parameters
(`Module.freeze`) are neither updated nor given a gradient.

Two modes compute a batch's loss and gradient, to the same numbers (1e-12): ``mode="tape"``
(a compiled tape replayed with numpy) and ``mode="dynamic"`` (a graph per example; see
`nn._runners`). The old keyword ``engine=`` still works, with a DeprecationWarning.
"""

from __future__ import annotations

import contextlib
import random
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from autograd.engine import set_data_all
from autograd.errors import NonFiniteError
from autograd.validation import check_flag, check_int
from nn._outputs import BatchOutputs
from nn._runners import MODES, Data, Loss, batch_orders, check_mode, columns_of, gc_paused, make_runner
from nn.data import Dataset
from nn.optim import Optimizer

__all__ = [
    "MODES",
    "Accuracy",
    "Epoch",
    "History",
    "Metric",
    "Model",
    "accuracy",
    "check_mode",
    "evaluate",
    "fit",
    "gc_paused",
    "predict",
    "train_epochs",
]

Metric = Callable[[Any, Any], float]
"""A metric: (the model, a data set) -> a number, such as `accuracy` (or RMSE for ratings)."""


class Model(Protocol):
    """What `fit` trains: called on one example's inputs (an image's pixels) it returns the
    outputs (the class scores); it has `parameters()` (an `nn.Module` such as `MLP`)."""

    def __call__(self, x: Sequence[Value | float]) -> Sequence[Value]: ...

    def parameters(self) -> list[Value]: ...


class _Schedule(Protocol):
    total_steps: int

    def apply(self, step: int) -> None: ...


@dataclass(frozen=True)
class Epoch:
    """One epoch's numbers: the mean training loss over its batches (weighted by their
    sizes), the validation loss and accuracy (None without validation data or without an
    "accuracy" metric), the wall time of its training steps, and every metric by name."""

    epoch: int
    train_loss: float
    valid_loss: float | None
    accuracy: float | None
    seconds: float
    metrics: Mapping[str, float] = field(default_factory=dict)


@dataclass
class History:
    """What `fit` saw: each step's batch loss, learning rate and momentum (SGD's momentum or
    Adam's β1, of the first param group; None for an optimizer with neither), and each
    epoch's numbers."""

    batch_losses: list[float] = field(default_factory=list)
    learning_rates: list[float] = field(default_factory=list)
    epochs: list[Epoch] = field(default_factory=list)
    momentums: list[float | None] = field(default_factory=list)


def fit(
    model: Any,
    optimizer: Optimizer,
    train: Data,
    valid: Data | None = None,
    *,
    loss: Loss,
    epochs: int = 1,
    batch_size: int | None = 64,
    schedule: _Schedule | None = None,
    mode: str = "tape",
    rng: np.random.Generator | random.Random | int | None = None,
    drop_last: bool = False,
    shuffle: bool = True,
    metrics: Mapping[str, Metric] | None = None,
    progress: bool = True,
    on_epoch: Callable[[Epoch], None] | None = None,
    engine: str | None = None,
) -> History:
    """Train `model` on `train` for `epochs` epochs of minibatches of `batch_size`.

    `train` and `valid`: an `nn.data.Dataset` (images and labels), `nn.data.Ratings`, or a
    tuple of numpy arrays with one row per example (the model's inputs, then the targets).
    `loss(outputs, target)` is one example's loss (e.g. `nn.losses.cross_entropy`, or a
    squared error for ratings) and ``outputs = model(*inputs)``; a batch's loss is its mean.
    `batch_size` None: every step sees all of `train`, in order (full-batch descent).
    The batches are shuffled from `rng` (a seed or a numpy Generator; by default the
    library's generator, see `nn.manual_seed`; a `random.Random` shuffles one order in place
    each epoch; `shuffle=False` keeps the data's order, as PyTorch's DataLoader).
    `schedule` (e.g. `nn.schedule.OneCycle`) must cover every step.
    `metrics` maps names to functions ``(model, valid) -> float`` measured on `valid` after
    each epoch (default for a Dataset: {"accuracy": accuracy}). `progress` shows a tqdm bar on
    stderr; `on_epoch` is called with each `Epoch` as it ends.
    """
    history = History()
    for record in train_epochs(
        model, optimizer, train, valid, loss=loss, epochs=epochs, batch_size=batch_size, schedule=schedule,
        mode=check_mode(mode, engine), rng=rng, drop_last=drop_last, shuffle=shuffle, metrics=metrics,
        progress=progress, history=history,
    ):  # fmt: skip
        if on_epoch is not None:
            on_epoch(record)
    return history


def train_epochs(
    model: Any,
    optimizer: Optimizer,
    train: Data,
    valid: Data | None = None,
    *,
    loss: Loss,
    epochs: int = 1,
    batch_size: int | None = 64,
    schedule: _Schedule | None = None,
    mode: str = "tape",
    rng: np.random.Generator | random.Random | int | None = None,
    drop_last: bool = False,
    shuffle: bool = True,
    metrics: Mapping[str, Metric] | None = None,
    progress: bool = False,
    history: History | None = None,
    engine: str | None = None,
) -> Iterator[Epoch]:
    """`fit`'s loop, yielding each `Epoch` as it ends (the model's Values already hold the
    epoch's numbers); steps are recorded into `history` if given. Arguments as `fit`'s."""
    check_int(epochs, "epochs", min_value=0)
    if batch_size is not None:
        check_int(batch_size, "batch_size", min_value=1)
    check_flag(progress, "progress")
    check_flag(drop_last, "drop_last")
    check_flag(shuffle, "shuffle")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}: {optimizer!r}"
        )
    columns = columns_of(train, "train")
    valid_columns = columns_of(valid, "valid") if valid is not None else None
    runner = make_runner(model, loss, check_mode(mode, engine), columns)
    chosen = {} if metrics is None and not isinstance(train, Dataset) else metrics
    measures: dict[str, Metric] = dict({"accuracy": Accuracy()} if chosen is None else chosen)
    n = len(columns[0])
    size = n if batch_size is None else batch_size
    steps = n // size if drop_last else -(-n // size)
    if epochs and n and not steps:  # an epoch of no step would report a loss of 0.0
        raise ValueError(
            f"batch_size={batch_size!r} with drop_last=True takes no step on {n} images: "
            "nothing would be trained (a smaller batch_size, or drop_last=False)"
        )
    if schedule is not None and schedule.total_steps < epochs * steps:
        raise ValueError(
            f"schedule covers {schedule.total_steps} steps, but {epochs} epochs of {steps} batches "
            f"take {epochs * steps}"
        )
    orders = batch_orders(n, batch_size, rng, drop_last, shuffle)
    history = History() if history is None else history
    params = runner.params
    frozen = model.frozen_parameters()
    arrays = optimizer.arrays(params, frozen)
    theta = np.fromiter((p.data for p in params), np.float64, len(params))
    step, written = 0, 0
    try:
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            runner.check()  # a stale tape is an error, checked around the epoch (not per step)
            total, seen = 0.0, 0
            with _progress_bar(steps, epoch, progress) as bar:
                for index in orders():
                    if schedule is not None:
                        schedule.apply(step)
                    batch = tuple(column[index] for column in columns)
                    try:
                        batch_loss, grad = runner.value_and_grad(theta, batch)
                        arrays.step(theta, grad)
                    except NonFiniteError as error:  # the engine names the op; say which run diverged
                        raise _diverged(error, optimizer, epoch, step - (epoch - 1) * steps, steps) from error
                    step += 1
                    total += batch_loss * len(index)
                    seen += len(index)
                    history.batch_losses.append(batch_loss)
                    history.learning_rates.append(_learning_rate(optimizer))
                    history.momentums.append(_momentum(optimizer))
                    bar.set_postfix(loss=f"{batch_loss:.4f}", refresh=False)
                    bar.update(1)
            runner.check()  # (a schedule is the only outside code the steps ran)
            seconds = time.perf_counter() - start
            _write_back(params, theta, arrays)
            written = step
            valid_loss, scores = None, {}
            if valid is not None and valid_columns is not None:
                valid_loss = runner.mean_loss(valid_columns)
                scores = {name: float(measure(model, valid)) for name, measure in measures.items()}
            record = Epoch(epoch, total / max(seen, 1), valid_loss, scores.get("accuracy"), seconds, scores)
            history.epochs.append(record)
            yield record
    finally:  # an error, Ctrl-C, or a caller who stopped iterating: the Values get the numbers
        if step != written:
            _write_back(params, theta, arrays)


def _diverged(
    error: NonFiniteError, optimizer: Optimizer, epoch: int, done: int, steps: int
) -> NonFiniteError:
    lr = optimizer.param_groups[0]["lr"]
    return NonFiniteError(
        f"{type(optimizer).__name__} at lr {lr:.4g} diverged in epoch {epoch}, "
        f"step {done + 1} of {steps}: {error}"
    )


def _write_back(params: list[Value], theta: NDArray[np.float64], arrays: Any) -> None:
    set_data_all(params, theta.tolist())
    arrays.store()


def accuracy(model: Any, data: Dataset) -> float:
    """The fraction of `data`'s images whose highest class score is their label."""
    return _fraction_right(predict(model, data.images), data)


class Accuracy:
    """`accuracy` as `fit`'s default metric: the model's outputs traced once
    (`nn.BatchOutputs`, traced again only when the model changes) and replayed each epoch."""

    def __init__(self) -> None:
        self._outputs: BatchOutputs | None = None

    def __call__(self, model: Any, data: Dataset) -> float:
        if self._outputs is None or self._outputs.model is not model:
            self._outputs = BatchOutputs(model)
        return _fraction_right(self._outputs(data.images), data)

    def __repr__(self) -> str:
        return "Accuracy()"


def _fraction_right(scores: NDArray[np.float64], data: Dataset) -> float:
    return float(np.mean(scores.argmax(axis=1) == data.labels))


def evaluate(
    model: Any, data: Dataset, *, loss: Loss, mode: str = "tape", engine: str | None = None
) -> tuple[float, float]:
    """(mean loss, accuracy) of `model` on `data`, computing no gradients."""
    columns = columns_of(data)
    runner = make_runner(model, loss, check_mode(mode, engine), columns)
    return runner.mean_loss(columns), accuracy(model, data)


def predict(model: Model, images: NDArray[np.float64]) -> NDArray[np.float64]:
    """The model's outputs (one row per image: class scores) for each row of `images`: the
    model's graph traced once and replayed over all of them (`autograd.Tape.outputs`)."""
    return BatchOutputs(model)(images)


def _learning_rate(optimizer: Optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])


def _momentum(optimizer: Optimizer) -> float | None:
    group = optimizer.param_groups[0]
    if "betas" in group:
        return float(group["betas"][0])
    return float(group["momentum"]) if "momentum" in group else None


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
