"""Central differences, the verdict on each derivative, and the report a person reads.

Every function is a map from the flat inputs to the flat outputs; an estimate of a weighted
sum of outputs (one output: a basis row; a vector-Jacobian product: the cotangent) comes from
the same evaluations at x ± eps along each input, plus x itself for the one-sided differences
that tell a kink or a pole within eps from a wrong derivative.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from autograd.engine import Value, topological_order
from autograd.errors import DomainError, NonFiniteError
from autograd.gradcheck import Mismatch

_EPSILON = sys.float_info.epsilon
_MAX_ROWS = 10  # a report lists this many disagreeing elements, then says how many more


@dataclass(frozen=True)
class Differences:
    """f at x (`center`, shape m) and at x ± eps along each input j (`plus`, `minus`: n × m)."""

    x: np.ndarray
    high: np.ndarray
    low: np.ndarray
    center: np.ndarray
    plus: np.ndarray
    minus: np.ndarray

    def __repr__(self) -> str:
        return f"Differences(inputs={self.x.size}, outputs={self.center.size})"

    def estimates(self, weights: np.ndarray) -> tuple[np.ndarray, ...]:
        """For each row w of `weights` (k × m) and input j (k × n each): the central difference
        of w·f, the left and right one-sided ones, and a bound on the central one's rounding."""
        step = (self.high - self.low)[:, None]  # the step as floats represent it
        central = (self.plus - self.minus) @ weights.T / step
        left = (self.center[None, :] - self.minus) @ weights.T / (self.x - self.low)[:, None]
        right = (self.plus - self.center[None, :]) @ weights.T / (self.high - self.x)[:, None]
        scale = np.maximum(np.abs(self.plus), np.abs(self.minus)) @ np.abs(weights).T
        rounding = 4.0 * _EPSILON * scale / step
        return central.T, left.T, right.T, rounding.T

    def along(self, directions: np.ndarray) -> tuple[np.ndarray, ...]:
        """The same four estimates (k × m) of the change of f along each row v of `directions`
        (k × n), J·v, from the differences along each input: a jvp's reference."""
        central, left, right, rounding = self.estimates(np.eye(self.center.size))  # each m × n
        return (
            directions @ central.T,
            directions @ left.T,
            directions @ right.T,
            np.abs(directions) @ rounding.T,
        )


def differences(
    evaluate: Callable[[list[float]], list[float]],
    x: Sequence[float],
    center: Sequence[float],
    eps: float,
    where: Callable[[int], str],
) -> Differences:
    """The evaluations of `evaluate` (flat inputs to flat outputs) that `Differences` holds.

    A step that leaves the function's domain is an error that says so (the function ran at
    `x` itself: `center`); the engine's own error is its cause."""
    xs = np.asarray(x, dtype=np.float64)
    plus: list[list[float]] = []
    minus: list[list[float]] = []
    for j, xj in enumerate(x):
        for shifted, into in ((xj + eps, plus), (xj - eps, minus)):
            moved = list(x)
            moved[j] = shifted
            try:
                into.append(evaluate(moved))
            except (ValueError, ArithmeticError) as error:
                kind = NonFiniteError if isinstance(error, OverflowError) else DomainError
                raise kind(
                    f"the finite-difference step eps={eps!r} takes {where(j)} from {xj!r} to {shifted!r}, "
                    f"where the function fails ({error}): pass a smaller eps, below the distance from "
                    f"{xj!r} to the edge of the domain"
                ) from error
    m = len(center)
    return Differences(
        xs,
        xs + eps,
        xs - eps,
        np.asarray(center, dtype=np.float64),
        np.asarray(plus, dtype=np.float64).reshape(len(x), m),
        np.asarray(minus, dtype=np.float64).reshape(len(x), m),
    )


def compare(
    candidate: np.ndarray,
    engine: np.ndarray | None,
    estimates: tuple[np.ndarray, ...],
    *,
    exact_reference: bool,
    atol: float,
    rtol: float,
    label: Callable[[int, int], tuple[str, str, int, int]],
) -> list[Mismatch]:
    """Every entry (k, j) of `candidate` that disagrees with its reference: the engine's
    numbers when `exact_reference`, else the central differences. `label(k, j)` names the
    entry: its output, its input, the input's argument index and its flat position.

    An entry passes when |candidate - reference| <= atol + rtol·|reference|. A failure is
    inconclusive, not wrong, when the central difference's rounding error would cover the gap,
    or when the one-sided differences disagree with each other: the step straddles a kink or
    a pole (or is too coarse for the curvature there), so central differences say nothing."""
    central, left, right, rounding = estimates
    reference = engine if exact_reference and engine is not None else central
    gap = np.abs(candidate - reference)
    allowed = atol + rtol * np.abs(reference)
    out: list[Mismatch] = []
    for k, j in zip(*np.nonzero(~(gap <= allowed))):
        lo, hi, r = float(left[k, j]), float(right[k, j]), float(rounding[k, j])
        if not exact_reference and gap[k, j] <= allowed[k, j] + r:
            verdict, reason = "inconclusive", "rounding"
        elif abs(lo - hi) > atol + rtol * max(abs(lo), abs(hi)) + 4.0 * r:
            verdict, reason = "inconclusive", "kink"
        else:
            verdict, reason = "wrong", ""
        out.append(
            Mismatch(
                *label(int(k), int(j)),
                float(candidate[k, j]),
                None if engine is None else float(engine[k, j]),
                float(central[k, j]),
                lo,
                hi,
                verdict,
                reason,
                r,
            )
        )
    wrong = [m for m in out if m.verdict == "wrong"]
    return wrong or out  # a wrong derivative is the news; inconclusive ones only without one


def table(mismatches: Sequence[Mismatch], source: str, *, outputs: bool, inputs: bool = True) -> list[str]:
    """The disagreeing derivatives side by side, one row each (at most `_MAX_ROWS`); the
    output column where there are several outputs, the input column unless a jvp's."""
    has_engine = source != "backward()"  # the engine's column beside a hand-written derivative
    head = [*(["output"] if outputs else []), *(["input"] if inputs else []), source]
    head += ["engine"] if has_engine else []
    head += ["central differences", "verdict"]
    rows = [head]
    for m in mismatches[:_MAX_ROWS]:
        verdict = m.verdict
        if m.reason == "kink":
            verdict = f"inconclusive (one-sided: {m.left:.8g} left, {m.right:.8g} right)"
        elif m.reason == "rounding":
            verdict = "inconclusive (rounding)"
        row = [*([m.output] if outputs else []), *([m.input] if inputs else []), f"{m.analytic:.8g}"]
        if has_engine:
            row.append("-" if m.engine is None else f"{m.engine:.8g}")
        rows.append([*row, f"{m.numerical:.8g}", verdict])
    widths = [max(len(r[c]) for r in rows) for c in range(len(head))]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    if len(mismatches) > _MAX_ROWS:
        lines.append(f"  ... and {len(mismatches) - _MAX_ROWS} more")
    return lines


def culprit(
    run: Callable[[list[float]], Value],
    x: Sequence[float],
    j: int,
    name: str,
    eps: float,
    tolerances: tuple[float, float],
) -> str:
    """Which op inside the graph has the derivative that disagrees, found in forward mode.

    `run` builds the graph of one output at the flat inputs. Built again at x ± eps along input
    j, every node's change is measured; an op whose local derivatives, times its children's
    measured changes, do not predict its own is the culprit. The first such node (children
    before parents) is named; "" if none is (the graph changes with the step, or every op
    agrees, as when the derivative that disagrees is a vjp's)."""
    orders = []
    for shift in (0.0, eps, -eps):
        moved = list(x)
        moved[j] = x[j] + shift
        try:
            orders.append(topological_order(run(moved)))
        except (ValueError, ArithmeticError, TypeError):
            return ""
    order, plus, minus = orders
    if not len(order) == len(plus) == len(minus) or any(
        (a.op, len(a.children)) != (b.op, len(b.children)) for a, b in zip(order, plus)
    ):
        return ""
    atol, rtol = tolerances
    step = (x[j] + eps) - (x[j] - eps)
    position = {node: n for n, node in enumerate(order)}
    change = [(p.data - q.data) / step for p, q in zip(plus, minus)]
    for n, node in enumerate(order):
        if not node.children:
            continue
        predicted = sum(local * change[position[c]] for c, local in zip(node.children, node.local_grads))
        rounding = 4.0 * _EPSILON * max(abs(plus[n].data), abs(minus[n].data)) / step
        if abs(predicted - change[n]) > atol + rtol * abs(change[n]) + 4.0 * rounding:
            operands = ", ".join(f"{v.data!r}" if isinstance(v, Value) else f"{v!r}" for v in node.operands)
            locals_ = ", ".join(f"{g:.8g}" for g in node.local_grads)
            return (
                f"the op whose derivative disagrees: {node.op}({operands}) = {node.data!r} "
                f"(node {n + 1} of {len(order)}); its local derivative(s) {locals_} predict a change of "
                f"{predicted:.8g} per unit of {name}, central differences of the node give {change[n]:.8g}"
            )
    return ""
