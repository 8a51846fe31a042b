"""The course's spreadsheet regenerated from the engine: the 2-2-2 network trained by hand, one
row per epoch, every cell a formula.

Each row holds the weights, every named node of the forward pass, ∂E_total/∂w for the eight
weights and ∂E_total/∂node for the other nodes (the δ's of the course), and refers to the row
above for its weights, w ← w − lr·∂E_total/∂w: dragging the last row down trains on, as in the
source sheet. The formulas are the engine's graph written out (`autograd.graph._formulas`,
every op's formula from the op table), so they are the engine's arithmetic: LibreOffice's
numbers equal `chainrule.sweep.train`'s to 15 digits. The learning rate, the inputs and
Mazur's biases (`biases=(0.35, 0.60)`, kept fixed as in his post) are named cells at the top.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from autograd import topological_order
from autograd.graph._formulas import formulas
from autograd.graph.spreadsheet import GRADIENT_COLOUR, LOSS_COLOUR, NUMBER_FORMAT, leaf_names
from autograd.validation import check_int, check_number
from chainrule.spreadsheet import (
    DEFAULT_EPOCHS,
    DEFAULT_INPUTS,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    FORWARD_NAMES,
    WEIGHT_NAMES,
)
from nn.teaching import teaching_network

__all__ = ["DEFAULT_LR", "MAZUR_BIASES", "SheetLayout", "course_workbook", "layout", "write_course_sheet"]

DEFAULT_LR = 0.5
CHART_ROWS = 15  # the E_total chart's height in rows, beside the parameters, above the table
MAZUR_BIASES = (0.35, 0.60)
"""Matt Mazur's biases b1, b2 ("A Step by Step Backpropagation Example"): E_total 0.298371109."""


class SheetLayout:
    """Where the cells of one learning rate's sheet are: `first_row` is epoch 0's row, and
    `column[name]` the column of each weight, node (`E_total`, …) and gradient (`dE_dw1`,
    `dE_dh1`, …); `parameters` lists the named cells at the top as (name, label, value)."""

    def __init__(self, biases: Sequence[float] | None, inputs: Sequence[float] = DEFAULT_INPUTS) -> None:
        self.parameters: list[tuple[str, str, float]] = [("lr", "learning rate", 0.0)]
        self.parameters += [(n, n, x) for n, x in zip(("i1", "i2"), inputs, strict=True)]
        if biases is not None:
            self.parameters += [(n, n, x) for n, x in zip(("b1", "b2"), biases, strict=True)]
        self.header_row = CHART_ROWS + 2  # the parameters and the chart above the table
        self.first_row = self.header_row + 1
        self.gradient_names = [f"dE_d{n}" for n in (*WEIGHT_NAMES, *FORWARD_NAMES[:-1])]
        self.headers = ["epoch", *WEIGHT_NAMES, *FORWARD_NAMES]
        self.headers += [f"∂E_total/∂{n[4:]}" for n in self.gradient_names]
        from openpyxl.utils.cell import get_column_letter

        names = ["epoch", *WEIGHT_NAMES, *FORWARD_NAMES, *self.gradient_names]
        self.column = {name: get_column_letter(i + 1) for i, name in enumerate(names)}
        self.cell = {name: f"$B${r}" for r, (name, _, _) in enumerate(self.parameters, start=1)}

    def __repr__(self) -> str:
        return f"SheetLayout({len(self.parameters)} parameters, epoch 0 in row {self.first_row})"


def layout(biases: Sequence[float] | None = None) -> SheetLayout:
    """The layout of `course_workbook`'s sheets (the same for every learning rate)."""
    return SheetLayout(biases)


def course_workbook(
    learning_rates: Sequence[float] = (DEFAULT_LR,),
    *,
    epochs: int = DEFAULT_EPOCHS,
    biases: Sequence[float] | None = None,
) -> Any:
    """An openpyxl Workbook with one sheet per learning rate (`lr 0.5`, …): epochs 0 to
    `epochs`, one row each, and a line chart of E_total."""
    from openpyxl import Workbook

    rates = [check_number(lr, "lr", min_value=0.0) for lr in learning_rates]
    if not rates:
        raise ValueError("learning_rates is empty")
    epochs = check_int(epochs, "epochs", min_value=0)
    workbook = Workbook()
    workbook.remove(workbook.active)
    for lr in rates:
        _write_sheet(workbook.create_sheet(f"lr {lr!r}"), lr, epochs, biases)
    return workbook


def write_course_sheet(
    path: str | os.PathLike[str],
    learning_rates: Sequence[float] = (DEFAULT_LR,),
    *,
    epochs: int = DEFAULT_EPOCHS,
    biases: Sequence[float] | None = None,
) -> None:
    """`course_workbook` saved to `path` (.xlsx)."""
    course_workbook(learning_rates, epochs=epochs, biases=biases).save(os.fspath(path))


def _write_sheet(sheet: Any, lr: float, epochs: int, biases: Sequence[float] | None) -> None:
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    where = layout(biases)
    network = teaching_network(DEFAULT_INPUTS, DEFAULT_WEIGHTS, DEFAULT_TARGETS, biases=biases)
    order = topological_order(network.loss)
    names = {node: label for label, node in network.nodes.items()}
    leaf_cells = {node: where.cell[names[node]] for node in order if names.get(node) in where.cell}
    bold = Font(bold=True)
    sheet["A1"].font = bold
    for r, (name, label, value) in enumerate(where.parameters, start=1):
        sheet.cell(r, 1, label)
        sheet.cell(r, 2, lr if name == "lr" else value)
    sheet.cell(
        len(where.parameters) + 1, 1, f"targets t1, t2 = {DEFAULT_TARGETS[0]!r}, {DEFAULT_TARGETS[1]!r}"
    )
    from openpyxl.workbook.defined_name import DefinedName

    scope_names = leaf_names([n for n in order if n in leaf_cells])
    for node, cell in leaf_cells.items():
        sheet.defined_names[scope_names[node]] = DefinedName(
            scope_names[node], attr_text=f"'{sheet.title}'!{cell}"
        )
    sheet.defined_names["lr"] = DefinedName("lr", attr_text=f"'{sheet.title}'!{where.cell['lr']}")
    for c, header in enumerate(where.headers, start=1):
        sheet.cell(where.header_row, c, header).font = bold
    for epoch in range(epochs + 1):
        r = where.first_row + epoch

        def data_cell(node: Any, r: int = r) -> str | None:
            name = names.get(node)
            if name in where.cell:
                return where.cell[name]
            return f"{where.column[name]}{r}" if name in where.column else None

        def grad_cell(node: Any, r: int = r) -> str | None:
            name = f"dE_d{names.get(node)}"
            return f"{where.column[name]}{r}" if name in where.column else None

        row = formulas(order, data_cell, grad_cell)
        sheet[f"A{r}"] = epoch if epoch == 0 else f"=(A{r - 1})+1"  # dragged down, it counts on
        for node, data, grad in zip(row.order, row.data, row.grad, strict=True):
            name = names.get(node, "")
            if name in WEIGHT_NAMES:
                w, g = where.column[name], where.column[f"dE_d{name}"]
                sheet[f"{w}{r}"] = node.data if epoch == 0 else f"=({w}{r - 1})-(lr)*({g}{r - 1})"
            elif name in where.column:
                sheet[f"{where.column[name]}{r}"] = f"={data}"
            if f"dE_d{name}" in where.column:
                sheet[f"{where.column[f'dE_d{name}']}{r}"] = f"={grad}"
        for c in range(2, len(where.headers) + 1):
            sheet.cell(r, c).number_format = NUMBER_FORMAT
    gradient, loss = PatternFill("solid", fgColor=GRADIENT_COLOUR), PatternFill("solid", fgColor=LOSS_COLOUR)
    last = where.first_row + epochs
    for name in where.gradient_names:
        for r in range(where.header_row, last + 1):
            sheet[f"{where.column[name]}{r}"].fill = gradient
    for r in range(where.header_row, last + 1):
        sheet[f"{where.column['E_total']}{r}"].fill = loss
    sheet.freeze_panes = f"B{where.first_row}"
    for c in range(2, len(where.headers) + 1):
        sheet.column_dimensions[sheet.cell(1, c).column_letter].width = 13
    sheet.column_dimensions["A"].width = 14
    chart = LineChart()
    chart.title = f"E_total by epoch, lr {lr!r}"
    chart.x_axis.title, chart.y_axis.title = "epoch", "E_total"
    chart.y_axis.number_format = "0.00"
    chart.legend = None
    column = sheet[f"{where.column['E_total']}1"].column
    chart.add_data(
        Reference(sheet, min_col=column, min_row=where.header_row, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=where.first_row, max_row=last))
    chart.height, chart.width = 0.5 * CHART_ROWS, 16  # cm: a row is about 0.5 cm
    sheet.add_chart(chart, "D1")
    sheet.page_setup.orientation = "landscape"  # printed (or converted to PDF): the columns fit across
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
