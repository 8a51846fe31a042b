"""Each op of the engine over whole rows: its results and its local derivatives, computed
with the engine's own formulas (so results agree with it to rounding) on numpy arrays.

A kernel takes its operand rows and which of them are constants (no derivative is computed
for those), and returns the result rows and one row of local derivatives per operand (None
for a constant). It computes the engine's domain checks too: wherever the engine raises,
some result or derivative here is inf or nan, which `np.errstate` turns into an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Locals = list[Array | None]
Kernel = Callable[[Sequence[Array], Sequence[bool]], tuple[Array, Locals]]


def _add(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    one = np.ones_like(x[0])
    return x[0] + x[1], [None if const[0] else one, None if const[1] else one]


def _sub(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0] - x[1], [None if const[0] else np.ones_like(x[0]), None if const[1] else -np.ones_like(x[0])]


def _mul(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0] * x[1], [None if const[0] else x[1], None if const[1] else x[0]]


def _div(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    a, b = x
    q = a / b
    return q, [None if const[0] else 1.0 / b, None if const[1] else -q / b]


def _pow(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    a, b = x
    out = a**b
    # a Value exponent needs a > 0 (d/db = a**b·ln a): the log is computed even when no
    # gradient is needed, so a base <= 0 raises as it does on the engine
    return out, [None if const[0] else b * a ** (b - 1.0), None if const[1] else out * np.log(a)]


def _pow0(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:  # x ** 0
    return np.ones_like(x[0]), [None if const[0] else np.zeros_like(x[0]), None]


def _exp(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    out = np.exp(x[0])
    return out, [out]


def _log(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return np.log(x[0]), [1.0 / x[0]]


def _tanh(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    e = np.exp(-2.0 * np.abs(x[0]))
    return np.tanh(x[0]), [4.0 * e / ((1.0 + e) * (1.0 + e))]


def _sigmoid(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    e = np.exp(-np.abs(x[0]))
    s = np.where(x[0] >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s, [e / ((1.0 + e) * (1.0 + e))]


def _relu(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    positive = x[0] > 0.0
    return np.where(positive, x[0], 0.0), [positive.astype(np.float64)]


def _neg(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return -x[0], [np.full_like(x[0], -1.0)]


def _abs(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return np.abs(x[0]), [np.where(x[0] > 0.0, 1.0, np.where(x[0] < 0.0, -1.0, 0.0))]


def _sqrt(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    out = np.sqrt(x[0])  # a negative argument is invalid, and 0.5 / 0 divides by zero
    return out, [0.5 / out]


def _log1p(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return np.log1p(x[0]), [1.0 / (1.0 + x[0])]


def _softplus(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    e = np.exp(-np.abs(x[0]))
    sigma = np.where(x[0] >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))
    return np.where(x[0] > 0.0, x[0], 0.0) + np.log1p(e), [sigma]


def _maximum(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    a, b = x
    larger, smaller = a > b, a < b  # at a tie each operand gets half the gradient
    da = np.where(larger, 1.0, np.where(smaller, 0.0, 0.5))
    return np.where(a >= b, a, b), [None if const[0] else da, None if const[1] else 1.0 - da]


def _identity(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0].copy(), [np.ones_like(x[0])]


def _detach(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0].copy(), [None]  # no gradient flows back


KERNELS: dict[str, Kernel] = {
    "+": _add,
    "-": _sub,
    "*": _mul,
    "/": _div,
    "**": _pow,
    "pow0": _pow0,
    "exp": _exp,
    "log": _log,
    "tanh": _tanh,
    "sigmoid": _sigmoid,
    "relu": _relu,
    "neg": _neg,
    "abs": _abs,
    "sqrt": _sqrt,
    "log1p": _log1p,
    "softplus": _softplus,
    "maximum": _maximum,
    "id": _identity,
    "detach": _detach,
}
