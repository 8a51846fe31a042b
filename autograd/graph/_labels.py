"""Label and DOT-text pieces shared by the renderers: escaping, numbers, value boxes, the empty Digraph.

Every label is an HTML-like label (``<...>``): user text goes through `html.escape`, which is
all such labels need (`graphviz.escape` does not escape HTML, and record labels would need
their own quoting of ``{}|<>"`` and backslashes). graphviz is imported inside functions only.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from autograd.ops import OPS

if TYPE_CHECKING:
    import graphviz

PATH_COLOUR = "#d62728"  # the highlighted chain-rule path
CURRENT_FILL = "#fff2a8"  # the node backward() is visiting in a frame
HIDDEN_FILL = "#e6e6e6"  # a grad not known yet in a frame: text drawn in the fill colour
EDGE_LABEL_COLOUR = "#333333"  # dark enough to read on a projector
MAX_TEXT = 100  # characters of a user's text (a label) shown; longer ones end in "…"
MAX_LINE = 4_000  # characters of one line of a label (≤ 16,000 bytes): Graphviz refuses a text over 16,384


def number(x: float, precision: int) -> str:
    """`x` with `precision` significant digits."""
    return f"{x:.{precision}g}"


def text(s: str) -> str:
    """User text (a label, an op name) made safe inside an HTML-like label.

    Characters that cannot appear in Graphviz's XML-like labels (controls, lone surrogates)
    are shown as Python escapes, e.g. ``\\x00``, instead of breaking the DOT. A text longer
    than `MAX_TEXT` characters is cut, ending in "…"."""
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 1] + "…"
    shown = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in s)
    return html.escape(shown, quote=True)


def clip(line: str) -> str:
    """An escaped line cut to `MAX_LINE` characters (never inside an entity such as &amp;)."""
    if len(line) <= MAX_LINE:
        return line
    cut = line[: MAX_LINE - 1]
    entity = cut.rfind("&")
    if entity > cut.rfind(";"):  # an entity cut in two: drop its start
        cut = cut[:entity]
    return cut + "…"


# how an op is written in its node; any other op (exp, tanh, a scalar_op's name) by its name
SYMBOLS = {name: op.symbol for name, op in OPS.items() if op.symbol}
SLOT = "□"  # an unnamed Value operand in an op's formula


def op_label(op: str, operands: tuple[object, ...], precision: int) -> str:
    """An op node's HTML-like label: its symbol, or, when it has a constant operand, its
    formula with every operand in place (a constant's value, a Value's name or □), so that
    the picture shows ½, t1 and the exponent of E1 = ½(t1 − a_o1)². Negation is −□."""

    def operand(x: object) -> str:
        if isinstance(x, float):
            return number(x, precision)
        name = getattr(x, "label", "")
        return text(name) if name else SLOT

    if op == "neg":
        return f"<−{operand(operands[0])}>"
    if not any(isinstance(x, float) for x in operands):  # Values only: the edges show them
        return f"<{text(SYMBOLS.get(op, op))}>"
    parts = [operand(x) for x in operands]
    if op == "**" and len(parts) == 2:
        return f"<{parts[0]}<sup>{parts[1]}</sup>>"
    if op in SYMBOLS and len(parts) == 2:
        return f"<{parts[0]} {SYMBOLS[op]} {parts[1]}>"
    return f"<{text(op)}({', '.join(parts)})>"


def hidden(s: str, colour: str) -> str:
    """Text that takes its place in the layout but cannot be seen on `colour`."""
    return f'<font color="{colour}">{s}</font>'


def value_label(
    name: str, data: str, grad: str, *, grad_known: bool = True, border: str = "black", fill: str = ""
) -> str:
    """A value node: one row of cells ``name | data … | grad …`` (no name cell when unnamed)."""
    name_cell = f"<td><b>{text(name)}</b></td>" if name else ""
    grad_text = f"grad {grad}"
    if grad_known:
        fill_attr = f' bgcolor="{fill}"' if fill else ""
        grad_cell = f"<td{fill_attr}>{grad_text}</td>"
    else:
        grad_cell = f'<td bgcolor="{HIDDEN_FILL}">{hidden(grad_text, HIDDEN_FILL)}</td>'
    return (
        f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="4" color="{border}">'
        f"<tr>{name_cell}<td>data {data}</td>{grad_cell}</tr></table>>"
    )


def lines_label(lines: list[str]) -> str:
    """An HTML-like label of already-escaped lines, each aligned left."""
    return "<" + "".join(f'{clip(line)}<br align="left"/>' for line in lines) + ">"


def new_digraph(rankdir: str, title: str = "") -> graphviz.Digraph:
    """An empty Digraph with the shared look; `title` is an HTML-like label or ""."""
    from autograd.graph._computation_graph import ComputationGraph

    graph = ComputationGraph(
        "computation_graph",
        graph_attr={"rankdir": rankdir, "nodesep": "0.25", "ranksep": "0.35"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"fontname": "Helvetica", "fontsize": "11", "arrowsize": "0.6"},  # 11: read at 100 %
    )
    if title:
        graph.attr(label=title, labelloc="t", labeljust="l", fontname="Helvetica", fontsize="12")
    return graph
