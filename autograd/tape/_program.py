"""The flat tape: one example's graph as op codes over numbered slots.

Slots are laid out as [parameters | float inputs | constants | op results], each op after its
operands and the root last (a function returning several Values has `outputs`, in order).
An op reads its operands' slots; a selection's operands are its candidates, and its `index`
says which integer input picks one per example.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from autograd.engine import Value


@dataclass(frozen=True)
class Input:
    """One argument of the traced function: `kind` 'float' or 'index'; `length` None for a
    number, else the length of the list; `first` the number of its first element among the
    tape's inputs of that kind."""

    kind: str
    length: int | None
    first: int

    @property
    def size(self) -> int:
        return 1 if self.length is None else self.length


@dataclass(frozen=True)
class ScalarFunction:
    """A `scalar_op` met while tracing: its engine op (to replay on Values), its function and
    derivatives (for the Python back end)."""

    name: str
    op: Callable[..., Value]
    f: Callable[..., float]
    derivatives: tuple[Callable[..., float], ...]


@dataclass(frozen=True)
class Op:
    """One step: `code` is the engine's op name ('+', 'tanh', ...) or one of the tape's own:
    'sum' (an n-ary sum), 'select', 'detach', 'scalar', 'id' (the root when it is a leaf), 'dot'
    (`autograd.weighted_sum`: args are the n weights, the n inputs, then the bias if any),
    'logsumexp' (`autograd.logsumexp` of its args)."""

    code: str
    args: tuple[int, ...]
    index: int = -1  # select: which integer input; dot: how many products
    function: int = -1  # scalar: which of Program.functions


@dataclass(frozen=True)
class Program:
    params: tuple[Value, ...]
    inputs: tuple[Input, ...]
    n_float: int  # float input elements
    constants: tuple[float, ...]
    ops: tuple[Op, ...]
    functions: tuple[ScalarFunction, ...]
    # the slots of the traced function's results: one (the root, the last slot) when it
    # returned a Value, `n_outputs` of them when it returned a list or tuple of Values
    outputs: tuple[int, ...] = ()
    returns_list: bool = False

    def __post_init__(self) -> None:
        if not self.outputs:
            object.__setattr__(self, "outputs", (self.n_slots - 1,))

    def __repr__(self) -> str:
        return (
            f"Program({len(self.params)} parameters, {self.n_float} float inputs, "
            f"{self.n_index} index inputs, {len(self.constants)} constants, {len(self.ops)} ops)"
        )

    @property
    def n_index(self) -> int:
        return sum(spec.size for spec in self.inputs if spec.kind == "index")

    @cached_property  # (read for every slot while planning)
    def first_constant(self) -> int:
        return len(self.params) + self.n_float

    @cached_property  # (read for every slot while planning)
    def first_op(self) -> int:
        return self.first_constant + len(self.constants)

    @cached_property  # (read for every slot while planning)
    def n_slots(self) -> int:
        return self.first_op + len(self.ops)

    @property
    def root(self) -> int:
        """The slot of the scalar result (the last): the loss whose mean and gradient a tape gives."""
        return self.n_slots - 1

    def is_constant(self, slot: int) -> bool:
        return self.first_constant <= slot < self.first_op

    def is_input(self, slot: int) -> bool:
        return len(self.params) <= slot < self.first_constant

    def needs_grad(self, slot: int) -> bool:
        """Parameters and op results get gradients; inputs and constants do not."""
        return slot < len(self.params) or slot >= self.first_op

    def signature(self) -> tuple[object, ...]:
        """Everything a second trace must reproduce: the same parameters (by identity), inputs,
        constants (bit for bit) and steps."""
        return (
            tuple(map(id, self.params)),
            self.inputs,
            tuple(c.hex() for c in self.constants),
            self.ops,
            tuple(fn.op for fn in self.functions),
            self.outputs,
            self.returns_list,
        )


@dataclass(frozen=True)
class Step:
    """An op of the program with its result slot, after merging chains of additions."""

    out: int
    code: str
    args: tuple[int, ...]
    index: int = -1
    function: int = -1


def steps(program: Program) -> list[Step]:
    """The program's ops as steps, with two rewrites that change no number:

    - a chain of '+' whose intermediate results have one user each, ((a + b) + c) + d, becomes
      one n-ary 'sum' of (a, b, c, d), added left to right as the engine does (Python's
      `sum()` makes such chains as long as a layer is wide);
    - ``x ** 0`` (the engine's 1 with derivative 0 even at x = 0) becomes 'pow0'.
    """
    users = [0] * program.n_slots
    for op in program.ops:
        for a in op.args:
            users[a] += 1
    for slot in program.outputs:  # a result is used by the caller: never merged away
        users[slot] += 1
    first_op = program.first_op
    merged: dict[int, Step] = {}  # slot -> its step
    for k, op in enumerate(program.ops):
        out = first_op + k
        code, args = op.code, op.args
        if code == "+":
            left = args[0]
            below = merged.get(left)
            if below is not None and below.code in ("+", "sum") and users[left] == 1:
                del merged[left]
                code, args = "sum", below.args + args[1:]
        elif (
            code == "**"
            and program.is_constant(args[1])
            and program.constants[args[1] - program.first_constant] == 0.0
        ):
            code = "pow0"
        merged[out] = Step(out, code, args, op.index, op.function)
    return [merged[slot] for slot in sorted(merged)]
