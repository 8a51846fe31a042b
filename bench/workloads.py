"""Each workload written once, for any engine with micrograd's API (`Value`s with `.relu()`,
`**`, `.backward()`); an engine module supplies only what differs (see `GraphEngine`).

Writing them once guarantees every engine evaluates the very same expressions in the same
order, so results agree to rounding. The floor (bench/engines/floor.py) has no graph and
writes the same workloads by hand.
"""

import operator
from collections.abc import Sequence
from typing import Any, Protocol

from bench.problems import (
    CHAIN_ADD,
    CHAIN_MUL,
    CHAIN_X0,
    DIGITS_SIZES,
    MOONS_REG,
    TEACHING_INPUTS,
    TEACHING_TARGETS,
    TEACHING_WEIGHTS,
    Batch,
    checksum,
    moons_lr,
    pairwise_sum,
    split_layers,
)


class GraphEngine(Protocol):
    """What an engine module provides: its leaves, a sigmoid, and the user's idioms for
    reading numbers, zeroing gradients and an SGD update."""

    def leaf(self, x: float) -> Any: ...
    def sigmoid(self, v: Any) -> Any: ...
    def value(self, v: Any) -> float: ...
    def grad(self, v: Any) -> float: ...
    def zero_grad(self, params: Sequence[Any]) -> None: ...
    def sgd(self, params: Sequence[Any], lr: float) -> None: ...


class Moons:
    """micrograd's demo: an MLP 2→16→16→1 on the moons data, SVM max-margin loss + L2."""

    def __init__(
        self,
        engine: GraphEngine,
        weights: Sequence[float],
        points: Sequence[tuple[float, float]],
        labels: Sequence[float],
    ) -> None:
        self.engine = engine
        self.params = [engine.leaf(w) for w in weights]
        self.layers = split_layers(self.params)
        self.points = points
        self.labels = labels

    def __repr__(self) -> str:
        return f"Moons({self.engine!r}, {len(self.params)} params, {len(self.points)} points)"

    def step(self, lr: float) -> float:
        """One full-batch step: forward, zero_grad, backward, SGD update; returns the loss."""
        scores = [mlp(self.layers, x)[0] for x in self.points]
        losses = [(1.0 - y * s).relu() for y, s in zip(self.labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = MOONS_REG * sum(p * p for p in self.params)
        loss = data_loss + reg_loss
        self.engine.zero_grad(self.params)
        loss.backward()
        self.engine.sgd(self.params, lr)
        return self.engine.value(loss)

    def weights(self) -> list[float]:
        return [self.engine.value(p) for p in self.params]


def mlp(layers: Sequence[Sequence[tuple[Sequence[Any], Any]]], x: Sequence[Any]) -> list[Any]:
    """micrograd's `MLP.__call__`: relu neurons, a linear last layer."""
    last = len(layers) - 1
    for depth, layer in enumerate(layers):
        acts = [sum((w * xi for w, xi in zip(ws, x)), b) for ws, b in layer]
        x = [a.relu() for a in acts] if depth < last else acts
    return list(x)


def demo_loop(
    engine: GraphEngine,
    weights: Sequence[float],
    points: Sequence[tuple[float, float]],
    labels: Sequence[float],
    steps: int,
    keep_previous: bool,
) -> list[float]:
    """micrograd's demo notebook as written: its `loss()` wraps every input in a Value and
    returns the loss and the accuracy; the loop keeps the previous step's loss (and so its
    graph) alive while `loss()` builds the next, unless `keep_previous` is False.
    Returns each step's loss and accuracy, then the weights."""
    params = [engine.leaf(w) for w in weights]
    layers = split_layers(params)

    def loss() -> tuple[Any, float]:
        inputs = [[engine.leaf(x) for x in xrow] for xrow in points]
        scores = [mlp(layers, x)[0] for x in inputs]
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = MOONS_REG * sum(p * p for p in params)
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (engine.value(scorei) > 0) for yi, scorei in zip(labels, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    results: list[float] = []
    for k in range(steps):
        total_loss, acc = loss()
        engine.zero_grad(params)
        total_loss.backward()
        engine.sgd(params, moons_lr(k))
        results += [engine.value(total_loss), acc]
        if not keep_previous:
            del total_loss
    return results + [engine.value(p) for p in params]


class Digits:
    """lesson 5's Mnist_NN on the digits: 64→32 relu→10 logits, softmax cross-entropy, SGD."""

    def __init__(self, engine: GraphEngine, weights: Sequence[float]) -> None:
        self.engine = engine
        self.params = [engine.leaf(w) for w in weights]
        self.layers = split_layers(self.params, DIGITS_SIZES)

    def __repr__(self) -> str:
        return f"Digits({self.engine!r}, {len(self.params)} params)"

    def prepare(self, batches: list[Batch]) -> list[Batch]:
        return batches

    def example_loss(self, x: Sequence[float], label: int) -> Any:
        """-log softmax(logits)[label] = log Σ exp(logits) - logits[label] (logits stay small)."""
        logits = mlp(self.layers, x)
        exps = [z.exp() for z in logits]
        return sum(exps[1:], exps[0]).log() - logits[label]

    def step(self, batch: Batch, lr: float) -> float:
        """One SGD step on the batch's mean loss; returns that loss."""
        images, classes = batch
        losses = [self.example_loss(x, c) for x, c in zip(images, classes)]
        loss = sum(losses[1:], losses[0]) * (1.0 / len(losses))
        self.engine.zero_grad(self.params)
        loss.backward()
        self.engine.sgd(self.params, lr)
        return self.engine.value(loss)

    def weights(self) -> list[float]:
        return [self.engine.value(p) for p in self.params]


def teaching_loss(engine: GraphEngine, w: Sequence[Any]) -> Any:
    """E_total of the course's 2-2-2 sigmoid network (no biases) with weights w1…w8."""
    (i1, i2), (t1, t2) = TEACHING_INPUTS, TEACHING_TARGETS
    a_h1 = engine.sigmoid(w[0] * i1 + w[1] * i2)
    a_h2 = engine.sigmoid(w[2] * i1 + w[3] * i2)
    a_o1 = engine.sigmoid(w[4] * a_h1 + w[5] * a_h2)
    a_o2 = engine.sigmoid(w[6] * a_h1 + w[7] * a_h2)
    return 0.5 * (t1 - a_o1) ** 2 + 0.5 * (t2 - a_o2) ** 2


def seed_sweep(engine: GraphEngine, lrs: Sequence[float], epochs: int) -> list[float]:
    """Per learning rate: E_total after `epochs` SGD updates, then the eight weights."""
    results = []
    for lr in lrs:
        w = [engine.leaf(x) for x in TEACHING_WEIGHTS]
        for _ in range(epochs):
            loss = teaching_loss(engine, w)
            engine.zero_grad(w)
            loss.backward()
            engine.sgd(w, lr)
        results.append(engine.value(teaching_loss(engine, w)))
        results.extend(engine.value(p) for p in w)
    return results


def chain(engine: GraphEngine, n: int) -> tuple[Any, Any]:
    """The leaf x0 and x_n after n steps of x ← x·1.0001 + 0.0001 (2n op nodes)."""
    x0 = x = engine.leaf(CHAIN_X0)
    for _ in range(n):
        x = x * CHAIN_MUL + CHAIN_ADD
    return x0, x


def chain_backward(engine: GraphEngine, graph: tuple[Any, Any]) -> list[float]:
    """x_n and dx_n/dx0."""
    x0, x = graph
    x.backward()
    return [engine.value(x), engine.grad(x0)]


def wide_sum(engine: GraphEngine, a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Σ a_i·b_i as a balanced tree, then backward: the total and checksums of the gradients."""
    va, vb = [engine.leaf(x) for x in a], [engine.leaf(x) for x in b]
    total = pairwise_sum([x * y for x, y in zip(va, vb)], operator.add)
    total.backward()
    return [
        engine.value(total),
        checksum([engine.grad(v) for v in va]),
        checksum([engine.grad(v) for v in vb]),
    ]


class GraphWorkloads:
    """The workloads bound to one engine module: the interface bench/worker.py times."""

    def __init__(self, engine: GraphEngine) -> None:
        self.engine = engine

    def __repr__(self) -> str:
        return f"GraphWorkloads({self.engine!r})"

    def moons(
        self, weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]
    ) -> Moons:
        return Moons(self.engine, weights, points, labels)

    def demo(
        self,
        weights: Sequence[float],
        points: Sequence[tuple[float, float]],
        labels: Sequence[float],
        steps: int,
        keep_previous: bool,
    ) -> list[float]:
        return demo_loop(self.engine, weights, points, labels, steps, keep_previous)

    def digits(self, weights: Sequence[float]) -> Digits:
        return Digits(self.engine, weights)

    def seed_sweep(self, lrs: Sequence[float], epochs: int) -> list[float]:
        return seed_sweep(self.engine, lrs, epochs)

    def chain(self, n: int) -> tuple[Any, Any]:
        return chain(self.engine, n)

    def chain_backward(self, graph: tuple[Any, Any]) -> list[float]:
        return chain_backward(self.engine, graph)

    def wide_sum(self, a: Sequence[float], b: Sequence[float]) -> list[float]:
        return wide_sum(self.engine, a, b)
