"""Gradients of gradients, and forward mode beside reverse mode.

`backward(create_graph=True)` runs reverse mode as `backward()` does, but with each local
derivative built as a graph of Values from the op's row of `autograd.ops.OPS` (the same
formulas the engine and the tape compute on floats, here run on Values through `VALUES`). The
gradient is then an ordinary graph: differentiate it again, draw it, trace it.

- `gradient_graph(root)`: d(root)/d(node) for every node, as Values (named ``∂E/∂w5`` where
  both ends have names);
- `hessian(f)`, `hvp(f)` (a Hessian-vector product in two reverse passes, without the Hessian),
  `jvp(f, primals, tangents)` (forward mode: tangents pushed along the graph in one pass per
  direction, where reverse mode needs one pass per output);
- `gradgradcheck`: PyTorch's check of second derivatives against central differences of the
  first ones.

A `scalar_op`'s derivatives are called on Values too, so they must be written with Value
operations (``lambda x: 3 * x**2``, not ``math.…``) to be differentiated again.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from autograd.engine import ScalarOpName, Value, fresh_order, gradients, topological_order
from autograd.errors import NonFiniteError
from autograd.gradcheck import GradcheckError
from autograd.ops import OPS
from autograd.validation import check_number

__all__ = ["VALUES", "GradgradcheckError", "gradgradcheck", "gradient_graph", "hessian", "hvp", "jvp"]

Number = Value | float


def _lifted(method: str, on_floats: Callable[[float], float]) -> Callable[[Any], Any]:
    """The op `method` on a Value, math's function on a constant operand."""
    return lambda x: getattr(x, method)() if isinstance(x, Value) else on_floats(x)


def _data(x: Any) -> float:
    return x.data if isinstance(x, Value) else x


class _Values:
    """The table's functions on Values (and the plain numbers of constant operands): a
    derivative so computed is a graph. A branch (`where`) is chosen by the data, as the
    forward pass chose it; its condition carries no gradient."""

    exp = staticmethod(_lifted("exp", math.exp))
    log = staticmethod(_lifted("log", math.log))
    log1p = staticmethod(_lifted("log1p", math.log1p))
    tanh = staticmethod(_lifted("tanh", math.tanh))
    sqrt = staticmethod(_lifted("sqrt", math.sqrt))
    sin = staticmethod(_lifted("sin", math.sin))
    cos = staticmethod(_lifted("cos", math.cos))

    @staticmethod
    def abs(x: Any) -> Any:
        """|x| for a formula: x at 0, with derivative +1 there. The formulas use |x| beside a
        branch on x ≥ 0 (σ(x) = 1/(1 + e^-|x|) there), whose side it must take at 0: the abs
        op's subgradient 0 would make softplus''(0) 0 instead of σ'(0) = ¼."""
        if not isinstance(x, Value):
            return abs(x)
        return x if x.data >= 0.0 else -x

    @staticmethod
    def where(condition: bool, a: Any, b: Any) -> Any:
        return a if condition else b

    @staticmethod
    def gt(a: Any, b: Any) -> bool:
        return _data(a) > _data(b)

    @staticmethod
    def ge(a: Any, b: Any) -> bool:
        return _data(a) >= _data(b)

    @staticmethod
    def lt(a: Any, b: Any) -> bool:
        return _data(a) < _data(b)

    @staticmethod
    def div(a: Any, b: Any) -> Any:
        return a / b  # an infinite derivative (√x's at 0) is an error here: a Value is finite

    def __repr__(self) -> str:
        return "VALUES"


VALUES = _Values()


def gradient_graph(root: Value) -> dict[Value, Value]:
    """d(root)/d(node) for every node of `root`'s graph, each a Value whose own graph computes
    it from the same leaves (what `backward(create_graph=True)` adds to `.grad`).

    Raises StaleGraphError for a stale graph, and NonFiniteError naming the node where a local
    derivative that a non-zero gradient flows through cannot be a finite Value (√x at 0).
    """
    order = fresh_order(root)
    grads: dict[Value, Number] = {root: 1.0}
    for node in reversed(order):
        g = grads.get(node, 0.0)
        if not node.op or (not isinstance(g, Value) and g == 0.0):
            continue  # a leaf, or nothing flows through: not even an infinite derivative matters
        for child, local in zip(node.children, _local_values(node), strict=True):
            term = local * g
            previous = grads.get(child)
            grads[child] = term if previous is None else previous + term
    return {node: _named(grads.get(node, 0.0), root, node) for node in order}


def _local_values(node: Value) -> list[Number]:
    """The local derivative of `node` with respect to each child, built on Values."""
    operands = node.operands
    op = node.op
    if isinstance(op, ScalarOpName):
        derivatives: Sequence[Callable[..., Any]] = op.derivatives  # called on the operands alone
    elif op in OPS:
        derivatives = [lambda *xs, d=d: d(VALUES, *xs, node) for d in OPS[op].derivatives]
    else:
        raise TypeError(
            f"backward(create_graph=True): the op {op!r} of {node!r} has no derivative as a Value"
        )
    out: list[Number] = []
    for i, (operand, derivative) in enumerate(zip(operands, derivatives, strict=True)):
        if not isinstance(operand, Value):
            continue  # a constant operand: no child, no derivative
        try:
            local = derivative(*operands)
        except (ArithmeticError, ValueError) as error:
            raise NonFiniteError(
                f"backward(create_graph=True): {op} at {node!r} has no finite local derivative with "
                f"respect to operand {i} ({error}), and a non-zero gradient flows through it"
            ) from None
        except TypeError as error:  # a scalar_op derivative written with math.* on floats
            raise TypeError(
                f"backward(create_graph=True): the derivative of the scalar_op {op!r} cannot run on "
                f"Values ({error}); write it with Value operations (x.exp(), x ** 2) to differentiate "
                "it again"
            ) from None
        if not isinstance(local, Value):
            local = check_number(local, f"{op}: the local derivative")
        out.append(local)
    return out


def _named(g: Number, root: Value, node: Value) -> Value:
    """`g` as a Value named ∂root/∂node where both have names (every gradient Value is a new
    node, built by this pass: never a forward node renamed)."""
    out = g if isinstance(g, Value) else Value(g)
    if root.label and node.label:
        out.label = f"∂{root.label}/∂{node.label}"
    return out


def _leaves(xs: Sequence[float], caller: str) -> list[Value]:
    return [Value(check_number(x, f"{caller}: argument {i}")) for i, x in enumerate(xs)]


def _scalar(f: Callable[..., Value], leaves: list[Value], caller: str) -> Value:
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"{caller}: the function must return a Value, got {type(out).__name__}: {out!r}")
    return out


def hessian(f: Callable[..., Value]) -> Callable[..., tuple[tuple[float, ...], ...]]:
    """The matrix of second derivatives of `f` (Values in, a Value out) at float inputs: one
    reverse pass builds the gradient as a graph, one more per input differentiates it."""

    def at(*xs: float) -> tuple[tuple[float, ...], ...]:
        leaves = _leaves(xs, "hessian")
        first = gradient_graph(_scalar(f, leaves, "hessian"))
        rows = []
        for leaf in leaves:
            second = gradients(first[leaf]) if leaf in first else {}
            rows.append(tuple(second.get(other, 0.0) for other in leaves))
        return tuple(rows)

    return at


def hvp(f: Callable[..., Value]) -> Callable[[Sequence[float], Sequence[float]], tuple[float, ...]]:
    """``hvp(f)(xs, v)``: the Hessian of `f` at `xs` times `v`, in two reverse passes without
    forming the Hessian: the gradient of ⟨∇f(x), v⟩ (HIPS autograd's make_hvp)."""

    def at(xs: Sequence[float], v: Sequence[float]) -> tuple[float, ...]:
        if len(v) != len(xs):
            raise ValueError(f"hvp: v has {len(v)} numbers for {len(xs)} inputs")
        leaves = _leaves(xs, "hvp")
        first = gradient_graph(_scalar(f, leaves, "hvp"))
        direction = sum(
            (
                first[leaf] * check_number(vi, f"hvp: v[{i}]")
                for i, (leaf, vi) in enumerate(zip(leaves, v))
                if leaf in first  # (an input f does not use has no gradient)
            ),
            Value(0.0),
        )
        second = gradients(direction)
        return tuple(second.get(leaf, 0.0) for leaf in leaves)

    return at


def jvp(
    f: Callable[..., Value | Sequence[Value]], primals: Sequence[float], tangents: Sequence[float]
) -> tuple[float | tuple[float, ...], float | tuple[float, ...]]:
    """Forward mode (JAX's `jvp`): ``(f(primals), J·tangents)``. Each node's tangent is the sum
    of its local derivatives times its operands' tangents, one pass over the graph in
    topological order, leaves first; `f` may return one Value or several."""
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(tangents)} tangents for {len(primals)} primals")
    leaves = _leaves(primals, "jvp")
    result = f(*leaves)
    outputs = [result] if isinstance(result, Value) else list(result)
    if not all(isinstance(y, Value) for y in outputs):
        raise TypeError(f"jvp: the function must return a Value or Values, got {result!r}")
    tangent = {leaf: check_number(t, "jvp: a tangent") for leaf, t in zip(leaves, tangents)}
    seen: set[Value] = set()
    for y in outputs:
        for node in topological_order(y):
            if node in seen or not node.op:
                continue
            seen.add(node)
            pairs = zip(node.children, node.local_grads)
            # (a leaf that is no input has tangent 0; a zero tangent passes nothing on, not even
            # through an infinite local derivative)
            tangent[node] = sum((local * t for child, local in pairs if (t := tangent.get(child, 0.0))), 0.0)
    values = tuple(y.data for y in outputs)
    out_tangents = tuple(tangent.get(y, 0.0) for y in outputs)
    if isinstance(result, Value):
        return values[0], out_tangents[0]
    return values, out_tangents


class GradgradcheckError(GradcheckError):
    """A second derivative from the gradient's own graph disagrees with central differences of
    the first derivatives: `entry` is (i, j) of ∂²f/∂xᵢ∂xⱼ (`index`, as gradcheck's, is i)."""

    def __init__(self, entry: tuple[int, int], analytic: float, numerical: float) -> None:
        RuntimeError.__init__(
            self,
            f"second derivative ∂²f/∂x{entry[0]}∂x{entry[1]}: the gradient's graph gives {analytic!r}, "
            f"central differences of the gradient give {numerical!r}",
        )
        self.entry, self.index, self.analytic, self.numerical = entry, entry[0], analytic, numerical


def gradgradcheck(
    fn: Callable[..., Value],
    inputs: Sequence[float | Value],
    grad_outputs: float | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """PyTorch's `gradgradcheck`: the second derivatives of `fn` (differentiating the graph
    `backward(create_graph=True)` builds) against central differences of its first derivatives
    (`backward()` at xⱼ ± eps), entry by entry, with `grad_outputs` (default 1) scaling the
    output. True, or a GradgradcheckError (False with ``raise_exception=False``)."""
    xs = [
        x.data if isinstance(x, Value) else check_number(x, f"gradgradcheck: inputs[{i}]")
        for i, x in enumerate(inputs)
    ]
    scale = 1.0 if grad_outputs is None else check_number(grad_outputs, "gradgradcheck: grad_outputs")
    if not check_number(eps, "gradgradcheck: eps") > 0.0:
        raise ValueError(f"gradgradcheck: eps must be > 0, got {eps!r}")

    def scaled(*leaves: Value) -> Value:
        return _scalar(fn, list(leaves), "gradgradcheck") * scale

    def first(at: list[float]) -> list[float]:
        leaves = _leaves(at, "gradgradcheck")
        g = gradients(scaled(*leaves))
        return [g.get(leaf, 0.0) for leaf in leaves]

    analytic = hessian(scaled)(*xs)
    for j in range(len(xs)):
        up, down = list(xs), list(xs)
        up[j] += eps
        down[j] -= eps
        column = [(a - b) / (2.0 * eps) for a, b in zip(first(up), first(down))]
        for i, numerical in enumerate(column):
            if abs(analytic[i][j] - numerical) > atol + rtol * abs(numerical):
                if raise_exception:
                    raise GradgradcheckError((i, j), analytic[i][j], numerical)
                return False
    return True
