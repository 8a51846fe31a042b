"""The teaching network in plain floats, from the chain-rule formulas: independent of the engine.

It is the reference the engine is tested against, so it imports nothing from `autograd`
and writes every derivative out by hand, as the course derives them:

    ∂E/∂w5 = (a_o1 − t1)·a_o1·(1 − a_o1)·a_h1    (w6: a_h2; w7, w8: the same with o2, t2)
    ∂E/∂a_h1 = (a_o1 − t1)·a_o1·(1 − a_o1)·w5 + (a_o2 − t2)·a_o2·(1 − a_o2)·w7
    ∂E/∂w1 = ∂E/∂a_h1·a_h1·(1 − a_h1)·i1        (w2: i2; w3, w4: the same through a_h2)
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from autograd.validation import check_int, check_number, finite_floats
from chainrule.spreadsheet import (
    DEFAULT_EPOCHS,
    DEFAULT_INPUTS,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    GRADIENT_NAMES,
    WEIGHT_NAMES,
    EpochRecord,
)

__all__ = ["forward", "gradients", "sigmoid", "train"]


def sigmoid(x: float) -> float:
    """1 / (1 + e^−x), written so that exp never overflows."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def forward(
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
) -> dict[str, float]:
    """Every node of the forward pass by name: h1, h2, a_h1, a_h2, o1, o2, a_o1, a_o2, E1, E2, E_total."""
    i1, i2 = finite_floats(inputs, 2, "inputs")
    w1, w2, w3, w4, w5, w6, w7, w8 = finite_floats(weights, 8, "weights")
    t1, t2 = finite_floats(targets, 2, "targets")
    h1 = w1 * i1 + w2 * i2
    h2 = w3 * i1 + w4 * i2
    a_h1, a_h2 = sigmoid(h1), sigmoid(h2)
    o1 = w5 * a_h1 + w6 * a_h2
    o2 = w7 * a_h1 + w8 * a_h2
    a_o1, a_o2 = sigmoid(o1), sigmoid(o2)
    e1 = 0.5 * (t1 - a_o1) ** 2
    e2 = 0.5 * (t2 - a_o2) ** 2
    return {
        "h1": h1, "h2": h2, "a_h1": a_h1, "a_h2": a_h2, "o1": o1, "o2": o2,
        "a_o1": a_o1, "a_o2": a_o2, "E1": e1, "E2": e2, "E_total": e1 + e2,
    }  # fmt: skip


def gradients(
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
) -> tuple[float, float, float, float, float, float, float, float]:
    """∂E_total/∂w1 … ∂E_total/∂w8."""
    i1, i2 = finite_floats(inputs, 2, "inputs")
    w5, w6, w7, w8 = finite_floats(weights, 8, "weights")[4:]  # w1…w4 enter only through a_h1, a_h2
    t1, t2 = finite_floats(targets, 2, "targets")
    f = forward(inputs, weights, targets)
    a_h1, a_h2, a_o1, a_o2 = f["a_h1"], f["a_h2"], f["a_o1"], f["a_o2"]
    # ∂E/∂o: the error's slope times the output sigmoid's slope
    delta_o1 = (a_o1 - t1) * a_o1 * (1.0 - a_o1)
    delta_o2 = (a_o2 - t2) * a_o2 * (1.0 - a_o2)
    # a hidden unit feeds both outputs: its derivative sums the two paths
    de_da_h1 = delta_o1 * w5 + delta_o2 * w7
    de_da_h2 = delta_o1 * w6 + delta_o2 * w8
    delta_h1 = de_da_h1 * a_h1 * (1.0 - a_h1)
    delta_h2 = de_da_h2 * a_h2 * (1.0 - a_h2)
    return (
        delta_h1 * i1, delta_h1 * i2, delta_h2 * i1, delta_h2 * i2,
        delta_o1 * a_h1, delta_o1 * a_h2, delta_o2 * a_h1, delta_o2 * a_h2,
    )  # fmt: skip


def train(
    lr: float,
    *,
    epochs: int = DEFAULT_EPOCHS,
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
) -> list[EpochRecord]:
    """`epochs` plain SGD updates w ← w − lr·∂E/∂w; one record per epoch, epoch 0 untrained."""
    lr = check_number(lr, "lr", min_value=0.0)
    epochs = check_int(epochs, "epochs", min_value=0)
    w = finite_floats(weights, 8, "weights")
    records = []
    for epoch in range(epochs + 1):
        grads = gradients(inputs, w, targets)
        values = dict(zip(WEIGHT_NAMES, w, strict=True))
        values.update(forward(inputs, w, targets))
        values.update(zip(GRADIENT_NAMES, grads, strict=True))
        records.append(EpochRecord(lr, epoch, values))
        w = tuple(wi - lr * gi for wi, gi in zip(w, grads, strict=True))
    return records
