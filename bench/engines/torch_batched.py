"""PyTorch on whole batches: float64 matrices, one thread, its autograd and an SGD update
(`torch.optim.AdamW` for the MNIST-sized epoch)."""

from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - PyTorch's own name

from bench.engines._layers import flatten, unflatten
from bench.problems import DIGITS_SIZES, MNIST_ADAMW, MNIST_BATCH, MNIST_SIZES, MOONS_REG, MOONS_SIZES, Batch

torch.set_num_threads(1)


def _leaves(weights: Sequence[float], sizes: Sequence[int]) -> list[tuple[Any, Any]]:
    return [
        (torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
        for w, b in unflatten(weights, sizes)
    ]


def _mlp(layers: list[tuple[Any, Any]], x: Any) -> Any:
    for depth, (w, b) in enumerate(layers):
        x = x @ w.T + b
        if depth < len(layers) - 1:
            x = torch.relu(x)
    return x


def _sgd_step(layers: list[tuple[Any, Any]], loss: Any, lr: float) -> float:
    params = [p for layer in layers for p in layer]
    for p in params:  # torch.optim's default, set_to_none=True
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return float(loss.item())


def _weights(layers: list[tuple[Any, Any]]) -> list[float]:
    return flatten([(w.detach().numpy(), b.detach().numpy()) for w, b in layers])


class Moons:
    """micrograd's demo step on all 100 points at once."""

    def __init__(
        self, weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]
    ) -> None:
        self.layers = _leaves(weights, MOONS_SIZES)
        self.x = torch.tensor(points, dtype=torch.float64)
        self.y = torch.tensor(labels, dtype=torch.float64)

    def __repr__(self) -> str:
        return f"torch_batched.Moons({len(self.y)} points)"

    def step(self, lr: float) -> float:
        scores = _mlp(self.layers, self.x)[:, 0]
        data_loss = torch.relu(1.0 - self.y * scores).sum() * (1.0 / len(self.y))
        reg_loss = MOONS_REG * sum((p * p).sum() for layer in self.layers for p in layer)
        return _sgd_step(self.layers, data_loss + reg_loss, lr)

    def weights(self) -> list[float]:
        return _weights(self.layers)


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels)


class Digits:
    """lesson 5's Mnist_NN on a batch of digits at once: F.cross_entropy, SGD."""

    def __init__(self, weights: Sequence[float]) -> None:
        self.layers = _leaves(weights, DIGITS_SIZES)

    def __repr__(self) -> str:
        return "torch_batched.Digits()"

    def prepare(self, batches: list[Batch]) -> list[tuple[Any, Any]]:
        return [(torch.tensor(x, dtype=torch.float64), torch.tensor(c)) for x, c in batches]

    def step(self, batch: tuple[Any, Any], lr: float) -> float:
        x, classes = batch
        return _sgd_step(self.layers, F.cross_entropy(_mlp(self.layers, x), classes), lr)

    def weights(self) -> list[float]:
        return _weights(self.layers)


def digits(weights: Sequence[float]) -> Digits:
    return Digits(weights)


class Mnist:
    """784 → 50 → ReLU → 10 on batches of 64: F.cross_entropy, torch.optim.AdamW."""

    def __init__(self, weights: Sequence[float]) -> None:
        self.layers = _leaves(weights, MNIST_SIZES)
        self.optimizer = torch.optim.AdamW([p for layer in self.layers for p in layer], **MNIST_ADAMW)

    def __repr__(self) -> str:
        return "torch_batched.Mnist()"

    def epoch(self, images: Any, labels: Any) -> list[float]:
        x_all, y_all = torch.from_numpy(images), torch.from_numpy(labels)
        losses = []
        for start in range(0, len(y_all), MNIST_BATCH):
            x, classes = x_all[start : start + MNIST_BATCH], y_all[start : start + MNIST_BATCH]
            loss = F.cross_entropy(_mlp(self.layers, x), classes)
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            losses.append(float(loss.item()))
        return losses

    def weights(self) -> list[float]:
        return _weights(self.layers)


def mnist(weights: Sequence[float]) -> Mnist:
    return Mnist(weights)
