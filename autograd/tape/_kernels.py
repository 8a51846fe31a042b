"""Each op of the engine over whole rows, from its row of `autograd.ops.OPS`: the table's own
formulas run on numpy arrays (so results agree with the engine to rounding).

A kernel takes its operand rows and which of them are constants (no derivative is computed
for those), and returns the result rows and one row of local derivatives per operand (None
for a constant). Wherever the engine raises, some result or derivative here is inf or nan,
which the replay's `np.errstate` turns into an error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import numpy as np
from numpy.typing import NDArray

from autograd.ops import OPS, Op

Array = NDArray[np.float64]
Locals = list[Array | None]
Kernel = Callable[[Sequence[Array], Sequence[bool]], tuple[Array, Locals]]


class _Arrays:
    """The table's functions on numpy arrays (see `autograd.ops`)."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    log1p = staticmethod(np.log1p)
    tanh = staticmethod(np.tanh)
    sqrt = staticmethod(np.sqrt)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    abs = staticmethod(np.abs)
    where = staticmethod(np.where)
    gt = staticmethod(np.greater)
    ge = staticmethod(np.greater_equal)
    lt = staticmethod(np.less)
    div = staticmethod(np.divide)  # 0.5 / 0 is inf, a float error the replay allows for singular ops

    def __repr__(self) -> str:
        return "ARRAYS"


ARRAYS = _Arrays()


def _kernel(op: Op, x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    out = op.forward(ARRAYS, *x)
    locals_: Locals = []
    for derivative, constant in zip(op.derivatives, const):
        if constant:
            locals_.append(None)
            continue
        local = derivative(ARRAYS, *x, out)  # a constant derivative (1, -1, ½) is a plain float
        locals_.append(local if isinstance(local, np.ndarray) else np.full_like(out, local))
    return out, locals_


def _pow0(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:  # x ** 0: 1, derivative 0
    return np.ones_like(x[0]), [None if const[0] else np.zeros_like(x[0]), None]


def _identity(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0].copy(), [np.ones_like(x[0])]


def _detach(x: Sequence[Array], const: Sequence[bool]) -> tuple[Array, Locals]:
    return x[0].copy(), [None]  # no gradient flows back


def logsumexp_rows(x: Array) -> tuple[Array, Array]:
    """`autograd.logsumexp` of each row of operands (x: steps × K × batch): m + log Σ_k e^{x_k − m},
    m the largest, the terms added in order as the engine adds them; and the local derivatives,
    softmax(x)_k = e^{x_k − m} · (1 / Σ), the product the engine's backward forms along e^x."""
    m = x.max(axis=1)
    exps = np.exp(x - m[:, None])
    total = exps.sum(axis=1)
    return np.log(total) + m, exps * (1.0 / total)[:, None]


KERNELS: dict[str, Kernel] = {name: partial(_kernel, op) for name, op in OPS.items()}
KERNELS |= {"pow0": _pow0, "id": _identity, "detach": _detach}  # the tape's own codes
