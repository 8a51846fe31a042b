"""micrograd 0.1.0's `Value` for the shared workloads (bench/workloads.py).

micrograd has no sigmoid: `sigmoid` adds one in micrograd's own style (a `_backward`
closure), here rather than in either library. micrograd has no type hints: Any throughout.
"""

import math
from collections.abc import Sequence
from typing import Any

from micrograd.engine import Value


def leaf(x: float) -> Any:
    return Value(x)


def sigmoid(v: Any) -> Any:
    s = 1 / (1 + math.exp(-v.data))
    out = Value(s, (v,), "sigmoid")

    def _backward() -> None:
        v.grad += s * (1 - s) * out.grad

    out._backward = _backward
    return out


def value(v: Any) -> float:
    return float(v.data)


def grad(v: Any) -> float:
    return float(v.grad)


def zero_grad(params: Sequence[Any]) -> None:
    for p in params:  # as micrograd's Module.zero_grad
        p.grad = 0


def sgd(params: Sequence[Any], lr: float) -> None:
    for p in params:
        p.data -= lr * p.grad
