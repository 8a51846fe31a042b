"""Finite-difference checks of `backward()`, with PyTorch's gradcheck signature."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence

from autograd.engine import Value, no_grad
from autograd.errors import DomainError, NonFiniteError
from autograd.functional import call, value_and_grad
from autograd.validation import check_flag, check_number, check_sequence

# the step must span this many float spacings of the input (of 1.0 below it): a smaller one
# makes the difference quotient mostly rounding
_MIN_SPACINGS = 16


class GradcheckError(RuntimeError):
    """An analytic gradient disagrees with its numerical estimate, or (`inconclusive`) the
    estimate's rounding error at this scale is too large to tell."""

    def __init__(
        self, index: int, analytic: float, numerical: float, *, inconclusive: bool = False, hint: str = ""
    ) -> None:
        if inconclusive:
            message = (
                f"gradient of input {index} could not be checked: backward() gives {analytic!r}, "
                f"central differences give {numerical!r}, but the difference quotient's rounding "
                f"error at this scale exceeds the tolerance{hint}"
            )
        else:
            message = (
                f"gradient of input {index} is wrong: backward() gives {analytic!r}, "
                f"central differences give {numerical!r}"
            )
        super().__init__(message)
        self.index = index
        self.analytic = analytic
        self.numerical = numerical
        self.inconclusive = inconclusive

    def __repr__(self) -> str:
        flag = ", inconclusive=True" if self.inconclusive else ""
        values = f"analytic={self.analytic!r}, numerical={self.numerical!r}"
        return f"GradcheckError(index={self.index}, {values}{flag})"


def numerical_gradient(
    f: Callable[..., Value], inputs: Sequence[float | Value], *, eps: float = 1e-6
) -> tuple[float, ...]:
    """Central differences (f(x + eps) - f(x - eps)) / 2eps for each input, in float64.

    The divisor is the step as floats represent it, (x + eps) - (x - eps). `eps` is absolute,
    as PyTorch's: it must span at least 16 float spacings of each input (of 1.0 for inputs
    below 1), else it is refused. A step that leaves the function's domain is an error that
    says so (the engine's own error is its cause).
    """
    xs = _floats(inputs)
    eps = _eps(eps, xs)
    return tuple(_central_difference(f, xs, i, eps)[0] for i in range(len(xs)))


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
    instead when `raise_exception=False`). Like PyTorch's, `inputs` may be plain numbers and
    `eps` is an absolute step (see `numerical_gradient`). Where the difference would pass
    once the estimate's rounding error (large when |f| is large next to the step: x² at
    1e10) is allowed for, the check is inconclusive rather than a verdict on backward():
    the error says so (`inconclusive=True`) and suggests an eps scaled to the input.
    """
    xs = _floats(inputs)
    eps = _eps(eps, xs)
    atol = check_number(atol, "atol", min_value=0.0)
    rtol = check_number(rtol, "rtol", min_value=0.0)
    check_flag(raise_exception, "raise_exception")
    _, analytic = value_and_grad(f)(*xs)
    for i, a in enumerate(analytic):
        numerical, rounding = _central_difference(f, xs, i, eps)
        allowed = atol + rtol * abs(numerical)
        if abs(a - numerical) <= allowed:
            continue
        if not raise_exception:
            return False
        if abs(a - numerical) <= allowed + rounding:
            scaled = _scaled_step(xs[i])
            hint = f" (about {rounding:.3g}): pass a larger eps, about {scaled:.3g}, or rescale the input"
            raise GradcheckError(i, a, numerical, inconclusive=True, hint=hint)
        raise GradcheckError(i, a, numerical)
    return True


def _central_difference(f: Callable[..., Value], xs: list[float], i: int, eps: float) -> tuple[float, float]:
    """The estimate of df/dx_i and a bound on its rounding error."""
    x = xs[i]
    high, low = x + eps, x - eps

    def at(shifted: float) -> float:
        args = [Value(shifted if j == i else v) for j, v in enumerate(xs)]
        try:
            with no_grad():
                return call(f, args).data
        except (ValueError, ArithmeticError) as error:
            if not _defined_at(f, xs):
                raise  # not the step's doing: the function fails at the inputs themselves
            kind = NonFiniteError if isinstance(error, OverflowError) else DomainError
            raise kind(
                f"the finite-difference step eps={eps!r} takes input {i} from {x!r} to {shifted!r}, "
                f"where the function fails ({error}): pass a smaller eps, below the distance from "
                f"{x!r} to the edge of the domain"
            ) from error

    f_high, f_low = at(high), at(low)
    step = high - low
    rounding = 4.0 * sys.float_info.epsilon * max(abs(f_high), abs(f_low)) / step
    return (f_high - f_low) / step, rounding


def _defined_at(f: Callable[..., Value], xs: list[float]) -> bool:
    try:
        with no_grad():
            call(f, [Value(x) for x in xs])
    except (ValueError, ArithmeticError):
        return False
    return True


def _eps(eps: object, xs: list[float]) -> float:
    step = check_number(eps, "eps", min_value=0.0, exclude_min=True)
    for i, x in enumerate(xs):
        smallest = _MIN_SPACINGS * math.ulp(max(1.0, abs(x)))
        if step < smallest:
            raise ValueError(
                f"eps={step!r} is too small for input {i} = {x!r}: the step must span at least "
                f"{_MIN_SPACINGS} float spacings there ({smallest:.3g}), else rounding is all it "
                f"measures; pass an eps scaled to the input, about {_scaled_step(x):.3g}"
            )
    return step


def _scaled_step(x: float) -> float:
    """The scale of the best central-difference step at x: ε^(1/3)·max(1, |x|)."""
    return math.pow(sys.float_info.epsilon, 1 / 3) * max(1.0, abs(x))


def _floats(inputs: Sequence[float | Value]) -> list[float]:
    items = check_sequence(inputs, "inputs")
    return [x.data if isinstance(x, Value) else check_number(x, f"inputs[{i}]") for i, x in enumerate(items)]
