"""Finite-difference checks of `backward()`, with PyTorch's gradcheck signature."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from autograd.engine import Value, _check_number, no_grad
from autograd.functional import call, value_and_grad


class GradcheckError(RuntimeError):
    """An analytic gradient disagrees with its numerical estimate."""

    def __init__(self, index: int, analytic: float, numerical: float) -> None:
        super().__init__(
            f"gradient of input {index} is wrong: backward() gives {analytic!r}, "
            f"central differences give {numerical!r}"
        )
        self.index = index
        self.analytic = analytic
        self.numerical = numerical

    def __repr__(self) -> str:
        return f"GradcheckError(index={self.index}, analytic={self.analytic!r}, numerical={self.numerical!r})"


def numerical_gradient(
    f: Callable[..., Value], inputs: Sequence[float | Value], *, eps: float = 1e-6
) -> tuple[float, ...]:
    """Central differences (f(x + eps) - f(x - eps)) / 2eps for each input, in float64."""
    xs = _floats(inputs)
    eps = _positive(eps, "eps")

    def at(i: int, step: float) -> float:
        shifted = [Value(x + step) if j == i else Value(x) for j, x in enumerate(xs)]
        with no_grad():
            return call(f, shifted).data

    return tuple((at(i, eps) - at(i, -eps)) / (2.0 * eps) for i in range(len(xs)))


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[float | Value],
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check `backward()` on `f` at `inputs` against central differences.

    Each input passes when |analytic - numerical| <= atol + rtol * |numerical|. Returns
    True, or raises `GradcheckError` naming the first failing input (returns False
    instead when `raise_exception=False`). Like PyTorch's, `inputs` may be plain numbers.
    """
    xs = _floats(inputs)
    atol = _non_negative(atol, "atol")
    rtol = _non_negative(rtol, "rtol")
    numerical = numerical_gradient(f, xs, eps=eps)
    _, analytic = value_and_grad(f)(*xs)
    for i, (a, num) in enumerate(zip(analytic, numerical)):
        if not abs(a - num) <= atol + rtol * abs(num):
            if raise_exception:
                raise GradcheckError(i, a, num)
            return False
    return True


def _floats(inputs: Sequence[float | Value]) -> list[float]:
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Sequence):
        raise TypeError(f"inputs must be a sequence of numbers or Values, got {inputs!r}")
    return [
        x.data if isinstance(x, Value) else _check_number(x, f"inputs[{i}]") for i, x in enumerate(inputs)
    ]


def _non_negative(x: float, name: str) -> float:
    x = _check_number(x, name)
    if x < 0.0:
        raise ValueError(f"{name} must be >= 0, got {x!r}")
    return x


def _positive(x: float, name: str) -> float:
    x = _check_number(x, name)
    if x <= 0.0:
        raise ValueError(f"{name} must be > 0, got {x!r}")
    return x
