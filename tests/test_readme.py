"""The README's Python examples run as written, each on its own (as a reader pastes one), and
print what their comments say."""

import re
from pathlib import Path
from typing import Any

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_python_blocks_print_what_their_comments_say() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
    promised = [m.group(1).strip() for b in blocks for m in re.finditer(r"^print\(.*\)\s+# (.*)$", b, re.M)]
    printed: list[str] = []

    def record(*args: Any) -> None:
        printed.append(" ".join(map(str, args)))

    for block in blocks:
        exec(compile(block, str(README), "exec"), {"print": record})  # a fresh namespace each
    assert len(printed) == len(promised) >= 9
    for out, comment in zip(printed, promised, strict=True):
        # the comment starts with the printed text, then may explain it: "16.0 = 8a", "3 frames: …"
        assert comment == out or comment.startswith((out + " ", out + ":")), (out, comment)
