"""`weighted_sum`: a neuron's w1·x1 + w2·x2 + … (+ b), one step of a tape when traced."""

from __future__ import annotations

from collections.abc import Sequence
from threading import get_ident
from typing import Any

from autograd.engine import Value

__all__ = ["weighted_sum"]


def weighted_sum(weights: Sequence[Any], inputs: Sequence[Any], bias: Any = None) -> Value:
    """w1·x1 + w2·x2 + … (+ bias), the products added left to right as Python's `sum()` adds
    them: on the dynamic engine its graph and numbers are exactly those of
    ``sum([w * x for w, x in zip(weights, inputs)] + [bias])``.

    Inside `autograd.trace`, when the weights are parameters (Values the traced function did
    not create) and the inputs are Values computed from its inputs, it is one step of the tape
    rather than two per weight: a row of a matrix product, so that a layer's neurons replay as
    one product and a 784-input layer traces in a fraction of the time. Otherwise (a weight
    the function computed, an input used twice, a plain number) it builds the engine's graph
    there too.
    """
    from autograd.tape import _trace  # (no cycle at import time: the tape imports the engine)

    tracer = _trace._active.get(get_ident())
    if tracer is not None:
        out = tracer.weighted_sum(weights, inputs, bias)
        if out is not None:
            return out
    terms = [w * x for w, x in zip(weights, inputs, strict=True)]
    if bias is not None:
        terms.append(bias)
    if not terms:
        raise ValueError("weighted_sum: give at least one weight and input, or a bias")
    total: Value = sum(terms[1:], start=terms[0])
    return total
