"""chainrule's `Value` for the shared workloads (bench/workloads.py)."""

from collections.abc import Sequence

from autograd import Value


def leaf(x: float) -> Value:
    return Value(x)


def sigmoid(v: Value) -> Value:
    return v.sigmoid()


def value(v: Value) -> float:
    return v.data


def grad(v: Value) -> float:
    return v.grad


def zero_grad(params: Sequence[Value]) -> None:
    for p in params:
        p.grad = 0.0


def sgd(params: Sequence[Value], lr: float) -> None:
    for p in params:
        p.data -= lr * p.grad
