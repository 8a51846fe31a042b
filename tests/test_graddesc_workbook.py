"""The graddesc workbook's cached cells (tests/fixtures/graddesc.xlsm, as the course published
it) against `chainrule.graddesc`'s reset, onestep and run: the state the top rows hold, and
every row the sheet shows for it."""

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import pytest

from chainrule.graddesc import (
    SheetState,
    finite_differences,
    onestep,
    reset,
    run,
    sheet_pass,
    sheet_runs,
    train,
)

openpyxl = pytest.importorskip("openpyxl", reason="the test extra installs openpyxl")
WORKBOOK = Path(__file__).parent / "fixtures" / "graddesc.xlsm"
ROWS = range(4, 33)  # the 29 data rows


@pytest.fixture(scope="module")
def book() -> Any:
    return openpyxl.load_workbook(WORKBOOK, data_only=True, read_only=False)


def cached_state(book: Any, sheet: str) -> dict[str, Any]:
    """The top of a sheet as the workbook saved it, pairs in (a, b) order."""
    ws = book[sheet]
    top: dict[str, Any] = {"a": ws["C2"].value, "b": ws["C1"].value}
    top["lr"] = ws["F1"].value if sheet == "basic" else ws["D2"].value
    if sheet == "momentum":
        top["m"] = (ws["K33"].value, ws["J33"].value)
    if sheet == "rmsprop":
        top["v"] = (ws["K33"].value, ws["J33"].value)
    if sheet in ("adam", "adam_ann"):
        top["m"] = (ws["K33"].value, ws["J33"].value)
        top["v"] = (ws["M33"].value, ws["L33"].value)
    if sheet == "adam_ann":
        top["smallest"] = ws["N3"].value
    if sheet == "basic":
        top["errors"] = tuple(ws[f"C{r}"].value for r in range(38, 43))
    return top


def state_top(state: SheetState) -> dict[str, Any]:
    return {key: getattr(state, key) for key in cached_state_keys(state.sheet)}


def cached_state_keys(sheet: str) -> list[str]:
    keys = ["a", "b", "lr"]
    keys += {"momentum": ["m"], "rmsprop": ["v"], "adam": ["m", "v"], "adam_ann": ["m", "v", "smallest"]}.get(
        sheet, ["errors"]
    )
    return keys


def test_basic_is_reset_then_one_run(book) -> None:
    # five onesteps, each logging the error of the pass it leaves: the lecture's b "still at 1.27"
    state = run(reset("basic"))
    assert state_top(state) == cached_state(book, "basic")
    assert state.b == 1.2754625002528799
    assert state.onesteps == 5


def test_pasting_the_last_rows_result_instead_misses_the_sheet(book) -> None:
    # train() keeps the 29th update of every pass: five epochs of it are not the sheet's run
    assert train("basic", epochs=5).final[1] != pytest.approx(book["basic"]["C1"].value, rel=1e-3)


def test_momentum_is_as_reset_left_it(book) -> None:
    # reset pastes the m of one pass from a = b = 1 into momtarget; no run since
    assert state_top(reset("momentum")) == cached_state(book, "momentum")


def test_rmsprop_is_reset_then_one_run(book) -> None:
    # reset warms v with two passes from a = b = 1: b "already up to 3" after one run
    state = run(reset("rmsprop"))
    assert state_top(state) == cached_state(book, "rmsprop")
    assert state.b == 3.1890676512613103


def test_rmsprop_without_the_warm_up_misses_the_sheet(book) -> None:
    cold = run(dataclasses.replace(reset("rmsprop"), v=(10000.0, 10000.0)))
    assert cold.b != pytest.approx(book["rmsprop"]["C1"].value, rel=1e-3)


def test_adam_is_three_runs_at_lr_1_then_one_at_lr_0_1(book) -> None:
    # the sheet was saved with lr 0.1 (D2), which its reset does not set: someone typed it in
    # after three runs at reset's lr 1; reset itself recalculates after every paste
    state = run(dataclasses.replace(run(reset("adam"), 3), lr=0.1))
    assert state_top(state) == cached_state(book, "adam")


def test_adam_ann_is_reset_then_five_runs_of_annealing(book) -> None:
    # β2 = 0.95; lr quartered four times (1 -> 1/256) when √v_b + √v_a doubled its smallest value
    state = run(reset("adam_ann"), 5)
    cached = cached_state(book, "adam_ann")
    assert (state.lr, state.onesteps) == (cached["lr"], 25) == (1 / 256, 25)
    # the same schedule; the last digits differ: an ulp somewhere in Excel's 1,566 rows of
    # arithmetic grows some 100-fold over 25 passes (the rows below match from the saved top)
    for key in ("a", "b", "smallest"):
        assert getattr(state, key) == pytest.approx(cached[key], rel=1e-10), key
    for key in ("m", "v"):
        assert getattr(state, key) == pytest.approx(cached[key], rel=1e-8), key


def test_adam_ann_without_annealing_misses_the_sheet(book) -> None:
    state = reset("adam_ann")
    for _ in range(25):
        state = onestep(state)  # onestep alone, no lr / 4
    assert state.lr == 1.0
    assert state.b != pytest.approx(book["adam_ann"]["C1"].value, rel=1e-6)


# the columns of each sheet's rows: (cell letter, what it is) in the sheet's own layout
COLUMNS = {
    "basic": {"C": "b", "D": "a", "F": "err2", "K": "de_db", "L": "de_da", "M": "new_a", "N": "new_b"},
    "momentum": {"C": "b", "D": "a", "F": "de_db", "G": "de_da", "H": "new_b", "I": "new_a", "L": "err2"},
    "rmsprop": {"C": "b", "D": "a", "F": "de_db", "G": "de_da", "H": "new_b", "I": "new_a"},
    "adam": {"C": "b", "D": "a", "F": "de_db", "G": "de_da", "H": "new_b", "I": "new_a"},
    "adam_ann": {"C": "b", "D": "a", "F": "de_db", "G": "de_da", "H": "new_b", "I": "new_a"},
}
MOMENTS = {  # cell letter: (m or v, 0 for a, 1 for b)
    "momentum": {"J": ("m", 1), "K": ("m", 0)},
    "rmsprop": {"J": ("v", 1), "K": ("v", 0)},
    "adam": {"J": ("m", 1), "K": ("m", 0), "L": ("v", 1), "M": ("v", 0)},
    "adam_ann": {"J": ("m", 1), "K": ("m", 0), "L": ("v", 1), "M": ("v", 0)},
}


@pytest.mark.parametrize("sheet", list(COLUMNS))
def test_every_row_follows_from_the_saved_top(book, sheet: str) -> None:
    ws = book[sheet]
    top = cached_state(book, sheet)
    state = SheetState(
        sheet, top["a"], top["b"], top["lr"], top.get("m", (0.0, 0.0)), top.get("v", (1e4, 1e4))
    )
    done = sheet_pass(state)
    checked = 0
    for row, update, (m, v) in zip(ROWS, done.updates, done.moments, strict=True):
        for letter, field in COLUMNS[sheet].items():
            assert getattr(update, field) == ws[f"{letter}{row}"].value, (sheet, f"{letter}{row}")
            checked += 1
        for letter, (which, i) in MOMENTS.get(sheet, {}).items():
            assert {"m": m, "v": v}[which][i] == ws[f"{letter}{row}"].value, (sheet, f"{letter}{row}")
            checked += 1
    assert checked >= 29 * 6
    if sheet == "basic":
        assert done.error == ws["F33"].value  # rmse = SQRT(SUM(F4:F32))


def test_the_basic_sheets_finite_differences(book) -> None:
    # columns H and J: forward differences with h = 0.01, beside the analytic K and L
    ws = book["basic"]
    top = cached_state(book, "basic")
    done = sheet_pass(SheetState("basic", top["a"], top["b"], top["lr"]))
    for row, update in zip(ROWS, done.updates, strict=True):
        est_da, est_db = finite_differences(update)
        assert (est_db, est_da) == (ws[f"H{row}"].value, ws[f"J{row}"].value)
        # off by h in ∂/∂b and by h·x² in ∂/∂a: (r + h)² − r² = 2rh + h²
        assert est_db - update.de_db == pytest.approx(0.01, rel=1e-6)
        assert est_da - update.de_da == pytest.approx(0.01 * update.x**2, rel=1e-6)


def test_a_saved_state_resumes_where_it_stopped(tmp_path: Path) -> None:
    state = run(reset("adam_ann"), 2)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state.to_dict()))
    resumed = SheetState.from_dict(json.loads(path.read_text()))
    assert resumed == state
    assert run(resumed, 3) == run(reset("adam_ann"), 5)
    passes = sheet_runs("adam_ann", 1, state=resumed)
    assert len(passes) == 6 and passes[-1].state == run(state)


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        ({"sheet": "sgd"}, ValueError, "sheet must be one of"),
        ({"a": "1"}, TypeError, "a must be a real number"),
        ({"m": [1.0]}, ValueError, "m must hold 2 numbers"),
        ({"lr": math.nan}, ValueError, "lr"),
    ],
)
def test_a_bad_saved_state_is_refused(change, error, message) -> None:
    data = {**reset("adam").to_dict(), **change}
    with pytest.raises(error, match=message):
        SheetState.from_dict(data)
