"""`chainrule graph` through its real entry points; nothing here needs Graphviz's `dot`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.graph._computation_graph import INSTALL_HINT
from chainrule.cli import main
from tests.helpers import DOCS, README_PICTURE, one_line_error


def test_dot_format_to_standard_output(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["graph", "--format", "dot"]) == 0
    source = capsysbinary.readouterr().out.decode()
    assert source.startswith("digraph computation_graph {")
    for name in ("i1", "w5", "a_h1", "E_total"):
        assert f"<b>{name}</b>" in source
    assert "rankdir=TB" in source


def test_network_options_change_the_numbers(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["graph", "--format", "dot", "--weights", "0,0,0,0,0,0,0,0"]) == 0
    source = capsysbinary.readouterr().out.decode()
    assert re.search(r"<b>a_o1</b></td><td>data 0.5<", source)  # σ(0)


def test_committed_dot_source_is_up_to_date(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "teaching-network.gv"
    assert main([*README_PICTURE, "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    committed = DOCS / "teaching-network.gv"
    assert out.read_text() == committed.read_text(), (
        "regenerate: chainrule graph --highlight w5 --edge-labels --out docs/teaching-network.gv (and .svg)"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--highlight", "w9"], "--highlight: no node named 'w9'; choose one of i1, i2, w1"),
        (["--format", "dot", "--out", "README.md/g.gv"], "--out: cannot write 'README.md/g.gv'"),
        (["--animate", "README.md/b.gif"], "--animate: cannot write 'README.md/b.gif'"),
        (["--weights", "1,2"], "--weights: expected 8 comma-separated numbers"),
        (["--inputs", "0.1,nan"], "--inputs: 'nan' is not a finite number"),
        (
            ["--inputs", "1e308,1e308", "--weights", "10,1,1,1,1,1,1,1"],
            "with --inputs 1e308,1e308, --weights 10,1,1,1,1,1,1,1: *: result inf is not finite",
        ),
        (["--out", "picture.jpg"], "--out: cannot tell the format of 'picture.jpg': use a suffix .svg, .png"),
        (["--format", "dot", "--out", "docs"], "--out: 'docs' is a directory"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOCS.parent)  # README.md/… : under a file, so never writable
    assert main(["graph", *argv]) == 2
    assert one_line_error(capsys, "graph").startswith(f"chainrule graph: error: {message}")


@pytest.mark.parametrize("argv", [["--out", "g.svg"], ["--format", "png"], ["--animate", "b.gif"]])
def test_without_dot_rendering_ends_with_the_install_hint(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "")
    assert main(["graph", *argv]) == 2
    assert one_line_error(capsys, "graph").rstrip().endswith(INSTALL_HINT)
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_without_dot_the_dot_format_still_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    out = tmp_path / "new directory" / "g.dot"  # missing directories are created
    assert main(["graph", "--out", str(out)]) == 0  # the format from the suffix
    assert out.read_text().startswith("digraph")


def test_installed_console_script() -> None:
    chainrule = shutil.which("chainrule", path=str(Path(sys.executable).parent))
    assert chainrule is not None
    done = subprocess.run([chainrule, "graph", "--format", "dot"], capture_output=True, text=True, check=True)
    assert "<b>E_total</b>" in done.stdout
    failed = subprocess.run([chainrule, "graph", "--highlight", "nope"], capture_output=True, text=True)
    assert failed.returncode == 2
    assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr


# ---- the classroom options (issue 22): several --highlight, --epoch/--lr, PDF, --html, frames ----

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)"
)


def dot_source(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> str:
    assert main(["graph", "--format", "dot", *argv]) == 0
    return capsysbinary.readouterr().out.decode()


def test_several_highlights_state_each_chain_rule(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    both = dot_source(capsysbinary, "--highlight", "w5", "w1")
    assert dot_source(capsysbinary, "--highlight", "w5,w1") == both
    assert "∂E_total/∂w5 = " in both and "∂E_total/∂w1 = the sum over 2 paths" in both
    only = dot_source(capsysbinary, "--highlight", "w1")
    assert both.count('color="#d62728"') > only.count('color="#d62728"')


def test_epoch_draws_the_network_after_k_updates(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    from chainrule import closed_form

    source = dot_source(capsysbinary, "--epoch", "45", "--lr", "0.5")
    expected = closed_form.train(0.5, epochs=45)[-1].values["E_total"]
    assert f"<b>E_total</b></td><td>data {expected:.4g}</td>" in source
    assert dot_source(capsysbinary, "--epoch", "0") == dot_source(capsysbinary)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--epochs", "45"], "--epochs puts a training run on the page: give --html PATH"),
        (["--lr", "0.5"], "--lr is the learning rate of --epoch K or --epochs N"),
        (["--epoch", "-1"], "--epoch: must be >= 0, got '-1'"),
        (["--epoch", "3", "--lr", "0"], "--lr: must be > 0, got '0'"),
        (["--duration", "100"], "--duration is the time a frame of --animate PATH stays"),
        (["--highlight", "w5", "w5"], "--highlight: w5 given twice"),
        (["--group", "--highlight", "w5"], "--group draws one box per neuron"),
        (["--html", "p.html", "--epochs", "4", "--epoch", "2"], "--epoch and --epochs: give one"),
        (["--frames", "README.md"], "--frames: 'README.md' is a file, not a folder"),
    ],
)
def test_bad_classroom_options(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DOCS.parent)
    assert main(["graph", "--format", "dot", *argv]) == 2
    assert one_line_error(capsys, "graph").startswith(f"chainrule graph: error: {message}")


@needs_dot
def test_pdf_page_animation_and_frames(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    pdf, page, gif, frames = (
        tmp_path / "net.pdf",
        tmp_path / "net.html",
        tmp_path / "b.gif",
        tmp_path / "frames",
    )
    argv = ["graph", "--out", str(pdf), "--html", str(page), "--animate", str(gif), "--duration", "250"]
    assert main([*argv, "--frames", str(frames)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:3] == [
        f"wrote {pdf}",
        f"wrote {gif} (33 frames, 250 ms each)",
        f"wrote 33 frames to {frames}",
    ]
    assert re.fullmatch(rf"wrote {re.escape(str(page))} \([\d,]+ bytes\)", out[3])
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with Image.open(gif) as animation:
        assert animation.info["duration"] == 250
    assert sorted(p.name for p in frames.iterdir()) == [f"step-{i:02d}.png" for i in range(1, 34)]


def test_edge_labels_are_readable_at_the_default_size(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    source = dot_source(capsysbinary, "--edge-labels")
    edge = re.search(r"edge \[(.*)\]", source)
    assert edge is not None and "fontsize=11" in edge.group(1)  # as large as the boxes' text
