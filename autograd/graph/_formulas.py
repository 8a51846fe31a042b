"""A graph as spreadsheet formulas: each node's data and gradient as text in Excel's language,
given where each node lives in the sheet. `autograd.graph.spreadsheet` (one row per node) and the
course's sheet (one row per epoch) both lay their cells out and call `formulas`.

Each op's data formula and local derivatives come from the op table (`op.excel`); this module
only adds the chain rule: a node's gradient is the sum, over its consumers and each operand slot
it fills there, of the consumer's gradient times that slot's local derivative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from autograd.engine import ScalarOpName, Value
from autograd.ops import OPS, Op, _formula

__all__ = ["Formulas", "formulas", "number", "spreadsheet_op"]

MAX_FORMULA = 8192  # characters: Excel's limit for one formula


@dataclass(frozen=True)
class Formulas:
    """Per node of `order`: `data` its formula (None for a leaf: a number, not a formula) and
    `grad` its gradient's formula ("1" for the root); neither has the leading '='."""

    order: tuple[Value, ...]
    data: tuple[str | None, ...]
    grad: tuple[str, ...]

    def __repr__(self) -> str:
        return f"Formulas({len(self.order)} nodes)"


def number(x: float) -> str:
    """A float as a formula's literal that reads back as the same float (the op table's)."""
    return str(_formula(float(x)))


def spreadsheet_op(node: Value) -> Op:
    """The op table's entry for `node`'s op, or a ValueError if it has no spreadsheet formula."""
    # a scalar_op's nodes carry a ScalarOpName: its name may be a built-in op's ("exp") while
    # its function is the user's, which no formula of the table computes
    op = None if isinstance(node.op, ScalarOpName) else OPS.get(node.op)
    if op is None:
        raise ValueError(
            f"the op {node.op!r} of {node!r} has no spreadsheet formula "
            "(a scalar_op: only the op table's ops can be written as a sheet)"
        )
    return op


def formulas(
    order: Sequence[Value],
    data_cell: Callable[[Value], str | None],
    grad_cell: Callable[[Value], str | None],
) -> Formulas:
    """The formulas of the graph `order` (a topological order, root last).

    `data_cell(node)` and `grad_cell(node)` name the cell that holds the node's data or its
    gradient, or return None to have it written inline wherever it is used (the course's
    sheet gives only its named nodes cells). Inline expressions are parenthesised, so an
    operand is always one term (`=-A1^2` means (-A1)^2 in Excel: never rely on precedence).
    """
    index = {node: i for i, node in enumerate(order)}
    data: list[str | None] = []
    data_refs: list[str] = []  # what a formula writes to use each node's data
    locals_: list[list[tuple[int, str]]] = [[] for _ in order]  # per node: (consumer, local) pairs
    for i, node in enumerate(order):
        cell = data_cell(node)
        if not node.children:
            if cell is None:
                raise ValueError(f"the leaf {node!r} needs a cell")
            data.append(None)
            data_refs.append(cell)
            continue
        operands = [data_refs[index[x]] if isinstance(x, Value) else number(x) for x in node.operands]
        formula, derivatives = spreadsheet_op(node).excel(operands, cell or "")
        if cell is None:  # the result inline: its local derivatives may not refer to a cell of it
            formula, derivatives = spreadsheet_op(node).excel(operands, f"({formula})")
        formula = _tidy(formula)
        data.append(formula)
        data_refs.append(cell if cell is not None else f"({formula})")
        for x, local in zip(node.operands, derivatives, strict=True):
            if isinstance(x, Value):
                locals_[index[x]].append((i, local))
    grad: list[str] = [""] * len(order)
    grad_refs: list[str] = [""] * len(order)
    for i in reversed(range(len(order))):
        node = order[i]
        if i == len(order) - 1:
            text = "1"
        else:
            # summed in the order backward() adds them (the last consumer first), so the
            # floating-point sum is the engine's to the bit
            terms = sorted(locals_[i], key=lambda pair: -pair[0])
            text = "+".join(_term(grad_refs[j], local) for j, local in terms) or "0"
        where = grad_cell(node)
        grad[i] = _tidy(text)
        grad_refs[i] = where if where is not None else f"({text})"
    for i, node in enumerate(order):
        for written in (data[i], grad[i]):
            if written is not None and len(written) > MAX_FORMULA:
                raise ValueError(
                    f"the formula of {node!r} would be {len(written):,} characters; a spreadsheet "
                    f"formula holds at most {MAX_FORMULA:,}"
                )
    return Formulas(tuple(order), tuple(data), tuple(grad))


def _term(gradient: str, local: str) -> str:
    """gradient × local derivative; a factor 1 left out (the engine's `1.0 * g` is exactly g)."""
    if gradient in _ONE:
        return f"({local})"
    return f"({gradient})" if local in _ONE else f"({gradient})*({local})"


_ONE = ("1", "(1)", "1.0", "(1.0)")


def _tidy(formula: str) -> str:
    """`formula` with doubled parentheses, ((x)), written once, (x): the same formula."""
    pairs: dict[int, int] = {}
    stack = []
    for i, ch in enumerate(formula):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            pairs[stack.pop()] = i
    drop = {i for i, j in pairs.items() if pairs.get(i + 1) == j - 1}
    drop |= {pairs[i] for i in drop}
    return "".join(ch for i, ch in enumerate(formula) if i not in drop)
