"""The chain rule along the paths from a root down to one of its nodes, for `draw(highlight=...)`.

The derivative is computed forward (from the target up, one pass over the topological
order), independently of `backward()`, and each path's product is stated between the
*named* nodes on it: unnamed intermediate nodes fold into the factor that spans them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from autograd.engine import Value

MAX_LISTED_PATHS = 4


@dataclass(frozen=True)
class Factor:
    """One factor ∂upper/∂lower of a path's product, with its value."""

    upper: str
    lower: str
    value: float


@dataclass(frozen=True)
class ChainRule:
    """How d(root)/d(target) is made: the nodes and edges on some root→target path,
    the first `MAX_LISTED_PATHS` paths as products, the number of paths and the total."""

    target: Value
    root_name: str
    target_name: str
    on_path: frozenset[Value]
    listed: tuple[tuple[Factor, ...], ...]
    path_count: int
    total: float

    def __repr__(self) -> str:
        return (
            f"ChainRule(∂{self.root_name}/∂{self.target_name} = {self.total!r}, "
            f"{self.path_count} path(s), {len(self.on_path)} node(s) on them)"
        )


def chain_rule(root: Value, target: Value, order: list[Value]) -> ChainRule:
    """The chain rule from `root` down to `target`; `order` is `topological_order(root)`."""
    on_path: set[Value] = set()
    path_counts: dict[Value, int] = {}
    derivative: dict[Value, float] = {}
    for node in order:  # children first: each node's paths and derivative from its children's
        if node is target:
            on_path.add(node)
            path_counts[node], derivative[node] = 1, 1.0
            continue
        below = [
            (child, local)
            for child, local in zip(node.children, node.local_grads, strict=True)
            if child in on_path
        ]
        if below:
            on_path.add(node)
            path_counts[node] = sum(path_counts[child] for child, _ in below)
            derivative[node] = math.fsum(local * derivative[child] for child, local in below)
    root_name = root.label or "root"
    target_name = target.label or "target"
    listed = tuple(_factors(path, root_name, target_name) for path in _first_paths(root, target, on_path))
    return ChainRule(
        target, root_name, target_name, frozenset(on_path), listed, path_counts[root], derivative[root]
    )


def _first_paths(root: Value, target: Value, on_path: set[Value]) -> list[list[tuple[Value, float]]]:
    """Up to `MAX_LISTED_PATHS` root→target paths, each as (node, local derivative from its parent)."""
    paths: list[list[tuple[Value, float]]] = []
    stack: list[list[tuple[Value, float]]] = [[(root, 1.0)]]
    while stack and len(paths) < MAX_LISTED_PATHS:
        path = stack.pop()
        node = path[-1][0]
        if node is target:
            paths.append(path)
            continue
        steps = [(c, local) for c, local in zip(node.children, node.local_grads, strict=True) if c in on_path]
        stack.extend([*path, step] for step in reversed(steps))  # reversed: first child first
    return paths


def _factors(path: list[tuple[Value, float]], root_name: str, target_name: str) -> tuple[Factor, ...]:
    """The path's product as factors between its named nodes (root and target always count)."""
    factors: list[Factor] = []
    upper, value = root_name, 1.0
    last = len(path) - 1
    for i, (node, local) in enumerate(path[1:], start=1):
        value *= local
        if i == last or node.label:
            lower = target_name if i == last else node.label
            factors.append(Factor(upper, lower, value))
            upper, value = lower, 1.0
    return tuple(factors)


def chain_rule_lines(chain: ChainRule, fmt: Callable[[float], str], name: Callable[[str], str]) -> list[str]:
    """The chain rule as lines of text: each path's product, symbols then numbers, then the
    sum; `fmt` writes a number, `name` a node's name (e.g. escaped for a label)."""
    head = f"∂{name(chain.root_name)}/∂{name(chain.target_name)}"
    if chain.path_count == 1:
        factors = chain.listed[0]
        if len(factors) <= 1:  # the root itself, or one factor: nothing to multiply
            return [f"{head} = {fmt(chain.total)}"]
        return [f"{head} = {_symbols(factors, name)}", f"= {_numbers(factors, fmt)}", f"= {fmt(chain.total)}"]
    lines = [f"{head} = the sum over {chain.path_count} paths of the chain-rule products:"]
    for i, factors in enumerate(chain.listed):
        lead = "   " if i == 0 else "+ "
        numbers = f" = {_numbers(factors, fmt)}" if len(factors) > 1 else ""
        lines.append(f"{lead}{_symbols(factors, name)}{numbers} = {fmt(_product(factors))}")
    if chain.path_count > MAX_LISTED_PATHS:
        lines.append(f"+ {chain.path_count - MAX_LISTED_PATHS} more paths")
    lines.append(f"= {fmt(chain.total)}")
    return lines


def _symbols(factors: tuple[Factor, ...], name: Callable[[str], str]) -> str:
    return " × ".join(f"∂{name(f.upper)}/∂{name(f.lower)}" for f in factors)


def _numbers(factors: tuple[Factor, ...], fmt: Callable[[float], str]) -> str:
    return " × ".join(fmt(f.value) for f in factors)


def _product(factors: tuple[Factor, ...]) -> float:
    product = 1.0
    for factor in factors:
        product *= factor.value
    return product
