"""The notebooks' saved outputs (nbmake executes the notebooks; this reads what they keep)."""

import json
import re
from pathlib import Path

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def outputs_of(notebook: Path, code: str) -> str:
    """The text outputs of the code cell whose source contains `code`."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and code in "".join(c["source"])]
    return "".join("".join(output.get("text", "")) for output in cell["outputs"])


def test_saved_outputs_show_no_memory_address() -> None:
    assert len(NOTEBOOKS) >= 3
    for notebook in NOTEBOOKS:  # a drawing's repr names none: no show() workaround is needed
        text = notebook.read_text(encoding="utf-8")
        assert not re.search(r" at 0x[0-9a-f]+", text), notebook.name
        assert "memory address" not in text and "def show(" not in text, notebook.name


def test_the_graph_property_test_says_it_passed() -> None:
    (notebook,) = [n for n in NOTEBOOKS if n.name.startswith("03_")]
    assert "100 random graphs passed" in outputs_of(notebook, "test_softplus_on_any_graph()")
