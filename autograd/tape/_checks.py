"""The tape's safety checks: the engine's errors with the example's number and the comparison
of two traces (the guard that finds a stale tape is `_guard`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from autograd import engine
from autograd._logsumexp import logsumexp
from autograd._weighted import weighted_sum
from autograd.engine import Value
from autograd.errors import NonFiniteError, TraceError
from autograd.ops import OPS
from autograd.tape._program import Program
from autograd.validation import is_number

_ENGINE_OPS: dict[str, Callable[..., Any]] = {
    **{name: partial(engine.apply, name) for name in OPS},
    "id": lambda v: v,
    "detach": Value.detach,
    "logsumexp": lambda *xs: logsumexp(xs),
}


def raise_engine_error(
    program: Program,
    params: Sequence[float],
    floats: Sequence[float],
    indices: Sequence[int],
    seed: float | None,
    example: int,
    stage: str,
) -> None:
    """Replay one example on the dynamic engine (the parameters' numbers `params`), which raises
    its own error for it; raise that error again, of the same type, naming the example. `seed`
    scales the loss as the batch mean does, so that a gradient overflows where it would in the
    batch."""
    try:
        _on_engine(program, params, floats, indices, seed)
    except (ArithmeticError, ValueError, TypeError) as error:  # the engine's errors, scalar_op's
        raise type(error)(f"{error} (at example {example} of the batch)") from None
    raise NonFiniteError(
        f"tape: {stage}: a number of example {example} of the batch is not finite (inf or nan)"
    )


def _on_engine(
    program: Program,
    params: Sequence[float],
    floats: Sequence[float],
    indices: Sequence[int],
    seed: float | None,
) -> None:
    values: list[Any] = [Value(p) for p in params]
    values += [Value(x) for x in floats]
    values += list(program.constants)
    for op in program.ops:
        args = [values[a] for a in op.args]
        if op.code == "select":
            values.append(
                engine.select([a if isinstance(a, Value) else Value(a) for a in args], indices[op.index])
            )
            continue
        if not any(isinstance(a, Value) for a in args):  # constants only: the engine saw Values
            args[0] = Value(args[0])
        if op.code == "dot":
            n = op.index
            values.append(weighted_sum(args[:n], args[n : 2 * n], args[2 * n] if len(args) > 2 * n else None))
            continue
        if op.code == "scalar":
            values.append(program.functions[op.function].op(*args))
        else:
            values.append(_ENGINE_OPS[op.code](*args))
    root = values[-1]
    if seed is not None:
        (root * seed).backward()


def compare(first: Program, second: Program) -> None:
    """Refuse two traces of one function on two examples that differ: a number of the example
    became part of the tape (a constant, a branch), so the tape would replay one example."""
    if first.signature() == second.signature():
        return
    if first.inputs != second.inputs or len(first.params) != len(second.params):
        detail = "its inputs or parameters differ"
    elif first.constants != second.constants:
        changed = [(a, b) for a, b in zip(first.constants, second.constants) if a != b]
        detail = (
            f"constants differ ({changed[0][0]!r} became {changed[0][1]!r})"
            if changed
            else "constants differ"
        )
    else:
        detail = "its steps differ"
    raise TraceError(
        f"trace: the function's graph depends on the example's numbers: traced again on a nearby "
        f"example, {detail}. An input was probably used as a plain number (baked in as a "
        "constant) or chose a branch; pass every input as an argument of the function and "
        "compute with Value ops"
    )


def nearby(example: tuple[Any, ...], sign: float) -> tuple[Any, ...]:
    """The example with every float moved slightly (integer inputs, the indices, kept)."""

    def move(x: Any) -> Any:
        if isinstance(x, (bool, int)) or type(x).__name__.startswith(("int", "uint")):
            return x
        if is_number(x):
            value = float(x)
            return value * (1.0 + sign * 2.0**-12) if value else sign * 2.0**-40  # same sign, same scale
        return [move(item) for item in x]

    return tuple(move(x) for x in example)
