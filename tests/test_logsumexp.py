"""autograd.logsumexp: the engine's graph against closed forms, and its one fused step on the
tape against that graph (tests/tape_helpers.py: the dynamic engine is the tape's specification)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, logsumexp, no_grad, trace
from autograd.errors import TraceError
from nn.losses import cross_entropy
from nn.module import MLP
from tests.tape_helpers import assert_agree, dynamic_mean, tape_mean


def closed_form(xs: list[float]) -> tuple[float, list[float]]:
    """m + log Σ e^{x − m} with an exact sum, and softmax(x)."""
    m = max(xs)
    total = math.fsum(math.exp(x - m) for x in xs)
    return m + math.log(total), [math.exp(x - m) / total for x in xs]


logits = st.lists(st.floats(-800, 800), min_size=1, max_size=12)


@given(logits)
def test_value_and_gradient_are_the_closed_form(xs: list[float]) -> None:
    values = [Value(x) for x in xs]
    out = logsumexp(values)
    out.backward()
    value, softmax = closed_form(xs)
    assert math.isclose(out.data, value, rel_tol=1e-14, abs_tol=1e-13)
    for v, p in zip(values, softmax):
        assert abs(v.grad - p) <= 1e-14


def test_logits_of_plus_minus_1000_are_exact() -> None:
    a, b = Value(1000.0), Value(-1000.0)
    out = logsumexp([a, b])
    out.backward()
    assert (out.data, a.grad, b.grad) == (1000.0, 1.0, 0.0)  # log(sum(exp)) overflows here


def test_plain_numbers_are_constants() -> None:
    x = Value(0.0)
    out = logsumexp([x, 0.0])
    out.backward()
    assert out.data == math.log(2.0) and x.grad == 0.5


@pytest.mark.parametrize(
    ("values", "error"),
    [([], TypeError), ("ab", TypeError), (Value(1.0), TypeError), (3.0, TypeError),
     ([Value(1.0), True], TypeError), ([Value(1.0), math.nan], ValueError)],
)  # fmt: skip
def test_bad_values_are_refused_by_name(values: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="logsumexp"):
        logsumexp(values)  # type: ignore[arg-type]


# ---- on the tape: one step, the engine's numbers ----


def codes(tape: object) -> list[str]:
    return [op.code for op in tape.program.ops]  # type: ignore[attr-defined]


def test_it_traces_to_one_step() -> None:
    tape = trace(lambda x: logsumexp(x), [0.0, 1.0, 2.0])
    assert codes(tape) == ["logsumexp"]
    got = tape.outputs(np.array([[0.0, 1.0, 2.0], [1000.0, -1000.0, 0.0]]))
    assert np.ravel(got).tolist() == [logsumexp([0.0, 1.0, 2.0]).data, 1000.0]


batches = st.lists(st.lists(st.floats(-700, 700), min_size=4, max_size=4), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(batches, st.lists(st.floats(-5, 5), min_size=3, max_size=3))
def test_the_fused_step_agrees_with_the_engine(rows: list[list[float]], ws: list[float]) -> None:
    """Parameters and inputs, a constant, one operand twice, and ties (inputs drawn alike)."""
    params = [Value(w) for w in ws]
    w0, w1, w2 = params

    def f(x: list[Value]) -> Value:
        return logsumexp([w0 + x[0], x[1], w1 * x[2], 3.0, w0 + x[0], x[3] - w2, x[1]])

    tape = trace(f, rows[0], params=params)
    assert "logsumexp" in codes(tape)
    batch = [np.array(rows)]
    assert_agree(tape_mean(tape, params, batch), dynamic_mean(f, params, [rows]))


def test_parameters_only_run_once_for_the_batch() -> None:
    """logsumexp of parameters alone is the same for every example (computed in column 0)."""
    params = [Value(0.5), Value(-1.5), Value(2.0)]

    def f(x: Value) -> Value:
        return logsumexp(params) * x + logsumexp([params[0]])

    tape = trace(f, 1.0, params=params)
    xs = [1.0, -2.0, 3.0]
    assert_agree(tape_mean(tape, params, [np.array(xs)]), dynamic_mean(f, params, [xs]))


def test_under_no_grad_it_is_refused_as_any_op() -> None:
    def f(x: list[Value]) -> Value:
        with no_grad():
            return logsumexp(x)

    with pytest.raises(TraceError, match="no_grad"):
        trace(f, [0.0, 1.0])


def test_nn_cross_entropy_traces_to_a_selection_a_subtraction_and_one_step() -> None:
    """The digits network's loss: three levels after the logits (a tree of maxima, a shift, exp,
    sum and log before the fused step: eight)."""
    model = MLP(4, [3], activation="linear", rng=0)

    def f(x: list[Value], t: int) -> Value:
        return cross_entropy(model(x), t)

    tape = trace(f, [0.1, 0.2, 0.3, 0.4], 2)
    assert codes(tape)[-5:] == ["select", "-", "-", "-", "logsumexp"]
    params = model.parameters()
    x = [[0.1, 0.2, 0.3, 0.4], [1.0, -2.0, 0.5, 0.0], [9.0, 9.0, 9.0, 9.0]]
    t = [2, 0, 1]
    batch = [np.array(x), np.array(t)]
    assert_agree(tape_mean(tape, params, batch), dynamic_mean(f, params, [x, t]))


@given(st.lists(st.floats(-50, 50), min_size=2, max_size=10), st.data())
def test_cross_entropy_of_the_largest_logit_is_log_sum_exp_of_the_shifted_logits(
    xs: list[float], data: st.DataObject
) -> None:
    """When the target is the largest logit, the loss is the textbook log Σ e^{x_j − m} − 0 bit
    for bit (every logit measured from the target's is measured from the largest)."""
    target = xs.index(max(xs))
    m = xs[target]
    textbook = math.log(_left_sum([math.exp(x - m) for x in xs]))
    assert cross_entropy([Value(x) for x in xs], target).data == textbook
    other = data.draw(st.integers(0, len(xs) - 1))
    value, _ = closed_form([x - xs[other] for x in xs])
    loss = cross_entropy([Value(x) for x in xs], other).data
    assert math.isclose(loss, value, rel_tol=1e-14, abs_tol=1e-14)


def _left_sum(terms: list[float]) -> float:
    total = terms[0]
    for t in terms[1:]:
        total += t
    return total
