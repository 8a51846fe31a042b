"""Dense layers found in a tape: sums of parameter × value products, run as matrix products.

A neuron's ``sum((w * x for w, x in zip(ws, xs)), b)`` is, on the tape, an n-ary sum of the
bias and one product per input, each product used only by that sum. When several such sums
at one level multiply the same values `xs` (the neurons of one layer), they are one matrix
product: ``out = others + W @ X`` with W gathered from the parameters, X the rows of `xs`.
Backward, ``W.T @ grad(out)`` is pushed to the rows of `xs` and ``grad(out) @ X.T``, which
sums over the batch inside the product, gives the parameters' gradients.

The products are added in BLAS's order rather than left to right, so results differ from the
engine's by rounding (about 1e-16 relative), not more.

A 'dot' step (traced from `autograd.weighted_sum`, as nn's neurons compute) is such a sum
already, recorded whole at trace time: no products to find.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograd.tape._program import Program, Step

MIN_TERMS = 4  # fewer products are not worth a matrix product


@dataclass(frozen=True)
class Dense:
    """One fused sum: its other operands (a bias, say), and its (parameter, value) products."""

    others: tuple[int, ...]
    params: tuple[int, ...]
    xs: tuple[int, ...]


def fuse(program: Program, steps: list[Step]) -> tuple[list[Step], dict[int, Dense]]:
    """The steps with each sum of products replaced by a 'dense' step whose args are its other
    operands then its values, and the products it absorbed removed; and the fused sums."""
    p = len(program.params)
    users = [0] * program.n_slots
    for step in steps:
        for a in step.args:
            users[a] += 1
    for slot in program.outputs:
        users[slot] += 1
    by_slot = {step.out: step for step in steps}

    def product(a: int) -> tuple[int, int] | None:
        """(parameter, value) if slot a is a product used once, of a parameter and a non-parameter."""
        m = by_slot.get(a)
        if m is None or m.code != "*" or users[a] != 1:
            return None
        left, right = m.args
        if left < p <= right:
            return left, right
        if right < p <= left:
            return right, left
        return None

    dense: dict[int, Dense] = {}
    absorbed: set[int] = set()
    for step in steps:
        if step.code == "dot":  # traced from autograd.weighted_sum: a row of a product already
            n = step.index
            dense[step.out] = Dense(step.args[2 * n :], step.args[:n], step.args[n : 2 * n])
            continue
        if step.code not in ("sum", "+"):
            continue
        args = step.args
        k = 0
        while k < len(args) and product(args[k]) is None:  # the leading other operands (a bias)
            k += 1
        pairs = [product(a) for a in args[k:]]
        if len(pairs) < MIN_TERMS or any(pair is None for pair in pairs):
            continue
        if len({q[1] for q in pairs if q}) != len(pairs):  # a value twice: its rows would collide
            continue
        dense[step.out] = Dense(args[:k], tuple(q[0] for q in pairs if q), tuple(q[1] for q in pairs if q))
        absorbed.update(args[k:])
    fused = [
        Step(s.out, "dense", dense[s.out].others + dense[s.out].xs) if s.out in dense else s
        for s in steps
        if s.out not in absorbed
    ]
    return fused, dense
