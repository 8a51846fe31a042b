"""`arrays`: float64 numpy arrays for checking gradient code, built on `hypothesis.extra.numpy`.

Re-exported by `autograd.strategies`; like it, imported only by tests (it imports hypothesis).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.extra import numpy as hnp

from autograd.validation import is_int, is_number

__all__ = ["arrays"]


def arrays(
    shape: int | tuple[int, ...] | st.SearchStrategy[tuple[int, ...]],
    *,
    min_value: float = -2.0,
    max_value: float = 2.0,
    away_from: Sequence[float] = (),
    margin: float = 1e-3,
) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of `shape` (an int, a tuple, or a strategy such as
    ``hypothesis.extra.numpy.array_shapes()``) with elements in [min_value, max_value], each
    farther than `margin` from every point of `away_from`: a kink or a pole (0 for `relu`
    and `abs`), where a derivative check could only be inconclusive. Keep `margin` above the
    check's eps.

    >>> from hypothesis import given
    >>> @given(arrays((3, 2), away_from=[0.0]))
    ... def test_relu_backward(W): ...
    """
    if not isinstance(shape, st.SearchStrategy):
        dims = (shape,) if isinstance(shape, int) else shape
        if not isinstance(dims, tuple) or not all(is_int(n) and int(n) >= 0 for n in dims):
            raise InvalidArgument(f"shape={shape!r} must be an int >= 0, a tuple of them, or a strategy")
    for name, bound in (("min_value", min_value), ("max_value", max_value), ("margin", margin)):
        if not (is_number(bound) and math.isfinite(bound)):
            raise InvalidArgument(f"{name}={bound!r} must be a finite number")
    if min_value >= max_value:
        raise InvalidArgument(f"min_value={min_value!r} must be < max_value={max_value!r}")
    if margin < 0:
        raise InvalidArgument(f"margin={margin!r} must be >= 0")
    if isinstance(away_from, (str, bytes)) or not all(is_number(p) and math.isfinite(p) for p in away_from):
        raise InvalidArgument(f"away_from={away_from!r} must be a sequence of finite numbers")
    points = tuple(float(p) for p in away_from)
    elements = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    if points:
        elements = elements.filter(lambda x: all(abs(x - p) > margin for p in points))
    return hnp.arrays(np.float64, shape, elements=elements)
