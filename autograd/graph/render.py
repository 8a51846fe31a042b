"""Computation graphs drawn with Graphviz: `draw(root) -> graphviz.Digraph`.

Each value is a box ``name | data | grad``; each op has its own small node between its
operands and its result; edges run from inputs to the root. graphviz is imported inside
the functions, so `import autograd` does not import it. The Digraph shows inline in Jupyter
and renders with its own `.render()` / `.pipe()`, which say how to install Graphviz when its
`dot` is missing.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING

from autograd.engine import Value, topological_order
from autograd.graph import _labels
from autograd.graph._chain_rule import ChainRule, chain_rule, chain_rule_lines
from autograd.graph._groups import Grouping, check_grouping, draw_grouped
from autograd.graph._options import DEFAULT_MAX_NODES, check_options, check_size

if TYPE_CHECKING:
    from collections.abc import Callable

    import graphviz

    _Formatter = Callable[[float], str]

__all__ = ["build", "draw"]


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    highlight: Value | Sequence[Value] | None = None,
    group: Grouping | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> graphviz.Digraph:
    """The graph of `root` as a `graphviz.Digraph` (same graph, same DOT text).

    - `precision`: significant digits of the numbers shown.
    - `edge_labels`: label each edge child → op with the local derivative ∂out/∂child and,
      once `root.grad` is non-zero (after `root.backward()`), with the contribution
      ``local × out.grad`` it passes back: a node's grad is the sum over its outgoing edges.
    - `highlight`: a node of the graph (usually a leaf such as a weight), or several. Every
      path from `root` to it is coloured, and the graph's title states the chain rule along
      them: each path's product of derivatives between named nodes, and their sum.
    - `group`: the model that built the graph (an `nn.Module`, or any object with a
      `graph_groups(order)` method): each call of one of its neurons, i.e. its products,
      weighted sum and activation with its weights and bias, is drawn as one box. Nodes the
      model did not make (inputs, a loss) stay as they are. Cannot be combined with
      `edge_labels` or `highlight`, which concern single edges.
    - `max_nodes`: refuse (ValueError) to draw more value boxes than this; `dot` takes
      minutes on thousands of nodes. None draws everything.
    """
    check_options(root, rankdir, precision, max_nodes)
    order = topological_order(root)
    if group is not None:
        grouping = check_grouping(group)
        if edge_labels or highlight is not None:
            raise ValueError("draw: edge_labels and highlight cannot be combined with group")
        return draw_grouped(order, grouping, rankdir=rankdir, precision=precision, max_nodes=max_nodes)
    check_size(len(order), max_nodes)
    chains = tuple(chain_rule(root, target, order) for target in _targets(highlight, root, order))
    return build(
        order,
        grads={node: node.grad for node in order},
        passed_back=root.grad != 0.0,
        rankdir=rankdir,
        precision=precision,
        edge_labels=edge_labels,
        chains=chains,
    )


def build(
    order: list[Value],
    *,
    grads: Mapping[Value, float],
    passed_back: bool,
    rankdir: str,
    precision: int,
    edge_labels: bool,
    hidden: Collection[Value] = (),
    current: Value | None = None,
    chains: Sequence[ChainRule] = (),
    title: str = "",
) -> graphviz.Digraph:
    """The Digraph of `order` (a topological order) showing `grads`.

    Grads of `hidden` nodes keep their place but are blank; `current` is filled; edge
    contributions are shown when `passed_back`, each together with its child's grad (the
    grad is their sum), so blank on the edges out of a hidden node.
    """
    if chains:
        title = _chain_title(chains, precision)
    graph = _labels.new_digraph(rankdir, title)
    on_path = frozenset().union(*(chain.on_path for chain in chains))
    # an op's edges are on a path when the op's result is on it and is not that path's target
    through = frozenset().union(*(chain.on_path - {chain.target} for chain in chains))
    ids = {node: f"n{i}" for i, node in enumerate(order)}  # by position: deterministic, unlike id()

    def fmt(x: float) -> str:
        return _labels.number(x, precision)

    for node in order:
        graph.node(
            ids[node],
            _labels.value_label(
                node.label,
                fmt(node.data),
                fmt(grads[node]),
                grad_known=node not in hidden,
                border=_labels.PATH_COLOUR if node in on_path else "black",
                fill=_labels.CURRENT_FILL if node is current else "",
            ),
            shape="plain",
        )
        if not node.children:
            continue
        op_id = ids[node] + "op"
        node_on_path = node in through
        graph.node(op_id, _labels.op_label(node.op, node.operands, precision), **_op_shape(node))
        graph.edge(op_id, ids[node], **_path_style(node_on_path))
        for child, local in zip(node.children, node.local_grads, strict=True):
            attrs = _path_style(
                node_on_path and any(node in c.on_path and child in c.on_path for c in chains)
            )
            if edge_labels:
                attrs["label"] = _edge_label(
                    node, child, local, grads[node], passed_back, child in hidden, fmt
                )
                attrs["fontcolor"] = _labels.EDGE_LABEL_COLOUR
            graph.edge(ids[child], op_id, **attrs)
    return graph


def _op_shape(node: Value) -> dict[str, str]:
    """A circle around a symbol; an ellipse around a formula with constants."""
    if len(node.operands) == len(node.children) and node.op != "neg":
        return {"shape": "circle", "margin": "0.02", "fontsize": "10"}
    return {"shape": "ellipse", "margin": "0.02,0.01", "fontsize": "10", "height": "0.3"}


def _path_style(on_path: bool) -> dict[str, str]:
    return {"color": _labels.PATH_COLOUR, "penwidth": "2"} if on_path else {}


def _edge_label(
    out: Value,
    child: Value,
    local: float,
    out_grad: float,
    passed_back: bool,
    child_hidden: bool,
    fmt: _Formatter,
) -> str:
    """``∂out/∂child = local`` and, after backward, ``back local × out.grad`` (blank while the
    child's grad is)."""
    if out.label and child.label:
        derivative = f"∂{_labels.text(out.label)}/∂{_labels.text(child.label)} = {fmt(local)}"
    else:
        derivative = f"local {fmt(local)}"
    lines = [derivative]
    if passed_back:
        back = f"back {fmt(local * out_grad)}"
        lines.append(_labels.hidden(back, "white") if child_hidden else back)
    return "<" + "<br/>".join(map(_labels.clip, lines)) + ">"


def _targets(highlight: Value | Sequence[Value] | None, root: Value, order: list[Value]) -> list[Value]:
    """The highlighted nodes, checked: each a Value of the graph, none twice."""
    if highlight is None:
        return []
    targets = [highlight] if isinstance(highlight, Value) else list(highlight)
    nodes = set(order)
    for target in targets:
        if not isinstance(target, Value):
            raise TypeError(f"highlight must be a Value of the graph, got {type(target).__name__}")
        if target not in nodes:
            raise ValueError(f"highlight {target!r} is not a node of the graph of {root!r}")
    if len(set(targets)) != len(targets):
        raise ValueError(f"highlight names a node twice: {targets!r}")
    return targets


def _chain_title(chains: Sequence[ChainRule], precision: int) -> str:
    """The graph's title: the chain rule to each highlighted node, path by path, then the sum."""
    lines = []
    for chain in chains:
        lines += chain_rule_lines(chain, lambda x: _labels.number(x, precision), _labels.text)
    return _labels.lines_label(lines)
