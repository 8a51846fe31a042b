"""The graddesc lesson's sheets regenerated: a line fitted by online SGD, momentum, RMSProp or
Adam, one row per point, every column a formula.

Columns as in the course's `graddesc.xlsm`: x, y, b (intercept), a (slope), the row's squared
error, its gradients de/db and de/da (the engine's graph of (a·x + b − y)² written out, each
op's formula from the op table), the optimizer's running averages, and the new b and a, which
the next row starts from. A start row above the first point holds b = a = 1 and the averages'
starting values (m 0, v 10000); the learning rate and β are named cells (`lr`, `beta`). The
update formulas are `chainrule.graddesc`'s `rules="sheet"` (see its docstring), so LibreOffice's
numbers equal `chainrule graddesc --rules sheet`'s.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from autograd import Value, topological_order
from autograd.graph._formulas import formulas
from autograd.graph.spreadsheet import GRADIENT_COLOUR, LOSS_COLOUR, NUMBER_FORMAT
from autograd.validation import check_choice, check_int
from chainrule.graddesc import BETA, OPTIMIZERS, SHEET_LEARNING_RATES, SHEET_V0, START, X, Y

__all__ = ["STATE", "graddesc_workbook", "write_graddesc_sheet"]

STATE = {
    "basic": (),
    "momentum": ("m",),
    "rmsprop": ("v",),
    "adam": ("m", "v"),
}
"""The running averages each optimizer keeps, per parameter (m: of g, v: of g²)."""
_START = {"m": 0.0, "v": SHEET_V0}
_PARAMETERS = ("b", "a")  # the sheet's order: intercept, then slope


def graddesc_workbook(optimizers: Sequence[str] = OPTIMIZERS, *, epochs: int = 1) -> Any:
    """An openpyxl Workbook with one sheet per optimizer: `epochs` passes over the 29 points."""
    from openpyxl import Workbook

    if isinstance(optimizers, str) or not optimizers:
        raise ValueError(f"optimizers must be a non-empty list of names, got {optimizers!r}")
    for name in optimizers:
        check_choice(name, "optimizer", OPTIMIZERS)
    epochs = check_int(epochs, "epochs", min_value=1)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name in optimizers:
        _write_sheet(workbook.create_sheet(name), name, epochs)
    return workbook


def write_graddesc_sheet(
    path: str | os.PathLike[str], optimizers: Sequence[str] = OPTIMIZERS, *, epochs: int = 1
) -> None:
    """`graddesc_workbook` saved to `path` (.xlsx)."""
    graddesc_workbook(optimizers, epochs=epochs).save(os.fspath(path))


def columns(optimizer: str) -> dict[str, str]:
    """Column letter of each of the sheet's quantities (x, y, b, a, err2, de/db, de/da, the
    averages m_b, m_a, v_b, v_a the optimizer keeps, new b, new a)."""
    from openpyxl.utils.cell import get_column_letter

    names = ["x", "y", "b", "a", "err2", "de/db", "de/da"]
    names += [f"{s}_{p}" for s in STATE[optimizer] for p in _PARAMETERS]
    names += ["new b", "new a"]
    return {name: get_column_letter(i + 1) for i, name in enumerate(names)}


def _write_sheet(sheet: Any, optimizer: str, epochs: int) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    col = columns(optimizer)
    sheet["A1"], sheet["B1"] = "learning rate", SHEET_LEARNING_RATES[optimizer]
    sheet["A2"], sheet["B2"] = "beta", BETA
    for name, cell in (("lr", "$B$1"), ("beta", "$B$2")):
        sheet.defined_names[name] = DefinedName(name, attr_text=f"'{sheet.title}'!{cell}")
    header, start = 4, 5
    bold = Font(bold=True)
    for name, letter in col.items():
        sheet[f"{letter}{header}"] = "err²" if name == "err2" else name
        sheet[f"{letter}{header}"].font = bold
    sheet[f"A{start}"] = "start"
    sheet[f"{col['new b']}{start}"], sheet[f"{col['new a']}{start}"] = START[1], START[0]
    for state in STATE[optimizer]:
        for p in _PARAMETERS:
            sheet[f"{col[f'{state}_{p}']}{start}"] = _START[state]
    # the engine's graph of one row's loss, in `chainrule.graddesc.train`'s operand order
    a, b, x, y = Value(START[0], "a"), Value(START[1], "b"), Value(float(X[0]), "x"), Value(float(Y[0]), "y")
    loss = (a * x + b - y) ** 2
    loss.label = "err2"
    order = topological_order(loss)
    points = [(px, py) for _ in range(epochs) for px, py in zip(X, Y, strict=True)]
    for k, (px, py) in enumerate(points):
        r = start + 1 + k

        def data_cell(node: Value, r: int = r) -> str | None:
            return f"{col[node.label]}{r}" if node.label else None  # x, y, b, a, err2; the rest inline

        def grad_cell(node: Value, r: int = r) -> str | None:
            return f"{col['de/d' + node.label]}{r}" if node.label in _PARAMETERS else None

        row = formulas(order, data_cell, grad_cell)
        sheet[f"{col['x']}{r}"], sheet[f"{col['y']}{r}"] = px, py
        sheet[f"{col['b']}{r}"], sheet[f"{col['a']}{r}"] = (
            f"={col['new b']}{r - 1}",
            f"={col['new a']}{r - 1}",
        )
        for node, data, grad in zip(row.order, row.data, row.grad, strict=True):
            if node is loss:
                sheet[f"{col['err2']}{r}"] = f"={data}"
            if node.label in _PARAMETERS:
                sheet[f"{col['de/d' + node.label]}{r}"] = f"={grad}"
        for p in _PARAMETERS:
            for cell, formula in _updates(optimizer, p, col, r).items():
                sheet[cell] = f"={formula}"
        for letter in list(col.values())[2:]:
            sheet[f"{letter}{r}"].number_format = NUMBER_FORMAT
    last = start + len(points)
    fills = {"err2": LOSS_COLOUR, "de/db": GRADIENT_COLOUR, "de/da": GRADIENT_COLOUR}
    for name, colour in fills.items():
        for r in range(header, last + 1):
            sheet[f"{col[name]}{r}"].fill = PatternFill("solid", fgColor=colour)
    sheet.freeze_panes = f"A{start + 1}"
    for letter in col.values():
        sheet.column_dimensions[letter].width = 13


def _updates(optimizer: str, p: str, col: dict[str, str], r: int) -> dict[str, str]:
    """The formulas of row `r`'s new averages and new `p`: `chainrule.graddesc`'s sheet rules."""
    g, old = f"{col['de/d' + p]}{r}", f"{col[p]}{r}"
    out = {}
    m = v = ""
    if "m" in STATE[optimizer]:
        m = f"{col['m_' + p]}{r}"
        out[m] = f"(beta)*({col['m_' + p]}{r - 1})+(1-(beta))*({g})"
    if "v" in STATE[optimizer]:
        v = f"{col['v_' + p]}{r}"
        out[v] = f"(beta)*({col['v_' + p]}{r - 1})+(1-(beta))*({g})^2"
    new = f"{col['new ' + p]}{r}"
    if optimizer == "basic":
        out[new] = f"({old})-(lr)*({g})"
    elif optimizer == "momentum":
        out[new] = f"({old})-(lr)*({m})"
    elif optimizer == "rmsprop":  # divides by the previous row's v
        out[new] = f"({old})-(lr)*({g})/SQRT({col['v_' + p]}{r - 1})"
    else:
        out[new] = f"({old})-(lr)*({m})/SQRT({v})"
    return out
