"""The table of primitive ops: each op's math, written once.

An op is its name, its forward, one local derivative per operand (a function of the operands
and the result), its domain (and the error outside it), whether a local derivative can be
infinite at a finite result, how it is drawn, and where it is safe to test. The formulas are
written against a *namespace* `m` of the few functions they need (exp, log, where, ...), and
the same formula runs on whatever the namespace works on:

- plain floats, for the engine: `Op.floats` is the formulas written out once as straight-line
  Python (`_compile`; `FLOATS` runs the same operations one call at a time, and a test holds
  the two equal bit for bit), which `Value.tanh` and the others call;
- numpy arrays, for the tape's kernels (`autograd.tape._kernels`, which alone imports numpy);
- `Value`s, for gradients of gradients (`autograd.engine.VALUES`);
- spreadsheet formulas (`EXCEL`, `Op.excel`), for `autograd.graph.to_xlsx`.

Arithmetic (+ - * / ** and negation) is spelled with Python's operators, which every namespace's
numbers overload. The engine writes these six out by hand for speed (they are most of a
training step's nodes); a test holds them to this table bit for bit.

Adding an op: a row here, a `Value` method of the same name that calls
`_unary` (or a function, for a binary op), and a line in the README's list of ops. The tests
walk this table: an op with no kernel, no strategy or no formula fails them.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd.errors import DomainError, ZeroDivisionDomainError

__all__ = ["EXCEL", "FLOATS", "OPS", "Domain", "Formula", "Op"]

Fn = Callable[..., Any]


@dataclass(frozen=True)
class Domain:
    """Where an op is defined: `test(*operands)` (on floats) is true inside; outside,
    the engine raises `error("<op>: " + message.format(*operands))`. `only_if_value`: the
    test applies only when that operand is a Value (xʸ needs x > 0 for d/dy = xʸ·ln x)."""

    test: Fn
    message: str
    error: type[ValueError] = DomainError
    only_if_value: int | None = None

    def error_at(self, op: str, *xs: float) -> ValueError:
        return self.error(f"{op}: {self.message.format(*xs)}")


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive op. `forward(m, *xs)` and each `derivatives[i](m, *xs, out)` are written
    against a namespace `m` (see the module docstring)."""

    name: str
    math: str  # the op and its local derivatives in words, for people
    forward: Fn
    derivatives: tuple[Fn, ...]
    domain: tuple[Domain, ...] = ()
    singular: bool = False  # some local derivative may be ±inf at a finite result (√x at 0)
    symbol: str = ""  # how a drawing writes it between its operands; "" for a call, tanh(x)
    operator: str = ""  # Python's operator for it, by its name in the `operator` module
    # true well inside the domain, away from kinks and poles: where tests and strategies draw
    safe: Fn = lambda *xs: True

    # (result, derivative, ...) at float operands: the formulas compiled to straight-line Python
    # once (see `_compile`), which the engine calls: one call per node, no namespace look-ups
    floats: Fn = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "floats", _compile(self))

    @property
    def arity(self) -> int:
        return len(self.derivatives)

    def on_floats(self, *xs: float) -> tuple[float, tuple[float, ...]]:
        """The result and the local derivatives at the float operands `xs`."""
        out, *derivatives = self.floats(*xs)
        return out, tuple(derivatives)

    def excel(self, operands: Sequence[str], out: str) -> tuple[str, tuple[str, ...]]:
        """The spreadsheet formulas (no leading '=') of the result and of each local derivative,
        from the operands' cell references or number literals and the result's cell."""
        xs = [Formula(x) for x in operands]
        result = Formula(out)
        return (
            str(self.forward(EXCEL, *xs)),
            tuple(str(_formula(d(EXCEL, *xs, result))) for d in self.derivatives),
        )

    def __repr__(self) -> str:
        return f"Op({self.name!r}: {self.math})"


# ---- the namespaces: plain floats and spreadsheet formulas (numpy and Values live elsewhere) ----


class _Floats:
    """The formulas' functions on plain floats (math's, with `where` and `div` as the others)."""

    exp = staticmethod(math.exp)
    log = staticmethod(math.log)
    log1p = staticmethod(math.log1p)
    tanh = staticmethod(math.tanh)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    abs = staticmethod(abs)

    @staticmethod
    def where(condition: bool, a: float, b: float) -> float:
        return a if condition else b

    @staticmethod
    def gt(a: float, b: float) -> bool:
        return a > b

    @staticmethod
    def ge(a: float, b: float) -> bool:
        return a >= b

    @staticmethod
    def lt(a: float, b: float) -> bool:
        return a < b

    @staticmethod
    def div(a: float, b: float) -> float:
        """a / b, ±inf where b is 0 (a derivative that is infinite there, as √x's at 0)."""
        return a / b if b != 0.0 else math.copysign(math.inf, a)

    def __repr__(self) -> str:
        return "FLOATS"


FLOATS = _Floats()


class _Operators:
    """Python's arithmetic operators, each written out by the subclass's `_infix(op, other)`
    (a formula's text, or a line of Python source), with `POWER` its power operator."""

    __slots__ = ()
    POWER = "**"

    def _infix(self, op: str, other: object, *, reflected: bool = False) -> Any:
        raise NotImplementedError

    def __add__(self, other: object) -> Any:
        return self._infix("+", other)

    def __radd__(self, other: object) -> Any:
        return self._infix("+", other, reflected=True)

    def __sub__(self, other: object) -> Any:
        return self._infix("-", other)

    def __rsub__(self, other: object) -> Any:
        return self._infix("-", other, reflected=True)

    def __mul__(self, other: object) -> Any:
        return self._infix("*", other)

    def __rmul__(self, other: object) -> Any:
        return self._infix("*", other, reflected=True)

    def __truediv__(self, other: object) -> Any:
        return self._infix("/", other)

    def __rtruediv__(self, other: object) -> Any:
        return self._infix("/", other, reflected=True)

    def __pow__(self, other: object) -> Any:
        return self._infix(self.POWER, other)

    def __rpow__(self, other: object) -> Any:
        return self._infix(self.POWER, other, reflected=True)


class Formula(_Operators):
    """A spreadsheet formula being built: Python's operators and the namespace's functions
    write it out with every operand parenthesised (``-A1^2`` is 4 in Excel but -4 elsewhere)."""

    __slots__ = ("text",)
    POWER = "^"

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Formula({self.text!r})"

    def _infix(self, op: str, other: object, *, reflected: bool = False) -> Formula:
        a, b = (_formula(other), self) if reflected else (self, _formula(other))
        return Formula(f"({a}){op}({b})")

    def __neg__(self) -> Formula:
        return Formula(f"-({self})")


def _formula(x: object) -> Formula:
    """A formula as it is, a number as its literal (repr: every digit of a float kept)."""
    if isinstance(x, Formula):
        return x
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise TypeError(f"a spreadsheet formula takes formulas and numbers, got {type(x).__name__}: {x!r}")
    x = float(x)
    if 0.0 < abs(x) < sys.float_info.min:  # LibreOffice reads no subnormal literal (#VALUE!):
        return Formula(f"({_formula(x * 2.0**60)})*({_formula(2.0**-60)})")  # a power of 2 scales exactly
    return Formula(repr(x).upper().replace("INF", "1E+309"))


def _call(name: str) -> Callable[..., Formula]:
    return lambda *args: Formula(f"{name}({','.join(str(_formula(a)) for a in args)})")


class _Excel:
    """The formulas' functions as spreadsheet functions (Excel's and LibreOffice's names)."""

    exp = staticmethod(_call("EXP"))
    log = staticmethod(_call("LN"))
    tanh = staticmethod(_call("TANH"))
    sqrt = staticmethod(_call("SQRT"))
    sin = staticmethod(_call("SIN"))
    cos = staticmethod(_call("COS"))
    abs = staticmethod(_call("ABS"))
    where = staticmethod(_call("IF"))

    @staticmethod
    def log1p(x: object) -> Formula:
        # neither Excel nor LibreOffice has LOG1P, and LN(1 + x) loses digits for small x (8e-8
        # relative at x = 1e-10; softplus at -30 is off by 1e-3): ln(1 + x) = 2·atanh(x/(2 + x)),
        # whose ATANH is exact for small arguments (measured in LibreOffice: within 7e-16)
        x = _formula(x)
        result: Formula = 2.0 * _call("ATANH")(x / (2.0 + x))
        return result

    @staticmethod
    def gt(a: object, b: object) -> Formula:
        return _formula(a)._infix(">", b)

    @staticmethod
    def ge(a: object, b: object) -> Formula:
        return _formula(a)._infix(">=", b)

    @staticmethod
    def lt(a: object, b: object) -> Formula:
        return _formula(a)._infix("<", b)

    @staticmethod
    def div(a: object, b: object) -> Formula:
        return _formula(a)._infix("/", b)  # #DIV/0! where the derivative is infinite

    def __repr__(self) -> str:
        return "EXCEL"


EXCEL = _Excel()


class _Var(_Operators):
    """A number in the Python source `_Source` writes: every operation on it is one more line."""

    __slots__ = ("name", "source")

    def __init__(self, source: _Source, name: str) -> None:
        self.source, self.name = source, name

    def __repr__(self) -> str:
        return f"_Var({self.name!r})"

    def _infix(self, op: str, other: object, *, reflected: bool = False) -> _Var:
        a, b = (_python(other), self.name) if reflected else (self.name, _python(other))
        return self.source.let(f"{a} {op} {b}")

    def __neg__(self) -> _Var:
        return self.source.let(f"-{self.name}")


def _python(x: object) -> str:
    return x.name if isinstance(x, _Var) else repr(float(x))  # type: ignore[arg-type]


class _Source:
    """The namespace that writes a formula out as straight-line Python on floats, each
    operation once, in the order FLOATS would run it (so the numbers are the same bit for bit)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, _Var] = {}  # each expression computed once (the formulas are pure)

    def let(self, expression: str) -> _Var:
        if expression not in self.names:
            self.names[expression] = _Var(self, f"t{len(self.lines)}")
            self.lines.append(f"t{len(self.lines)} = {expression}")
        return self.names[expression]

    def _call(self, function: str, *args: object) -> _Var:
        return self.let(f"{function}({', '.join(map(_python, args))})")

    def exp(self, x: object) -> _Var:
        return self._call("_exp", x)

    def log(self, x: object) -> _Var:
        return self._call("_log", x)

    def log1p(self, x: object) -> _Var:
        return self._call("_log1p", x)

    def tanh(self, x: object) -> _Var:
        return self._call("_tanh", x)

    def sqrt(self, x: object) -> _Var:
        return self._call("_sqrt", x)

    def sin(self, x: object) -> _Var:
        return self._call("_sin", x)

    def cos(self, x: object) -> _Var:
        return self._call("_cos", x)

    def abs(self, x: object) -> _Var:
        return self._call("abs", x)

    def div(self, a: object, b: object) -> _Var:
        return self._call("_div", a, b)

    def where(self, condition: object, a: object, b: object) -> _Var:
        return self.let(f"{_python(a)} if {_python(condition)} else {_python(b)}")

    def gt(self, a: object, b: object) -> _Var:
        return self.let(f"{_python(a)} > {_python(b)}")

    def ge(self, a: object, b: object) -> _Var:
        return self.let(f"{_python(a)} >= {_python(b)}")

    def lt(self, a: object, b: object) -> _Var:
        return self.let(f"{_python(a)} < {_python(b)}")


_SOURCE_GLOBALS = {
    "_exp": math.exp,
    "_log": math.log,
    "_log1p": math.log1p,
    "_tanh": math.tanh,
    "_sqrt": math.sqrt,
    "_sin": math.sin,
    "_cos": math.cos,
    "_div": _Floats.div,
}


def _compile(op: Op) -> Fn:
    """`op`'s result and local derivatives as one Python function of float operands."""
    source = _Source()
    xs = [_Var(source, f"x{i}") for i in range(op.arity)]
    out = op.forward(source, *xs)
    derivatives = [_python(d(source, *xs, out)) for d in op.derivatives]
    lines = [f"def {_identifier(op.name)}({', '.join(x.name for x in xs)}):"]
    lines += [f"    {line}" for line in source.lines]
    lines.append(f"    return {', '.join([_python(out), *derivatives])}")
    namespace = dict(_SOURCE_GLOBALS)
    exec("\n".join(lines), namespace)
    function: Fn = namespace[_identifier(op.name)]  # type: ignore[assignment]
    function.__doc__ = "\n".join(lines)  # so the compiled code can be read: help(OPS["tanh"].floats)
    return function


def _identifier(name: str) -> str:
    # never the name of a builtin the code calls: `def abs(x0): ... abs(x0)` would recurse
    return "op_" + (name if name.isidentifier() else "".join(f"{ord(c):x}" for c in name))


# ---- the ops ----


def _sigmoid(m: Any, x: Any) -> Any:
    # with e = exp(-|x|) <= 1 nothing overflows: σ(x) = 1/(1+e) for x >= 0, e/(1+e) below
    e = m.exp(-m.abs(x))
    return m.where(m.ge(x, 0.0), 1.0 / (1.0 + e), e / (1.0 + e))


def _sech2(m: Any, x: Any) -> Any:
    # sech²x = 4e/(1+e)² with e = exp(-2|x|): 1 - tanh² would lose every digit for large |x|
    e = m.exp(-2.0 * m.abs(x))
    return 4.0 * e / ((1.0 + e) * (1.0 + e))


def _d_sigmoid(m: Any, x: Any, out: Any) -> Any:
    # σ' = e/(1+e)², which keeps its digits where σ(1-σ) would cancel
    e = m.exp(-m.abs(x))
    return e / ((1.0 + e) * (1.0 + e))


def _softplus(m: Any, x: Any) -> Any:
    # ln(1 + eˣ) = max(x, 0) + ln(1 + e^-|x|): nothing overflows, exact at ±1000
    return m.where(m.gt(x, 0.0), x, 0.0) + m.log1p(m.exp(-m.abs(x)))


def _d_pow_base(m: Any, x: Any, y: Any, out: Any) -> Any:
    # d/dx xʸ = y·xʸ⁻¹; x**0 is 1 everywhere, 0**0 included, with derivative 0
    if isinstance(y, float) and y == 0.0:
        return 0.0
    return y * x ** (y - 1.0)


def _sign(m: Any, x: Any) -> Any:
    # |x|' = sign(x), and 0 at 0 (PyTorch's subgradient)
    return m.where(m.gt(x, 0.0), 1.0, m.where(m.lt(x, 0.0), -1.0, 0.0))


def _d_maximum_first(m: Any, x: Any, y: Any, out: Any) -> Any:
    # 1 for the larger operand, 0 for the other, ½ each at a tie (PyTorch's torch.maximum)
    return m.where(m.gt(x, y), 1.0, m.where(m.lt(x, y), 0.0, 0.5))


def _not_a_kink(x: float, y: float) -> bool:
    return abs(x - y) > 0.5


def _row(*ops: Op) -> dict[str, Op]:
    return {op.name: op for op in ops}


OPS: dict[str, Op] = _row(
    Op(
        "+",
        "x + y;  1, 1",
        lambda m, x, y: x + y,
        (lambda m, x, y, out: 1.0, lambda m, x, y, out: 1.0),
        symbol="+",
        operator="add",
    ),
    Op(
        "-",
        "x - y;  1, -1",
        lambda m, x, y: x - y,
        (lambda m, x, y, out: 1.0, lambda m, x, y, out: -1.0),
        symbol="−",
        operator="sub",
    ),
    Op(
        "*",
        "x·y;  y, x",
        lambda m, x, y: x * y,
        (lambda m, x, y, out: y, lambda m, x, y, out: x),
        symbol="×",
        operator="mul",
    ),
    Op(
        "/",
        "x / y;  1/y, -(x/y)/y",
        lambda m, x, y: x / y,
        (lambda m, x, y, out: 1.0 / y, lambda m, x, y, out: -out / y),
        (Domain(lambda x, y: y != 0.0, "division of {0!r} by zero", ZeroDivisionDomainError),),
        singular=True,  # 1/y overflows for tiny y
        symbol="÷",
        safe=lambda x, y: abs(y) > 0.5,
        operator="truediv",
    ),
    Op(
        "**",
        "xʸ;  y·xʸ⁻¹, xʸ·ln x",
        lambda m, x, y: x**y,
        (_d_pow_base, lambda m, x, y, out: out * m.log(x)),
        (
            Domain(
                lambda x, y: x > 0.0, "base must be > 0 with a Value exponent, got {0!r}", only_if_value=1
            ),
            Domain(
                lambda x, y: x >= 0.0 or y == int(y), "negative base {0!r} with non-integer exponent {1!r}"
            ),
            Domain(
                lambda x, y: x != 0.0 or y >= 0.0,
                "{0!r} ** {1!r} is infinite (a division by zero)",
                ZeroDivisionDomainError,
            ),
        ),
        singular=True,  # y·xʸ⁻¹ at x = 0 for y < 1
        safe=lambda x, y: x > 0.5 and abs(y) <= 3.0,
        operator="pow",
    ),
    Op("neg", "-x;  -1", lambda m, x: -x, (lambda m, x, out: -1.0,), operator="neg"),
    Op(
        "exp",
        "eˣ;  eˣ",
        lambda m, x: m.exp(x),
        (lambda m, x, out: out,),
        safe=lambda x: x < 4.0,
    ),
    Op(
        "log",
        "ln x;  1/x",
        lambda m, x: m.log(x),
        (lambda m, x, out: 1.0 / x,),
        (Domain(lambda x: x > 0.0, "argument must be > 0, got {0!r}"),),
        singular=True,  # 1/x overflows for subnormal x
        safe=lambda x: x > 0.5,
    ),
    Op("tanh", "tanh x;  sech²x", lambda m, x: m.tanh(x), (lambda m, x, out: _sech2(m, x),)),
    Op("sigmoid", "σ(x) = 1/(1+e⁻ˣ);  σ(x)(1-σ(x))", _sigmoid, (_d_sigmoid,)),
    Op(
        "relu",
        "max(x, 0);  1 for x > 0, else 0",
        lambda m, x: m.where(m.gt(x, 0.0), x, 0.0),
        (lambda m, x, out: m.where(m.gt(x, 0.0), 1.0, 0.0),),
        safe=lambda x: abs(x) > 0.5,
    ),
    Op(
        "abs",
        "|x|;  sign(x), 0 at 0",
        lambda m, x: m.abs(x),
        (lambda m, x, out: _sign(m, x),),
        safe=lambda x: abs(x) > 0.5,
    ),
    Op(
        "sqrt",
        "√x;  1/(2√x), infinite at 0",
        lambda m, x: m.sqrt(x),
        (lambda m, x, out: m.div(0.5, out),),
        (Domain(lambda x: x >= 0.0, "argument must be >= 0, got {0!r}"),),
        singular=True,
        safe=lambda x: x > 0.5,
    ),
    Op(
        "log1p",
        "ln(1 + x), exact for tiny x;  1/(1 + x)",
        lambda m, x: m.log1p(x),
        (lambda m, x, out: 1.0 / (1.0 + x),),
        (Domain(lambda x: x > -1.0, "argument must be > -1, got {0!r}"),),
        singular=True,
        safe=lambda x: x > -0.5,
    ),
    Op("softplus", "ln(1 + eˣ);  σ(x)", _softplus, (lambda m, x, out: _sigmoid(m, x),)),
    Op(
        "maximum",
        "max(x, y);  1 for the larger, 0 for the other, ½ each at a tie",
        lambda m, x, y: m.where(m.ge(x, y), x, y),
        (_d_maximum_first, lambda m, x, y, out: 1.0 - _d_maximum_first(m, x, y, out)),
        safe=_not_a_kink,
    ),
    Op("sin", "sin x;  cos x", lambda m, x: m.sin(x), (lambda m, x, out: m.cos(x),)),
    Op("cos", "cos x;  -sin x", lambda m, x: m.cos(x), (lambda m, x, out: -m.sin(x),)),
)
