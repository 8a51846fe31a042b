"""`chainrule sheet`: the course's sheets recalculated by LibreOffice (one soffice call for the
module) equal the engine's training: every weight, node and gradient of every row to 1e-14."""

from __future__ import annotations

import math

import openpyxl
import pytest
from openpyxl.formula.translate import Translator

from autograd import gradients
from chainrule.cli import main
from chainrule.course_sheet import MAZUR_BIASES, layout, write_course_sheet
from chainrule.graddesc import OPTIMIZERS, train
from chainrule.graddesc_sheet import columns
from chainrule.spreadsheet import DEFAULT_WEIGHTS, FORWARD_NAMES, WEIGHT_NAMES
from chainrule.sweep import train as sweep_train
from nn.teaching import teaching_network
from tests.libreoffice import needs_libreoffice, recalculate

REL = 1e-14
MOVED_W1 = 0.3


def close(sheet: object, engine: float) -> bool:
    return isinstance(sheet, int | float) and math.isclose(sheet, engine, rel_tol=REL, abs_tol=1e-300)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every workbook of this module, written by the command and recalculated in one call."""
    folder = tmp_path_factory.mktemp("sheets")
    assert main(["sheet", "--out", str(folder / "course.xlsx")]) == 0
    assert main(["sheet", "--biases", "--epochs", "1", "--out", str(folder / "mazur.xlsx")]) == 0
    assert main(["sheet", "graddesc", "--out", str(folder / "graddesc.xlsx")]) == 0
    write_course_sheet(folder / "moved.xlsx")
    book = openpyxl.load_workbook(folder / "moved.xlsx")
    book["lr 0.5"][f"B{layout().first_row}"] = MOVED_W1  # w1 at epoch 0
    book.save(folder / "moved.xlsx")
    write_course_sheet(folder / "dragged.xlsx")
    book = openpyxl.load_workbook(folder / "dragged.xlsx")
    sheet, last = book["lr 0.5"], layout().first_row + 45
    for cell in sheet[last]:  # the last row copied one row down, as dragging its fill handle does
        if isinstance(cell.value, str) and cell.value.startswith("="):
            below = f"{cell.column_letter}{last + 1}"
            sheet[below] = Translator(cell.value, origin=cell.coordinate).translate_formula(below)
    book.save(folder / "dragged.xlsx")
    names = ("course", "mazur", "graddesc", "moved", "dragged")
    outs = recalculate([folder / f"{n}.xlsx" for n in names], folder)
    return {n: openpyxl.load_workbook(out, data_only=True) for n, out in zip(names, outs, strict=True)}


def differences(sheet, weights: tuple[float, ...], lr: float = 0.5, epochs: int = 45) -> list[str]:
    """Every weight, node and gradient of every row against `chainrule.sweep.train`'s run."""
    where = layout()
    wrong = []
    for record in sweep_train(lr, epochs=epochs, weights=weights):
        r = where.first_row + record.epoch
        network = teaching_network(weights=[record.values[w] for w in WEIGHT_NAMES])
        grads = gradients(network.loss)
        engine = dict(record.values)
        engine.update({f"dE_d{n}": grads[network.nodes[n]] for n in FORWARD_NAMES[:-1]})
        for name, value in engine.items():
            cell = f"{where.column[name]}{r}"
            if not close(sheet[cell].value, value):
                wrong.append(
                    f"{cell} {name} epoch {record.epoch}: sheet {sheet[cell].value!r}, engine {value!r}"
                )
    return wrong


@needs_libreoffice
def test_the_course_sheet_trains_as_the_engine_does(recalculated):
    sheet = recalculated["course"]["lr 0.5"]
    last = sheet[f"{layout().column['E_total']}{layout().first_row + 45}"].value
    assert close(last, sweep_train(0.5)[-1].loss) and f"{last:.6f}" == "0.070431"
    assert differences(sheet, DEFAULT_WEIGHTS) == []
    assert sheet[f"A{layout().first_row + 45}"].value == 45


@needs_libreoffice
def test_dragging_the_last_row_down_trains_one_more_epoch(recalculated):
    sheet, where = recalculated["dragged"]["lr 0.5"], layout()
    assert differences(sheet, DEFAULT_WEIGHTS, epochs=46) == []
    assert sheet[f"A{where.first_row + 46}"].value == 46


@needs_libreoffice
def test_a_weight_changed_in_the_file_retrains_the_whole_sheet(recalculated):
    moved = (MOVED_W1, *DEFAULT_WEIGHTS[1:])
    assert differences(recalculated["moved"]["lr 0.5"], moved) == []
    assert differences(recalculated["moved"]["lr 0.5"], DEFAULT_WEIGHTS) != []  # the check can fail


@needs_libreoffice
def test_mazurs_biases_give_his_numbers(recalculated):
    sheet, where = recalculated["mazur"]["lr 0.5"], layout(MAZUR_BIASES)
    network = teaching_network(biases=MAZUR_BIASES)
    start = sheet[f"{where.column['E_total']}{where.first_row}"].value
    assert f"{start:.9f}" == "0.298371109" and close(start, network.loss.data)
    network.loss.backward()
    assert close(sheet[f"{where.column['dE_dw5']}{where.first_row}"].value, network.nodes["w5"].grad)
    w5 = sheet[f"{where.column['w5']}{where.first_row + 1}"].value
    assert f"{w5:.8f}" == "0.35891648"  # his post's w5 after one update at lr 0.5


@needs_libreoffice
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_graddesc_sheets_equal_the_sheet_rules(recalculated, optimizer):
    sheet, col = recalculated["graddesc"][optimizer], columns(optimizer)
    run = train(optimizer, rules="sheet", epochs=1)
    wrong = []
    for k, update in enumerate(run.updates):
        r = 6 + k
        for name, value in (
            ("b", update.b),
            ("a", update.a),
            ("de/db", update.de_db),
            ("de/da", update.de_da),
            ("new b", update.new_b),
            ("new a", update.new_a),
            ("err2", update.err2),
        ):
            if not close(sheet[f"{col[name]}{r}"].value, value):
                wrong.append(
                    f"{col[name]}{r} {name}: sheet {sheet[f'{col[name]}{r}'].value!r}, engine {value!r}"
                )
    assert wrong == []
    last = 5 + len(run.updates)
    assert (sheet[f"{col['new a']}{last}"].value, sheet[f"{col['new b']}{last}"].value) == pytest.approx(
        run.final, rel=REL
    )


def test_the_command_writes_the_workbook_and_says_so(tmp_path, capsys):
    assert main(["sheet", "--sweep", "--epochs", "3", "--out", str(tmp_path / "s.xlsx")]) == 0
    assert capsys.readouterr().out == (
        f"wrote {tmp_path / 's.xlsx'} (lr 0.1, lr 0.2, lr 0.5, lr 0.8, lr 1.0, lr 2.0)\n"
    )
    sheet = openpyxl.load_workbook(tmp_path / "s.xlsx")["lr 2.0"]
    first = layout().first_row
    assert sheet["B1"].value == 2.0 and sheet[f"A{first + 3}"].value == f"=(A{first + 2})+1"
    assert sheet[f"A{layout().first_row + 4}"].value is None
    assert main(["sheet", "graddesc", "--optimizer", "rmsprop", "--out", str(tmp_path / "g.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "g.xlsx").sheetnames == ["rmsprop"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graddesc", "--lr", "1"], "--lr is for 'chainrule sheet course'; graddesc uses the sheet's rates"),
        (["--sweep", "--lr", "1"], "give --lr or --sweep, not both"),
        (["--optimizer", "adam"], "--optimizer is for 'chainrule sheet graddesc'"),
        (
            ["graddesc", "--optimizer", "nesterov"],
            "--optimizer: 'nesterov' is not one of basic, momentum, rmsprop, adam",
        ),
        (["lesson9"], "'lesson9' is not one of course, graddesc"),
        (["--lr", "-1"], "--lr: must be > 0, got '-1'"),
    ],
)
def test_the_command_refuses_in_one_line(tmp_path, capsys, args, message):
    assert main(["sheet", *args, "--out", str(tmp_path / "x.xlsx")]) == 2
    assert capsys.readouterr().err == f"chainrule sheet: error: {message}\n"
    assert not (tmp_path / "x.xlsx").exists()
