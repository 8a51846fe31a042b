"""A model's outputs over a whole batch, from its graph traced once (`autograd.trace`), so that
evaluation computes what the model computes: no second copy of a forward pass in numpy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from autograd import Tape, Value, trace
from autograd.errors import StaleTapeError

__all__ = ["BatchOutputs"]


class BatchOutputs:
    """``BatchOutputs(model)(*batch)``: ``model(*example)`` for every example of the batch, as
    a float64 array with one row per example (one column per output of a model returning a
    list of Values, such as class scores; one number per example for a model returning one
    Value, such as a rating). Each batch argument is an array whose first axis is the batch.

    The model is traced on the first example of the first batch; it is traced again when the
    inputs' shapes change or the tape says the model changed since (a StaleTapeError).
    """

    def __init__(self, model: Any) -> None:
        if not callable(model):
            raise TypeError(f"BatchOutputs: model must be callable, got {type(model).__name__}: {model!r}")
        self.model = model
        self._tape: Tape | None = None
        self._shapes: tuple[object, ...] = ()

    def __repr__(self) -> str:
        return f"BatchOutputs({self.model!r})"

    def __call__(self, *batch: Any) -> NDArray[np.float64]:
        arrays = [np.asarray(a) for a in batch]
        if not arrays or not len(arrays[0]):
            raise ValueError(f"BatchOutputs: give a batch of at least one example, got {batch!r}")
        shapes = tuple((a.dtype.kind, a.shape[1:]) for a in arrays)
        if self._tape is None or shapes != self._shapes:
            self._tape, self._shapes = self._trace(arrays), shapes
        try:
            return self._tape.outputs(*arrays)
        except StaleTapeError:  # the model changed since it was traced: trace it again
            self._tape = self._trace(arrays)
            return self._tape.outputs(*arrays)

    def _trace(self, arrays: Sequence[NDArray[Any]]) -> Tape:
        model = self.model

        def outputs(*example: Any) -> Value | list[Value]:
            out = model(*example)
            return out if isinstance(out, Value) else list(out)

        return trace(outputs, *(a[0].tolist() for a in arrays))
