"""Checking a learner's spreadsheet: the cells that claim to be gradients, against the engine.

`check_sheet(path, loss="F4", params=["b=C4", "a=D4"])` reads the workbook's formulas, rebuilds
every cell the loss depends on as a `Value` (the parameters as leaves), runs backward, and
compares each gradient cell of the loss's row with the engine's number. A gradient cell is one
whose column is headed like a derivative, d<loss>/d<name> (`de/db`, `∂E_total/∂w1`), where
<name> names a parameter; one headed `est …` or computed as (f(x + h) − f(x))/h is a
finite-difference estimate, reported as such, never as right or wrong.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value, gradients
from autograd.validation import is_number
from chainrule._formulas import Tree, evaluate, is_difference_quotient, parse, references

__all__ = ["RELATIVE_TOLERANCE", "Claim", "SheetCheck", "check_sheet"]

RELATIVE_TOLERANCE = 1e-9
"""A gradient cell is right when it is within this relative distance of the engine's gradient."""

_GRADIENT_HEADER = re.compile(
    r"\s*(?P<estimate>est\w*\.?\s+)?[d∂]\s*(?P<of>[^/\s]+)\s*/\s*[d∂]\s*(?P<by>[^\s=]+)", re.IGNORECASE
)
_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)", re.ASCII | re.IGNORECASE)


@dataclass(frozen=True)
class Claim:
    """One gradient cell: what it claims (d loss / d `param`), the sheet's number, the engine's."""

    cell: str
    header: str
    param: str
    estimate: bool
    sheet: float
    engine: float

    @property
    def right(self) -> bool:
        return math.isclose(self.sheet, self.engine, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-300)

    def line(self) -> str:
        verdict = "estimate" if self.estimate else "right" if self.right else "WRONG"
        same = " (bit for bit)" if self.sheet == self.engine else ""
        what = "a finite-difference estimate, " if self.estimate else ""
        return (
            f"{self.cell} {self.header!r}: {verdict}: sheet {self.sheet!r}, engine {self.engine!r}{same}"
            + (f" ({what}off by {abs(self.sheet - self.engine):.3g})" if self.estimate else "")
        )

    def __repr__(self) -> str:
        return f"Claim({self.line()})"


@dataclass(frozen=True)
class SheetCheck:
    """The result of `check_sheet`: the loss cell and its value, the parameters, every claim."""

    sheet: str
    loss: str
    loss_value: float
    params: dict[str, str]
    claims: tuple[Claim, ...]

    @property
    def wrong(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if not c.estimate and not c.right)

    def report(self) -> str:
        params = ", ".join(f"{name}={cell}" for name, cell in self.params.items())
        lines = [f"sheet {self.sheet!r}, loss {self.loss} = {self.loss_value!r}, parameters {params}"]
        lines += [c.line() for c in self.claims]
        checked = [c for c in self.claims if not c.estimate]
        lines.append(
            f"{len(checked) - len(self.wrong)} of {len(checked)} gradient cells right"
            + (f"; wrong: {', '.join(c.cell for c in self.wrong)}" if self.wrong else "")
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        claims, wrong = len(self.claims), len(self.wrong)
        return f"SheetCheck({self.sheet!r}, loss={self.loss!r}, {claims} claims, {wrong} wrong)"


def check_sheet(
    path: str | os.PathLike[str], loss: str, params: Sequence[str], *, sheet: str | None = None
) -> SheetCheck:
    """Check every gradient cell of `loss`'s row of `sheet` (default: the active one).

    `params` are cells (`C4`) or `name=cell` (`b=C4`); a bare cell is named by its column's
    header. Each parameter becomes a leaf holding the cell's number; every other cell the loss
    reads is rebuilt from its formula. A cell's number is its cached value where the file has
    one (what its author saw), else its formula computed here. Raises ValueError for a cell or a
    formula it cannot read.
    """
    from openpyxl import load_workbook

    formulas = load_workbook(os.fspath(path))
    cached = load_workbook(os.fspath(path), data_only=True)
    name = sheet if sheet is not None else formulas.active.title
    if name not in formulas.sheetnames:
        raise ValueError(
            f"check_sheet: no sheet {name!r} in {os.fspath(path)!r} (it has {formulas.sheetnames!r})"
        )
    book = _Book(formulas[name], cached[name], _names(formulas, name))
    loss_cell = _cell(loss, "loss")
    named = _parameters(book, params)
    leaves = {cell: Value(book.number(cell), label=p) for p, cell in named.items()}
    root = book.value(loss_cell, leaves)
    if not isinstance(root, Value):
        raise ValueError(
            f"check_sheet: the loss {loss_cell} depends on none of the parameters {list(named.values())}"
        )
    grads = gradients(root)
    claims = []
    row = int(_CELL.fullmatch(loss_cell).group(2))  # type: ignore[union-attr]
    for column, header in book.headers(row).items():
        match = _GRADIENT_HEADER.fullmatch(header)
        if match is None or match.group("by") not in named:
            continue
        cell = f"{column}{row}"
        tree = book.tree(cell)
        estimate = match.group("estimate") is not None or (tree is not None and is_difference_quotient(tree))
        param = match.group("by")
        engine = grads.get(leaves[named[param]], 0.0)
        claims.append(Claim(cell, header, param, estimate, book.number(cell), engine))
    return SheetCheck(name, loss_cell, root.data, named, tuple(claims))


class _Book:
    """One sheet's formulas and cached values, and the cells rebuilt from them."""

    def __init__(self, formulas: Any, cached: Any, names: dict[str, str]) -> None:
        self.formulas, self.cached, self.names = formulas, cached, names
        self.trees: dict[str, Tree | None] = {}
        self.numbers: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"_Book({self.formulas.title!r})"

    def tree(self, cell: str) -> Tree | None:
        """The parsed formula of `cell`, None for a number (or an empty cell: 0)."""
        if cell not in self.trees:
            raw = self.formulas[cell].value
            self.trees[cell] = parse(raw, cell) if isinstance(raw, str) and raw.startswith("=") else None
        return self.trees[cell]

    def constant(self, cell: str) -> float:
        raw = self.formulas[cell].value
        if raw is None:
            return 0.0
        if not is_number(raw):
            raise ValueError(f"check_sheet: {cell} holds {raw!r}, not a number")
        return float(raw)

    def number(self, cell: str) -> float:
        """The cell's number: its cached value, else its formula computed in floats."""
        if cell not in self.numbers:
            if self.tree(cell) is None:
                self.numbers[cell] = self.constant(cell)
            else:
                seen = self.cached[cell].value
                if is_number(seen):
                    self.numbers[cell] = float(seen)
                else:
                    result = self.value(cell, {})
                    self.numbers[cell] = result.data if isinstance(result, Value) else result
        return self.numbers[cell]

    def value(self, target: str, leaves: dict[str, Value]) -> Value | float:
        """`target` rebuilt from the formulas, `leaves` (cell → Value) cut off as leaves: each
        cell computed once, after the cells it reads (iteratively: chains of any length)."""
        built: dict[str, Value | float] = dict(leaves)
        expanding: set[str] = set()  # cells waiting for the cells they read: a cycle if met again
        stack = [target]
        while stack:
            cell = stack[-1]
            if cell in built:
                stack.pop()
                continue
            tree = self.tree(cell)
            if tree is None:
                built[cell] = self.constant(cell)
                stack.pop()
                continue
            missing = [ref for ref in references(tree) if ref not in built]
            for ref in missing:
                if ref in self.names:  # a defined name: the cell it names
                    built[ref] = self.value(self.names[ref], leaves)
                elif _CELL.fullmatch(ref) is None:
                    raise ValueError(
                        f"check_sheet: {cell} reads {ref!r}, neither a cell of this sheet nor a name"
                    )
            missing = [ref for ref in missing if ref not in built]
            if missing:
                if cell in expanding or any(ref in expanding for ref in missing):
                    raise ValueError(f"check_sheet: {cell} refers to itself (a circular reference)")
                expanding.add(cell)
                stack += missing
                continue
            expanding.discard(cell)
            try:
                built[cell] = evaluate(tree, built.__getitem__)
            except (ArithmeticError, ValueError) as error:
                raise ValueError(f"check_sheet: {cell}: {error}") from None
            stack.pop()
        return built[target]

    def headers(self, row: int) -> dict[str, str]:
        """Per column, the nearest text above `row` (its header)."""
        from openpyxl.utils.cell import get_column_letter

        out = {}
        for c in range(1, self.formulas.max_column + 1):
            column = get_column_letter(c)
            for r in range(row - 1, 0, -1):
                text = self.formulas[f"{column}{r}"].value
                if isinstance(text, str) and not text.startswith("="):
                    out[column] = text.strip()
                    break
        return out


def _names(workbook: Any, sheet: str) -> dict[str, str]:
    """The defined names (the workbook's, then the sheet's own) that name one cell of `sheet`."""
    out = {}
    for scope in (workbook.defined_names, workbook[sheet].defined_names):
        for name, defined in scope.items():
            for title, ref in defined.destinations:
                match = _CELL.fullmatch(ref)
                if title == sheet and match is not None:
                    out[name.upper()] = f"{match.group(1).upper()}{match.group(2)}"
    return out


def _cell(text: str, what: str) -> str:
    match = _CELL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"check_sheet: {what} must be a cell such as F4, got {text!r}")
    return f"{match.group(1).upper()}{match.group(2)}"


def _parameters(book: _Book, params: Sequence[str]) -> dict[str, str]:
    """name → cell for each of `params` (`b=C4`, or `C4` named by its column's header)."""
    if isinstance(params, str) or not params:
        raise ValueError(f"check_sheet: params must be a non-empty list of cells, got {params!r}")
    named: dict[str, str] = {}
    for text in params:
        name, _, where = text.rpartition("=")
        cell = _cell(where, "each of params")
        if not name:
            row = int(cell[len(cell.rstrip("0123456789")) :])
            name = book.headers(row).get(cell.rstrip("0123456789"), cell)
        if name in named:
            raise ValueError(f"check_sheet: the parameter name {name!r} is given twice")
        named[name.strip()] = cell
    return named
