"""The commands at the edges of their data and sizes (issue 24, items 25-27): too few images,
everything held out, a layer too large to build: one line on stderr, exit status 2, before
any work."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainrule.cli import main
from tests.helpers import one_line_error
from tests.test_cli_train import write_idx


def mnist_files(root: Path, train: int, test: int | None) -> Path:
    root.mkdir()
    for prefix, n in (("train", train), ("t10k", test)):
        if n is not None:
            write_idx(root / f"{prefix}-images-idx3-ubyte.gz", np.zeros((n, 28, 28)))
            write_idx(root / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    return root


@pytest.mark.parametrize(
    ("train", "test", "message"),
    [
        (0, 0, "its train part holds no images"),
        (0, 3, "its train part holds no images"),
        (1, 0, "its test part holds no images"),
        (1, None, "valid_fraction=0.2 of 1 images leaves one part empty"),
        (0, None, "its train part holds no images"),
    ],
)
def test_train_on_files_of_0_or_1_images_ends_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], train: int, test: int | None, message: str
) -> None:
    data = mnist_files(tmp_path / "mnist", train, test)
    assert main(["train", "mnist", "--data", str(data), "--epochs", "1"]) == 2
    assert f"--data: {str(data)!r}: {message}" in one_line_error(capsys, "train")


def test_collab_holding_out_every_rating_ends_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collab", "--valid-pct", "0.999", "--epochs", "2"]) == 2
    line = one_line_error(capsys, "collab")
    assert "with --valid-pct 0.999: valid_pct=0.999 of 206 ratings holds out all of them: none left" in line
    assert main(["collab", "--valid-pct", "0.99", "--epochs", "1", "--top", "0"]) == 0  # 2 ratings left: fine
    assert "206 ratings, 15 users, 15 items): 2 to train on, 204 held out" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "digits", "--hidden", "100000000"], "--hidden: must be <= 4,096, got '100000000'"),
        (["train", "digits", "--hidden", "1e8"], "--hidden: must be <= 4,096, got '1e8'"),
        (["collab", "--factors", "100000000"], "--factors: must be <= 1,024, got '100000000'"),
    ],
)
def test_a_size_too_large_to_build_ends_in_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert message in one_line_error(capsys, argv[0])
