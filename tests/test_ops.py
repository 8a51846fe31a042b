"""The table of ops is the one source of each op's math: every consumer has every op, and the
engine's hand-written arithmetic, the tape's kernels and the spreadsheet formulas all say what
the table says."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value, engine, strategies
from autograd.graph._labels import SYMBOLS
from autograd.ops import EXCEL, FLOATS, OPS, Formula
from autograd.tape._kernels import KERNELS

points = st.floats(-3.0, 3.0)


def safe_point(data: st.DataObject, name: str) -> list[float]:
    xs = [data.draw(points, label=f"x{i}") for i in range(OPS[name].arity)]
    assume(OPS[name].safe(*xs))
    return xs


def test_every_op_has_each_of_its_pieces() -> None:
    assert sorted(strategies.OPS) == sorted(OPS)  # every op is drawn by the strategies
    assert set(OPS) <= set(KERNELS)  # and runs on the tape
    for name, op in OPS.items():
        assert op.math and op.arity in (1, 2), name
        engine.apply(name, *[Value(1.5)] * op.arity)  # and on the engine
        formula, derivatives = op.excel(["A1", "B1"][: op.arity], "C1")
        assert formula and len(derivatives) == op.arity, name
        assert repr(op).startswith(f"Op({name!r}")
    assert SYMBOLS == {"+": "+", "-": "−", "*": "×", "/": "÷"}


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
@settings(max_examples=60, suppress_health_check=[HealthCheck.filter_too_much])
def test_the_engine_computes_what_the_table_says_bit_for_bit(name, data) -> None:
    xs = safe_point(data, name)
    expected, locals_ = OPS[name].on_floats(*xs)
    node = engine.apply(name, *map(Value, xs))
    assert node.op == name
    assert node.data == expected
    assert node.local_grads == locals_


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
@settings(max_examples=30, suppress_health_check=[HealthCheck.filter_too_much])
def test_the_tape_kernel_agrees_with_the_engine(name, data) -> None:
    xs = safe_point(data, name)
    node = engine.apply(name, *map(Value, xs))
    out, locals_ = KERNELS[name]([np.array([x]) for x in xs], [False] * len(xs))
    assert out[0] == pytest.approx(node.data, rel=1e-15, abs=1e-300)
    assert [local[0] for local in locals_ if local is not None] == pytest.approx(
        list(node.local_grads), rel=1e-15, abs=1e-300
    )


def test_a_constant_operand_gets_no_kernel_derivative() -> None:
    _, locals_ = KERNELS["*"]([np.array([2.0]), np.array([3.0])], [True, False])
    assert locals_[0] is None and locals_[1] is not None and locals_[1][0] == 2.0


def test_domains_raise_the_engines_errors_with_the_operand() -> None:
    with pytest.raises(ValueError, match=r"^log: argument must be > 0, got -1\.0$"):
        Value(-1.0).log()
    with pytest.raises(ValueError, match=r"^\*\*: negative base -8\.0 with non-integer exponent 0\.5$"):
        Value(-8.0) ** 0.5
    with pytest.raises(ValueError, match=r"^\*\*: base must be > 0 with a Value exponent, got 0\.0$"):
        Value(0.0) ** Value(2.0)


def test_spreadsheet_formulas_parenthesise_every_operand() -> None:
    assert OPS["**"].excel(["A1", "2.0"], "C1") == (
        "(A1)^(2.0)",
        ("(2.0)*((A1)^((2.0)-(1.0)))", "(C1)*(LN(A1))"),
    )
    assert OPS["neg"].excel(["A1"], "B1") == ("-(A1)", ("-1.0",))
    assert OPS["relu"].excel(["A1"], "B1") == ("IF((A1)>(0.0),A1,0.0)", ("IF((A1)>(0.0),1.0,0.0)",))
    assert str(1e-5 * Formula("A1")) == "(1E-05)*(A1)"
    # a subnormal literal is #VALUE! in LibreOffice: written as a normal number times 2⁻⁶⁰
    assert str(Formula("A1") * 1e-310) == "(A1)*((1.1529215046068435E-292)*(8.673617379884035E-19))"
    assert 1.1529215046068435e-292 * 8.673617379884035e-19 == 1e-310
    with pytest.raises(TypeError, match="formulas and numbers"):
        Formula("A1") + "B1"


def test_the_float_namespace_gives_an_infinite_derivative_not_an_error() -> None:
    assert FLOATS.div(0.5, 0.0) == math.inf
    assert Value(0.0).sqrt().local_grads == (math.inf,)
    assert repr(FLOATS) == "FLOATS" and repr(EXCEL) == "EXCEL"


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
@settings(max_examples=30, suppress_health_check=[HealthCheck.filter_too_much])
def test_the_compiled_float_code_runs_the_formulas_as_written(name, data) -> None:
    xs = safe_point(data, name)
    op = OPS[name]
    out = op.forward(FLOATS, *xs)  # the formulas run on math's functions, one call at a time
    assert op.on_floats(*xs) == (out, tuple(d(FLOATS, *xs, out) for d in op.derivatives))
    assert str(op.floats.__doc__).startswith("def op_")  # its source, for a reader
