"""`chainrule sweep` through its real entry point: output, files, and one-line errors."""

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from chainrule import closed_form
from chainrule.cli import main
from chainrule.spreadsheet import DEFAULT_LEARNING_RATES
from chainrule.sweep import sweep
from chainrule.sweep_report import sweep_figure
from tests.helpers import one_line_error

HEADER = (
    "lr,epoch,w1,w2,w3,w4,w5,w6,w7,w8,h1,h2,a_h1,a_h2,o1,o2,a_o1,a_o2,E1,E2,E_total,"
    "dE_dw1,dE_dw2,dE_dw3,dE_dw4,dE_dw5,dE_dw6,dE_dw7,dE_dw8"
)
TABLE = """\
 lr  E_total before  after 45 updates  change
---  --------------  ----------------  ------
0.1        0.242520          0.185273  -23.6%
0.2        0.242520          0.141395  -41.7%
0.5        0.242520          0.070431  -71.0%
0.8        0.242520          0.042524  -82.5%
1.0        0.242520          0.032745  -86.5%
2.0        0.242520          0.013922  -94.3%
"""


def test_default_sweep_prints_the_learning_rate_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep"]) == 0
    out, err = capsys.readouterr()
    assert out == TABLE
    assert err == ""


def test_csv_is_the_per_epoch_trace_at_full_precision(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new-dir" / "sweep.csv"
    assert main(["sweep", "--csv", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    lines = path.read_text().splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(lines))
    assert len(rows) == len(DEFAULT_LEARNING_RATES) * 46
    assert [(r["lr"], r["epoch"]) for r in rows[45:47]] == [("0.1", "45"), ("0.2", "0")]
    # every number is repr-exact: it reads back to the engine's float, which matches the closed form
    for lr in DEFAULT_LEARNING_RATES:
        trace = [r for r in rows if float(r["lr"]) == lr]
        for row, expected in zip(trace, closed_form.train(lr), strict=True):
            assert int(row["epoch"]) == expected.epoch
            for name, x in expected.values.items():
                assert float(row[name]) == pytest.approx(x, rel=1e-12, abs=1e-15)
    assert rows[0]["E_total"] == repr(closed_form.forward()["E_total"])


def test_plot_is_a_png_with_one_line_per_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "plots" / "sweep.png"
    assert main(["sweep", "--lr", "0.5", "2", "--epochs", "10", "--plot", str(path)]) == 0
    assert f"wrote {path}" in capsys.readouterr().out
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert image.size == (700, 450)
        colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20  # drawn on, not a blank canvas


def test_the_figure_has_one_labelled_line_per_rate() -> None:
    traces = sweep([0.1, 0.5, 2.0], epochs=5)
    (axes,) = sweep_figure(traces).axes
    assert [line.get_label() for line in axes.lines] == ["0.1", "0.5", "2.0"]
    assert np.asarray(axes.lines[2].get_xdata()).tolist() == [0, 1, 2, 3, 4, 5]
    assert np.asarray(axes.lines[2].get_ydata()).tolist() == [r.loss for r in traces[2]]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("epoch (SGD updates)", "E_total")
    legend = axes.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == ["0.1", "0.5", "2.0"]


def test_options_reach_the_training(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inputs, weights, targets = (0.5, -0.25), (0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8), (0.9, 0.1)
    path = tmp_path / "t.csv"
    argv = ["sweep", "--lr", "0.7", "--epochs", "3", "--csv", str(path)]
    argv += ["--inputs", "0.5,-0.25", "--weights", ",".join(map(str, weights)), "--targets", " 0.9, 0.1"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "after 3 updates" in out
    rows = list(csv.DictReader(path.read_text().splitlines()))
    expected = closed_form.train(0.7, epochs=3, inputs=inputs, weights=weights, targets=targets)
    assert float(rows[-1]["E_total"]) == pytest.approx(expected[-1].loss, rel=1e-12)
    assert f"{expected[-1].loss:.6f}" in out


def test_zero_epochs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--lr", "1", "--epochs", "0"]) == 0
    out = capsys.readouterr().out
    assert "after 0 updates" in out and "+0.0%" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--lr", "fast"], "--lr: 'fast' is not a number"),
        (["--lr", "nan"], "--lr: 'nan' is not a finite number"),
        (["--lr", "-0.5"], "--lr: must be > 0, got '-0.5'"),
        (["--epochs", "-1"], "--epochs: must be >= 0, got '-1'"),
        (["--epochs", "4.5"], "--epochs: '4.5' is not a whole number"),
        (["--weights", "0.1,0.2,0.3"], "--weights: expected 8 comma-separated numbers (W1,...,W8), got 3"),
        (["--inputs", "0.05,abc"], "--inputs: 'abc' is not a number"),
        (["--targets", "0.1,inf"], "--targets: 'inf' is not a finite number"),
        (["--targets", "0.1,"], "--targets: '' is not a number"),
        (["--inputs", "1e308,1e308", "--weights", "10,1,1,1,1,1,1,1"], "*: result inf is not finite"),
    ],
)
def test_bad_arguments_end_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", *argv]) == 2
    err = one_line_error(capsys, "sweep")
    assert message in err


def test_installed_script(tmp_path: Path) -> None:
    script = shutil.which("chainrule", path=str(Path(sys.executable).parent))
    assert script is not None, "the chainrule console script is not installed"
    ok = subprocess.run(
        [script, "sweep", "--csv", "out/sweep.csv", "--plot", "out/sweep.png"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (ok.returncode, ok.stderr) == (0, "")
    assert ok.stdout.startswith(TABLE)
    assert (tmp_path / "out" / "sweep.csv").read_text().startswith(HEADER + "\n")
    with Image.open(tmp_path / "out" / "sweep.png") as image:
        assert image.format == "PNG"
    bad = subprocess.run(
        [script, "sweep", "--weights", "1,2"], capture_output=True, text=True, timeout=120, check=False
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr
    assert "--weights: expected 8 comma-separated numbers" in bad.stderr


def test_a_negative_first_number_joined_with_equals(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--lr", "1", "--epochs", "1", "--weights=-0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8"]) == 0
    weights = (-0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
    expected = closed_form.train(1.0, epochs=1, weights=weights)[-1].loss
    assert f"{expected:.6f}" in capsys.readouterr().out


def test_a_failing_run_keeps_the_files_it_would_have_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path, png_path = tmp_path / "sweep.csv", tmp_path / "sweep.png"
    csv_path.write_text("earlier results\n")
    png_path.write_bytes(b"earlier plot")
    overflowing = ["--inputs", "1e308,1e308", "--weights", "10,1,1,1,1,1,1,1"]
    assert main(["sweep", *overflowing, "--csv", str(csv_path), "--plot", str(png_path)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert csv_path.read_text() == "earlier results\n"
    assert png_path.read_bytes() == b"earlier plot"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sweep.csv", "sweep.png"]  # no partial files


def test_a_directory_as_output_is_refused_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--csv", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"chainrule sweep: error: --csv: {str(tmp_path)!r} is a directory\n"
