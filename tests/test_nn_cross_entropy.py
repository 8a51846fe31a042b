"""nn.losses.cross_entropy: the closed form, its gradient p − y, stability, and tracing."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, trace
from nn.losses import cross_entropy


def closed_form(scores: list[float], target: int) -> tuple[float, list[float]]:
    """(−log p_target, p − y) in plain floats, the max subtracted (math.fsum for the sum)."""
    m = max(scores)
    exps = [math.exp(s - m) for s in scores]
    total = math.fsum(exps)
    p = [e / total for e in exps]
    return math.log(total) - (scores[target] - m), [pi - (i == target) for i, pi in enumerate(p)]


@given(
    st.lists(st.floats(-30, 30), min_size=2, max_size=8).flatmap(
        lambda s: st.tuples(st.just(s), st.integers(0, len(s) - 1))
    )
)
def test_loss_and_gradient_match_the_closed_form(case):
    scores, target = case
    logits = [Value(s) for s in scores]
    loss = cross_entropy(logits, target)
    loss.backward()
    want, grads = closed_form(scores, target)
    assert loss.data == pytest.approx(want, rel=1e-12, abs=1e-12)
    assert [z.grad for z in logits] == pytest.approx(grads, rel=1e-9, abs=1e-12)


def test_logits_of_plus_minus_1000_are_exact():
    loss = cross_entropy([Value(1000.0), Value(-1000.0), Value(1000.0)], 1)
    assert loss.data == pytest.approx(2000.0 + math.log(2.0), rel=1e-15)


def test_it_traces_with_the_target_as_an_integer_input():
    w = [Value(0.5), Value(-1.0), Value(2.0)]

    def loss(x: Value, target: int) -> Value:
        return cross_entropy([wi * x for wi in w], target)

    tape = trace(loss, 0.3, 1)
    xs, targets = np.array([0.3, -2.0, 1.5]), np.array([1, 0, 2])
    dynamic = [loss(Value(x), int(t)).data for x, t in zip(xs, targets)]
    assert tape(xs, targets) == pytest.approx(np.mean(dynamic), rel=1e-12)


def test_bad_logits_are_a_type_error():
    with pytest.raises(TypeError, match="logits must be a non-empty list of Values"):
        cross_entropy([1.0, 2.0], 0)  # type: ignore[list-item]
    with pytest.raises(TypeError, match="logits"):
        cross_entropy([], 0)
