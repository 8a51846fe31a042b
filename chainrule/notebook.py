"""What the notebooks share: a table that Jupyter shows as HTML and a text-only viewer as aligned text.

`Table(header, rows)` is the object (the last expression of a cell displays it);
`show_table(header, rows)` displays one from anywhere in a cell. IPython is imported only by
`show_table`, so the module imports in any environment.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

__all__ = ["Table", "show_table"]


class Table:
    """Rows of text under a header. `align` gives each column's alignment, `"l"` or `"r"`; the
    last letter holds for every column after it, so `"lr"` (the default: a label, then numbers)
    left-aligns the first column and right-aligns the rest, and `"l"` left-aligns them all."""

    def __init__(self, header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "lr") -> None:
        self.header = [_cell(c) for c in header]
        self.rows = [[_cell(c) for c in row] for row in rows]
        for row in self.rows:
            if len(row) != len(self.header):
                raise ValueError(f"each row needs {len(self.header)} cells, like the header; got {row!r}")
        if not align or set(align) - {"l", "r"}:
            raise ValueError(f"align must be letters 'l' and 'r', one per column, got {align!r}")
        self.align = align

    def text(self) -> str:
        """The table as aligned plain text, one line per row."""
        lines = [self.header, *self.rows]
        widths = [max(len(line[i]) for line in lines) for i in range(len(self.header))]
        letters = [self.align[min(i, len(self.align) - 1)] for i in range(len(self.header))]
        return "\n".join(
            "  ".join(
                c.ljust(w) if a == "l" else c.rjust(w) for c, w, a in zip(line, widths, letters)
            ).rstrip()
            for line in lines
        )

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows
        )
        return f"<table><tr>{head}</tr>{body}</table>"

    def __repr__(self) -> str:
        return self.text()


def show_table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "lr") -> None:
    """Display `Table(header, rows, align)` in the running notebook (HTML, and text for viewers
    that show only text)."""
    from IPython.display import display

    table = Table(header, rows, align)
    bundle = {"text/html": table._repr_html_(), "text/plain": table.text()}
    display(bundle, raw=True)  # type: ignore[no-untyped-call]  # IPython has no annotations here


def _cell(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"a table's cells are text (format numbers first), got {value!r}")
    return value
