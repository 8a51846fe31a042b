"""docs/training.md beyond its Python blocks (tests/test_readme.py runs those): its pictures
exist, and its fine-tuning table is what `fine_tuning_comparison()` gives."""

import re
from pathlib import Path

PAGE = Path(__file__).resolve().parent.parent / "docs" / "training.md"


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
