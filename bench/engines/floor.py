"""The floor: every workload in plain floats with hand-derived gradients, no graph at all.

No graph-building engine can beat it; it says how much of an engine's time is the graph.
Module-level functions with the interface of `bench.workloads.GraphWorkloads`.
"""

import math
import operator
from collections.abc import Sequence

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


class Moons:
    """The moons MLP with backpropagation written out: per point, forward then backward."""

    def __init__(
        self, weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]
    ):
        self.params = list(weights)
        self.layout = split_layers(range(len(self.params)))  # per neuron: (weight indices, bias index)
        self.points = points
        self.labels = labels

    def __repr__(self) -> str:
        return f"floor.Moons({len(self.params)} params, {len(self.points)} points)"

    def step(self, lr: float) -> float:
        p, grads, last = self.params, [0.0] * len(self.params), len(self.layout) - 1
        scale = 1.0 / len(self.points)
        losses = []
        for x, y in zip(self.points, self.labels):
            inputs, pre = [list(x)], []  # per layer: its inputs, its pre-activations
            for depth, layer in enumerate(self.layout):
                zs = [sum((p[w] * xi for w, xi in zip(ws, inputs[-1])), p[b]) for ws, b in layer]
                pre.append(zs)
                inputs.append([max(z, 0.0) for z in zs] if depth < last else zs)
            margin = 1.0 - y * inputs[-1][0]
            losses.append(max(margin, 0.0))
            if margin <= 0.0:
                continue  # relu's flat side: this point adds no gradient
            upstream = [-y * scale]  # d(loss)/d(score)
            for depth in range(last, -1, -1):
                layer, below = self.layout[depth], [0.0] * len(inputs[depth])
                for (ws, b), dz, z in zip(layer, upstream, pre[depth]):
                    if depth < last and z <= 0.0:
                        continue
                    grads[b] += dz
                    for k, w in enumerate(ws):
                        grads[w] += dz * inputs[depth][k]
                        below[k] += dz * p[w]
                upstream = below
        loss = sum(losses) * scale + MOONS_REG * sum(weight * weight for weight in p)
        for i, weight in enumerate(p):
            p[i] = weight - lr * (grads[i] + 2.0 * MOONS_REG * weight)
        return loss

    def weights(self) -> list[float]:
        return list(self.params)


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels)


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _teaching_step(w: list[float]) -> tuple[float, list[float]]:
    """E_total and ∂E/∂w1…w8 from the course's closed-form chain-rule formulas."""
    (i1, i2), (t1, t2) = TEACHING_INPUTS, TEACHING_TARGETS
    a_h1 = _sigmoid(w[0] * i1 + w[1] * i2)
    a_h2 = _sigmoid(w[2] * i1 + w[3] * i2)
    a_o1 = _sigmoid(w[4] * a_h1 + w[5] * a_h2)
    a_o2 = _sigmoid(w[6] * a_h1 + w[7] * a_h2)
    loss = 0.5 * (t1 - a_o1) ** 2 + 0.5 * (t2 - a_o2) ** 2
    d_o1 = (a_o1 - t1) * a_o1 * (1.0 - a_o1)  # ∂E/∂o1
    d_o2 = (a_o2 - t2) * a_o2 * (1.0 - a_o2)
    d_h1 = (d_o1 * w[4] + d_o2 * w[6]) * a_h1 * (1.0 - a_h1)  # ∂E/∂h1
    d_h2 = (d_o1 * w[5] + d_o2 * w[7]) * a_h2 * (1.0 - a_h2)
    grads = [d_h1 * i1, d_h1 * i2, d_h2 * i1, d_h2 * i2, d_o1 * a_h1, d_o1 * a_h2, d_o2 * a_h1, d_o2 * a_h2]
    return loss, grads


def seed_sweep(lrs: Sequence[float], epochs: int) -> list[float]:
    """Per learning rate: E_total after `epochs` SGD updates, then the eight weights."""
    results = []
    for lr in lrs:
        w = list(TEACHING_WEIGHTS)
        for _ in range(epochs):
            _, grads = _teaching_step(w)
            w = [wi - lr * g for wi, g in zip(w, grads)]
        results.append(_teaching_step(w)[0])
        results.extend(w)
    return results


def chain(n: int) -> tuple[float, int]:
    """Nothing to build: x0 and the step count."""
    return CHAIN_X0, n


def chain_backward(graph: tuple[float, int]) -> list[float]:
    """x_n and dx_n/dx0 = 1.0001ⁿ, the product taken in backward's order."""
    x, n = graph
    dx = 1.0
    for _ in range(n):
        x = x * CHAIN_MUL + CHAIN_ADD
        dx *= CHAIN_MUL
    return [x, dx]


def wide_sum(a: Sequence[float], b: Sequence[float]) -> list[float]:
    """Σ a_i·b_i with the engines' tree; ∂/∂a_i = b_i and ∂/∂b_i = a_i."""
    total = pairwise_sum([x * y for x, y in zip(a, b)], operator.add)
    return [total, checksum(b), checksum(a)]
