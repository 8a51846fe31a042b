"""The course network's learning-rate sweep on the engine: plain SGD on E_total, recorded
epoch by epoch in the spreadsheet's layout (`chainrule.closed_form.train` is its engine-free twin)."""

from __future__ import annotations

from collections.abc import Sequence

from chainrule.spreadsheet import (
    DEFAULT_EPOCHS,
    DEFAULT_INPUTS,
    DEFAULT_LEARNING_RATES,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    FORWARD_NAMES,
    GRADIENT_NAMES,
    WEIGHT_NAMES,
    EpochRecord,
    check_epochs,
    finite_floats,
)
from nn.optim import SGD
from nn.teaching import TeachingNetwork, teaching_network

__all__ = ["sweep", "train"]


def train(
    lr: float,
    *,
    epochs: int = DEFAULT_EPOCHS,
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
) -> list[EpochRecord]:
    """`epochs` updates of plain SGD on E_total; one record per epoch, epoch 0 the untrained network."""
    epochs = check_epochs(epochs)
    weights = finite_floats(weights, 8, "weights")  # new Values below: the caller's stay as they are
    network = teaching_network(inputs, weights, targets)
    optimizer = SGD(network.weights, lr=lr)
    records = []
    for epoch in range(epochs + 1):
        network = teaching_network(inputs, network.weights, targets)
        optimizer.zero_grad()
        network.loss.backward()
        records.append(_record(network, optimizer.lr, epoch))
        if epoch < epochs:
            optimizer.step()
    return records


def sweep(
    learning_rates: Sequence[float] = DEFAULT_LEARNING_RATES,
    *,
    epochs: int = DEFAULT_EPOCHS,
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
) -> list[list[EpochRecord]]:
    """`train` from the same start at each learning rate: one trace per rate, in order."""
    if isinstance(learning_rates, (str, bytes)) or not isinstance(learning_rates, Sequence):
        raise TypeError(f"learning_rates must be a sequence of numbers, got {learning_rates!r}")
    if not learning_rates:
        raise ValueError("learning_rates is empty")
    return [
        train(lr, epochs=epochs, inputs=inputs, weights=weights, targets=targets) for lr in learning_rates
    ]


def _record(network: TeachingNetwork, lr: float, epoch: int) -> EpochRecord:
    """The network's numbers after `backward()`: its nodes' data and the weights' gradients."""
    values = {name: network.nodes[name].data for name in (*WEIGHT_NAMES, *FORWARD_NAMES)}
    values.update(zip(GRADIENT_NAMES, (w.grad for w in network.weights), strict=True))
    return EpochRecord(lr, epoch, values)
