"""`chainrule graddesc` through its entry point: the table, the CSV of every update, the plot,
and one-line errors."""

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chainrule.cli import main
from chainrule.graddesc import OPTIMIZERS, train
from chainrule.graddesc_report import graddesc_figure
from tests.helpers import one_line_error

HEADER = "optimizer,epoch,step,x,y,a,b,de_da,de_db,new_a,new_b,err2"
SHEET_TABLE = """\
rules: sheet; each epoch: √Σ(a·x + b − y)² over its 29 updates; a, b after epoch 5 (the line: a = 2, b = 30)
optimizer      lr  epoch 1  epoch 2  epoch 3  epoch 4  epoch 5        a        b
---------  ------  -------  -------  -------  -------  -------  -------  -------
basic      0.0001  150.755  105.663  105.456  105.248  105.042  2.60828  1.29822
momentum   0.0001  199.135  98.6496  91.4794  90.7457  90.5492  2.33875  1.25351
rmsprop      0.02  154.816  88.2054  85.0983  84.0339  83.0476  2.41982   2.7361
adam          1.0  209.252  116.127  151.396  120.326  212.772  1.40002  24.7985
"""

LIBRARY_TABLE = """\
rules: library; each epoch: √Σ(a·x + b − y)² over its 29 updates; a, b after epoch 5 (the line: a = 2, b = 30)
optimizer  nn.optim                        lr  epoch 1  epoch 2  epoch 3  epoch 4  epoch 5        a        b
---------  --------------------------  ------  -------  -------  -------  -------  -------  -------  -------
basic      SGD(lr)                     0.0001  150.755  105.663  105.456  105.248  105.042  2.60828  1.29822
momentum   SGD(lr, momentum=0.9)        1e-05  199.135  98.6496  91.4794  90.7457  90.5492  2.33875  1.25351
rmsprop    RMSprop(lr, alpha=0.9)        0.02  327.794  221.266  134.004  85.5882  80.9475  2.45024  3.32039
adam       Adam(lr, betas=(0.9, 0.9))     0.5   160.73  73.0077  70.1871   61.561  64.7237  2.57144  24.7762
"""


def test_the_sheet_rules_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--rules", "sheet", "--epochs", "5"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (SHEET_TABLE, "")
    # the numbers are the lesson's
    adam = train("adam")
    assert f"{adam.epoch_errors()[4]:.6g}" == "212.772" and f"{adam.final[1]:.6g}" == "24.7985"


def test_the_library_rules_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--rules", "library"]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (LIBRARY_TABLE, "")
    adam = train("adam", rules="library")
    assert f"{adam.final[1]:.6g}" == "24.7762"


@pytest.mark.parametrize(("optimizers", "epochs"), [(OPTIMIZERS, 2), (("rmsprop", "basic"), 3)])
def test_csv_has_one_row_per_update_at_full_precision(
    optimizers, epochs: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "out" / "graddesc.csv"
    assert main(["graddesc", "--optimizer", *optimizers, "--epochs", str(epochs), "--csv", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    lines = path.read_text().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(lines))
    assert len(rows) == 29 * epochs * len(optimizers)
    assert [r["optimizer"] for r in rows[:: 29 * epochs]] == list(optimizers)
    for name in optimizers:
        got = [r for r in rows if r["optimizer"] == name]
        for row, update in zip(got, train(name, epochs=epochs).updates, strict=True):
            assert (int(row["epoch"]), int(row["step"])) == (update.epoch, update.step)
            for field in HEADER.split(",")[3:]:
                assert float(row[field]) == getattr(update, field)  # repr: read back exactly
    assert [(r["epoch"], r["step"]) for r in rows[28:30]] == [("1", "29"), ("2", "1")]


def test_plot_is_a_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "graddesc.png"
    assert main(["graddesc", "--optimizer", "basic", "adam", "--epochs", "2", "--plot", str(path)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {path}\n")
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 480)
        colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20


def test_plot_format_from_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "graddesc.svg"
    assert main(["graddesc", "--optimizer", "momentum", "--epochs", "1", "--plot", str(path)]) == 0
    assert capsys.readouterr().out.endswith(f"wrote {path}\n")
    assert path.read_text().lstrip().startswith("<?xml") and "<svg" in path.read_text()


def test_the_figure_draws_each_path_and_its_errors() -> None:
    runs = [train("basic", epochs=2), train("rmsprop", epochs=2)]
    paths, errors = graddesc_figure(runs).axes
    basic_path = paths.lines[0]
    assert basic_path.get_label() == "basic"
    xs, ys = np.asarray(basic_path.get_xdata()), np.asarray(basic_path.get_ydata())
    assert len(xs) == 1 + 58 and (xs[0], ys[0]) == (1.0, 1.0) and (xs[-1], ys[-1]) == runs[0].final
    assert [line.get_label() for line in errors.lines] == ["basic", "rmsprop"]
    assert np.asarray(errors.lines[1].get_ydata()).tolist() == runs[1].epoch_errors()


def test_learning_rates_one_for_all_or_one_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--optimizer", "basic", "momentum", "--lr", "5e-5", "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3].split()[:2] == ["basic", "5e-05"] and lines[4].split()[:2] == ["momentum", "5e-05"]
    assert main(["graddesc", "--optimizer", "adam", "basic", "--lr", "0.5", "1e-5", "--epochs", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    errors = train("adam", lr=0.5, epochs=1).epoch_errors()
    assert lines[3].split()[:3] == ["adam", "0.5", f"{errors[0]:.6g}"]
    assert lines[4].split()[:2] == ["basic", "1e-05"]


def test_many_epochs_show_the_first_and_last_four(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--optimizer", "basic", "--epochs", "12"]) == 0
    header = capsys.readouterr().out.splitlines()[1].split("  ")
    columns = [c.strip() for c in header if c.strip()]
    shown = ["epoch 1", "epoch 2", "epoch 3", "epoch 4", "…", "epoch 9", "epoch 10", "epoch 11", "epoch 12"]
    assert columns[2:11] == shown


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--optimizer", "sgd"], "--optimizer: 'sgd' is not one of basic, momentum, rmsprop, adam"),
        (["--optimizer", "adam", "adam"], "--optimizer: 'adam' is given more than once"),
        (["--rules", "torch"], "--rules: 'torch' is not one of sheet, library"),
        (["--epochs", "0"], "--epochs: must be >= 1, got '0'"),
        (["--epochs", "two"], "--epochs: 'two' is not a whole number"),
        (["--lr", "fast"], "--lr: 'fast' is not a number"),
        (["--lr", "-1"], "--lr: must be > 0, got '-1'"),
        (["--lr", "1", "2"], "--lr: give one learning rate, or one per optimizer (4), got 2"),
        (["--optimizer", "basic", "--lr", "1"], "with --lr 1: "),
        (["--plot", "paths.xyz"], "--plot: cannot tell the format of 'paths.xyz'"),
    ],
)
def test_bad_arguments_end_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graddesc", *argv]) == 2
    err = one_line_error(capsys, "graddesc")
    assert message in err


MACROS_TABLE = """\
the workbook's macros: reset, then 5 onesteps; step k: √Σ err² of the 29 rows shown after it; a, b: the top
sheet         lr   step 1   step 2   step 3   step 4   step 5        a        b
--------  ------  -------  -------  -------  -------  -------  -------  -------
basic     0.0001  104.749   104.56  104.371  104.182  103.993     2.57  1.27546
momentum  0.0001  98.7026    91.13  90.3095  90.0835  89.9262  2.35803  1.26108
rmsprop     0.02  238.497  147.843  90.5393  81.9141  80.8049  2.40362  3.18907
adam         1.0  125.079  59.7778  164.504  189.589  186.751  1.70374  24.9601
adam_ann     1.0  71.2614  80.0756  166.306  83.5767  66.0358  1.84857  24.5246
"""


def test_the_workbooks_run_button(capsys: pytest.CaptureFixture[str]) -> None:
    # the basic row's errors are the sheet's logged C38:C42, b 1.27546 its C1 (test_graddesc_workbook)
    assert main(["graddesc", "--runs", "1"]) == 0
    assert capsys.readouterr() == (MACROS_TABLE, "")


def test_a_saved_state_resumes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "state.json"
    assert main(["graddesc", "--runs", "1", "--optimizer", "adam_ann", "--save-state", str(path)]) == 0
    capsys.readouterr()
    assert main(["graddesc", "--runs", "4", "--optimizer", "adam_ann", "--resume", str(path)]) == 0
    resumed = capsys.readouterr().out.splitlines()[-1].split()
    assert main(["graddesc", "--runs", "5", "--optimizer", "adam_ann"]) == 0
    straight = capsys.readouterr().out.splitlines()[-1].split()
    assert resumed[0] == straight[0] == "adam_ann"
    assert resumed[1] == straight[1] == "0.00390625"  # lr 1/256: four times quartered
    assert resumed[-2:] == straight[-2:] == ["2.00416", "29.9909"]


def test_finite_differences_beside_the_gradients(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--runs", "1", "--optimizer", "basic", "--finite-differences"]) == 0
    lines = capsys.readouterr().out.splitlines()
    first = lines[
        lines.index("the basic sheet's last pass: forward differences beside backward()'s gradients") + 3
    ]
    # the sheet's row 4 (H4, J4 against K4, L4): off by h = 0.01 and by h·x² = 1.96 at x = 14
    assert first.split() == ["14", "-41.4892", "-41.4792", "0.01", "-580.848", "-578.888", "1.96"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--runs", "1", "--rules", "library"], "--rules: not with --runs"),
        (["--runs", "1", "--csv", "x.csv"], "--csv: not with --runs"),
        (["--runs", "-1"], "--runs: must be >= 0"),
        (["--runs", "1", "--optimizer", "sgd"], "--optimizer: 'sgd' is not one of basic, momentum"),
        (["--optimizer", "adam_ann"], "--optimizer: 'adam_ann' is not one of basic, momentum, rmsprop, adam"),
        (["--save-state", "s.json"], "--save-state: only with --runs"),
        (["--runs", "1", "--optimizer", "adam", "--finite-differences"], "the basic sheet has them"),
        (["--runs", "1", "--resume", "/nonexistent/state.json"], "--resume: cannot read"),
    ],
)
def test_bad_macro_arguments_end_with_one_line(argv, message, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", *argv]) == 2
    assert message in one_line_error(capsys, "graddesc")


def test_a_diverging_run_names_the_optimizer_epoch_and_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graddesc", "--optimizer", "basic", "--lr", "1"]) == 2
    err = one_line_error(capsys, "graddesc")
    assert "basic (sheet rules, lr 1.0) diverged at epoch 2, step 18 (a = -5.589e+155" in err
    assert main(["graddesc", "--optimizer", "basic", "--lr", "1", "--runs", "1"]) == 2
    err = one_line_error(capsys, "graddesc")
    assert "the basic sheet (lr 1.0) diverged at onestep 1's pass, row 21" in err
