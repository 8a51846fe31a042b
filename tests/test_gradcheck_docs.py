"""docs/testing-gradients.md shows what a user sees: each Python block, run on its own as
written, prints exactly the text block after it; the plugin's block fails under pytest as shown."""

import contextlib
import io
import linecache
import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

PAGE = Path(__file__).resolve().parent.parent / "docs" / "testing-gradients.md"
BLOCKS = re.findall(r"```(python|text)\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def _examples() -> list[tuple[str, str]]:
    """Each Python block with the text block that follows it ("" for none)."""
    pairs = []
    for k, (kind, code) in enumerate(BLOCKS):
        if kind == "python":
            shown = BLOCKS[k + 1][1] if k + 1 < len(BLOCKS) and BLOCKS[k + 1][0] == "text" else ""
            pairs.append((code, shown))
    return pairs


EXAMPLES = [(code, shown) for code, shown in _examples() if not shown.startswith("E ")]


@pytest.mark.parametrize(("code", "shown"), EXAMPLES)
def test_each_block_prints_what_the_page_shows(code: str, shown: str) -> None:
    # a block headed "# layer.py" is that file: its name and source are what a traceback shows
    name = (
        code.split("\n", 1)[0][2:]
        if code.startswith("# ") and code.split("\n", 1)[0].endswith(".py")
        else "x.py"
    )
    linecache.cache[name] = (len(code), None, code.splitlines(True), name)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, name, "exec"), {"__name__": "docs"})
    assert out.getvalue() == shown


def test_the_plugins_block_fails_under_pytest_as_the_page_shows(pytester: pytest.Pytester) -> None:
    ((code, shown),) = [(code, shown) for code, shown in _examples() if shown.startswith("E ")]
    pytester.makepyfile(test_dense=code)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    error_lines = [line for line in result.stdout.lines if line.startswith("E ")]
    shown_lines = shown.splitlines()
    assert error_lines[0].split(": ", 1)[0] == shown_lines[0].split(": ", 1)[0]
    assert error_lines[0].split(" is wrong")[0] == shown_lines[0].split(" is wrong")[0]
    assert error_lines[1] == shown_lines[1]  # the table's head
