"""chainrule's compiled tape (autograd.trace) on whole batches: the model's parameters are
`Value`s and one example's loss is traced once; each step replays it over the batch.

Two ways to step, as a user of the tape may write them: with the parameters' numbers kept in
an array (`tape.value_and_grad`, an array SGD update: this engine), or with the gradient added
to each Value's `.grad` and SGD as a Python loop over the Values (`bench.engines.tape_values`).
The digits epoch of this engine trains through `nn.train.fit` itself (the hand-built network
as an `nn.Module`, `nn.optim.SGD`): the library's loop on the benchmark's network."""

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tape, Value, select, trace
from bench.problems import DIGITS_SIZES, MOONS_REG, Batch, split_layers
from bench.workloads import mlp
from nn.module import Module
from nn.optim import SGD
from nn.train import fit

TapeBatch = tuple[Any, Any]


class _Traced:
    """The parameters (Values, and their numbers in `theta`, in the tape's order, when stepping
    with arrays) and the tape."""

    tape: Tape
    theta: Any

    def __init__(self, weights: Sequence[float], arrays: bool) -> None:
        self.params = [Value(w) for w in weights]
        self.arrays = arrays

    def use(self, tape: Tape) -> None:
        self.tape = tape
        self.theta = tape.parameter_data()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.tape!r}, arrays={self.arrays})"

    def sgd_step(self, batch: TapeBatch, lr: float) -> float:
        if self.arrays:
            loss, grad = self.tape.value_and_grad(self.theta, *batch)
            self.theta -= lr * grad
            return loss
        for p in self.params:
            p.grad = 0.0
        loss = self.tape.backward(*batch)
        for p in self.params:
            p.data -= lr * p.grad
        return loss

    def weights(self) -> list[float]:
        if self.arrays:
            self.tape.set_parameter_data(self.theta)
        return [p.data for p in self.params]


class Moons(_Traced):
    """micrograd's demo step: one point's SVM loss plus the L2 term, traced, then replayed on
    all 100 points at once (the batch mean of loss + L2 is the demo's data loss + L2)."""

    def __init__(
        self,
        weights: Sequence[float],
        points: Sequence[tuple[float, float]],
        labels: Sequence[float],
        arrays: bool = True,
    ) -> None:
        super().__init__(weights, arrays)
        self.layers = split_layers(self.params)
        self.batch = (np.array(points, dtype=np.float64), np.array(labels, dtype=np.float64))
        self.use(trace(self.example_loss, list(points[0]), labels[0], params=self.params))

    def example_loss(self, x: Sequence[Value], y: Value) -> Value:
        score: Value = mlp(self.layers, x)[0]
        return (1.0 - y * score).relu() + MOONS_REG * sum((p * p for p in self.params), Value(0.0))

    def step(self, lr: float) -> float:
        return self.sgd_step(self.batch, lr)


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels)


class Digits(_Traced):
    """lesson 5's Mnist_NN: one image's softmax cross-entropy traced (the class picked with
    `select`), replayed on each batch of 32."""

    def __init__(self, weights: Sequence[float], arrays: bool = True) -> None:
        super().__init__(weights, arrays)
        self.layers = split_layers(self.params, DIGITS_SIZES)

    def example_loss(self, x: Sequence[Value], label: Any) -> Value:
        return logits_loss(mlp(self.layers, x), label)

    def prepare(self, batches: list[Batch]) -> list[TapeBatch]:
        images, classes = batches[0]
        self.use(trace(self.example_loss, list(images[0]), int(classes[0]), params=self.params))
        return [(np.array(x, dtype=np.float64), np.array(c, dtype=np.intp)) for x, c in batches]

    def step(self, batch: TapeBatch, lr: float) -> float:
        return self.sgd_step(batch, lr)


def logits_loss(logits: list[Value], label: Any) -> Value:
    """-log softmax(logits)[label] = log Σ exp(logits) - logits[label], as the engines'."""
    exps = [z.exp() for z in logits]
    picked: Value = select(logits, label)
    total: Value = sum(exps[1:], exps[0])
    return total.log() - picked


class HandNetwork(Module):
    """The benchmark's hand-built network as an `nn.Module`, so that `fit` trains it."""

    def __init__(self, params: list[Value], layers: Any) -> None:
        self.params = params  # (the layers hold the same Values: each is listed once)
        self.layers = layers

    def __call__(self, x: Sequence[Value]) -> list[Value]:
        out: list[Value] = mlp(self.layers, x)
        return out

    def __repr__(self) -> str:
        return f"HandNetwork({len(self.params)} parameters)"


class FitDigits(Digits):
    """The epoch through `nn.train.fit`: SGD on batches of 32 in the data's order."""

    def epoch(self, prepared: list[TapeBatch], lr: float) -> list[float]:
        data = (np.concatenate([x for x, _ in prepared]), np.concatenate([c for _, c in prepared]))
        network = HandNetwork(self.params, self.layers)
        size = len(prepared[0][1])
        start = time.perf_counter()
        history = fit(network, SGD(self.params, lr=lr), data, loss=logits_loss, batch_size=size,
                      shuffle=False, progress=False)  # fmt: skip
        self.epoch_seconds = history.epochs[-1].seconds  # fit's clock of its steps (as bench/engines/fit.py)
        self.trace_seconds = time.perf_counter() - start - self.epoch_seconds
        self.theta = np.array([p.data for p in self.params])
        return history.batch_losses


def digits(weights: Sequence[float]) -> Digits:
    return FitDigits(weights)
