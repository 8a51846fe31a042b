"""`draw(root, group=model)`: one box per neuron, so that a network's graph stays readable.

Which nodes form a neuron is the model's knowledge, not the drawing's: `group` is any object
with a `graph_groups(order)` method (every `nn.Module` has one) returning, for the nodes of
the graph, each unit as (name, output node, the nodes it made). A node is drawn inside its
unit only if every use of it is inside too (a weight shared by many calls of one neuron, or
used in a penalty, stays a box of its own); the first unit to claim a node keeps it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from autograd.engine import Value
from autograd.graph import _labels
from autograd.graph._options import check_size

if TYPE_CHECKING:
    import graphviz


class Grouping(Protocol):
    """What `draw(group=...)` needs: the units (neurons) of a model among a graph's nodes."""

    def graph_groups(self, order: Sequence[Value]) -> Iterable[tuple[str, Value, Collection[Value]]]: ...


def check_grouping(group: object) -> Grouping:
    if not callable(getattr(group, "graph_groups", None)):
        raise TypeError(
            "group must be a model with a graph_groups(order) method, such as an nn.Module, "
            f"got {type(group).__name__}: {group!r}"
        )
    return group  # type: ignore[return-value]  # checked above (a Protocol is not runtime-checked)


def owners(order: list[Value], group: Grouping) -> tuple[dict[Value, Value], dict[Value, str]]:
    """(each grouped node → its unit's output node, each output node → the unit's name)."""
    in_graph = set(order)
    claimed: dict[Value, Value] = {}
    names: dict[Value, str] = {}
    for name, out, made in group.graph_groups(order):  # (checked: a model may name stray nodes)
        if out not in in_graph or out in claimed:
            continue
        names[out] = name
        for node in made:
            if node in in_graph:
                claimed.setdefault(node, out)
    parents: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for child in node.children:
            parents[child].append(node)
    owner: dict[Value, Value] = {}
    for node in reversed(order):  # parents first: a node stays in its unit only if all its uses do
        unit = claimed.get(node)
        if unit is not None and (unit is node or all(owner.get(p) is unit for p in parents[node])):
            owner[node] = unit
    return owner, names


def draw_grouped(
    order: list[Value], group: Grouping, *, rankdir: str, precision: int, max_nodes: int | None
) -> graphviz.Digraph:
    """The graph with each unit of `group` drawn as one box (see the module's docstring)."""
    owner, names = owners(order, group)
    shown = [node for node in order if owner.get(node, node) is node]
    check_size(len(shown), max_nodes, grouped=True)
    members: dict[Value, int] = {}
    for out in owner.values():
        members[out] = members.get(out, 0) + 1
    ids = {node: f"n{i}" for i, node in enumerate(shown)}
    graph = _labels.new_digraph(rankdir)

    def fmt(x: float) -> str:
        return _labels.number(x, precision)

    for node in shown:
        if node in members:
            count = members[node]
            name = f"{names[node]} ({count} node{'s' * (count != 1)})"
            if node.label:
                name = f"{node.label}: {name}"
            graph.node(ids[node], _labels.value_label(name, fmt(node.data), fmt(node.grad)), shape="plain")
            continue
        graph.node(ids[node], _labels.value_label(node.label, fmt(node.data), fmt(node.grad)), shape="plain")
        if node.children:
            label = _labels.op_label(node.op, node.operands, precision)
            graph.node(ids[node] + "op", label, shape="circle", margin="0.02")
            graph.edge(ids[node] + "op", ids[node])
    drawn_edges: set[tuple[str, str]] = set()
    for node in order:
        head = owner.get(node)
        target = ids[head] if head is not None else ids.get(node, "") + "op"
        for child in node.children:
            if head is not None and owner.get(child) is head:
                continue  # inside one unit
            edge = (ids[owner.get(child, child)], target)
            if edge not in drawn_edges:
                drawn_edges.add(edge)
                graph.edge(*edge)
    return graph
