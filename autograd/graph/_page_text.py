"""The texts a backward page shows for one node, made from the engine's numbers (plain text, not HTML).

- `Namer`: a node's name: its label, else its formula in terms of its operands, else ``#k``;
- `formula`: how the node was computed (``o1 = w5·a_h1 + w6·a_h2``) and with the operands'
  numbers (``= 0.20275 + 0.22978 = 0.43253``);
- `local_derivatives`: ∂node/∂operand for each Value operand;
- `sum_over_uses`: its gradient as the sum over its uses, each the gradient of the use times
  the local derivative, in symbols and in numbers
  (``∂E_total/∂w5 = ∂E_total/∂o1 · a_h1 = 0.14236 · 0.50687 = 0.072157``).

An unnamed node with a single use folds into it: w5's use is the product w5·a_h1, whose only
use is the sum o1, so the term is written with o1 and the derivative ∂o1/∂w5 = a_h1.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from autograd.engine import Value
from autograd.graph._labels import SYMBOLS
from autograd.ops import OPS

INFIX = {**SYMBOLS, "*": "·", "/": "/"}
MAX_FORMULA = 40  # characters of an unnamed node's formula used as its name; longer ones are "#k"

Uses = Mapping[Value, list[tuple[Value, int]]]  # node → (parent, operand slot) of each use


def uses_of(nodes: list[Value]) -> dict[Value, list[tuple[Value, int]]]:
    """Each node's uses: (the node that took it as an operand, which Value operand it was)."""
    uses: dict[Value, list[tuple[Value, int]]] = {node: [] for node in nodes}
    for node in nodes:
        for slot, child in enumerate(node.children):
            uses[child].append((node, slot))
    return uses


class Namer:
    """Names and formulas of the nodes of one graph, with numbers written by `fmt`."""

    def __init__(self, nodes: list[Value], fmt: Callable[[float], str]) -> None:
        self.index = {node: i for i, node in enumerate(nodes)}
        self.fmt = fmt
        self._formulas: dict[Value, str] = {}
        for node in nodes:  # children first, so no recursion however deep the graph
            if node.children:
                self._formulas[node] = self.expression(node)

    def __repr__(self) -> str:
        return f"Namer({len(self.index)} nodes)"

    def number(self, x: float) -> str:
        """A number as the page writes it: a true minus sign."""
        return self.fmt(x).replace("-", "−")

    def name(self, node: Value) -> str:
        """The label, else the formula in parentheses when short, else ``#k``."""
        if node.label:
            return node.label
        shown = self._formulas.get(node, "")
        return f"({shown})" if shown and len(shown) <= MAX_FORMULA else f"#{self.index[node]}"

    def expression(self, node: Value, numbers: bool = False) -> str:
        """How `node` is computed from its operands: named operands by name, unnamed ones by
        their own formula; with `numbers`, each Value operand by its data."""
        parts = []
        call = node.op not in INFIX and node.op not in ("**", "neg")
        for x in node.operands:
            if not isinstance(x, Value) or numbers:
                shown = self.number(x if not isinstance(x, Value) else x.data)
                parts.append(f"({shown})" if shown.startswith("−") and not call else shown)
            elif x.label or not x.children:
                parts.append(self.name(x))
            else:
                inner = self._formulas[x]
                if len(inner) > MAX_FORMULA:
                    parts.append(f"#{self.index[x]}")
                else:
                    parts.append(inner if call or _binds_tighter(x.op, node.op) else f"({inner})")
        if node.op == "neg":
            return f"−{parts[0]}"
        if node.op == "**" and len(parts) == 2:
            return f"{parts[0]}^{parts[1]}"
        if node.op in INFIX and len(parts) == 2:
            return (
                f"{parts[0]} {INFIX[node.op]} {parts[1]}" if node.op in "+-" else INFIX[node.op].join(parts)
            )
        return f"{node.op}({', '.join(parts)})"

    def op_math(self, node: Value) -> str:
        """What the op table (`autograd.ops`) says of the node's op: its formula and local
        derivatives (``sigmoid: σ(x) = 1/(1+e⁻ˣ); ∂/∂x = σ(x)(1-σ(x))``); "" for a leaf or a scalar_op."""
        op = OPS.get(node.op)
        if op is None:
            return ""
        formula, _, derivatives = op.math.partition(";")
        wrt = ", ".join(f"∂/∂{x}" for x in "xy"[: op.arity])
        return f"{op.name}: {formula.strip()}; {wrt} = {derivatives.strip()}"

    def formula(self, node: Value) -> str:
        """``o1 = w5·a_h1 + w6·a_h2 = 0.20275 + 0.22978 = 0.43253``; a leaf: ``w5 = 0.4``."""
        head = f"{self.name(node)} = "
        if not node.children:
            return head + self.number(node.data)
        symbols, numbers = self.expression(node), self.expression(node, numbers=True)
        return f"{head}{symbols} = {numbers} = {self.number(node.data)}"

    def local_derivatives(self, node: Value) -> list[str]:
        """``∂o1/∂(w5·a_h1) = 1``, one line per Value operand, the derivative's symbol when simple."""
        lines = []
        for slot, (child, local) in enumerate(zip(node.children, node.local_grads, strict=True)):
            head = f"∂{self.name(node)}/∂{self.name(child)} = "
            symbol = self._symbol(node, slot)
            shown = self.number(local)
            lines.append(head + (shown if symbol in (None, shown) else f"{symbol} = {shown}"))
        return lines

    def sum_over_uses(self, node: Value, root: Value, uses: Uses, grads: Mapping[Value, float]) -> str:
        """Its gradient, d root / d node, as the sum over its uses, in symbols then numbers."""
        top = root.label or "root"  # as `chain_rule` calls it
        head = f"∂{top}/∂{self.name(node)}"
        if node is root:
            return f"{head} = 1 (backward starts here)"
        if not uses[node]:
            return f"{head} = 0 (not used on the way to {top})"
        symbols: list[str] = []
        numbers: list[str] = []
        for parent, slot in uses[node]:
            upper, local, symbol = self._fold(parent, slot, node, root, uses)
            if upper is root:  # ∂root/∂root = 1: the local derivative is the whole term
                symbols.append(symbol)
                numbers.append(self._factor(local, bool(numbers)))
            else:
                symbols.append(f"∂{top}/∂{self.name(upper)} · {symbol}")
                numbers.append(f"{self._factor(grads[upper], bool(numbers))} · {self._factor(local, True)}")
        said = [" + ".join(symbols), " + ".join(numbers), self.number(grads[node])]
        return " = ".join([head, *dict.fromkeys(said)])  # "= 1 = 1 = 1" said once

    def _factor(self, x: float, inside: bool) -> str:
        shown = self.number(x)
        return f"({shown})" if inside and shown.startswith("−") else shown

    def _fold(
        self, parent: Value, slot: int, node: Value, root: Value, uses: Uses
    ) -> tuple[Value, float, str]:
        """(the use that `node`'s use through `parent` reaches, ∂use/∂node, its symbol): through
        unnamed nodes of a single use while each step's derivative has a simple symbol."""
        local = parent.local_grads[slot]
        first = self._symbol(parent, slot)
        if first is None:
            return parent, local, f"∂{self.name(parent)}/∂{self.name(node)}"
        symbols = [first]
        while not parent.label and parent is not root and len(uses[parent]) == 1:
            upper, upper_slot = uses[parent][0]
            symbol = self._symbol(upper, upper_slot)
            if symbol is None:
                break
            local *= upper.local_grads[upper_slot]
            symbols.append(symbol)
            parent = upper
        factors = [s for s in symbols if s != "1"]
        return parent, local, " · ".join(factors) if factors else "1"

    def _symbol(self, node: Value, slot: int) -> str | None:
        """∂node/∂(its `slot`-th Value operand) when it is 1, −1, a constant or the other operand."""
        operands = node.operands
        position = [i for i, x in enumerate(operands) if isinstance(x, Value)][slot]
        if node.op == "+":
            return "1"
        if node.op == "-" and len(operands) == 2:
            return "1" if position == 0 else "−1"
        if node.op == "neg":
            return "−1"
        if node.op == "*" and len(operands) == 2:
            other = operands[1 - position]
            if not isinstance(other, Value):
                return self.number(other)
            return self.name(other)
        return None


def _binds_tighter(inner: str, outer: str) -> bool:
    """Whether `inner`'s formula needs no parentheses as an operand of `outer`'s."""
    if inner not in INFIX and inner != "**" and inner != "neg":
        return True  # a function call: sigmoid(h1)
    strength = {"+": 1, "-": 1, "neg": 2, "*": 2, "/": 2, "**": 3}
    return strength.get(inner, 3) > strength.get(outer, 3) or (inner == outer and inner in "+*")
