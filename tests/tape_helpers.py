"""What the tape's tests share: the dynamic engine's batch mean and gradients (the tape's
specification), the comparison to 1e-12, and small networks built from engine ops."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd import Value, maximum, select

TOLERANCE = 1e-12


def dynamic_mean(
    fn: Callable[..., Value], params: Sequence[Value], batch: Sequence[Sequence[Any]]
) -> tuple[float, list[float]]:
    """The mean of fn over the batch on the dynamic engine, and d(mean)/d(p) for each parameter
    (each batch argument is a list over examples; floats become Values, ints stay indices)."""
    saved = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    size = len(batch[0])
    losses = [fn(*(_leaf(arg[i]) for arg in batch)) for i in range(size)]
    mean = sum(losses, Value(0.0)) * (1.0 / size)
    mean.backward()
    grads = [p.grad for p in params]
    for p, g in zip(params, saved):
        p.grad = g
    return mean.data, grads


def _leaf(x: Any) -> Any:
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return Value(x)
    return [_leaf(item) for item in x]


def tape_mean(tape: Any, params: Sequence[Value], batch: Sequence[Any]) -> tuple[float, list[float]]:
    """tape.backward's mean and the gradient it added to each parameter."""
    before = [p.grad for p in params]
    mean = tape.backward(*batch)
    return mean, [p.grad - b for p, b in zip(params, before)]


def assert_agree(got: tuple[float, list[float]], want: tuple[float, list[float]]) -> None:
    """Loss and every gradient within 1e-12 relative (a gradient relative to the largest of
    them, at least 1: a sum that cancels to nearly 0 keeps its rounding of the larger terms)."""
    assert math.isclose(got[0], want[0], rel_tol=TOLERANCE, abs_tol=TOLERANCE), (got[0], want[0])
    scale = max([1.0, *map(abs, want[1])])
    assert len(got[1]) == len(want[1])
    for i, (a, b) in enumerate(zip(got[1], want[1])):
        assert abs(a - b) <= TOLERANCE * scale, (i, a, b)


def mlp(params: Sequence[Value], sizes: Sequence[int], x: Sequence[Any]) -> list[Value]:
    """A relu MLP with a linear last layer; the weights and biases taken from `params` in order."""
    i = 0
    for depth, (nin, nout) in enumerate(itertools.pairwise(sizes)):
        out = []
        for _ in range(nout):
            out.append(sum((w * xi for w, xi in zip(params[i : i + nin], x)), params[i + nin]))
            i += nin + 1
        x = [a.relu() for a in out] if depth < len(sizes) - 2 else out
    return list(x)


def cross_entropy(logits: Sequence[Value], target: Any) -> Value:
    """-log softmax(logits)[target], from engine ops only: max through `maximum`, so it traces."""
    m = logits[0]
    for z in logits[1:]:
        m = maximum(m, z)
    shifted = [z - m for z in logits]
    log_sum = sum((z.exp() for z in shifted), Value(0.0)).log()
    picked: Value = select(shifted, target)
    return log_sum - picked
