"""Optimizers in order of increasing complexity, with PyTorch's names and signatures.

Each holds its parameters and learning rate in the base class; a subclass is a short
`step()` (state, when an optimizer needs some, goes in lists parallel to `params`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from autograd import Value

__all__ = ["SGD", "Optimizer"]


class Optimizer:
    """Base class: validates and holds `params` and `lr`; `zero_grad()` zeroes the params' grads."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = list(params)
        if not self.params:
            raise ValueError("optimizer got an empty parameter list")
        for p in self.params:
            if not isinstance(p, Value):
                raise TypeError(f"parameters must be Values, got {type(p).__name__}: {p!r}")
        if len({id(p) for p in self.params}) != len(self.params):  # it would be updated twice
            raise ValueError("a parameter appears more than once in the parameter list")
        self.lr = _hyperparameter(lr, "lr")

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r})"


class SGD(Optimizer):
    """Plain gradient descent: p ← p − lr·∂loss/∂p."""

    def step(self) -> None:
        for p in self.params:
            p.set_data(_finite_update(p, p.data - self.lr * p.grad))


def _hyperparameter(x: float, name: str) -> float:
    """`x` as a float if it is a finite number >= 0."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{name} must be an int or float, got {type(x).__name__}: {x!r}")
    if not math.isfinite(x) or x < 0.0:
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


def _finite_update(p: Value, new: float) -> float:
    # float arithmetic overflows to inf silently: a diverging run must say so instead
    if not math.isfinite(new):
        raise OverflowError(
            f"the update of {p!r} gives {new!r}: training diverged (learning rate too large?)"
        )
    return new
