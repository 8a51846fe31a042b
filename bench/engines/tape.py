"""chainrule's compiled tape (autograd.trace) on whole batches: the model's parameters are
`Value`s, one example's loss is traced once, and each step replays it over the batch and
updates the `Value`s, as a user of the tape would write it."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Tape, Value, select, trace
from bench.problems import DIGITS_SIZES, MOONS_REG, Batch, split_layers
from bench.workloads import mlp

TapeBatch = tuple[Any, Any]


def _sgd(params: Sequence[Value], lr: float) -> None:
    for p in params:
        p.data -= lr * p.grad


class Moons:
    """micrograd's demo step: one point's SVM loss plus the L2 term, traced, then replayed on
    all 100 points at once (the batch mean of loss + L2 is the demo's data loss + L2)."""

    def __init__(
        self, weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]
    ) -> None:
        self.params = [Value(w) for w in weights]
        self.layers = split_layers(self.params)
        self.x = np.array(points, dtype=np.float64)
        self.y = np.array(labels, dtype=np.float64)
        self.tape: Tape = trace(self.example_loss, list(points[0]), labels[0])

    def __repr__(self) -> str:
        return f"tape.Moons({self.tape!r})"

    def example_loss(self, x: Sequence[Value], y: Value) -> Value:
        score: Value = mlp(self.layers, x)[0]
        return (1.0 - y * score).relu() + MOONS_REG * sum((p * p for p in self.params), Value(0.0))

    def step(self, lr: float) -> float:
        for p in self.params:
            p.grad = 0.0
        loss = self.tape.backward(self.x, self.y)
        _sgd(self.params, lr)
        return loss

    def weights(self) -> list[float]:
        return [p.data for p in self.params]


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels)


class Digits:
    """lesson 5's Mnist_NN: one image's softmax cross-entropy traced (the class picked with
    `select`), replayed on each batch of 32."""

    def __init__(self, weights: Sequence[float]) -> None:
        self.params = [Value(w) for w in weights]
        self.layers = split_layers(self.params, DIGITS_SIZES)
        self.tape: Tape | None = None

    def __repr__(self) -> str:
        return f"tape.Digits({self.tape!r})"

    def example_loss(self, x: Sequence[Value], label: Any) -> Value:
        """-log softmax(logits)[label] = log Σ exp(logits) - logits[label], as the engines'."""
        logits: list[Value] = mlp(self.layers, x)
        exps = [z.exp() for z in logits]
        picked: Value = select(logits, label)
        total: Value = sum(exps[1:], exps[0])
        return total.log() - picked

    def prepare(self, batches: list[Batch]) -> list[TapeBatch]:
        images, classes = batches[0]
        self.tape = trace(self.example_loss, list(images[0]), int(classes[0]))
        return [(np.array(x, dtype=np.float64), np.array(c, dtype=np.intp)) for x, c in batches]

    def step(self, batch: TapeBatch, lr: float) -> float:
        assert self.tape is not None, "prepare() traces the tape"
        for p in self.params:
            p.grad = 0.0
        loss = self.tape.backward(*batch)
        _sgd(self.params, lr)
        return loss

    def weights(self) -> list[float]:
        return [p.data for p in self.params]


def digits(weights: Sequence[float]) -> Digits:
    return Digits(weights)
