"""`chainrule check-sheet` on the course's own graddesc.xlsm (tests/fixtures, Apache-2.0)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from chainrule.check_sheet import check_sheet
from chainrule.cli import main
from chainrule.course_sheet import layout, write_course_sheet
from chainrule.graddesc_sheet import write_graddesc_sheet
from chainrule.spreadsheet import WEIGHT_NAMES

FIXTURE = Path(__file__).parent / "fixtures" / "graddesc.xlsm"


def test_the_course_sheets_gradients_are_the_engines_bit_for_bit():
    result = check_sheet(FIXTURE, "F4", ["b=C4", "a=D4"], sheet="basic")
    claims = {c.cell: c for c in result.claims}
    assert sorted(claims) == ["H4", "J4", "K4", "L4"]
    assert claims["K4"].engine == claims["K4"].sheet == -41.48917384488354
    assert claims["L4"].engine == claims["L4"].sheet == -580.8484338283695
    assert claims["H4"].estimate and claims["J4"].estimate  # forward differences, h = 0.01
    assert not claims["K4"].estimate and result.wrong == ()
    assert result.loss_value == 430.33788658274204  # the cached F4


def test_every_row_of_the_basic_sheet_checks():
    for row in (5, 17, 32):
        result = check_sheet(FIXTURE, f"F{row}", [f"b=C{row}", f"a=D{row}"], sheet="basic")
        assert [c.right for c in result.claims if not c.estimate] == [True, True], result.report()


def test_a_broken_gradient_formula_is_named(tmp_path):
    book = openpyxl.load_workbook(FIXTURE)
    book["basic"]["L4"] = "=K4*B4"  # y instead of x: the chain rule's last factor wrong
    book.save(tmp_path / "broken.xlsx")
    result = check_sheet(tmp_path / "broken.xlsx", "F4", ["b=C4", "a=D4"], sheet="basic")
    assert [c.cell for c in result.wrong] == ["L4"]
    assert result.wrong[0].sheet == -41.48917384488354 * 58 and result.wrong[0].engine == -580.8484338283695


def test_the_command_reports_each_cell_and_fails_on_a_wrong_one(tmp_path, capsys):
    assert (
        main(["check-sheet", str(FIXTURE), "--sheet", "basic", "--loss", "F4", "--params", "b=C4", "a=D4"])
        == 0
    )
    out = capsys.readouterr().out
    assert "K4 'de/db': right: sheet -41.48917384488354, engine -41.48917384488354 (bit for bit)" in out
    assert "H4 'est de/db': estimate: sheet -41.47917384490256, engine -41.48917384488354" in out
    assert out.rstrip().endswith("2 of 2 gradient cells right")
    book = openpyxl.load_workbook(FIXTURE)
    book["basic"]["K4"] = "=2*(E4+B4)"
    book.save(tmp_path / "broken.xlsx")
    assert (
        main(
            [
                "check-sheet",
                str(tmp_path / "broken.xlsx"),
                "--sheet",
                "basic",
                "--loss",
                "F4",
                "--params",
                "b=C4",
                "a=D4",
            ]
        )
        == 1
    )
    out = capsys.readouterr().out
    assert "K4 'de/db': WRONG" in out and out.rstrip().endswith("wrong: K4, L4")


def test_refusals_are_one_line(tmp_path, capsys):
    args = ["check-sheet", str(FIXTURE), "--sheet", "basic", "--params", "b=C4"]
    assert main([*args, "--loss", "F4x"]) == 2
    assert (
        capsys.readouterr().err == "chainrule check-sheet: error: loss must be a cell such as F4, got 'F4x'\n"
    )
    assert main(["check-sheet", str(FIXTURE), "--sheet", "nope", "--loss", "F4", "--params", "C4"]) == 2
    assert "no sheet 'nope'" in capsys.readouterr().err
    (tmp_path / "not.xlsx").write_text("hello")
    assert main(["check-sheet", str(tmp_path / "not.xlsx"), "--loss", "A1", "--params", "B1"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_the_generated_graddesc_sheets_check_too(tmp_path):
    write_graddesc_sheet(tmp_path / "g.xlsx")
    for optimizer in ("basic", "adam"):
        result = check_sheet(tmp_path / "g.xlsx", "E20", ["C20", "D20"], sheet=optimizer)
        assert [c.header for c in result.claims] == ["de/db", "de/da"] and result.wrong == ()


@pytest.mark.parametrize("formula", ["=-C4^2", "=(-C4)^2"])
def test_a_prefix_minus_binds_tighter_than_a_power(tmp_path, formula):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["A2"], sheet["C4"], sheet["B4"] = "x", "de/dx", None, 3.0, None
    sheet["A4"], sheet["B4"] = formula.replace("C4", "C4"), "=2*C4"
    sheet["C3"] = "x"
    book.save(tmp_path / "p.xlsx")
    result = check_sheet(tmp_path / "p.xlsx", "A4", ["x=C4"])
    assert result.loss_value == 9.0 and [c.right for c in result.claims] == [True]


def test_a_learners_sigmoid_and_its_derivative(tmp_path):
    """σ(w·x) by hand, its derivative right in one column and wrong (σ instead of σ(1 − σ)) in another."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["w", "x", "s", "dE/dw", "de/dw"])
    sheet.append([0.7, 1.5, "=1/(1+EXP(-A2*B2))", "=C2*(1-C2)*B2", "=C2*B2"])
    book.save(tmp_path / "s.xlsx")
    result = check_sheet(tmp_path / "s.xlsx", "C2", ["A2"])
    assert result.params == {"w": "A2"}
    assert [(c.cell, c.right) for c in result.claims] == [("D2", True), ("E2", False)]
    assert "E2 'de/dw': WRONG" in result.report() and result.report().endswith("wrong: E2")


def test_the_generated_course_sheet_checks_and_a_planted_bug_is_named(tmp_path):
    """The course sheet's formulas (IF in its sigmoids) rebuilt as Values: the 8 ∂E_total/∂w of a
    row are right; with ∂E/∂w5 given a's instead of σ's derivative (a planted bug), w5 is named."""
    write_course_sheet(tmp_path / "c.xlsx", epochs=3)
    where = layout()
    r = where.first_row + 2
    params = [f"{where.column[w]}{r}" for w in WEIGHT_NAMES]
    result = check_sheet(tmp_path / "c.xlsx", f"{where.column['E_total']}{r}", params)
    assert [c.param for c in result.claims] == list(WEIGHT_NAMES) and result.wrong == ()
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    cell = f"{where.column['dE_dw5']}{r}"
    book["lr 0.5"][cell] = f"=({where.column['dE_do1']}{r})*({where.column['a_h2']}{r})"
    book.save(tmp_path / "c.xlsx")
    result = check_sheet(tmp_path / "c.xlsx", f"{where.column['E_total']}{r}", params)
    assert [c.cell for c in result.wrong] == [cell]


def test_if_computes_only_the_branch_taken(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["x", "y", "dy/dx"])
    sheet.append([0.0, "=IF(A2>0,LN(A2),A2*3)", 3.0])
    book.save(tmp_path / "if.xlsx")
    result = check_sheet(tmp_path / "if.xlsx", "B2", ["A2"])
    assert result.loss_value == 0.0 and [(c.engine, c.right) for c in result.claims] == [(3.0, True)]
