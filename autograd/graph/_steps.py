"""The order in which a page or an animation steps through a graph: forward, then backward.

- ``"engine"``: the engine's own orders. Forward: `topological_order(root)` (each node after
  its operands), op nodes only, since a leaf's data is given; backward: its reverse, every
  node, the order `backward()` visits them.
- ``"course"``: the order a course's walk-through takes, where the graph allows it. Forward:
  layer by layer (by height above the leaves: h1, h2, then a_h1, a_h2, then o1, o2, …, the
  spreadsheet's order). Backward: as deep as possible along one branch before the next
  (E_total, E1, …, o1, w5·a_h1, w5, w6, then E2 … w7, w8, then a_h1 … w1 … w4): among the
  nodes whose every use is done, the first one in a depth-first walk from the root, except
  that a node used more than once (a_h1 feeds o1 and o2) waits while another one is ready.

Both backward orders visit each node after every node that uses it, so its gradient is
final when it is shown.
"""

from __future__ import annotations

import heapq

from autograd.engine import Value

ORDERS = ("engine", "course")


def check_order(order: str) -> str:
    if order not in ORDERS:
        raise ValueError(f"order must be one of {', '.join(map(repr, ORDERS))}, got {order!r}")
    return order


def forward_steps(nodes: list[Value], order: str) -> list[Value]:
    """The op nodes of `nodes` (a topological order) in the order a forward pass computes them."""
    ops = [node for node in nodes if node.children]
    if order == "engine":
        return ops
    height: dict[Value, int] = {}
    for node in nodes:  # children first
        height[node] = 1 + max((height[c] for c in node.children), default=-1)
    position = {node: i for i, node in enumerate(nodes)}
    return sorted(ops, key=lambda node: (height[node], position[node]))


def backward_steps(nodes: list[Value], order: str) -> list[Value]:
    """Every node of `nodes` (a topological order, root last), each after all of its uses."""
    if order == "engine":
        return nodes[::-1]
    root = nodes[-1]
    rank = _preorder(root)
    uses = {node: 0 for node in nodes}
    for node in nodes:
        for child in node.children:
            uses[child] += 1
    shared = {node: count > 1 for node, count in uses.items()}
    ready = [(False, rank[root], root)]
    done: list[Value] = []
    while ready:
        *_, node = heapq.heappop(ready)
        done.append(node)
        for child in node.children:
            uses[child] -= 1
            if uses[child] == 0:
                heapq.heappush(ready, (shared[child], rank[child], child))
    return done


def _preorder(root: Value) -> dict[Value, int]:
    """Each node's position in a depth-first walk from `root`, operands in order (iterative)."""
    rank: dict[Value, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if node in rank:
            continue
        rank[node] = len(rank)
        stack.extend(reversed(node.children))
    return rank
