"""The tape's array form: `value_and_grad(theta, *batch)` at the numbers `theta`, pure, against
the dynamic engine run with those numbers; `trace(..., params=...)` fixing their order."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pytest

from autograd import Value, trace
from autograd.errors import DomainError, StaleGraphError, TraceError
from tests.tape_helpers import assert_agree, dynamic_mean, mlp

SIZES = (3, 4, 2)


def network(seed: int = 0) -> tuple[list[Value], Any, list[list[float]], list[float]]:
    rng = np.random.default_rng(seed)
    count = sum((a + 1) * b for a, b in itertools.pairwise(SIZES))
    params = [Value(float(w)) for w in rng.uniform(-0.8, 0.8, count)]

    def loss(x, y):  # squared error of the first output, plus the second output's square
        first, second = mlp(params, SIZES, x)
        return (first - y) ** 2 + 0.5 * second * second

    xs = rng.uniform(-1.0, 1.0, (6, SIZES[0])).tolist()
    ys = rng.uniform(-1.0, 1.0, 6).tolist()
    return params, loss, xs, ys


def test_value_and_grad_at_other_numbers_is_the_engine_with_those_numbers_and_changes_nothing():
    params, loss, xs, ys = network()
    tape = trace(loss, xs[0], ys[0], params=params)
    assert tape.params == tuple(params)
    theta = np.array([p.data for p in params]) * 0.5 + 0.1
    before = [(p.data, p.grad) for p in params]
    got = tape.value_and_grad(theta, np.array(xs), np.array(ys))
    assert [(p.data, p.grad) for p in params] == before  # pure: no Value read or changed
    assert isinstance(got[1], np.ndarray) and got[1].shape == (len(params),)
    for p, x in zip(params, theta.tolist()):  # the reference: the engine at theta's numbers
        p.data = x
    want = dynamic_mean(loss, params, [xs, ys])
    assert_agree((got[0], got[1].tolist()), want)
    assert tape(np.array(xs), np.array(ys), params=theta * 2.0) != pytest.approx(want[0])
    assert tape(np.array(xs), np.array(ys), params=theta) == pytest.approx(want[0], rel=1e-12)


def test_an_array_training_loop_matches_the_value_loop_and_writes_back():
    params, loss, xs, ys = network(1)
    twin = [Value(p.data) for p in params]
    batch = (np.array(xs), np.array(ys))
    tape = trace(loss, xs[0], ys[0], params=params)
    theta = tape.parameter_data()
    for _ in range(5):
        _, grad = tape.value_and_grad(theta, *batch)
        theta -= 0.1 * grad
    old = loss([Value(x) for x in xs[0]], Value(ys[0]))
    tape.set_parameter_data(theta)
    assert [p.data for p in params] == theta.tolist()
    with pytest.raises(StaleGraphError):  # set_data: the graph built before is stale
        old.backward()
    params[:] = twin  # the same steps on the dynamic engine, through .grad
    for _ in range(5):
        for p in params:
            p.grad = 0.0
        dynamic = dynamic_mean(loss, params, [xs, ys])
        for p, g in zip(params, dynamic[1]):
            p.data -= 0.1 * g
    np.testing.assert_allclose(theta, [p.data for p in params], rtol=1e-12, atol=1e-14)


def test_without_params_the_order_is_the_tapes_and_parameter_data_follows_it():
    a, b = Value(2.0), Value(3.0)
    tape = trace(lambda x: b * x + a * a, 1.0)
    assert set(map(id, tape.params)) == {id(a), id(b)}
    order = [p.data for p in tape.params]
    assert tape.parameter_data().tolist() == order
    _, grad = tape.value_and_grad(tape.parameter_data(), np.array([1.0, 3.0]))
    want = {id(a): 2 * 2.0, id(b): 2.0}  # d/da a² = 2a; d/db mean(b·x) = mean(x)
    assert grad.tolist() == [want[id(p)] for p in tape.params]


def test_params_fix_the_order_and_must_hold_every_leaf_the_function_uses():
    a, b, unused = Value(2.0), Value(3.0), Value(7.0)
    tape = trace(lambda x: b * x + a * a, 1.0, params=[unused, a, b])
    assert tape.params == (unused, a, b)
    _, grad = tape.value_and_grad([7.0, 2.0, 3.0], np.array([1.0, 3.0]))
    assert grad.tolist() == [0.0, 4.0, 2.0]
    with pytest.raises(TraceError, match="not in params"):
        trace(lambda x: b * x + a * a, 1.0, params=[a])


@pytest.mark.parametrize(
    ("params", "error", "match"),
    [
        ({Value(1.0)}, TypeError, "list or tuple"),
        ([Value(1.0), 2.0], TypeError, r"params\[1\] must be a Value"),
        ([Value(1.0) + 1.0], ValueError, "result of an op"),
    ],
)
def test_bad_params_for_trace_are_refused(params, error, match):
    with pytest.raises(error, match=match):
        trace(lambda x: x * 2.0, 1.0, params=params)
    w = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        trace(lambda x: w * x, 1.0, params=[w, w])


@pytest.mark.parametrize(
    ("theta", "error", "match"),
    [
        ([1.0], ValueError, r"shape \(2,\)"),
        ([[1.0, 2.0]], ValueError, r"shape \(2,\)"),
        ([True, False], TypeError, "numbers"),
        ([Value(1.0), Value(2.0)], TypeError, "numbers"),
        ([1.0, float("nan")], ValueError, r"params\[1\] is nan"),
        ([1.0, float("inf")], ValueError, r"params\[1\] is inf"),
    ],
)
def test_bad_parameter_numbers_are_refused_and_change_nothing(theta, error, match):
    a, b = Value(2.0), Value(3.0)
    tape = trace(lambda x: a * x + b, 1.0, params=[a, b])
    with pytest.raises(error, match=match):
        tape.value_and_grad(theta, np.array([1.0]))
    with pytest.raises(error, match=match):
        tape.set_parameter_data(theta)
    assert (a.data, b.data) == (2.0, 3.0)
    assert tape.value_and_grad(np.array([1, 4]), np.array([2.0]))[0] == 6.0  # integers are numbers


def test_an_error_at_the_given_numbers_is_the_engines_error_at_those_numbers():
    w = Value(1.0)  # log(w·x) is fine at w = 1, not at w = -1
    tape = trace(lambda x: (w * x).log(), 1.0, params=[w])
    assert tape(np.array([1.0, 2.0])) == pytest.approx(np.log(2.0) / 2)
    with pytest.raises(DomainError, match="at example 0"):
        tape.value_and_grad([-1.0], np.array([1.0, 2.0]))
