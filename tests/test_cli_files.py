"""How `chainrule` writes its outputs: through the path (issue 10, items 5-7), checked before
any work, in the format the suffix names. Only temporary files, symlinks and FIFOs are used:
never a device file of the machine."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from autograd import animate, topological_order
from chainrule.cli import main
from chainrule.cli._common import write_output
from tests.helpers import one_line_error, small_graph

OVERFLOWING = ["--inputs", "1e308,1e308", "--weights", "10,1,1,1,1,1,1,1"]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


# ---- item 5: write through the path ----


def test_writing_through_a_symlink_writes_its_target(tmp_path: Path) -> None:
    target = tmp_path / "real.csv"
    target.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    assert main(["sweep", "--epochs", "1", "--csv", str(link)]) == 0
    assert link.is_symlink() and os.readlink(link) == str(target)  # still a symlink
    assert target.read_text().startswith("lr,epoch,")


def test_writing_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "sub" / "new.csv")
    write_output(str(link), b"data", "--csv")
    assert link.is_symlink() and (tmp_path / "sub" / "new.csv").read_bytes() == b"data"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "private.csv"
    path.write_text("old\n")
    path.chmod(0o600)
    assert main(["sweep", "--epochs", "1", "--csv", str(path)]) == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().startswith("lr,epoch,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["private.csv"]  # no partial file left


def test_a_new_file_gets_the_mode_open_would_give_it(tmp_path: Path) -> None:
    umask = os.umask(0o027)
    try:
        write_output(str(tmp_path / "new.csv"), b"x", "--csv")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o640


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        assert main(["sweep", "--epochs", "1", "--csv", str(fifo)]) == 0
    finally:
        reader.join(timeout=30)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO
    assert received and received[0].startswith(b"lr,epoch,")


# ---- item 6: every output path checked before any work; nothing created on failure ----


@pytest.mark.parametrize("command", ["sweep", "graddesc"])
@pytest.mark.parametrize("option", ["--csv", "--plot"])
def test_unwritable_path_is_one_line_before_any_work(
    command: str, option: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main([command, option, str(blocker / "out")]) == 2  # a file cannot be a directory, even for root
    err = one_line_error(capsys, command)
    assert err.startswith(f"chainrule {command}: error: {option}: cannot write '{blocker / 'out'}'")


def test_a_failed_graph_run_leaves_out_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("keep.svg").write_text("keep")
    Path("afile").write_text("")
    assert main(["graph", "--out", "keep.svg", "--animate", "afile/x.gif"]) == 2
    assert Path("keep.svg").read_text() == "keep"


def test_a_failed_sweep_creates_no_directories(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "sweep",
        *OVERFLOWING,
        "--csv",
        str(tmp_path / "a" / "b.csv"),
        "--plot",
        str(tmp_path / "c" / "d.png"),
    ]
    assert main(argv) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_second_output_stops_the_run_before_the_first_is_written(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("")
    argv = ["sweep", "--csv", str(tmp_path / "new" / "t.csv"), "--plot", str(tmp_path / "afile" / "p.png")]
    assert main(argv) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


# ---- item 7: the format from the suffix; two outputs never at one path ----


def test_the_plot_format_follows_the_suffix(tmp_path: Path) -> None:
    svg, pdf = tmp_path / "pic.svg", tmp_path / "pic.pdf"
    assert main(["sweep", "--epochs", "2", "--plot", str(svg)]) == 0
    assert b"<svg" in svg.read_bytes()[:500]
    assert main(["sweep", "--epochs", "2", "--plot", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_plot_suffix_matplotlib_cannot_write_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sweep", "--plot", str(tmp_path / "pic.csv")]) == 2
    assert "--plot: cannot tell the format of" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "argv",
    [
        ["sweep", "--csv", "same.csv", "--plot", "same.csv"],
        ["sweep", "--csv", "same.csv", "--plot", "./sub/../same.csv"],
        ["graph", "--out", "same.gif.dot", "--animate", "link.gif"],  # link.gif → same.gif.dot
    ],
)
def test_two_outputs_at_one_path_are_refused(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("sub").mkdir()
    Path("link.gif").symlink_to(tmp_path / "same.gif.dot")
    assert main(argv) == 2
    assert "both name" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.gif", "sub"]


@needs_dot
@pytest.mark.parametrize(("suffix", "image_format"), [(".gif", "GIF"), (".png", "PNG"), (".webp", "WEBP")])
def test_the_animation_format_follows_the_suffix(suffix: str, image_format: str, tmp_path: Path) -> None:
    path = tmp_path / f"backward{suffix}"
    _, _, c = small_graph()
    frames = len(topological_order(c))
    assert animate(c, path, duration_ms=100) == frames
    with Image.open(path) as image:
        assert image.format == image_format
        assert getattr(image, "n_frames", 1) == frames


def test_the_command_passes_the_suffix_format_to_animate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    formats: list[str] = []

    def fake_animate(root: object, file: io.BytesIO, *, format: str, **options: object) -> int:  # noqa: A002
        formats.append(format)
        file.write(b"frames")
        return 1

    monkeypatch.setattr("chainrule.cli._graph.animate", fake_animate)
    for name in ("b.GIF", "b.apng", "b.webp"):
        assert main(["graph", "--animate", str(tmp_path / name)]) == 0
    assert formats == ["gif", "apng", "webp"]
    assert (tmp_path / "b.apng").read_bytes() == b"frames"


def test_an_animation_suffix_pillow_cannot_animate_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["graph", "--animate", str(tmp_path / "b.jpg")]) == 2
    assert "--animate: cannot write an animation as" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_format_and_suffix_must_agree(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["graph", "--format", "svg", "--out", str(tmp_path / "g.png")]) == 2
    assert "--format svg does not match --out" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.exists("/dev/stdout"), reason="needs /dev/stdout")
def test_dev_stdout_is_written_into_not_replaced() -> None:
    # /dev/stdout → /proc/self/fd/1 → this test's pipe: followed by stat, written in place
    argv = [sys.executable, "-m", "chainrule", "sweep", "--lr", "1", "--epochs", "1", "--csv", "/dev/stdout"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("lr,epoch,") and "wrote /dev/stdout" in done.stdout


def test_two_names_of_one_file_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.csv").write_text("old")
    os.link(tmp_path / "a.csv", tmp_path / "b.png")  # a hard link: another name, the same file
    assert main(["sweep", "--csv", str(tmp_path / "a.csv"), "--plot", str(tmp_path / "b.png")]) == 2
    assert "both name" in capsys.readouterr().err
    assert (tmp_path / "a.csv").read_text() == "old"
