"""What a person meets at the command line (issue 10, items 8, 9 and 17): one line per
failure, help for users, numbers typed as people type them, progress on a terminal only."""

from __future__ import annotations

import errno
import io
import subprocess
import sys

import pytest

import chainrule
from chainrule.cli import main
from chainrule.spreadsheet import EpochRecord
from chainrule.sweep import train
from chainrule.sweep_report import format_table
from tests.helpers import one_line_error

# ---- item 8: every failure is one line and a non-zero exit ----


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("", "--out: the path is empty"),
        (".", "--out: '.' is a directory"),
        ("/", "--out: '/' is a directory"),
    ],
)
def test_empty_dot_and_root_out_paths_are_one_line_errors(
    path: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graph", "--out", path, "--format", "svg"]) == 2
    assert message in one_line_error(capsys, "graph")


class FullDisk(io.RawIOBase):
    """A file whose every write fails as on a full disk (as /dev/full does)."""

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_standard_output_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    full = io.TextIOWrapper(io.BufferedWriter(FullDisk()))
    monkeypatch.setattr(sys, "stdout", full)
    try:
        assert main(["sweep", "--epochs", "1"]) == 2
    finally:
        monkeypatch.undo()
        with pytest.raises(OSError):  # its buffer still cannot be written
            full.close()
    assert capsys.readouterr().err == (
        "chainrule sweep: error: cannot write standard output: No space left on device\n"
    )


def test_ctrl_c_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("chainrule.cli._sweep.sweep", interrupted)
    assert main(["sweep"]) == 130
    assert capsys.readouterr().err == "chainrule sweep: interrupted\n"


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def bug(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not the user's numbers")

    monkeypatch.setattr("chainrule.cli._sweep.sweep", bug)
    with pytest.raises(ValueError, match="a bug"):
        main(["sweep"])


def test_a_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--no-such-option"]) == 2
    err = capsys.readouterr().err
    assert err == "chainrule: error: unrecognized arguments: --no-such-option (see chainrule --help)\n"
    assert main(["nonsense"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


# ---- item 9: progress on a terminal only; only the records written are kept ----


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_shown_on_a_terminal_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--lr", "1", "--epochs", "50"]) == 0
    assert capsys.readouterr().err == ""  # not a terminal: nothing
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["sweep", "--lr", "1", "--epochs", "50"]) == 0
    assert (
        "sweep:   0%|" in terminal.getvalue() and "0/51 [" in terminal.getvalue()
    )  # tqdm's bar, epochs 0-50


def test_a_long_sweep_keeps_only_the_records_it_will_write(monkeypatch: pytest.MonkeyPatch) -> None:
    kept: list[int] = []

    def spy(learning_rates: list[float], **options: object) -> list[list[EpochRecord]]:
        traces = chainrule.sweep.sweep(learning_rates, **options)  # type: ignore[arg-type]
        kept.append(sum(len(trace) for trace in traces))
        return traces

    monkeypatch.setattr("chainrule.cli._sweep.sweep", spy)
    assert main(["sweep", "--lr", "1", "2", "--epochs", "300"]) == 0
    assert kept == [2 * 2]  # the table needs the first and the last epoch of each rate
    records = train(1.0, epochs=300, every=100)
    assert [r.epoch for r in records] == [0, 100, 200, 300]
    assert records[-1].values == train(1.0, epochs=300)[-1].values  # thinning changes no number


# ---- item 17: messages a learner meets ----


def test_help_is_written_for_users(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "thin argument parsing" not in text
    assert "chainrule sweep --csv sweep.csv --plot sweep.png" in text  # an example to copy
    for command in ("sweep", "graph"):
        assert command in text


@pytest.mark.parametrize("command", ["sweep", "graph", "graddesc", "collab", "train"])
def test_help_shows_percent_signs_once(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    # argparse %-formats help strings but not descriptions: "20 %%" there is printed as is
    assert main([command, "--help"]) == 0
    assert "%%" not in capsys.readouterr().out


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"chainrule {chainrule.__version__}\n"
    from importlib.metadata import version

    assert chainrule.__version__ == version("chainrule")


@pytest.mark.parametrize("argv", [[], ["--format", "png"]])
def test_a_picture_is_not_written_to_a_terminal(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["graph", *argv]) == 2
    err = one_line_error(capsys, "graph")
    assert "refusing to write a" in err and "--out" in err
    assert terminal.getvalue() == ""


def test_the_dot_source_may_go_to_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(sys.stdout, "buffer", io.BytesIO(), raising=False)
    assert main(["graph", "--format", "dot"]) == 0


def test_an_overflow_names_the_options_given(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--targets", "1e155,1"]) == 2
    err = one_line_error(capsys, "sweep")
    assert err.startswith("chainrule sweep: error: with --targets 1e155,1: ")
    assert "overflow" in err or "not finite" in err


def test_huge_losses_keep_the_lines_short(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "--targets", "1e154,1", "--lr", "1e-300", "--epochs", "1"]) == 0  # (> 0: no step)
    out = capsys.readouterr().out
    assert max(len(line) for line in out.splitlines()) < 80, out
    assert "5.000e+307" in out  # E_total = ½(1e154 − a)²


@pytest.mark.parametrize(
    ("before", "after", "shown"),
    [
        (1.0, 0.0002, "-99.98%"),
        (1.0, 0.0, "-100.0%"),
        (1.0, 0.5, "-50.0%"),
        (1.0, 1e-9, "×1.0e-09"),
        (1.0, 1e9, "×1e+09"),
    ],
)
def test_a_large_drop_is_never_rounded_to_minus_100_percent(before: float, after: float, shown: str) -> None:
    records = [[EpochRecord(0.5, 0, {"E_total": before}), EpochRecord(0.5, 1, {"E_total": after})]]
    assert format_table(records).splitlines()[-1].split()[-1] == shown


@pytest.mark.parametrize(("text", "epochs"), [("1e3", 1000), ("45", 45), ("2.0", 2), (" 7 ", 7)])
def test_epochs_are_read_as_people_type_them(
    text: str, epochs: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--lr", "1", "--epochs", text]) == 0
    assert f"after {epochs} update" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("option", "text", "message"),
    [
        ("--epochs", "4_5", "'4_5' is not a whole number"),
        ("--epochs", "٤٥", "'٤٥' is not a whole number"),  # Arabic-Indic digits
        ("--epochs", "4.5", "'4.5' is not a whole number"),
        ("--epochs", "1e999", "'1e999' is too large"),
        ("--lr", "0_5", "'0_5' is not a number"),
        ("--lr", "١", "'١' is not a number"),
        ("--lr", "1e999", "'1e999' is not a finite number"),
    ],
)
def test_numbers_in_other_notations_are_refused(
    option: str, text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", option, text]) == 2
    assert f"{option}: {message}" in one_line_error(capsys, "sweep")


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--lr", "0.1", "--lr", "0.2"],
        ["sweep", "--epochs", "1", "--epochs=2"],
        ["graph", "--edge-labels", "--edge-labels"],
    ],
)
def test_a_repeated_option_is_refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = one_line_error(capsys, argv[0])
    assert "is given twice; give it once" in err


def test_python_m_chainrule_runs_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "chainrule", "--version"], capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, f"chainrule {chainrule.__version__}\n")
