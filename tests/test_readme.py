"""The Python examples of the README and of every page of the manual (docs/**/*.md) run as
written, each block on its own (as a reader pastes one), and print what their comments say.

A line `print(...)  # text` promises its output: the comment starts with the printed text, then
may explain it (`16.0 = 8a`, `3 frames: …`). A block that needs files a user downloads opts out
with a first line `# not run by the tests: <why>`."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
SKIP = "# not run by the tests:"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
PROMISE = re.compile(r"^\s*print\(.*\)\s+# (.*)$")


def python_blocks(text: str) -> Iterator[tuple[int, str]]:
    """(the number of the line before the block's first, the block) for each ```python block."""
    for match in BLOCK.finditer(text):
        yield text.count("\n", 0, match.start(1)), match.group(1)


def run_page(text: str, name: str) -> int:
    """Run every block of a page; returns how many promised outputs were checked."""
    checked = 0
    for offset, block in python_blocks(text):
        if block.startswith(SKIP):
            assert block.split("\n", 1)[0].removeprefix(SKIP).strip(), f"{name}:{offset + 1}: say why"
            continue
        promised = {
            offset + i: m.group(1).strip()
            for i, line in enumerate(block.split("\n"), start=1)
            if (m := PROMISE.match(line))
        }
        printed: dict[int, list[str]] = {}

        def record(*args: Any, _into: dict[int, list[str]] = printed, **kwargs: Any) -> None:
            line = sys._getframe(1).f_lineno  # the page's line number: the block is compiled in place
            _into.setdefault(line, []).append(" ".join(map(str, args)))

        code = compile("\n" * offset + block, name, "exec")  # tracebacks name the page's lines
        exec(code, {"print": record, "__name__": "__main__"})  # a fresh namespace each
        for line, comment in promised.items():
            outputs = printed.get(line)
            assert outputs, f"{name}:{line}: printed nothing, but the comment promises {comment!r}"
            for out in outputs:
                # the comment starts with the printed text, then may explain it
                assert comment == out or comment.startswith((out + " ", out + ":")), (
                    f"{name}:{line}: printed {out!r}, the comment says {comment!r}"
                )
            checked += 1
    return checked


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(ROOT)) for p in PAGES])
def test_python_blocks_print_what_their_comments_say(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # a block that writes a file writes it here
    text = page.read_text(encoding="utf-8")
    checked = run_page(text, str(page.relative_to(ROOT)))
    if "```python" in text:
        assert checked or "print(" not in text, "no promised output was found on a page that prints"


def test_the_pages_promise_outputs() -> None:
    found = sum(
        1
        for page in PAGES
        for _, b in python_blocks(page.read_text(encoding="utf-8"))
        for _ in re.finditer(PROMISE.pattern, b, re.M)
    )
    assert found >= 40  # what the manual had when this test was written: the regexes still match


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("```python\nprint(1 + 1)  # 3\n```\n", "printed '2', the comment says '3'"),
        ("text\n\n```python\nx = 1\nif x > 1:\n    print(x)  # 1\n```\n", "x.md:6: printed nothing"),
        ("```python\nraise ValueError('planted')\n```\n", "planted"),
        ("```python\n# not run by the tests:\nimport nowhere\n```\n", "say why"),
    ],
)
def test_a_wrong_promise_fails(page: str, message: str) -> None:
    with pytest.raises((AssertionError, ValueError), match=re.escape(message)):
        run_page(page, "x.md")


def test_an_opted_out_block_is_not_run() -> None:
    assert run_page("```python\n# not run by the tests: needs ml-100k\nimport nowhere\n```\n", "x.md") == 0


# Pictures that other branches add (remove a name once its branch is merged and the file exists).
def test_the_readme_links_only_to_files_that_exist() -> None:
    targets = re.findall(r"\]\((?!https?://|#)([^)\s]+)\)", (ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(targets) >= 20
    missing = [t for t in targets if not (ROOT / t.split("#")[0]).exists()]
    assert not missing
