"""A batch's arguments as two arrays: the float inputs (one row per input element, one column
per example) and the integer inputs alike, checked against the traced example's shapes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd.tape._program import Input


def columns(
    inputs: Sequence[Input], batch: Sequence[Any], bounds: Sequence[int]
) -> tuple[NDArray[np.float64], NDArray[np.intp], int]:
    """(floats F × B, indices I × B, B) for a batch of B examples."""
    if len(batch) != len(inputs):
        raise TypeError(
            f"tape: takes {len(inputs)} batch argument(s), like the traced example; got {len(batch)}"
        )
    arrays = []
    size = -1
    for position, (spec, arg) in enumerate(zip(inputs, batch)):
        array = np.asarray(arg)
        shape = (spec.length,) if spec.length is not None else ()
        if array.ndim != 1 + len(shape) or array.shape[1:] != shape:
            want = "(batch,)" if spec.length is None else f"(batch, {spec.length})"
            raise ValueError(f"tape: batch argument {position} must have shape {want}, got {array.shape}")
        if size not in (-1, array.shape[0]):
            raise ValueError(f"tape: batch argument {position} holds {array.shape[0]} examples, not {size}")
        size = array.shape[0]
        arrays.append(array.reshape(size, spec.size).T)
    if size == 0:
        raise ValueError("tape: the batch is empty: the mean of no examples is not defined")
    floats = np.empty((sum(s.size for s in inputs if s.kind == "float"), size))
    indices = np.empty((sum(s.size for s in inputs if s.kind == "index"), size), dtype=np.intp)
    for position, (spec, array) in enumerate(zip(inputs, arrays)):
        rows = slice(spec.first, spec.first + spec.size)
        if spec.kind == "float":
            if array.dtype.kind not in "iuf":  # (not bools, complex numbers, objects, strings)
                raise TypeError(f"tape: batch argument {position} must hold real numbers, got {array.dtype}")
            floats[rows] = array
            bad = ~np.isfinite(floats[rows])
            if bad.any():
                example = int(np.flatnonzero(bad.any(axis=0))[0])
                raise ValueError(f"tape: batch argument {position} is not finite at example {example}")
        else:
            if array.dtype.kind not in "iu":
                raise TypeError(
                    f"tape: batch argument {position} must hold integers (indices), got {array.dtype}"
                )
            indices[rows] = array
            bad = (indices[rows] < 0) | (indices[rows] >= _bound_column(bounds, rows))
            if bad.any():
                row, example = (int(k[0]) for k in np.nonzero(bad))
                raise IndexError(
                    f"select: index must satisfy 0 <= index < {bounds[spec.first + row]}, got "
                    f"{int(indices[spec.first + row, example])} (at example {example} of the batch)"
                )
    return floats, indices, size


def _bound_column(bounds: Sequence[int], rows: slice) -> NDArray[np.intp]:
    """The bounds of the index rows `rows`, as a column to compare each example with."""
    return np.array(bounds[rows], dtype=np.intp)[:, None]
