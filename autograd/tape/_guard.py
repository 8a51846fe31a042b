"""The guard of a stale tape: what a tape assumed about the world outside its inputs and its
parameters' numbers, checked before every replay.

What it watches (each by value, so a change is a StaleTapeError):

- the traced function's references: its closure, the globals its code names (its generator
  expressions' and nested functions' too), its defaults, a method's object, a callable object;
- one call deeper, and further: the same for every Python function among those (a helper that
  reads a global model), except the library's own (`autograd`, `nn`: their globals are code);
- inside each referenced object, followed up to `DEPTH` attributes, items or entries deep:
  numbers, strings and None by value (a neuron's activation, `y_range`), Values by identity
  (the tape's parameters) and by number (any other Value: a captured constant), lists, tuples
  and dicts item by item, numpy arrays element by element, objects attribute by attribute;
  modules, functions and classes by identity.

Inside an object that is not a model (has no `parameters()`), such as a method's object, only
numbers, strings, Values, containers and models are watched: its other attributes (a tape, an
optimizer's arrays) are the caller's machinery. Objects of the standard library (a lock), objects
deeper than `DEPTH` and numpy arrays of more than `MAX_ARRAY` elements (a data set: copying it
at every call would cost more than the replay) are watched by identity only. A function that
refers to more than `MAX_ITEMS` things in all is refused at trace time.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from autograd.engine import Value
from autograd.errors import StaleTapeError, TraceError
from autograd.validation import is_number

DEPTH = 8
MAX_ARRAY = 2**20
MAX_ITEMS = 200_000
_LIBRARY = ("autograd", "nn")  # their functions' globals are the library's code, not a model
_STDLIB = frozenset(sys.stdlib_module_names) | {"builtins"}  # their objects (a lock) by identity
_CODE = (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType, type)

Token = tuple[str, Any]
Path = tuple[Any, str, Any] | None  # (parent, "[" or ".", key): built cheaply, shown on a change
_SCALARS = frozenset({float, int, str, bool, type(None)})
# a tuple comparison of Values is by identity only while Value keeps object's ==
_IDENTITY_EQ = Value.__eq__ is object.__eq__


class Guard:
    """`check()` raises StaleTapeError when anything the traced function `fn` refers to changed
    since the guard was made (see the module docstring); `params` are the tape's parameters,
    whose numbers may change (a Value that is not one of them is watched by its number)."""

    def __init__(self, fn: Callable[..., Any], params: Sequence[Value] = ()) -> None:
        self._params = frozenset(map(id, params))
        self._refs = _references(fn)
        self._kept: list[Any] | None = []
        self._rows: dict[tuple[int, Path], tuple[Value, ...]] = {}  # rows of parameters, by where
        self._before = [self._tokens(k, get()) for k, (_, get) in enumerate(self._refs)]
        self._kept_alive, self._kept = self._kept, None
        count = sum(len(tokens) for _, tokens in self._before)
        if count > MAX_ITEMS:
            raise TraceError(
                f"trace: the traced function refers to {count} numbers and objects, more than the "
                f"{MAX_ITEMS} the stale-tape guard watches; pass large data as inputs"
            )

    def __repr__(self) -> str:
        return f"Guard({', '.join(name for name, _ in self._refs)})"

    def check(self) -> None:
        for k, ((name, get), (paths, before)) in enumerate(zip(self._refs, self._before)):
            now = self._tokens(k, get())
            if now[1] != before:
                raise StaleTapeError(
                    f"the tape is stale: {name} changed since it was traced "
                    f"({_change(paths, before, now[1])}); call autograd.trace again"
                )

    def _tokens(self, ref: int, x: Any) -> tuple[list[Path], list[Token]]:
        """Where and what is watched inside `x`, the reference number `ref`."""
        paths: list[Path] = []
        tokens: list[Token] = []
        self._walk(x, ref, None, DEPTH, paths, tokens, set(), False)
        return paths, tokens

    def _walk(
        self,
        x: Any,
        ref: int,
        path: Path,
        depth: int,
        paths: list[Path],
        tokens: list[Token],
        seen: set[int],
        plain: bool,
    ) -> None:
        """Append the tokens of `x` (and where each is). Inside a `plain` object (not a model),
        only numbers, strings, Values, containers and models are watched: its other attributes
        are the caller's machinery (a tape, an optimizer's arrays), not what the function
        computes. (The common types are tested first, by type: the check runs at every call.)"""
        kind = type(x)
        if kind is Value:
            paths.append(path)
            tokens.append(self._value(x))
            return
        if kind in _SCALARS:
            paths.append(path)
            tokens.append(_number(x))
            return
        container = isinstance(x, (list, tuple, dict))
        if not container and is_number(x):  # numpy's numbers
            paths.append(path)
            tokens.append(_number(x))
            return
        model = not container and not isinstance(x, _CODE) and callable(getattr(x, "parameters", None))
        if plain and not (model or container):
            return
        if (
            depth == 0
            or id(x) in seen
            or isinstance(x, _CODE)
            or (not container and kind.__module__ in _STDLIB)
        ):
            paths.append(path)
            tokens.append(self._identity(x))
            return
        seen.add(id(x))
        paths.append(path)
        if isinstance(x, (list, tuple)):
            if self._same_row(x, (ref, path)):  # rows of weights, as they were: in C loops
                tokens.append(("parameters", len(x)))
                return
            tokens.append((kind.__name__, len(x)))
            for k, item in enumerate(x):
                self._walk(item, ref, (path, "[", k), depth - 1, paths, tokens, seen, plain)
        elif isinstance(x, dict):
            tokens.append(("dict", tuple(x)))
            for key, item in x.items():
                self._walk(item, ref, (path, "[", key), depth - 1, paths, tokens, seen, plain)
        elif kind.__module__ == "numpy" and kind.__name__ == "ndarray":
            tokens.append(_array(x))
        else:
            tokens.append(self._identity(x))  # (not its parameters(): as slow as a replay, for MLPs)
            for name, item in _attributes(x):
                self._walk(item, ref, (path, ".", name), depth - 1, paths, tokens, seen, not model)

    def _same_row(self, x: list[Any] | tuple[Any, ...], where: tuple[int, Path]) -> bool:
        """Whether `x` holds only the tape's parameters, in lists and tuples nested as deep as
        they like (a layer's rows of weights), the same ones as in the first snapshot: then
        one comparison in C checks it all (== on identical items never calls their __eq__)."""
        if self._kept is not None:  # the first snapshot: keep a copy of the structure
            copy = self._parameters_only(x) if _IDENTITY_EQ else None
            if copy is None:
                return False
            self._rows[where] = copy
            return True
        row = self._rows.get(where)
        return row is not None and type(x) is type(row) and x == row

    def _parameters_only(self, x: Any) -> Any:
        """A copy of nested lists and tuples whose leaves are the tape's parameters (the same
        objects), or None if any leaf is something else (or a list is empty)."""
        if type(x) is Value:
            return x if id(x) in self._params else None
        if type(x) not in (list, tuple) or not x:
            return None
        if self._params.issuperset(map(id, x)):  # a row of weights: in one C loop
            return type(x)(x)
        items = [self._parameters_only(item) for item in x]
        return None if any(item is None for item in items) else type(x)(items)

    def _value(self, v: Value) -> Token:
        self._keep(v)
        if id(v) in self._params:
            return ("parameter", id(v))
        return ("value", (id(v), v.data.hex()))

    def _identity(self, x: Any) -> Token:
        """By identity: by id, so that == never calls the object's own __eq__."""
        self._keep(x)
        return ("object", id(x))

    def _keep(self, x: Any) -> None:
        """While the first snapshot is taken, keep what it identifies alive, so that no id it
        holds is reused by a new object (which would then pass for the old one)."""
        if self._kept is not None:
            self._kept.append(x)


def _number(x: Any) -> Token:
    if isinstance(x, float) or (is_number(x) and not isinstance(x, int)):
        return ("number", (type(x).__name__, float(x).hex()))  # nan equals nan, 0.0 is not -0.0
    return ("number", (type(x).__name__, x))


def _array(x: Any) -> Token:
    if x.size > MAX_ARRAY:  # (a data set, say): copying it at every call would cost more than the replay
        return ("large array", (id(x), x.dtype.str, x.shape))  # (kept alive by its reference)
    return ("array", (x.dtype.str, x.shape, x.tobytes()))


def _attributes(x: Any) -> Iterator[tuple[str, Any]]:
    """An object's attributes: its __dict__, then its __slots__."""
    yield from getattr(x, "__dict__", {}).items()
    for cls in type(x).__mro__:
        for name in getattr(cls, "__slots__", ()):
            if name not in ("__dict__", "__weakref__") and hasattr(x, name):
                yield name, getattr(x, name)


def _change(paths: list[Path], before: list[Token], now: list[Token]) -> str:
    for path, old, new in zip(paths, before, now):
        if old != new:
            return _describe(_shown_path(path), old, new)
    return "it holds a different number of things"


def _shown_path(path: Path) -> str:
    steps: list[str] = []
    while path is not None:
        path, kind, key = path
        steps.append(f"[{key!r}]" if kind == "[" else f".{key}")
    return "".join(reversed(steps))


def _describe(path: str, old: Token, new: Token) -> str:
    where = path or "it"
    if old[0] == new[0] == "number":
        return f"{where}: {_shown(old)} became {_shown(new)}"
    if old[0] == new[0] == "value" and old[1][0] == new[1][0]:
        return f"{where}: the number of a Value that is not a parameter of the tape changed"
    if old[0] == new[0] == "array":
        return f"{where}: the array's elements changed"
    if old[0] in ("list", "tuple", "parameters") and new[0] in ("list", "tuple", "parameters"):
        if old[1] != new[1]:
            return f"{where}: {old[1]} items became {new[1]}"
        return f"{where}: its parameters were replaced"
    if "parameter" in (old[0], new[0]):
        return f"{where}: its parameters were replaced"
    return f"{where} is a different object"


def _shown(token: Token) -> str:
    kind, value = token[1]
    return repr(float.fromhex(value)) if isinstance(value, str) and kind != "str" else repr(value)


# ---- what a function refers to ----


def _references(fn: Callable[..., Any]) -> list[tuple[str, Callable[[], Any]]]:
    """(name, reader) for each thing `fn` refers to, following Python functions it refers to."""
    refs: list[tuple[str, Callable[[], Any]]] = []
    target: Any = fn
    if inspect.ismethod(fn):
        owner = fn.__self__
        refs.append(("the method's object", lambda: owner))
        target = fn.__func__
    elif not inspect.isfunction(fn):  # a callable object (an nn module): it is the model
        refs.append((f"the traced object {type(fn).__name__}", lambda: fn))
        return refs
    pending, seen = [(target, "")], {id(target)}
    while pending:
        function, via = pending.pop()
        for name, reader in _function_references(function, via):
            refs.append((name, reader))
            item = reader()
            if inspect.isfunction(item) and id(item) not in seen and not _library(item):
                seen.add(id(item))
                pending.append((item, f" (read by {item.__qualname__})"))
    return refs


def _function_references(function: Any, via: str) -> Iterator[tuple[str, Callable[[], Any]]]:
    code = function.__code__
    for var, cell in zip(code.co_freevars, function.__closure__ or ()):
        yield f"the captured variable {var!r}{via}", _reader(cell, "cell_contents")
    namespace: dict[str, Any] = function.__globals__
    for global_name in dict.fromkeys(_names(code)):
        if global_name in namespace:
            yield f"the global {global_name!r}{via}", _reader(namespace, global_name)
    if function.__defaults__ or function.__kwdefaults__:
        yield f"the defaults{via}", lambda: (function.__defaults__, function.__kwdefaults__)


def _names(code: types.CodeType) -> Iterator[str]:
    """The global (and attribute) names a code object and the code nested in it use: the
    generator expressions, lambdas and functions defined inside it read globals too."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _names(const)


def _library(function: Any) -> bool:
    module = getattr(function, "__module__", None) or ""
    return module.split(".")[0] in _LIBRARY


def _reader(holder: Any, key: str) -> Callable[[], Any]:
    """Reads a closure cell's contents or a namespace's entry when called."""
    if isinstance(holder, dict):
        return lambda: holder.get(key)
    return lambda: getattr(holder, key, None)  # (an empty cell: None)
