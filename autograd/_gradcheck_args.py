"""gradcheck's view of a function's arguments and results.

Every number of every argument sits in one flat list, each with a name a person can find in
their own code (`W[2, 1]`: the parameter's name and the element's index), and can be put back
as the function takes it: floats and float64 arrays, or Values and object arrays of Values
(numpy runs on those: `np.tanh` calls `Value.tanh`, `@` multiplies and adds Values).
"""

from __future__ import annotations

import inspect
import linecache
import os
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.engine import Value, gradients, no_grad
from autograd.gradcheck import NotOnValuesError
from autograd.validation import check_number, check_sequence, is_number

_HERE = os.path.dirname(os.path.abspath(__file__))
_NUMPY = os.path.dirname(os.path.abspath(np.__file__))


@dataclass(frozen=True)
class Args:
    """The arguments of one call: names, shapes (None for a scalar) and the numbers, flat."""

    names: tuple[str, ...]
    shapes: tuple[tuple[int, ...] | None, ...]
    flat: tuple[float, ...]

    def __repr__(self) -> str:
        return f"Args(names={self.names!r}, shapes={self.shapes!r}, flat={self.flat!r})"

    @property
    def starts(self) -> list[int]:
        starts, at = [], 0
        for shape in self.shapes:
            starts.append(at)
            at += 1 if shape is None else int(np.prod(shape, dtype=int))
        return starts

    def owner(self, j: int) -> tuple[int, str]:
        """The argument index of flat element `j` and the element's name (`b`, `W[2, 1]`)."""
        starts = self.starts
        i = max(k for k, start in enumerate(starts) if start <= j)
        shape = self.shapes[i]
        if shape is None:
            return i, self.names[i]
        index = np.unravel_index(j - starts[i], shape)
        return i, f"{self.names[i]}[{', '.join(str(int(k)) for k in index)}]"

    def entry(self, j: int) -> tuple[str, int, int]:
        """Flat element `j` as a `Mismatch` names it: its name, its argument index, `j`."""
        i, name = self.owner(j)
        return name, i, j

    def where(self, j: int) -> str:
        """Flat element `j` as messages name it: ``input 1``, or ``input 0 at W[2, 1]``."""
        i, name = self.owner(j)
        return f"input {i}" if self.shapes[i] is None else f"input {i} at {name}"

    def build(self, flat: Sequence[float], *, as_values: bool) -> list[Any]:
        """The arguments holding `flat`: floats and float64 arrays, or Values and object arrays."""
        out: list[Any] = []
        for start, shape in zip(self.starts, self.shapes):
            if shape is None:
                out.append(Value(flat[start]) if as_values else float(flat[start]))
                continue
            size = int(np.prod(shape, dtype=int))
            numbers = flat[start : start + size]
            if as_values:
                items = np.empty(size, dtype=object)
                items[:] = [Value(x) for x in numbers]
                out.append(items.reshape(shape))
            else:
                out.append(np.array(numbers, dtype=np.float64).reshape(shape))
        return out

    def point(self) -> str:
        """``W = [[...]], x = [...], b = 0.5``: the point of the check, as a person reads it."""
        shown = []
        for name, arg in zip(self.names, self.build(self.flat, as_values=False)):
            text = repr(arg) if isinstance(arg, float) else np.array2string(arg, separator=", ")
            shown.append(f"{name} = {' '.join(text.split())}")
        return ", ".join(shown)


def parse(fn: Callable[..., Any], inputs: object, what: str) -> Args:
    """`inputs` (floats, Values, numpy arrays) as `Args` named after `fn`'s parameters."""
    items = check_sequence(inputs, what)
    shapes: list[tuple[int, ...] | None] = []
    flat: list[float] = []
    for i, x in enumerate(items):
        if isinstance(x, np.ndarray):
            numbers = [_number(v, f"{what}[{i}]") for v in x.reshape(-1).tolist()]
            shapes.append(tuple(int(n) for n in x.shape))
            flat.extend(numbers)
        else:
            shapes.append(None)
            flat.append(_number(x, f"{what}[{i}]"))
    return Args(_names(fn, len(items)), tuple(shapes), tuple(flat))


def _number(x: object, name: str) -> float:
    return x.data if isinstance(x, Value) else check_number(x, name)


def _names(fn: Callable[..., Any], count: int) -> tuple[str, ...]:
    """`fn`'s positional parameter names, `input k` past them (or for `*args`)."""
    names: list[str] = []
    try:
        parameters = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):  # a builtin without a signature
        parameters = []
    for p in parameters:
        if p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            break
        names.append(p.name)
    names = names[:count]
    return (*names, *(f"input {k}" for k in range(len(names), count)))


def output_name(fn: Callable[..., Any]) -> str:
    """The name of `fn`'s result in a report: the function's own name, or `f` for a lambda."""
    name = getattr(fn, "__name__", "")
    return name if isinstance(name, str) and name.isidentifier() else "f"


@dataclass(frozen=True)
class Outputs:
    """A function's result, flat: its items (Values, or numbers: constants) and its shape."""

    items: tuple[Any, ...]
    shape: tuple[int, ...] | None  # None: one scalar

    def __repr__(self) -> str:
        return f"Outputs(items={self.items!r}, shape={self.shape!r})"

    def label(self, name: str, k: int) -> str:
        if self.shape is None:
            return name
        index = np.unravel_index(k, self.shape)
        return f"{name}[{', '.join(str(int(i)) for i in index)}]"

    def floats(self) -> list[float]:
        return [x.data if isinstance(x, Value) else float(x) for x in self.items]


def run_on_values(fn: Callable[..., Any], args: Args, flat: Sequence[float], *, grad: bool) -> Outputs:
    """`fn` called on Values holding `flat` (recording no graph unless `grad`), flattened."""
    values = args.build(flat, as_values=True)
    if grad:
        return call_on_values(fn, values)
    with no_grad():
        return call_on_values(fn, values)


def call_on_values(fn: Callable[..., Any], values: Sequence[Any]) -> Outputs:
    """`fn(*values)` flattened, checked to carry Values; a refusal of them (a TypeError about
    a Value) is a `NotOnValuesError` that names the call in one line."""
    try:
        out = fn(*values)
    except TypeError as error:
        if "Value" not in str(error):
            raise
        raise NotOnValuesError(explain(fn, error)) from error
    return flatten(fn, out)


def flatten(fn: Callable[..., Any], out: object) -> Outputs:
    """A result of `fn` on Values as `Outputs`: a Value, or a list, tuple or array of them."""
    if isinstance(out, Value):
        return Outputs((out,), None)
    if isinstance(out, (list, tuple, np.ndarray)):
        try:
            array = np.asarray(out, dtype=object) if not isinstance(out, np.ndarray) else out
        except ValueError:  # ragged: numpy cannot make one array of the pieces
            array = np.empty(0, dtype=object)
        items = tuple(array.reshape(-1).tolist())
        if not items or not all(isinstance(x, Value) or is_number(x) for x in items):
            raise TypeError(
                f"the function must return a Value, or a list or array of them of one shape; got a "
                f"{type(out).__name__} whose pieces are not that: {out!r}"
            )
        if array.dtype != object or not any(isinstance(x, Value) for x in items):
            raise NotOnValuesError(
                f"{output_name(fn)} cannot run on Values, so the engine cannot differentiate it: it "
                f"returned {_kind(out)} holding no Value (it computed in plain numbers, as "
                "np.asarray(..., dtype=float) makes it)"
            )
        return Outputs(items, tuple(int(n) for n in array.shape))
    raise TypeError(f"the function must return a Value, got {type(out).__name__}: {out!r}")


def _kind(out: object) -> str:
    if isinstance(out, np.ndarray):
        return f"a {out.dtype} array"
    return f"a {type(out).__name__}"


def jacobian(outputs: Outputs, leaves: Sequence[Value]) -> np.ndarray:
    """d(output k)/d(leaf j) by the engine: one backward pass per output Value."""
    rows = np.zeros((len(outputs.items), len(leaves)))
    for k, out in enumerate(outputs.items):
        if isinstance(out, Value):
            grads = gradients(out)
            rows[k] = [grads.get(leaf, 0.0) for leaf in leaves]
    return rows


def leaves_of(values: Sequence[Any]) -> list[Value]:
    """The leaf Values of built arguments, in flat order."""
    out: list[Value] = []
    for v in values:
        out.extend(v.reshape(-1).tolist() if isinstance(v, np.ndarray) else [v])
    return out


def explain(fn: Callable[..., Any], error: TypeError) -> str:
    """One line: `fn` cannot run on Values, the call in the user's code that refused them, why."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not os.path.abspath(frame.filename).startswith((_HERE, _NUMPY))
    ]
    where = "a call in it needs plain numbers"
    if frames:
        frame = frames[-1]
        call, place = _segment(frame), f"{os.path.basename(frame.filename)}:{frame.lineno}"
        where = f"{place} calls {call}, which needs plain numbers" if call else f"{place} needs plain numbers"
    refused = f"{output_name(fn)} cannot run on Values, so the engine cannot differentiate it"
    return f"{refused}: {where} (TypeError: {error})"


def _segment(frame: traceback.FrameSummary) -> str:
    """The expression of the failing call, from the column positions Python 3.11 records."""
    line = linecache.getline(frame.filename, frame.lineno or 0)
    start, end = getattr(frame, "colno", None), getattr(frame, "end_colno", None)
    if line and start is not None and end is not None and frame.end_lineno == frame.lineno:
        return f"`{line[start:end]}`"
    return f"`{line.strip()}`" if line else ""
