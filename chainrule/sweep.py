"""The course network's learning-rate sweep on the engine: plain SGD on E_total, recorded
epoch by epoch in the spreadsheet's layout (`chainrule.closed_form.train` is its engine-free twin)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.validation import check_int, finite_floats
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
    every: int = 1,
    on_epoch: Callable[[], object] | None = None,
) -> list[EpochRecord]:
    """`epochs` updates of plain SGD on E_total, recorded epoch by epoch: epoch 0 (the
    untrained network), every `every`-th epoch and the last (`every=epochs`: the first and
    the last only, for long runs). `on_epoch()` is called after each epoch (a progress bar)."""
    epochs = check_int(epochs, "epochs", min_value=0)
    every = check_int(every, "every", min_value=1)
    weights = finite_floats(weights, 8, "weights")  # new Values below: the caller's stay as they are
    network = teaching_network(inputs, weights, targets)
    optimizer = SGD(network.weights, lr=lr)
    records = []
    for epoch in range(epochs + 1):
        network = teaching_network(inputs, network.weights, targets)
        optimizer.zero_grad()
        network.loss.backward()
        if epoch % every == 0 or epoch == epochs:
            records.append(_record(network, optimizer.lr, epoch))
        if epoch < epochs:
            optimizer.step()
        if on_epoch is not None:
            on_epoch()
    return records


def sweep(
    learning_rates: Sequence[float] = DEFAULT_LEARNING_RATES,
    *,
    epochs: int = DEFAULT_EPOCHS,
    inputs: Sequence[float] = DEFAULT_INPUTS,
    weights: Sequence[float] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
    every: int = 1,
    on_epoch: Callable[[], object] | None = None,
) -> list[list[EpochRecord]]:
    """`train` from the same start at each learning rate: one trace per rate, in order."""
    if isinstance(learning_rates, (str, bytes)) or not isinstance(learning_rates, Sequence):
        raise TypeError(f"learning_rates must be a sequence of numbers, got {learning_rates!r}")
    if not learning_rates:
        raise ValueError("learning_rates is empty")
    return [
        train(
            lr, epochs=epochs, inputs=inputs, weights=weights, targets=targets, every=every, on_epoch=on_epoch
        )
        for lr in learning_rates
    ]


def _record(network: TeachingNetwork, lr: float, epoch: int) -> EpochRecord:
    """The network's numbers after `backward()`: its nodes' data and the weights' gradients."""
    values = {name: network.nodes[name].data for name in (*WEIGHT_NAMES, *FORWARD_NAMES)}
    values.update(zip(GRADIENT_NAMES, (w.grad for w in network.weights), strict=True))
    return EpochRecord(lr, epoch, values)
