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
    MOONS_REG,
    TEACHING_INPUTS,
    TEACHING_TARGETS,
    TEACHING_WEIGHTS,
    checksum,
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

    def score(self, x: Sequence[Any]) -> Any:
        last = len(self.layers) - 1
        for depth, layer in enumerate(self.layers):
            acts = [sum((w * xi for w, xi in zip(ws, x)), b) for ws, b in layer]
            x = [a.relu() for a in acts] if depth < last else acts
        return x[0]

    def step(self, lr: float) -> float:
        """One full-batch step: forward, zero_grad, backward, SGD update; returns the loss."""
        scores = [self.score(x) for x in self.points]
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

    def seed_sweep(self, lrs: Sequence[float], epochs: int) -> list[float]:
        return seed_sweep(self.engine, lrs, epochs)

    def chain(self, n: int) -> tuple[Any, Any]:
        return chain(self.engine, n)

    def chain_backward(self, graph: tuple[Any, Any]) -> list[float]:
        return chain_backward(self.engine, graph)

    def wide_sum(self, a: Sequence[float], b: Sequence[float]) -> list[float]:
        return wide_sum(self.engine, a, b)
