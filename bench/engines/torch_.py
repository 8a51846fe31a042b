"""PyTorch on 0-dim float64 tensors, one thread, for the shared workloads (bench/workloads.py)."""

from collections.abc import Sequence
from typing import Any

import torch

torch.set_num_threads(1)


def leaf(x: float) -> Any:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def sigmoid(v: Any) -> Any:
    return torch.sigmoid(v)


def value(v: Any) -> float:
    return float(v.item())


def grad(v: Any) -> float:
    return float(v.grad.item())


def zero_grad(params: Sequence[Any]) -> None:
    for p in params:  # torch.optim's default, set_to_none=True
        p.grad = None


def sgd(params: Sequence[Any], lr: float) -> None:
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
