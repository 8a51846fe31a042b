"""docs/training.md's Python blocks run as written, each on its own, and print what their
comments say (the README's convention: the comment starts with the printed text)."""

import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "training.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{k}" for k in range(len(BLOCKS))])
def test_each_block_prints_what_its_comments_say(block: str) -> None:
    promised = [m.group(1).strip() for m in re.finditer(r"^print\(.*\)\s+# (.*)$", block, re.M)]
    printed: list[str] = []

    def record(*args: Any) -> None:
        printed.append(" ".join(map(str, args)))

    exec(compile(block, str(PAGE), "exec"), {"print": record})  # a fresh namespace each
    assert len(printed) == len(promised) >= 1
    for out, comment in zip(printed, promised, strict=True):
        assert comment == out or comment.startswith((out + " ", out + ":")), (out, comment)


def test_the_pictures_exist() -> None:
    for name in re.findall(r"\]\((images/[^)]+)\)", PAGE.read_text(encoding="utf-8")):
        assert (PAGE.parent / name).is_file(), name


def test_the_fine_tuning_table_is_what_the_comparison_gives() -> None:
    from chainrule.fine_tuning import fine_tuning_comparison

    text = PAGE.read_text(encoding="utf-8")
    shown = [
        (int(epochs), float(accuracy))
        for epochs, accuracy in re.findall(r"^\| [^|]+ \| (\d+) \| ([\d.]+) % \|$", text, re.M)
    ]
    stages = fine_tuning_comparison()
    assert shown == [(s.epochs, round(100 * s.accuracy, 1)) for s in stages]
