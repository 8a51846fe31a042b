"""A page that steps through backpropagation: `to_html(root, path)` writes one self-contained HTML file.

The file opens from disk (``file://``) with no network, no server and nothing to install:
the graph is inline SVG drawn by Graphviz's `dot` (the same Digraph `draw` returns), and the
numbers are the engine's own, as inline JSON: every node's data, grad (`gradients(root)`,
what `root.backward()` computes), op, operands, local derivatives and the chain-rule texts
(`_page_text`). The page's JavaScript only shows them: it computes nothing.

On the page: Step, Back, Play (with a speed) go through the forward pass then the backward
pass node by node (arrow keys and the space bar too); hovering or clicking a node shows its
formula, numbers, local derivatives and its gradient as the sum over its uses; "Follow"
highlights every path from the root to a node, with the chain rule along them; with several
graphs (one per epoch of training) a slider goes through the epochs beside a curve of the
root's data; with `group=model` a button switches between one box per neuron and every node.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd.engine import Value, gradients, topological_order
from autograd.graph import _labels
from autograd.graph._chain_rule import chain_rule, chain_rule_lines
from autograd.graph._groups import Grouping, check_grouping, draw_grouped, owners
from autograd.graph._options import DEFAULT_MAX_NODES, check_options, check_size
from autograd.graph._page_template import page_html
from autograd.graph._page_text import Namer, uses_of
from autograd.graph._steps import backward_steps, check_order, forward_steps
from autograd.graph.render import build

if TYPE_CHECKING:
    import graphviz

__all__ = ["MAX_FOLLOWED", "BackwardPage", "to_html"]

MAX_FOLLOWED = 200  # nodes the page offers to follow (each carries its chain rule per epoch)
FIGURE_SPACE = "\u2007"  # as wide as a digit: room in a box for the widest number of any epoch
_NUMBER_CELL = re.compile(r">(data|grad) ([^<]*)<")


class BackwardPage:
    """A written page: its HTML text; `save(path)` writes it; in a notebook it shows inline
    (`_repr_html_`: an iframe whose `srcdoc` is the page, so its script runs on its own)."""

    def __init__(self, text: str, nodes: int, epochs: int) -> None:
        self.html = text
        self.nodes = nodes
        self.epochs = epochs

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write(self.html)

    def _repr_html_(self) -> str:
        return (
            f'<iframe srcdoc="{html.escape(self.html, quote=True)}" title="backward page" '
            'style="width: 100%; height: 760px; border: 1px solid #ccc"></iframe>'
        )

    def __repr__(self) -> str:
        size = len(self.html.encode())
        return f"<BackwardPage: {self.nodes} nodes, {self.epochs} epoch(s), {size:,} bytes>"


def to_html(
    root: Value | Sequence[Value],
    path: str | os.PathLike[str] | None = None,
    *,
    title: str = "",
    order: str = "engine",
    group: Grouping | None = None,
    rankdir: str = "TB",
    precision: int = 5,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> BackwardPage:
    """The page of `root`'s graph, written to `path` when given (UTF-8), and returned.

    - `root`: a Value; or the same graph at successive epochs of training, one root each
      (same ops, labels and shape: `teaching_network(...).loss` rebuilt after every update),
      which gives the page a slider over the epochs and a curve of the roots' data.
    - `order`: "engine" steps the forward pass in `topological_order(root)` and the backward
      pass in its reverse, the order `backward()` visits; "course" in a walk-through's order
      where the graph allows (for the course network: w5…w8, then w1…w4; see `_steps`).
    - `group`: the model that built the graph (an `nn.Module`): the page opens with one box
      per neuron, as `draw(group=model)`, and a button shows every node.
    - `title`: a line above the graph; `rankdir`, `precision`, `max_nodes` as for `draw`.

    Needs Graphviz's `dot` (graphviz's `ExecutableNotFound`, with a hint, without it).
    """
    if isinstance(root, Value) or not isinstance(root, Sequence):
        check_options(root, rankdir, precision, max_nodes)  # a TypeError unless a Value
    roots = [root] if isinstance(root, Value) else list(root)
    if not roots:
        raise ValueError("to_html: no graph given (an empty sequence of roots)")
    for r in roots:
        check_options(r, rankdir, precision, max_nodes)
    check_order(order)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str, got {type(title).__name__}: {title!r}")
    grouping = check_grouping(group) if group is not None else None
    graphs = [topological_order(r) for r in roots]
    nodes = graphs[0]
    check_size(len(nodes), max_nodes)
    for epoch, other in enumerate(graphs[1:], start=1):
        _check_same_shape(nodes, other, epoch)

    def fmt(x: float) -> str:
        return _labels.number(x, precision)

    index = {node: i for i, node in enumerate(nodes)}
    followed = _followed(nodes)
    epochs = [_epoch(graph, followed, fmt) for graph in graphs]
    widths = _widest(epochs)
    views = [_view("every node", _every_node(nodes, rankdir, precision), nodes, widths, index)]
    if grouping is not None:
        owner, _ = owners(nodes, grouping)
        if not owner:
            raise ValueError(
                f"to_html: group {group!r} made none of the nodes of the graph: pass the model "
                "whose neurons computed it (for several roots, the first one's)"
            )
        shown = [node for node in nodes if owner.get(node, node) is node]
        position = {node: j for j, node in enumerate(shown)}
        boxes = {node: f"n{position[owner.get(node, node)]}" for node in nodes}
        grouped = draw_grouped(nodes, grouping, rankdir=rankdir, precision=precision, max_nodes=max_nodes)
        views.insert(0, _view("one box per neuron", grouped, shown, widths, index, boxes))
    structure = {
        "title": title,
        "root": len(nodes) - 1,
        "nodes": [_node(node, index) for node in nodes],
        "forward": [index[node] for node in forward_steps(nodes, order)],
        "backward": [index[node] for node in backward_steps(nodes, order)],
        "follow": [_follow_paths(nodes, target, index) for target in followed],
        "epochs": epochs,
        "order": order,
    }
    text = page_html(structure, [view.pop("svg") for view in views], views)
    page = BackwardPage(text, len(nodes), len(roots))
    if path is not None:
        page.save(path)
    return page


def _every_node(nodes: list[Value], rankdir: str, precision: int) -> graphviz.Digraph:
    """The Digraph with every node, as `draw` makes it (its numbers are placeholders: the
    page's script writes each epoch's into the boxes)."""
    return build(
        nodes,
        grads={node: 0.0 for node in nodes},
        passed_back=False,
        rankdir=rankdir,
        precision=precision,
        edge_labels=False,
    )


def _check_same_shape(first: list[Value], other: list[Value], epoch: int) -> None:
    def shape(nodes: list[Value]) -> list[tuple[Any, ...]]:
        index = {node: i for i, node in enumerate(nodes)}
        return [
            (n.op, n.label, tuple(index[x] if isinstance(x, Value) else "constant" for x in n.operands))
            for n in nodes
        ]

    if shape(first) != shape(other):
        raise ValueError(
            f"to_html: the graph of root {epoch} ({other[-1]!r}) is not shaped like the first "
            "(the same ops on the same operands, with the same labels): give the same graph at each epoch"
        )


def _node(node: Value, index: dict[Value, int]) -> dict[str, Any]:
    return {
        "label": node.label,
        "op": node.op,
        "operands": [["node", index[x]] if isinstance(x, Value) else ["constant", x] for x in node.operands],
    }


def _followed(nodes: list[Value]) -> list[int]:
    """The nodes the page offers to follow, by position: the named ones but the root (else
    the leaves), leaves first, by name; at most `MAX_FOLLOWED`."""
    candidates = [i for i, node in enumerate(nodes[:-1]) if node.label] or [
        i for i, node in enumerate(nodes) if not node.children
    ]
    candidates.sort(key=lambda i: (bool(nodes[i].children), nodes[i].label, i))
    return candidates[:MAX_FOLLOWED]


def _epoch(nodes: list[Value], followed: list[int], fmt: Callable[[float], str]) -> dict[str, Any]:
    """One graph's numbers and texts, all of them the engine's."""
    root = nodes[-1]
    grads = gradients(root)
    namer = Namer(nodes, fmt)
    uses = uses_of(nodes)
    return {
        "loss": root.data,
        "data": [node.data for node in nodes],
        "grad": [grads[node] for node in nodes],
        "local": [list(node.local_grads) for node in nodes],
        "text": [
            {
                "name": namer.name(node),
                "data": namer.number(node.data),
                "grad": namer.number(grads[node]),
                "formula": namer.formula(node),
                "op": namer.op_math(node),
                "local": namer.local_derivatives(node),
                "uses": namer.sum_over_uses(node, root, uses, grads),
            }
            for node in nodes
        ],
        "follow": [chain_rule_lines(chain_rule(root, nodes[i], nodes), namer.number, str) for i in followed],
    }


def _follow_paths(nodes: list[Value], target: int, index: dict[Value, int]) -> dict[str, Any]:
    """What following node `target` lights: the nodes on a path from the root to it, and
    the edges of the drawing on them (by the titles dot gives them: "n3->n5op")."""
    chain = chain_rule(nodes[-1], nodes[target], nodes)
    edges = []
    for node in nodes:
        if node not in chain.on_path or node is chain.target or not node.children:
            continue
        i = index[node]
        edges.append(f"n{i}op->n{i}")
        edges += [f"n{index[child]}->n{i}op" for child in node.children if child in chain.on_path]
    return {
        "node": target,
        "on_path": sorted(index[node] for node in chain.on_path),
        "edges": sorted(set(edges)),
        "paths": chain.path_count,
    }


def _widest(epochs: list[dict[str, Any]]) -> list[tuple[int, int]]:
    """Each node's widest data and grad text over the epochs, in characters."""
    count = len(epochs[0]["text"])
    return [
        (
            max(len(epoch["text"][i]["data"]) for epoch in epochs),
            max(len(epoch["text"][i]["grad"]) for epoch in epochs),
        )
        for i in range(count)
    ]


def _view(
    name: str,
    graph: graphviz.Digraph,
    shown: list[Value],
    widths: list[tuple[int, int]],
    index: dict[Value, int],
    boxes: dict[Value, str] | None = None,
) -> dict[str, Any]:
    """One drawing of the graph as SVG, each number cell as wide as its widest text of any
    epoch; `boxes` maps each node to the box holding it (by default its own, n<i>)."""
    body = []
    for line in graph.body:
        found = re.match(r"\t(n\d+) \[label=<<table", line)
        if found is not None:
            node = shown[int(found.group(1)[1:])]
            data_width, grad_width = widths[index[node]]

            def pad(match: re.Match[str], data_width: int = data_width, grad_width: int = grad_width) -> str:
                width = data_width if match.group(1) == "data" else grad_width
                return f">{match.group(1)} {FIGURE_SPACE * width}<"

            line = _NUMBER_CELL.sub(pad, line)
        body.append(line)
    graph.body = body
    svg = graph.pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg") :]
    return {
        "name": name,
        "svg": svg,
        "boxes": [boxes[node] if boxes is not None else f"n{index[node]}" for node in index],
        "own": {f"n{j}": index[node] for j, node in enumerate(shown)},
    }
