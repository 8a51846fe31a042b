"""Excel formulas read back: parsed (openpyxl's `Tokenizer` splits them) into a small tree,
then computed on `Value`s so the engine can differentiate a learner's sheet.

Excel's precedence, which is not Python's: a prefix minus binds tighter than `^` (`=-A1^2` is
(−A1)²), `^` groups to the left (`=2^3^2` is 64), then `*` `/`, then `+` `-`, then the
comparisons. IF computes only the branch its condition picks, as a spreadsheet does, so its
gradient flows through that branch (the op table writes relu and sigmoid with IF).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

from autograd import Value, maximum
from autograd.ops import EXCEL, OPS, Formula

__all__ = ["FUNCTIONS", "Tree", "evaluate", "is_difference_quotient", "parse", "references"]

Tree: TypeAlias = tuple[Any, ...]
"""("num", x) | ("ref", "C4") | ("neg", tree) | ("bin", op, tree, tree) | ("fn", NAME, trees)"""

Number: TypeAlias = "Value | float"


def _unary(op: str) -> Callable[..., Number]:
    """The op table's unary `op` on a Value (a node) or a float (a number)."""

    def apply(x: Number) -> Number:
        if isinstance(x, Value):
            result: Value = getattr(x, op)()
            return result
        return float(OPS[op].on_floats(x)[0])

    return apply


def _table_functions() -> dict[str, tuple[int | None, Callable[..., Number]]]:
    """Each unary op the op table writes as one spreadsheet function (exp as EXP(x), log as
    LN(x), ...): that function's name, read from the table's own formula."""
    out: dict[str, tuple[int | None, Callable[..., Number]]] = {}
    for op in OPS.values():
        if op.arity == 1 and hasattr(Value, op.name):
            call = re.fullmatch(r"([A-Z0-9]+)\(X\)", str(op.forward(EXCEL, Formula("X"))))
            if call is not None:
                out[call.group(1)] = (1, _unary(op.name))
    return out


def _sum(*xs: Number) -> Number:
    return sum(xs[1:], start=xs[0])


def _max(a: Number, b: Number) -> Number:
    return maximum(a, b) if isinstance(a, Value) or isinstance(b, Value) else max(a, b)


FUNCTIONS: dict[str, tuple[int | None, Callable[..., Number]]] = {
    **_table_functions(),
    "MAX": (2, _max),
    "SUM": (None, _sum),
}
"""The functions a checked sheet may use: name → (number of arguments or None for any, the function)."""

_BINARY: dict[str, Callable[[Any, Any], Number]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
}
_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "=": operator.eq,
    "<>": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_LEVELS = (tuple(_COMPARISONS), ("+", "-"), ("*", "/"), ("^",))


def parse(formula: str, where: str = "") -> Tree:
    """The tree of `formula` ('=...'); ValueError naming `where` (a cell) for what it cannot read."""
    from openpyxl.formula import Tokenizer

    tokens = [t for t in Tokenizer(formula).items if t.type != "WHITE-SPACE"]
    parser = _Parser(tokens, f"{where}: {formula!r}" if where else repr(formula))
    tree = parser.expression(0)
    if parser.i != len(tokens):
        parser.fail(f"unexpected {tokens[parser.i].value!r}")
    return tree


class _Parser:
    def __init__(self, tokens: Sequence[Any], where: str) -> None:
        self.tokens, self.where, self.i = tokens, where, 0

    def __repr__(self) -> str:
        return f"_Parser({self.where}, at token {self.i})"

    def fail(self, why: str) -> None:
        raise ValueError(f"{self.where}: {why}")

    def peek(self) -> Any:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def expression(self, level: int) -> Tree:
        if level == len(_LEVELS):
            return self.unary()
        tree = self.expression(level + 1)
        while (t := self.peek()) is not None and t.type == "OPERATOR-INFIX" and t.value in _LEVELS[level]:
            self.i += 1
            tree = ("bin", t.value, tree, self.expression(level + 1))
        return tree

    def unary(self) -> Tree:
        t = self.peek()
        if t is not None and t.type == "OPERATOR-PREFIX":
            self.i += 1
            inner = self.unary()
            return ("neg", inner) if t.value == "-" else inner
        return self.primary()

    def primary(self) -> Tree:
        t = self.peek()
        if t is None:
            self.fail("ends too early")
        self.i += 1
        if t.type == "OPERAND" and t.subtype == "NUMBER":
            return ("num", float(t.value))
        if t.type == "OPERAND" and t.subtype == "RANGE":
            return ("ref", t.value.replace("$", "").upper())
        if t.type == "PAREN" and t.subtype == "OPEN":
            tree = self.expression(0)
            self.close("PAREN")
            return tree
        if t.type == "FUNC" and t.subtype == "OPEN":
            name = t.value[:-1].upper()
            if name not in FUNCTIONS and name != "IF":
                self.fail(
                    f"the function {name} is not one the engine can differentiate ({', '.join(FUNCTIONS)})"
                )
            args = []
            if not (
                self.peek() is not None and self.peek().type == "FUNC" and self.peek().subtype == "CLOSE"
            ):
                args.append(self.expression(0))
                while (s := self.peek()) is not None and s.type == "SEP":
                    self.i += 1
                    args.append(self.expression(0))
            self.close("FUNC")
            arity = FUNCTIONS[name][0] if name != "IF" else 3
            if arity is not None and len(args) != arity:
                self.fail(f"{name} takes {arity} argument(s), got {len(args)}")
            return ("fn", name, tuple(args))
        self.fail(f"cannot read {t.value!r}")
        raise AssertionError  # unreachable: fail raises

    def close(self, kind: str) -> None:
        t = self.peek()
        if t is None or t.type != kind or t.subtype != "CLOSE":
            self.fail("a parenthesis is not closed")
        self.i += 1


def references(tree: Tree) -> list[str]:
    """The cells `tree` reads (ranges such as A1:B3 expanded), in order."""
    from openpyxl.utils.cell import get_column_letter, range_boundaries

    out: list[str] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "ref":
            if ":" in node[1]:
                low_col, low_row, high_col, high_row = range_boundaries(node[1])
                out += [
                    f"{get_column_letter(c)}{r}"
                    for r in range(low_row, high_row + 1)
                    for c in range(low_col, high_col + 1)
                ]
            else:
                out.append(node[1])
        elif node[0] == "neg":
            stack.append(node[1])
        elif node[0] == "bin":
            stack += [node[3], node[2]]
        elif node[0] == "fn":
            stack += reversed(node[2])
    return out


def evaluate(tree: Tree, cell: Callable[[str], Number]) -> Number:
    """`tree` computed with `cell(ref)` giving each referenced cell (a Value or a float)."""
    kind = tree[0]
    if kind == "num":
        return float(tree[1])
    if kind == "ref":
        if ":" in tree[1]:
            raise ValueError(f"a range ({tree[1]}) is only read inside SUM")
        return cell(tree[1])
    if kind == "neg":
        return -evaluate(tree[1], cell)
    if kind == "bin":
        a, b = evaluate(tree[2], cell), evaluate(tree[3], cell)
        if tree[1] in _COMPARISONS:  # on the numbers: a comparison has no derivative
            return float(_COMPARISONS[tree[1]](_number(a), _number(b)))
        return _BINARY[tree[1]](a, b)
    if tree[1] == "IF":  # only the branch taken is computed (IF(x>0, LN(x), 0) at x = 0 is 0)
        condition, then, otherwise = tree[2]
        return evaluate(then if _number(evaluate(condition, cell)) != 0.0 else otherwise, cell)
    args: list[Number] = []
    for arg in tree[2]:
        if arg[0] == "ref" and ":" in arg[1]:
            args += [cell(ref) for ref in references(arg)]
        else:
            args.append(evaluate(arg, cell))
    return FUNCTIONS[tree[1]][1](*args)


def _number(x: Number) -> float:
    return x.data if isinstance(x, Value) else x


def is_difference_quotient(tree: Tree) -> bool:
    """True for (f(x + h) − f(x)) / h with h a number: a finite-difference estimate."""
    return bool(
        tree[0] == "bin"
        and tree[1] == "/"
        and tree[3][0] == "num"
        and tree[2][0] == "bin"
        and tree[2][1] == "-"
        and tree[2][2][0] == "ref"
        and tree[2][3][0] == "ref"
    )
