"""The tape's safety rules: what would make it silently wrong is an error instead."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import numpy as np
import pytest

from autograd import Value, scalar_op, select, trace
from autograd.errors import DomainError, NonFiniteError, StaleTapeError, TraceError
from tests.tape_helpers import assert_agree, dynamic_mean, tape_mean


def test_importing_autograd_imports_no_numpy():
    code = "import sys, autograd; autograd.Value(1.0) + 1.0; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_reading_data_of_a_traced_value_is_an_error_naming_it():
    w = Value(0.5)

    def branchy(x):
        h = w * x
        return h if h.data > 0 else -h  # would bake this example's branch into the tape

    with pytest.raises(TraceError, match=r"reads \.data of a traced Value \(the result of '\*'\)"):
        trace(branchy, 1.0)
    with pytest.raises(TraceError, match="'x0'"):
        trace(lambda x: w * x.data, 1.0)
    assert type(Value.__dict__["data"]).__name__ == "member_descriptor"  # the watch is gone


def test_reading_data_of_a_parameter_is_an_error_but_other_reads_are_not():
    w, unrelated = Value(0.5), Value(3.0)
    with pytest.raises(TraceError, match="parameter"):
        trace(lambda x: w * x * (1.0 if w.data > 0 else -1.0), 1.0)
    c = Value(2.0)
    tape = trace(lambda x: w * x * unrelated.data + Value(c.data), 1.0)  # neither is a parameter
    assert tape(np.array([1.0])) == pytest.approx(0.5 * 3.0 + 2.0)


def test_an_input_baked_in_as_a_constant_is_refused():
    w = Value(0.5)
    noise = random.Random(0)

    def sneaky(x):  # the number leaks through repr, which the engine may read
        number = float(repr(x).split("=")[1].split(",")[0])
        return w * number

    with pytest.raises(TraceError, match="depends on the example"):
        trace(sneaky, 1.0)
    with pytest.raises(TraceError, match="depends on the example"):  # a different graph every call
        trace(lambda x: w * x + noise.random(), 1.0)


def test_an_index_input_refuses_to_be_an_int():
    table = [Value(1.0), Value(2.0)]
    with pytest.raises(TraceError, match="select"):
        trace(lambda i: table[i], 1)
    with pytest.raises(TraceError, match="select"):
        trace(lambda i: table[0] if i == 0 else table[1], 0)


@pytest.mark.parametrize(
    ("fn", "batch", "error", "message"),
    [
        (lambda w, x: w / x, [1.0, 0.0, 2.0], ZeroDivisionError, r"^/: .*at example 1 "),
        (lambda w, x: (w * x).log(), [1.0, 2.0, -1.0], ValueError, r"^log: .*at example 2 "),
        (lambda w, x: (w * x).exp(), [1.0, 800.0], OverflowError, r"^exp: .*at example 1 "),
        (lambda w, x: w * x * 1e300, [1.0, 1e10], OverflowError, r"^\*: .*at example 1 "),
        # the inf vanishes through the relu: the error is where it arises
        (lambda w, x: (w * x * 1e300).relu(), [-1.0, -1e10], OverflowError, r"^\*: .*at example 1 "),
        # √0 is 0.0; only its derivative is infinite, an error once a gradient flows through it
        (lambda w, x: (w * x).sqrt(), [1.0, 0.0], OverflowError, r"^backward: sqrt at .*at example 1 "),
        # a finite forward whose gradient overflows
        (lambda w, x: ((w * 1e-300) * x) * 1e200, [1.0, 1e200], OverflowError, r"^backward: .*at example 1 "),
    ],
)
def test_the_engines_errors_name_the_example(fn, batch, error, message):
    w = Value(1.0)
    with pytest.raises(error) as engine_error:  # the dynamic engine on the failing example
        for x in batch:
            y = fn(w, Value(x))
            (y * (1.0 / len(batch))).backward()
    tape = trace(lambda x: fn(w, x), batch[0])
    w.grad = 0.0
    with pytest.raises(error, match=message) as tape_error:
        tape.backward(np.array(batch))
    assert isinstance(tape_error.value, type(engine_error.value))
    assert w.grad == 0.0  # no gradient added on an error


def test_a_bad_batch_is_an_error_naming_the_example():
    w = Value(1.0)
    tape = trace(lambda x, i: select([w, w * 2.0], i) * x, 1.0, 0)
    with pytest.raises(ValueError, match="not finite at example 1"):
        tape(np.array([1.0, np.nan]), np.array([0, 1]))
    with pytest.raises(IndexError, match="at example 1"):
        tape(np.array([1.0, 1.0]), np.array([0, 2]))
    with pytest.raises(ValueError, match="shape"):
        tape(np.array([[1.0]]), np.array([0]))
    with pytest.raises(TypeError, match="batch argument 0 must hold real numbers, got bool"):
        tape(np.array([True, False]), np.array([0, 1]))
    with pytest.raises(TypeError, match="batch argument 0 must hold real numbers, got complex128"):
        tape(np.array([1.0 + 0j, 1.0]), np.array([0, 1]))
    with pytest.raises(TypeError, match="batch argument 1 must hold integers"):
        tape(np.array([1.0, 1.0]), np.array([0.0, 1.0]))


def test_an_index_out_of_range_names_its_row_and_example():
    """Two index inputs of different ranges: the first bad one is named, with its own bound."""
    w = [Value(1.0), Value(2.0), Value(3.0)]
    tape = trace(lambda i: select(w, i[0]) * select(w[:2], i[1]), [0, 0])
    assert tape(np.array([[2, 1], [0, 0]])) == pytest.approx((3.0 * 2.0 + 1.0) / 2)
    with pytest.raises(IndexError, match=r"0 <= index < 2, got 2 \(at example 1 of the batch\)"):
        tape(np.array([[2, 1], [1, 2]]))
    with pytest.raises(IndexError, match=r"0 <= index < 3, got -1 \(at example 0 of the batch\)"):
        tape(np.array([[-1, 5], [1, 1]]))


def test_a_stale_tape_is_an_error():
    class Model:
        def __init__(self) -> None:
            self.weights = [Value(0.5), Value(-0.5)]
            self.scale = 2.0

        def parameters(self):
            return list(self.weights)

        def loss(self, x):
            return sum(w * x for w in self.weights) * self.scale

    model = Model()
    tape = trace(model.loss, 1.0)
    batch = np.array([1.0, 2.0])
    model.weights[0].data = 3.0  # a parameter's number: the tape reads it
    assert tape(batch) == pytest.approx((3.0 - 0.5) * 1.5 * 2.0)
    model.weights.append(Value(1.0))  # a new parameter
    with pytest.raises(StaleTapeError, match=r"weights: 2 items became 3"):
        tape(batch)
    model.weights.pop()
    model.scale = 3.0  # a captured constant
    with pytest.raises(StaleTapeError):
        tape(batch)
    model.scale = 2.0
    tape(batch)

    w, factor = Value(1.0), 2.0
    closure = trace(lambda x: w * x * factor, 1.0)
    factor = 3.0  # the closure sees it
    with pytest.raises(StaleTapeError, match="'factor'"):
        closure(batch)


def test_a_scalar_ops_errors_are_the_engines_naming_the_example():
    w = Value(0.5)
    bad = scalar_op("bad", lambda x: 1.0 / x, lambda x: -1.0 / x**2)
    tape = trace(lambda x: bad(w * x), 1.0)
    with pytest.raises(ZeroDivisionError, match="example 1"):
        tape(np.array([1.0, 0.0]))
    text = scalar_op("text", lambda x: "1.0" if x > 2.0 else x, lambda x: 1.0)  # type: ignore[arg-type, return-value]
    tape = trace(lambda x: text(w * x), 1.0)
    with pytest.raises(TypeError, match=r"returned str '1\.0'.*example 2"):  # not read as the number 1.0
        tape(np.array([1.0, 2.0, 6.0]))
    huge = scalar_op("huge", lambda x: math.exp(x), lambda x: math.exp(x))
    tape = trace(lambda x: huge(w * x), 1.0)
    with pytest.raises(OverflowError, match="example 1"):
        tape(np.array([1.0, 3000.0]))


def test_no_grad_inside_a_traced_function_is_an_error():
    from autograd import no_grad

    w = Value(0.5)

    def fn(x):
        with no_grad():
            h = w * x
        return h * 2.0

    with pytest.raises(TraceError, match="no_grad"):
        trace(fn, 1.0)


def test_a_mean_that_overflows_is_an_error():
    w = Value(1.0)
    tape = trace(lambda x: w * x, 1.0)
    with pytest.raises(NonFiniteError, match="mean"):  # each loss is finite, their sum is not
        tape(np.array([1e308, 1e308]))


def test_an_infinite_derivative_is_an_error_only_when_a_gradient_flows_through_it():
    w = Value(1.0)

    def fn(x, y):  # √(w·x) has an infinite derivative at x = 0
        return (w * x).sqrt() * y + w

    tape = trace(fn, 1.0, 1.0)
    assert tape(np.array([1.0, 0.0]), np.array([1.0, 1.0])) == pytest.approx(1.5)  # forward is fine
    batch = [[4.0, 0.0], [1.0, 0.0]]  # at x = 0 no gradient arrives (y = 0): no error
    assert_agree(tape_mean(tape, [w], [np.array(b) for b in batch]), dynamic_mean(fn, [w], batch))
    with pytest.raises(OverflowError, match="at example 1"):
        tape.backward(np.array([4.0, 0.0]), np.array([1.0, 1.0]))


def test_a_value_exponent_at_base_0_is_the_engines_domain_error():
    w = Value(2.0)
    tape = trace(lambda x: x**w, 1.0)
    with pytest.raises(DomainError, match=r"base must be > 0.*example 1"):
        tape(np.array([1.0, 0.0]))  # forward, as the engine (which computes d/dw = x**w · ln x)
    with pytest.raises(DomainError, match=r"base must be > 0.*example 0"):
        tape.backward(np.array([0.0, 1.0]))


def test_bool_of_a_traced_value_is_a_trace_error():
    w = Value(1.0)
    with pytest.raises(TraceError, match=r"whether a traced Value.*is true"):
        trace(lambda x: x * 2.0 if x else x * 3.0, 1.0)
    with pytest.raises(TraceError, match="is true"):
        trace(lambda x: (w * x and w) * 1.0, 1.0)
    assert bool(w)  # outside a trace, as before


def test_trace_inside_no_grad_ignores_the_callers_no_grad():
    from autograd import no_grad

    w = Value(3.0)
    with no_grad():
        tape = trace(lambda x: w * x * x, 2.0)
        assert tape.backward(np.array([1.0, 2.0])) == 7.5
        assert (w * 2.0).op == ""  # the caller's no_grad is still on
    assert w.grad == 2.5


@pytest.mark.parametrize("index", [-1, 3])
def test_an_example_index_out_of_range_is_refused_as_select_refuses_it(index):
    table = [Value(1.0), Value(2.0), Value(3.0)]
    with pytest.raises(IndexError, match=rf"0 <= index < 3, got {index}"):
        trace(lambda i: select(table, i) * 2.0, index)
