"""The tape's safety checks: the engine's errors with the example's number, the comparison of
two traces, and the guard that finds a stale tape.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from autograd import engine
from autograd.engine import Value
from autograd.errors import NonFiniteError, StaleTapeError, TraceError
from autograd.ops import OPS
from autograd.tape._program import Program
from autograd.validation import is_number

_ENGINE_OPS: dict[str, Callable[..., Any]] = {
    **{name: partial(engine.apply, name) for name in OPS},
    "id": lambda v: v,
    "detach": Value.detach,
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


# ---- the guard of a stale tape ----


class Guard:
    """What a tape assumed about the world outside its inputs and parameters' numbers: the
    objects the traced function refers to (its closure, its `self`, the globals it names, its
    defaults), each by identity, the numbers among them by value, and the parameters of any
    object with a `parameters()` method (a model) by identity and count.

    `check()` raises StaleTapeError when any of them changed.
    """

    def __init__(self, fn: Callable[..., Any], params: Sequence[Value] = ()) -> None:
        self._refs = _references(fn)
        self._snapshots = [_snapshot(get()) for _, get in self._refs]

    def __repr__(self) -> str:
        return f"Guard({', '.join(name for name, _ in self._refs)})"

    def check(self) -> None:
        for (name, get), before in zip(self._refs, self._snapshots):
            now = _snapshot(get())
            if not _same(now, before):
                raise StaleTapeError(
                    f"the tape is stale: {name} changed since it was traced ({_change(before, now)}); "
                    "call autograd.trace again"
                )


def _references(fn: Callable[..., Any]) -> list[tuple[str, Callable[[], Any]]]:
    refs: list[tuple[str, Callable[[], Any]]] = []
    target: Any = fn
    if inspect.ismethod(fn):
        owner = fn.__self__
        refs.append(("the method's object", lambda: owner))
        target = fn.__func__
    elif not inspect.isfunction(fn):  # a callable object (an nn module): it is the model
        refs.append((f"the traced object {type(fn).__name__}", lambda: fn))
        return refs
    code = target.__code__
    for var, cell in zip(code.co_freevars, target.__closure__ or ()):
        refs.append((f"the captured variable {var!r}", _reader(cell, "cell_contents")))
    namespace: dict[str, Any] = target.__globals__
    for global_name in code.co_names:
        if global_name in namespace:
            refs.append((f"the global {global_name!r}", _reader(namespace, global_name)))
    defaults = target.__defaults__ or ()
    if defaults:
        refs.append(("the function's defaults", lambda: tuple(target.__defaults__ or ())))
    return refs


def _reader(holder: Any, key: str) -> Callable[[], Any]:
    """Reads a closure cell's contents or a namespace's entry when called."""
    if isinstance(holder, dict):
        return lambda: holder.get(key)
    return lambda: getattr(holder, key)


def _snapshot(x: Any) -> tuple[Any, ...]:
    if x is None or isinstance(x, (bool, str)) or is_number(x):
        return ("number", type(x), x)
    if isinstance(x, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)):
        return ("object", id(x))
    if isinstance(x, (list, tuple)):  # its items by identity (numbers by value), in one C loop
        return ("items", type(x), tuple(x))
    parameters = getattr(x, "parameters", None)
    if callable(parameters) and not isinstance(x, Value):
        params = parameters()
        attrs = (
            tuple(sorted((k, v) for k, v in vars(x).items() if is_number(v)))
            if hasattr(x, "__dict__")
            else ()
        )
        # the list itself: == compares Values by identity, in one C loop
        return ("model", id(x), len(params), list(params), attrs)
    if hasattr(x, "__dict__") and not isinstance(x, Value):
        attrs = tuple(sorted((k, v) for k, v in vars(x).items() if is_number(v) or isinstance(v, str)))
        return ("object", id(x), attrs)
    return ("object", id(x))


def _same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # an item whose == is not a bool (a numpy array)
        return False


def _change(before: tuple[Any, ...], now: tuple[Any, ...]) -> str:
    if before[0] == now[0] == "model" and before[2] != now[2]:
        return f"its parameter count went from {before[2]} to {now[2]}"
    if before[0] == now[0] == "model" and before[3] != now[3]:
        return "its parameters were replaced"
    if before[0] == now[0] == "number":
        return f"{before[2]!r} became {now[2]!r}"
    return "a different object or different numbers"
