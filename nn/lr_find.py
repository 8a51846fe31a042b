"""The learning-rate finder of fastai v1 (`learn.lr_find()`, then `learn.recorder.plot()`).

Train for up to `num_it` minibatches while the learning rate grows exponentially from
`start_lr` to `end_lr` (step i of num_it at ``start_lr · (end_lr / start_lr) ** (i / num_it)``,
as fastai v1's scheduler counts); record each batch's loss and its smoothed value, an
exponentially weighted mean with bias correction (fastai's `SmoothenValue`, β = 0.98)::

    avg ← β·avg + (1 − β)·loss;   smoothed = avg / (1 − β^(i+1))

and stop early when the smoothed loss exceeds 4× the best so far (the run diverged), or when
the engine refuses a number (an overflow, a log of 0: the error is the reason it stopped,
not a crash). Afterwards the model's weights and the optimizer's state and learning rates
are as they were: the finder trains on copies (`Optimizer.arrays`) and writes nothing back.

Two suggestions, as fastai gives them, read from the smoothed curve without its first 10 and
last 5 points (they are noise and divergence): the rate where the loss falls fastest (the
steepest negative slope, fastai v1's `min_grad_lr`) and the rate of the lowest loss ÷ 10
(fastai v2's `lr_min`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from autograd.engine import set_data_all
from autograd.errors import ChainruleError
from autograd.validation import check_flag, check_int, check_number
from nn._runners import Data, Loss, batch_orders, check_mode, columns_of, make_runner
from nn.optim import Optimizer

__all__ = ["LRFinder", "lr_find"]

SKIP_START, SKIP_END = 10, 5  # fastai v1's Recorder.plot defaults
DIVERGED = 4.0  # fastai v1: stop once the smoothed loss is above 4× the best


@dataclass(frozen=True)
class LRFinder:
    """What `lr_find` recorded: each step's learning rate, batch loss and smoothed loss, and
    why it stopped (`stop_reason`)."""

    lrs: list[float] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    smoothed: list[float] = field(default_factory=list)
    stop_reason: str = ""

    def _window(self) -> tuple[np.ndarray, np.ndarray]:
        end = len(self.lrs) - SKIP_END
        return np.asarray(self.lrs[SKIP_START:end]), np.asarray(self.smoothed[SKIP_START:end])

    @property
    def steepest(self) -> float | None:
        """The learning rate where the smoothed loss falls fastest (None: too few points)."""
        lrs, losses = self._window()
        if len(losses) < 2:
            return None
        return float(lrs[int(np.gradient(losses).argmin())])

    @property
    def minimum_div_10(self) -> float | None:
        """The learning rate of the lowest smoothed loss, ÷ 10 (None: too few points)."""
        lrs, losses = self._window()
        if not len(losses):
            return None
        return float(lrs[int(losses.argmin())]) / 10.0

    def summary(self) -> str:
        """The two suggestions and the reason it stopped, in one line."""

        def shown(x: float | None) -> str:
            return "none (too few steps)" if x is None else f"{x:.2g}"

        return (
            f"lr_find: steepest descent at lr {shown(self.steepest)}, minimum ÷ 10 at lr "
            f"{shown(self.minimum_div_10)} ({len(self.lrs)} steps; {self.stop_reason})"
        )

    def __repr__(self) -> str:
        return (
            f"LRFinder({len(self.lrs)} steps, steepest={self.steepest!r}, "
            f"minimum_div_10={self.minimum_div_10!r})"
        )


def lr_find(
    model: Any,
    optimizer: Optimizer,
    train: Data,
    *,
    loss: Loss,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_it: int = 100,
    stop_div: bool = True,
    beta: float = 0.98,
    batch_size: int | None = 64,
    mode: str = "tape",
    rng: np.random.Generator | random.Random | int | None = None,
    engine: str | None = None,
) -> LRFinder:
    """Run the finder (see the module docstring) on `train`, with `optimizer`'s update and
    every param group at the ramp's rate; `model`, `loss`, `batch_size`, `mode` and `rng`
    as `nn.train.fit`'s. The batches cycle through `train` as many epochs as `num_it` needs.
    Frozen parameters stay frozen. Returns an `LRFinder`; the model and optimizer are left
    as they were."""
    start = check_number(start_lr, "start_lr", min_value=0.0, exclude_min=True)
    end = check_number(end_lr, "end_lr", min_value=start, exclude_min=True)
    steps = check_int(num_it, "num_it", min_value=1)
    beta = check_number(beta, "beta", min_value=0.0, max_value=1.0, exclude_max=True)
    check_flag(stop_div, "stop_div")
    if batch_size is not None:
        check_int(batch_size, "batch_size", min_value=1)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"optimizer must be an nn.optim optimizer, got {type(optimizer).__name__}: {optimizer!r}"
        )
    columns = columns_of(train, "train")
    runner = make_runner(model, loss, check_mode(mode, engine), columns)
    params = runner.params
    arrays = optimizer.arrays(params, model.frozen_parameters())
    original = [p.data for p in params]
    theta = np.array(original, dtype=np.float64)
    saved_lrs = [group["lr"] for group in optimizer.param_groups]
    batches = _forever(batch_orders(len(columns[0]), batch_size, rng, drop_last=False))
    lrs: list[float] = []
    losses: list[float] = []
    smoothed: list[float] = []
    average, best = 0.0, math.inf
    reason = f"num_it={steps} steps done"
    runner.check()  # (the loop below runs none of the model's code: one check is enough)
    try:
        for i in range(steps):
            lr = start * (end / start) ** (i / steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            index = next(batches)
            try:
                batch_loss, grad = runner.value_and_grad(theta, tuple(column[index] for column in columns))
                arrays.step(theta, grad)
            except (ChainruleError, ArithmeticError) as error:  # the engine refused a number
                reason = f"stopped at lr {lr:.2g}: {type(error).__name__}: {error}"
                break
            average = beta * average + (1.0 - beta) * batch_loss
            value = average / (1.0 - beta ** (i + 1))
            lrs.append(lr)
            losses.append(batch_loss)
            smoothed.append(value)
            best = min(best, value)
            if stop_div and value > DIVERGED * best:
                reason = (
                    f"diverged at lr {lr:.2g}: smoothed loss {value:.4g} > {DIVERGED:g} × best {best:.4g}"
                )
                break
    finally:  # the model and the optimizer as they were (the arrays' state is never stored)
        for group, lr in zip(optimizer.param_groups, saved_lrs, strict=True):
            group["lr"] = lr
        if [p.data for p in params] != original:  # the dynamic mode sets the Values
            set_data_all(params, original)
    return LRFinder(lrs, losses, smoothed, reason)


def _forever(epoch: Any) -> Iterator[Any]:
    while True:
        yield from epoch()
