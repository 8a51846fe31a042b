"""chainrule.notebook.Table: the notebooks' tables, as aligned text and as escaped HTML."""

import re

import pytest

from chainrule.notebook import Table


def test_text_is_aligned_as_asked() -> None:
    rows = [["w5", "0.0722"], ["w10", "-1.5"]]
    assert repr(Table(["name", "grad"], rows)) == "name    grad\nw5    0.0722\nw10     -1.5"
    assert Table(["name", "grad"], rows, align="l").text() == "name  grad\nw5    0.0722\nw10   -1.5"
    assert Table(["name", "grad"], rows, align="r").text() == "name    grad\n  w5  0.0722\n w10    -1.5"


def test_html_escapes_every_cell() -> None:
    html = Table(["a<b", "x"], [["&", '"q"']])._repr_html_()
    assert (
        html
        == "<table><tr><th>a&lt;b</th><th>x</th></tr><tr><td>&amp;</td><td>&quot;q&quot;</td></tr></table>"
    )


@pytest.mark.parametrize(
    ("header", "rows", "align", "error", "message"),
    [
        (["a", "b"], [["1"]], "lr", ValueError, "each row needs 2 cells, like the header; got ['1']"),
        (["a"], [[0.5]], "lr", TypeError, "a table's cells are text (format numbers first), got 0.5"),
        (["a"], [["1"]], "c", ValueError, "align must be letters 'l' and 'r', one per column, got 'c'"),
    ],
)
def test_bad_tables_are_refused(header, rows, align, error, message) -> None:
    with pytest.raises(error, match=re.escape(message)):
        Table(header, rows, align)
