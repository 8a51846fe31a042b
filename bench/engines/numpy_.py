"""numpy matrices with backpropagation written by hand, one whole batch at a time: the floor
of the batched engines, as bench/engines/floor.py is the scalar engines' floor."""

from collections.abc import Sequence

import numpy as np

from bench.engines._layers import Matrix, flatten, unflatten
from bench.problems import DIGITS_SIZES, MNIST_ADAMW, MNIST_BATCH, MNIST_SIZES, MOONS_REG, MOONS_SIZES, Batch

NumpyBatch = tuple[Matrix, np.ndarray]


def _forward(layers: list[tuple[Matrix, Matrix]], x: Matrix) -> tuple[list[Matrix], list[Matrix]]:
    """Each layer's input and pre-activation (relu hidden layers, linear last)."""
    inputs, pre = [x], []
    for depth, (w, b) in enumerate(layers):
        z = inputs[-1] @ w.T + b
        pre.append(z)
        inputs.append(np.maximum(z, 0.0) if depth < len(layers) - 1 else z)
    return inputs, pre


def _backward(
    layers: list[tuple[Matrix, Matrix]], inputs: list[Matrix], pre: list[Matrix], dz: Matrix
) -> list[tuple[Matrix, Matrix]]:
    """d(loss)/d(W) and d(loss)/d(b) per layer, from d(loss)/d(last pre-activation)."""
    grads = []
    for depth in range(len(layers) - 1, -1, -1):
        grads.append((dz.T @ inputs[depth], dz.sum(axis=0)))
        if depth > 0:
            dz = (dz @ layers[depth][0]) * (pre[depth - 1] > 0.0)  # relu passes where its input > 0
    return grads[::-1]


def _sgd(layers: list[tuple[Matrix, Matrix]], grads: list[tuple[Matrix, Matrix]], lr: float) -> None:
    for (w, b), (dw, db) in zip(layers, grads):
        w -= lr * dw
        b -= lr * db


class Moons:
    """micrograd's demo step on all 100 points at once."""

    def __init__(
        self, weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]
    ) -> None:
        self.layers = unflatten(weights, MOONS_SIZES)
        self.x = np.array(points, dtype=np.float64)
        self.y = np.array(labels, dtype=np.float64)

    def __repr__(self) -> str:
        return f"numpy_.Moons({len(self.y)} points)"

    def step(self, lr: float) -> float:
        inputs, pre = _forward(self.layers, self.x)
        margin = 1.0 - self.y * inputs[-1][:, 0]
        scale = 1.0 / len(self.y)
        penalty = sum(float((w * w).sum() + (b * b).sum()) for w, b in self.layers)
        loss = float(np.maximum(margin, 0.0).sum()) * scale + MOONS_REG * penalty
        dscore = np.where(margin > 0.0, -self.y * scale, 0.0)  # through the relu of the SVM loss
        grads = _backward(self.layers, inputs, pre, dscore[:, None])
        for (w, b), (dw, db) in zip(self.layers, grads):
            dw += 2.0 * MOONS_REG * w
            db += 2.0 * MOONS_REG * b
        _sgd(self.layers, grads, lr)
        return loss

    def weights(self) -> list[float]:
        return flatten(self.layers)


def moons(weights: Sequence[float], points: Sequence[tuple[float, float]], labels: Sequence[float]) -> Moons:
    return Moons(weights, points, labels)


class Digits:
    """lesson 5's Mnist_NN on a batch of digits at once: softmax cross-entropy, SGD."""

    def __init__(self, weights: Sequence[float]) -> None:
        self.layers = unflatten(weights, DIGITS_SIZES)

    def __repr__(self) -> str:
        return "numpy_.Digits()"

    def prepare(self, batches: list[Batch]) -> list[NumpyBatch]:
        return [(np.array(x, dtype=np.float64), np.array(c, dtype=np.intp)) for x, c in batches]

    def step(self, batch: NumpyBatch, lr: float) -> float:
        x, classes = batch
        inputs, pre = _forward(self.layers, x)
        loss, dlogits = _cross_entropy(inputs[-1], classes)
        _sgd(self.layers, _backward(self.layers, inputs, pre, dlogits), lr)
        return loss

    def weights(self) -> list[float]:
        return flatten(self.layers)


def digits(weights: Sequence[float]) -> Digits:
    return Digits(weights)


def _cross_entropy(logits: Matrix, classes: np.ndarray) -> tuple[float, Matrix]:
    """The batch's mean softmax cross-entropy and its gradient with respect to the logits."""
    rows = np.arange(len(classes))
    shifted = logits - logits.max(axis=1, keepdims=True)
    exps = np.exp(shifted)
    total = exps.sum(axis=1)
    loss = float((np.log(total) - shifted[rows, classes]).mean())
    dlogits = exps / total[:, None]  # softmax - one-hot, over the batch size
    dlogits[rows, classes] -= 1.0
    return loss, dlogits / len(classes)


class Mnist:
    """784 → 50 → ReLU → 10 on batches of 64, AdamW written out (PyTorch's formula and order)."""

    def __init__(self, weights: Sequence[float]) -> None:
        self.layers = unflatten(weights, MNIST_SIZES)
        self.m = [(np.zeros_like(w), np.zeros_like(b)) for w, b in self.layers]
        self.v = [(np.zeros_like(w), np.zeros_like(b)) for w, b in self.layers]
        self.t = 0

    def __repr__(self) -> str:
        return f"numpy_.Mnist(step {self.t})"

    def epoch(self, images: Matrix, labels: np.ndarray) -> list[float]:
        losses = []
        for start in range(0, len(labels), MNIST_BATCH):
            x, classes = images[start : start + MNIST_BATCH], labels[start : start + MNIST_BATCH]
            inputs, pre = _forward(self.layers, x)
            loss, dlogits = _cross_entropy(inputs[-1], classes)
            self._adamw(_backward(self.layers, inputs, pre, dlogits))
            losses.append(loss)
        return losses

    def _adamw(self, grads: list[tuple[Matrix, Matrix]]) -> None:
        lr, (beta1, beta2) = MNIST_ADAMW["lr"], MNIST_ADAMW["betas"]
        eps, decay = MNIST_ADAMW["eps"], MNIST_ADAMW["weight_decay"]
        self.t += 1
        correction1, correction2 = 1.0 - beta1**self.t, 1.0 - beta2**self.t
        for layer, grad, m_layer, v_layer in zip(self.layers, grads, self.m, self.v):
            for p, g, m, v in zip(layer, grad, m_layer, v_layer):
                p *= 1.0 - lr * decay
                m *= beta1
                m += (1.0 - beta1) * g
                v *= beta2
                v += (1.0 - beta2) * (g * g)
                p -= (lr / correction1) * (m / (np.sqrt(v) / np.sqrt(correction2) + eps))

    def weights(self) -> list[float]:
        return flatten(self.layers)


def mnist(weights: Sequence[float]) -> Mnist:
    return Mnist(weights)
