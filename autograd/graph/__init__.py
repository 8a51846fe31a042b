"""Drawing computation graphs for teaching: `draw` returns a `graphviz.Digraph`;
`backward_frames` and `animate` show backward() one node at a time; `to_html` writes a page
that steps through the forward and backward passes in a browser.

graphviz and Pillow are imported when a graph is drawn, not when this package is imported.

- `render`: `draw` and the Digraph builder it shares with the animation
- `spreadsheet`: `to_xlsx`, a graph as a live sheet (openpyxl, imported when writing);
  `_formulas`: any graph's cells as formulas, the op table's per op plus the chain rule
- `animation`: `backward_frames`, `animate` (GIF, animated PNG, WebP)
- `page`: `to_html`, `BackwardPage` (one self-contained HTML file); `_page_text` its texts,
  `_page_template` its HTML and script; `_steps`: the orders of the steps
- `_labels`: escaping, numbers, value boxes; `_chain_rule`: the highlighted path's title;
  `_groups`: one box per neuron (`draw(group=model)`); `_options`: option checks;
  `_computation_graph`: the Digraph class
"""

from autograd.graph._options import DEFAULT_MAX_NODES, RANKDIRS
from autograd.graph._steps import ORDERS
from autograd.graph.animation import ANIMATION_FORMATS, animate, backward_frames
from autograd.graph.page import BackwardPage, to_html
from autograd.graph.render import draw
from autograd.graph.spreadsheet import to_xlsx

__all__ = [
    "ANIMATION_FORMATS",
    "DEFAULT_MAX_NODES",
    "ORDERS",
    "RANKDIRS",
    "BackwardPage",
    "animate",
    "backward_frames",
    "draw",
    "to_html",
    "to_xlsx",
]
