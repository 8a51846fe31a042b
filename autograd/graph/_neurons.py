"""`draw(group_neurons=True)`: one box per neuron, so that an MLP's graph stays readable.

A neuron is a node made by an activation (tanh, relu, sigmoid) together with the nodes that
only feed it: its unnamed sum and products and the leaves used by it alone (its weights and
bias). Inputs shared by several neurons, named nodes and everything else stay as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from autograd.engine import Value
from autograd.graph import _labels
from autograd.graph._options import check_size

if TYPE_CHECKING:
    import graphviz

ACTIVATIONS = frozenset({"tanh", "relu", "sigmoid"})


def neuron_of(order: list[Value]) -> dict[Value, Value]:
    """Each grouped node → the activation node of its neuron (activations map to themselves)."""
    parents: dict[Value, list[Value]] = {node: [] for node in order}
    for node in order:
        for child in node.children:
            parents[child].append(node)
    owner: dict[Value, Value] = {}
    for node in reversed(order):  # parents first: a node joins a neuron only if all its uses are in it
        if node.op in ACTIVATIONS:
            owner[node] = node
        elif not node.label and parents[node]:
            neuron = owner.get(parents[node][0])
            if neuron is not None and all(owner.get(parent) is neuron for parent in parents[node]):
                owner[node] = neuron
    return owner


def draw_grouped(
    root: Value, order: list[Value], *, rankdir: str, precision: int, max_nodes: int | None
) -> graphviz.Digraph:
    """The graph with each neuron drawn as one box (see the module's docstring)."""
    owner = neuron_of(order)
    shown = [node for node in order if owner.get(node, node) is node]
    check_size(len(shown), max_nodes, grouped=True)
    members: dict[Value, int] = {}
    for neuron in owner.values():
        members[neuron] = members.get(neuron, 0) + 1
    ids = {node: f"n{i}" for i, node in enumerate(shown)}
    graph = _labels.new_digraph(rankdir)

    def fmt(x: float) -> str:
        return _labels.number(x, precision)

    for node in shown:
        if node in members:
            count = members[node]
            name = f"{node.label or node.op} neuron ({count} node{'s' * (count != 1)})"
            graph.node(ids[node], _labels.value_label(name, fmt(node.data), fmt(node.grad)), shape="plain")
            continue
        graph.node(ids[node], _labels.value_label(node.label, fmt(node.data), fmt(node.grad)), shape="plain")
        if node.children:
            graph.node(ids[node] + "op", f"<{_labels.text(node.op)}>", shape="circle", margin="0.02")
            graph.edge(ids[node] + "op", ids[node])
    drawn_edges: set[tuple[str, str]] = set()
    for node in order:
        head = owner.get(node)
        target = ids[head] if head is not None else ids.get(node, "") + "op"
        for child in node.children:
            if owner.get(child) is head and head is not None:
                continue  # inside one neuron
            edge = (ids[owner.get(child, child)], target)
            if edge not in drawn_edges:
                drawn_edges.add(edge)
                graph.edge(*edge)
    return graph
