"""`to_xlsx`: a computation graph as a live spreadsheet, its forward and backward pass as formulas.

One row per node in topological order (each node after its operands): its label, its op, its
data as a formula of its operands' cells, its gradient as the sum over its consumers of their
gradient times the local derivative. Leaves are plain numbers with defined names, so changing
one in Excel or LibreOffice recomputes the whole graph, forward and backward. openpyxl is
imported when a sheet is written (pip install 'chainrule[sheet]').
"""

from __future__ import annotations

import os
import re
from typing import Any

from autograd.engine import Value, _root, topological_order
from autograd.graph._formulas import formulas

__all__ = ["COLUMNS", "GRADIENT_COLOUR", "LOSS_COLOUR", "MAX_NODES", "NUMBER_FORMAT", "leaf_names", "to_xlsx"]

MAX_NODES = 100_000
"""The largest graph `to_xlsx` writes: one row per node, and spreadsheet programs slow to a crawl
long before their limit of 1,048,576 rows."""
COLUMNS = ("node", "label", "op", "data", "gradient")
NUMBER_FORMAT = "0.000000000"
"""Nine decimals, as Mazur's post prints the course network's numbers (E_total 0.298371109)."""
LOSS_COLOUR = "FFE699"  # the loss's row or column: light gold
GRADIENT_COLOUR = "DDEBF7"  # the gradients: light blue
HEADER_ROWS = 1
_DATA, _GRAD = "D", "E"
# A defined name may not read as a cell reference (w1 is column W, row 1; R1C1 is one too)
_CELL_LIKE = re.compile(r"[A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc]?[0-9]*|[Cc][0-9]*", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*", re.ASCII)


def to_xlsx(root: Value, path: str | os.PathLike[str]) -> None:
    """Write `root`'s graph to the Excel workbook `path` (.xlsx) as formulas.

    The sheet `graph` has a row per node under the header (`COLUMNS`): the node's number,
    label and op, its data and its gradient d(root)/d(node). The root's row (the loss) and the
    gradient column are highlighted. Each leaf gets a defined name (`leaf_names`) so a formula
    or a reader can find it. Raises ValueError, before writing anything, for a graph of more
    than `MAX_NODES` nodes or an op without a spreadsheet formula (a `scalar_op`'s).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.workbook.defined_name import DefinedName

    order = topological_order(_root(root, "to_xlsx"))
    if len(order) > MAX_NODES:
        raise ValueError(
            f"to_xlsx: the graph has {len(order):,} nodes; a sheet of it would have more than "
            f"{MAX_NODES:,} rows (draw a smaller graph)"
        )
    row = {node: i + HEADER_ROWS + 1 for i, node in enumerate(order)}
    try:
        sheet_formulas = formulas(order, lambda n: f"{_DATA}{row[n]}", lambda n: f"{_GRAD}{row[n]}")
    except ValueError as error:
        raise ValueError(f"to_xlsx: {error}") from None
    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "graph"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    names = leaf_names(order)
    for i, node in enumerate(order):
        data = sheet_formulas.data[i]
        sheet.append(
            [
                i,
                node.label,
                node.op or "leaf",
                node.data if data is None else f"={data}",
                f"={sheet_formulas.grad[i]}",
            ]
        )
        for column in (_DATA, _GRAD):
            sheet[f"{column}{row[node]}"].number_format = NUMBER_FORMAT
    for node, name in names.items():
        workbook.defined_names[name] = DefinedName(name, attr_text=f"graph!${_DATA}${row[node]}")
    gradient = PatternFill("solid", fgColor=GRADIENT_COLOUR)
    loss = PatternFill("solid", fgColor=LOSS_COLOUR)
    for r in range(HEADER_ROWS, len(order) + HEADER_ROWS + 1):
        sheet[f"{_GRAD}{r}"].fill = gradient
    for cell in sheet[row[order[-1]]]:
        cell.fill = loss
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column, width in zip("ABCDE", (7, 14, 9, 18, 18), strict=True):
        sheet.column_dimensions[column].width = width
    workbook.save(os.fspath(path))


def leaf_names(order: list[Value]) -> dict[Value, str]:
    """A defined name for each leaf of `order`: its label where that is a valid name that
    reads as no cell reference, else `_` and the label (`_w1`: `w1` is Excel's column W, row 1),
    else `x_0`, `x_1`, … by position; made unique with a suffix."""
    names: dict[Value, str] = {}
    taken: set[str] = set()
    leaves = [node for node in order if not node.children]
    for k, leaf in enumerate(leaves):
        name = leaf.label if _NAME.fullmatch(leaf.label) else f"x_{k}"
        if _CELL_LIKE.fullmatch(name):
            name = f"_{name}"
        base, n = name, 1
        while name.lower() in taken:
            n += 1
            name = f"{base}_{n}"
        taken.add(name.lower())
        names[leaf] = name
    return names
