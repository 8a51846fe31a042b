"""docs/spreadsheets.md: each Python block runs on its own as written (its asserts are the page's claims)."""

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parent.parent / "docs" / "spreadsheets.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_its_examples_and_its_picture():
    assert len(BLOCKS) == 3
    assert (PAGE.parent / "images" / "course-sheet.png").is_file()


@pytest.mark.parametrize("code", BLOCKS)
def test_each_block_runs(code: str) -> None:
    exec(compile(code, "spreadsheets.md", "exec"), {"__name__": "__main__"})
