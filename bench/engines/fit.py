"""chainrule's own training path, as a user writes it: `nn`'s MLP, `nn.losses.cross_entropy`
and an `nn.optim` optimizer, trained by `nn.train.fit` on the compiled tape (parameters in one
array during the epoch). Everything `fit` does is timed: tracing the loss, the steps, the
write-back into the Values; `fit`'s own clock of the epoch's steps (`Epoch.seconds`, which
starts after the trace) is kept as `epoch_seconds`, the time the worker reports, so that the
row compares training steps with training steps (the trace is timed apart: `trace_seconds`)."""

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.engine import set_data_all
from bench.problems import DIGITS_SIZES, MNIST_ADAMW, MNIST_BATCH, MNIST_SIZES, Batch
from nn.losses import cross_entropy
from nn.module import MLP
from nn.optim import SGD, AdamW, Optimizer
from nn.train import fit

Columns = tuple[Any, Any]


class _Fitted:
    """An MLP of `sizes` holding `weights` (bench/problems.py's neuron-major order is
    `MLP.parameters()`'s) and the optimizer `make(params)` over it."""

    def __init__(self, weights: Sequence[float], sizes: Sequence[int], batch_size: int) -> None:
        self.model = MLP(sizes[0], list(sizes[1:]), activation="relu", output_activation="linear", rng=0)
        set_data_all(self.model.parameters(), list(weights))
        self.batch_size = batch_size
        self.optimizer: Optimizer | None = None
        self.epoch_seconds: float | None = None
        self.trace_seconds: float | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.model!r})"

    def train(self, data: Columns, optimizer: Optimizer) -> list[float]:
        """One epoch of `data` in its order; each batch's loss."""
        start = time.perf_counter()
        history = fit(self.model, optimizer, data, loss=cross_entropy, batch_size=self.batch_size,
                      shuffle=False, progress=False)  # fmt: skip
        self.epoch_seconds = history.epochs[-1].seconds
        self.trace_seconds = time.perf_counter() - start - self.epoch_seconds  # (and the write-back)
        return history.batch_losses

    def weights(self) -> list[float]:
        return [p.data for p in self.model.parameters()]


class Digits(_Fitted):
    """lesson 5's Mnist_NN on the digits, plain SGD, batches of 32 in the data's order."""

    def __init__(self, weights: Sequence[float]) -> None:
        super().__init__(weights, DIGITS_SIZES, 32)

    def prepare(self, batches: list[Batch]) -> list[Columns]:
        return [(np.array(x, dtype=np.float64), np.array(c, dtype=np.int64)) for x, c in batches]

    def epoch(self, prepared: list[Columns], lr: float) -> list[float]:
        data = (np.concatenate([x for x, _ in prepared]), np.concatenate([c for _, c in prepared]))
        return self.train(data, SGD(self.model.parameters(), lr=lr))


def digits(weights: Sequence[float]) -> Digits:
    return Digits(weights)


class Mnist(_Fitted):
    """784 → 50 → ReLU → 10, AdamW (PyTorch's defaults), batches of 64 in the data's order."""

    def __init__(self, weights: Sequence[float]) -> None:
        super().__init__(weights, MNIST_SIZES, MNIST_BATCH)
        self.optimizer = AdamW(self.model.parameters(), **MNIST_ADAMW)

    def epoch(self, images: Any, labels: Any) -> list[float]:
        assert self.optimizer is not None
        return self.train((images, labels), self.optimizer)


def mnist(weights: Sequence[float]) -> Mnist:
    return Mnist(weights)
