"""Tracing: run the user's function once on placeholder inputs, watching what it does, and
flatten the graph it returns into a `Program`.

While any trace runs (and only then) a few attributes of the engine are swapped for watchful
versions, so the dynamic engine pays nothing for tracing when it is not tracing. They watch
only the threads that are tracing (each with its own `Tracer`): every other thread gets the
engine's own behaviour, and several threads may trace at once.

- `Value.data` becomes a property that refuses reads, by code outside the engine, of a Value
  computed from the inputs: a Python branch or number made from it would be baked into the
  tape (JAX's concretization error). Reads of older Values (the parameters) are remembered
  and refused at the end if the Value is part of the tape.
- `Value.__init__` and the engine's `_node` record which Values the function created: a leaf it
  created is a constant, a leaf it did not is a parameter.
- `Value.detach` records a stop-gradient step instead of baking the number in.
- `Value.__bool__` refuses `bool()` of a traced Value (an `if` on it would bake a branch in).
- `engine._tracer` is set, so `select` and `scalar_op` report what a node alone cannot.

Grad mode is on for the traced function even inside the caller's `no_grad`.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from threading import get_ident
from typing import Any

from autograd import engine
from autograd.engine import Value
from autograd.errors import TraceError
from autograd.tape._program import Input, Op, Program, ScalarFunction
from autograd.validation import is_number

# the engine's own code (and ours) may read the number of any Value
_TRUSTED_MODULES = frozenset({"autograd.engine", __name__})

Example = tuple[Any, ...]


class IndexInput:
    """An integer input while a function is traced: usable only through `autograd.select`,
    because its number differs for every example of a batch."""

    __slots__ = ("number", "_value")

    def __init__(self, number: int, value: int) -> None:
        self.number = number  # which integer input of the tape this is
        self._value = value  # the traced example's index, for the forward pass of the trace

    def __repr__(self) -> str:
        return f"IndexInput(#{self.number})"

    def _refuse(self, *args: object) -> Any:
        raise TraceError(
            f"{self!r} is an integer input of a traced function: its number differs for every "
            "example, so it cannot become a Python int (indexing, comparing, branching); "
            "use autograd.select(values, index) to pick a value with it"
        )

    __index__ = __int__ = __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __hash__ = object.__hash__


@dataclass
class _Selection:
    candidates: tuple[Value | float, ...]
    index: IndexInput


@dataclass
class _ScalarCall:
    function: ScalarFunction
    args: tuple[Value | float, ...]


class Tracer:
    """What one run of the traced function did: the Values it created, its selections,
    scalar_op calls and detached Values, and its reads of older Values' numbers."""

    def __init__(self) -> None:
        # id -> Value, holding each alive so that ids stay unique during the trace
        self.created_nodes: dict[int, Value] = {}
        self.created_leaves: dict[int, Value] = {}
        self.inputs: dict[int, int] = {}  # id of a float placeholder -> its input number
        self.input_values: list[Value] = []
        self.selections: dict[int, _Selection] = {}
        self.scalar_calls: dict[int, _ScalarCall] = {}
        self.detached: dict[int, Value] = {}
        self.dots: dict[int, tuple[int, tuple[Value, ...]]] = {}  # products, (weights, inputs, bias)
        self.logsumexps: dict[int, tuple[Value, ...]] = {}  # the result's operands
        self.no_grad_nodes: set[int] = set()
        self.old_reads: dict[int, tuple[Value, str]] = {}

    # ---- hooks called by the engine ----

    def select(self, values: Sequence[Any], index: Any) -> Any:
        if not isinstance(index, IndexInput):
            return _untraced_select(values, index)
        _check_table(values)
        first = values[0]
        if isinstance(first, Value) or is_number(first):  # one value per candidate
            return self._select_scalar(values, index)
        columns = zip(*values)  # a row per candidate: select each column alike
        return [self.select(list(column), index) for column in columns]

    def _select_scalar(self, values: Sequence[Any], index: IndexInput) -> Value:
        candidates = tuple(v if isinstance(v, Value) else float(v) for v in values)
        chosen = candidates[engine.check_selection(candidates, index._value)]  # no -1, as select
        out = Value(chosen.data if isinstance(chosen, Value) else chosen)
        self.created_leaves.pop(id(out), None)  # a node of the tape, not a constant
        self.created_nodes[id(out)] = out
        self.selections[id(out)] = _Selection(candidates, index)
        return out

    def scalar_op(
        self,
        node: Value,
        op: Callable[..., Value],
        f: Callable[..., float],
        derivatives: tuple[Callable[..., float], ...],
        args: tuple[Any, ...],
    ) -> None:
        function = ScalarFunction(node.op, op, f, derivatives)
        self.scalar_calls[id(node)] = _ScalarCall(function, tuple(_operand(a) for a in args))

    def weighted_sum(self, weights: Sequence[Any], inputs: Sequence[Any], bias: Any) -> Value | None:
        """One 'dot' step for `autograd.weighted_sum`, when the tape can replay it as a row of a
        matrix product: every weight an older Value (a parameter), every input a Value of this
        trace, no input twice, a bias that is a Value or None, grad mode on, and every number
        finite. None otherwise: the caller builds the engine's graph (and its errors)."""
        ws, xs = list(weights), list(inputs)
        if not ws or len(ws) != len(xs) or not engine.is_grad_enabled():
            return None
        if not all(type(v) is Value for v in (*ws, *xs)) or not (bias is None or type(bias) is Value):
            return None
        made, ins = self.created_nodes, self.inputs
        if any(id(w) in made or id(w) in ins or id(w) in self.created_leaves for w in ws):
            return None
        if not all(id(x) in made or id(x) in ins for x in xs) or len(set(map(id, xs))) != len(xs):
            return None
        terms = [w.data * x.data for w, x in zip(ws, xs)]  # the engine's products, then its sum
        if bias is not None:
            terms.append(bias.data)
        total = terms[0]
        for term in terms[1:]:
            total += term
        if any(t - t != 0.0 for t in terms) or total - total != 0.0:  # the engine says which overflowed
            return None
        out = Value(total)
        self.created_leaves.pop(id(out), None)  # a node of the tape, not a constant
        made[id(out)] = out
        self.dots[id(out)] = (len(ws), (*ws, *xs, *(() if bias is None else (bias,))))
        return out

    def logsumexp(self, out: Value, operands: Sequence[Value]) -> None:
        """Make `out`, the engine's graph of `autograd.logsumexp`, one 'logsumexp' step of its
        operands (the graph in between is then not part of the tape). Under no_grad, nothing:
        the node stays a no-grad node, which the tape refuses."""
        if engine.is_grad_enabled() and id(out) in self.created_nodes:
            self.logsumexps[id(out)] = tuple(operands)

    # ---- the watch on .data ----

    def read(self, value: Value, caller: Any) -> None:
        """Called for every read of `.data` by code outside the engine."""
        key = id(value)
        if key in self.created_nodes or key in self.inputs:
            raise TraceError(
                f"the traced function reads .data of {_describe(value)} at {_where(caller)}: its "
                "number changes with every example, so a branch or a number made from it would "
                "be baked into the tape. Compute with Value ops instead (relu, maximum, abs, "
                "select), or call the function on the dynamic engine"
            )
        if key not in self.created_leaves:  # an older Value: an error if it is a parameter
            self.old_reads.setdefault(key, (value, _where(caller)))

    def truth(self, value: Value) -> None:
        """Called for `bool(value)`: an `if` on a traced Value would bake one branch in."""
        if id(value) in self.created_nodes or id(value) in self.inputs:
            raise TraceError(
                f"the traced function asks whether {_describe(value)} is true (an if, and, or, "
                "not on it): the branch would be baked into the tape for every example. Compute "
                "with Value ops instead (relu, maximum, abs, select)"
            )


def _untraced_select(values: Sequence[Any], index: Any) -> Any:
    """`engine.select` as it runs when nothing traces (its branch past the `_tracer` hook)."""
    check = engine.check_selection if isinstance(index, int) else engine._check_index
    return engine._selected(values[check(values, index)])


def _check_table(values: Sequence[Any]) -> None:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise TypeError(f"select: values must be a non-empty list or tuple, got {values!r}")
    scalar = [isinstance(v, Value) or is_number(v) for v in values]
    if all(scalar):
        return
    if any(scalar) or any(isinstance(v, (str, bytes)) or not isinstance(v, Sequence) for v in values):
        raise TypeError(f"select: values must be all Values/numbers or all rows, got {values!r}")
    if len({len(row) for row in values}) != 1:
        raise ValueError(f"select: every row must have the same length, got {[len(r) for r in values]}")


def _operand(x: Any) -> Value | float:
    return x if isinstance(x, Value) else float(x)


def _describe(value: Value) -> str:
    made = f"the result of {value.op!r}" if value.op else "an input"
    label = f" {value.label!r}" if value.label else ""
    return f"a traced Value{label} ({made})"


def _where(frame: Any) -> str:
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else "?"


# ---- the watchful attributes, per thread ----

_active: dict[int, Tracer] = {}  # thread id -> the tracer of the trace running in that thread
_lock = threading.Lock()  # guards _active and the swap of the attributes
_restore: list[Callable[[], None]] = []  # undoes the swap once the last trace ends


class _Dispatch:
    """`engine._tracer` while any thread traces: each hook goes to the calling thread's tracer,
    and a thread that is not tracing gets the engine's own behaviour."""

    def __repr__(self) -> str:
        return f"_Dispatch({len(_active)} tracing thread(s))"

    def select(self, values: Sequence[Any], index: Any) -> Any:
        tracer = _active.get(get_ident())
        return _untraced_select(values, index) if tracer is None else tracer.select(values, index)

    def scalar_op(self, node: Value, *args: Any) -> None:
        tracer = _active.get(get_ident())
        if tracer is not None:
            tracer.scalar_op(node, *args)


@contextmanager
def tracing(tracer: Tracer) -> Iterator[None]:
    """Run the body as a trace into `tracer`: in this thread only, Value's attributes watch
    (see the module docstring), and grad mode is on whatever the caller's `no_grad` says (as
    torch.func's transforms do); other threads, tracing or not, are unaffected."""
    me = get_ident()
    with _lock:
        if me in _active:
            raise TraceError("trace: a traced function may not call autograd.trace itself")
        if not _active:
            _install()
        _active[me] = tracer
    try:
        with engine.enable_grad():
            yield
    finally:
        with _lock:
            del _active[me]
            if not _active:
                while _restore:
                    _restore.pop()()


def _install() -> None:
    """Swap in the watchful attributes; each acts only in a thread found in `_active`."""
    slot = Value.__dict__["data"]
    original_init, original_node, original_detach = Value.__init__, engine._node, Value.detach
    original_bool = Value.__dict__.get("__bool__")
    get, put = slot.__get__, slot.__set__
    getframe = sys._getframe
    tracer_of = _active.get

    def data_get(self: Value) -> float:
        tracer = tracer_of(get_ident())
        if tracer is not None:
            caller = getframe(1)
            if caller.f_globals.get("__name__") not in _TRUSTED_MODULES:
                tracer.read(self, caller)
        value: float = get(self, Value)
        return value

    def data_set(self: Value, value: float) -> None:
        tracer = tracer_of(get_ident())
        if tracer is not None and (id(self) in tracer.created_nodes or id(self) in tracer.inputs):
            raise TraceError(f"the traced function sets .data of {_describe(self)}")
        put(self, value)

    def init(self: Value, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        tracer = tracer_of(get_ident())
        if tracer is not None:
            tracer.created_leaves[id(self)] = self

    def node(*args: Any) -> Value:
        out = original_node(*args)
        tracer = tracer_of(get_ident())
        if tracer is not None:
            tracer.created_nodes[id(out)] = out
            if not engine.is_grad_enabled():
                tracer.no_grad_nodes.add(id(out))
        return out

    def detach(self: Value) -> Value:
        tracer = tracer_of(get_ident())
        if tracer is None:
            return original_detach(self)
        out = Value(get(self, Value), self.label)
        tracer.created_leaves.pop(id(out), None)
        tracer.created_nodes[id(out)] = out
        tracer.detached[id(out)] = self
        return out

    def truth(self: Value) -> bool:
        tracer = tracer_of(get_ident())
        if tracer is not None:
            tracer.truth(self)
        return True if original_bool is None else bool(original_bool(self))

    def restore() -> None:
        engine._tracer = None
        engine._node = original_node
        Value.detach = original_detach  # type: ignore[method-assign]
        Value.__init__ = original_init  # type: ignore[method-assign]
        Value.data = slot  # type: ignore[misc]
        if original_bool is None:
            del Value.__bool__  # type: ignore[attr-defined]
        else:
            Value.__bool__ = original_bool  # type: ignore[attr-defined]

    Value.data = property(data_get, data_set)  # type: ignore[assignment,misc]
    Value.__init__ = init  # type: ignore[method-assign]
    Value.detach = detach  # type: ignore[method-assign]
    Value.__bool__ = truth  # type: ignore[attr-defined]
    engine._node = node  # type: ignore[assignment]
    engine._tracer = _Dispatch()
    _restore.append(restore)


def placeholders(example: Example, tracer: Tracer) -> tuple[list[Any], tuple[Input, ...]]:
    """The traced function's arguments for one example, and the description of each input."""
    args: list[Any] = []
    specs: list[Input] = []
    counts = {"float": 0, "index": 0}
    for position, x in enumerate(example):
        kind, items, length = _input_kind(x, position)
        first = counts[kind]
        made: list[Any] = []
        for item in items:
            if kind == "index":
                made.append(IndexInput(counts["index"], int(item)))
            else:
                v = Value(float(item), f"x{position}" if length is None else f"x{position}[{len(made)}]")
                tracer.inputs[id(v)] = counts["float"]
                tracer.input_values.append(v)
                made.append(v)
            counts[kind] += 1
        args.append(made[0] if length is None else made)
        specs.append(Input(kind, length, first))
    return args, tuple(specs)


def _input_kind(x: object, position: int) -> tuple[str, list[Any], int | None]:
    """'float' or 'index', the items, and the length (None for a scalar input)."""
    if _is_int(x):
        return "index", [x], None
    if is_number(x):
        return "float", [_finite(x, position)], None
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or isinstance(x, Value):
        raise TypeError(
            f"trace: each example input must be a float, an int (an index for select) or a list "
            f"of either; input {position} is {type(x).__name__}: {x!r}"
        )
    items = list(x)
    if items and all(_is_int(item) for item in items):
        return "index", items, len(items)
    if not all(is_number(item) for item in items):
        raise TypeError(f"trace: input {position} must hold only numbers, got {x!r}")
    return "float", [_finite(item, position) for item in items], len(items)


def _is_int(x: object) -> bool:
    return (isinstance(x, int) and not isinstance(x, bool)) or type(x).__name__.startswith(("int", "uint"))


def _finite(x: Any, position: int) -> float:
    value = float(x)
    if value - value != 0.0:
        raise ValueError(f"trace: input {position} must be finite, got {x!r}")
    return value


# ---- flattening the traced graph ----


def flatten(
    result: Value | Sequence[Value],
    tracer: Tracer,
    inputs: tuple[Input, ...],
    declared: Sequence[Value] | None = None,
) -> Program:
    """The graph of `result` (a Value, or a list of them) as a Program: slots [parameters |
    float inputs | constants | ops]. The parameters are `declared` in its order, or else in
    the order the traced function first used them."""
    roots = [result] if isinstance(result, Value) else list(result)
    order, operands_of = _live_order(roots, tracer)
    params: list[Value] = list(declared or ())
    param_slot = {id(p): i for i, p in enumerate(params)}
    constants: dict[str, float] = {}  # by float.hex(), so 0.0 and -0.0 stay apart
    functions: list[ScalarFunction] = []
    # before numbering, a reference: ("p", i), ("x", i), ("c", key) or ("o", i)
    ref: dict[int, tuple[str, Any]] = {}
    raw_ops: list[tuple[str, tuple[Value | float, ...], int, int]] = []
    for v in order:
        key = id(v)
        if key in tracer.no_grad_nodes and key not in tracer.detached:
            raise TraceError(
                f"{_describe(v)} was computed under no_grad inside the traced function: "
                "its number would be baked into the tape; use .detach() to stop gradients"
            )
        operands = operands_of.get(key)
        if operands is None:  # a leaf
            if key in tracer.inputs:
                ref[key] = ("x", tracer.inputs[key])
            elif key in tracer.created_leaves or key in tracer.created_nodes:
                ref[key] = ("c", v.data.hex())
                constants.setdefault(v.data.hex(), v.data)
            elif declared is None:
                ref[key] = ("p", len(params))
                params.append(v)
            elif key in param_slot:
                ref[key] = ("p", param_slot[key])
            else:
                raise TraceError(
                    f"the traced function uses {_describe(v)}, a leaf it did not create that is not "
                    "in params: add it to trace's params, or pass it as an input"
                )
            continue
        for x in operands:
            if not isinstance(x, Value):
                constants.setdefault(x.hex(), x)
        code, index, function = _opcode(v, tracer, functions)
        ref[key] = ("o", len(raw_ops))
        raw_ops.append((code, operands, index, function))
    results: list[int] = []  # each result's op
    leaf_results: dict[int, int] = {}
    for root in roots:
        if ref[id(root)][0] == "o":
            results.append(ref[id(root)][1])
            continue
        if id(root) not in leaf_results:  # a leaf: an identity op gives it a slot of its own
            leaf_results[id(root)] = len(raw_ops)  # (a single root's slot is then the last)
            raw_ops.append(("id", (root,), -1, -1))
        results.append(leaf_results[id(root)])

    n_float = sum(spec.length or 1 for spec in inputs if spec.kind == "float")
    constant_slot = {k: len(params) + n_float + i for i, k in enumerate(constants)}
    first_op = len(params) + n_float + len(constants)
    start = {"p": 0, "x": len(params), "o": first_op}
    slot_of = {key: constant_slot[i] if kind == "c" else start[kind] + i for key, (kind, i) in ref.items()}

    def slots(operands: tuple[Value | float, ...]) -> tuple[int, ...]:
        return tuple(slot_of[id(x)] if isinstance(x, Value) else constant_slot[x.hex()] for x in operands)

    ops = tuple(Op(code, slots(operands), index, fn) for code, operands, index, fn in raw_ops)
    outputs = tuple(first_op + k for k in results)
    constant_values = tuple(constants.values())
    listed = not isinstance(result, Value)
    return Program(tuple(params), inputs, n_float, constant_values, ops, tuple(functions), outputs, listed)


def _live_order(
    roots: Sequence[Value], tracer: Tracer
) -> tuple[list[Value], dict[int, tuple[Value | float, ...] | None]]:
    """Every Value of the graph once, each after its operands, and the operands of each node
    the function created. The nodes come in the order they were created (already an order
    in which operands come first): a sweep back from the roots marks those the roots need,
    and each leaf comes just before its first user."""
    made = tracer.created_nodes  # id -> node, in the order of creation
    operands_of: dict[int, tuple[Value | float, ...] | None] = {}
    live = set(map(id, roots))
    for key in reversed(made):
        if key in live:
            operands = operands_of[key] = _operands(made[key], tracer)
            if operands:
                live.update(id(x) for x in operands if isinstance(x, Value))
    order: list[Value] = []
    placed: set[int] = set()
    for key, node in made.items():
        if key not in operands_of:
            continue
        for x in operands_of[key] or ():
            if isinstance(x, Value) and id(x) not in made and id(x) not in placed:
                placed.add(id(x))
                order.append(x)
        order.append(node)
    for root in roots:  # a root that is a leaf (a parameter, an input)
        if id(root) not in made and id(root) not in placed:
            placed.add(id(root))
            order.append(root)
    return order, operands_of


def _operands(v: Value, tracer: Tracer) -> tuple[Value | float, ...] | None:
    """The operands of the step that made `v`, plain numbers included; None for a leaf."""
    key = id(v)
    if key in tracer.selections:
        return tracer.selections[key].candidates
    if key in tracer.scalar_calls:
        return tracer.scalar_calls[key].args
    if key in tracer.detached:
        return (tracer.detached[key],)
    if key in tracer.dots:
        return tracer.dots[key][1]
    if key in tracer.logsumexps:
        return tracer.logsumexps[key]
    if not v.op:
        return None
    return v.operands


def _opcode(v: Value, tracer: Tracer, functions: list[ScalarFunction]) -> tuple[str, int, int]:
    """The tape's op code, the index input of a selection, the function of a scalar_op."""
    key = id(v)
    if key in tracer.selections:
        return "select", tracer.selections[key].index.number, -1
    if key in tracer.scalar_calls:
        function = tracer.scalar_calls[key].function
        if function not in functions:
            functions.append(function)
        return "scalar", -1, functions.index(function)
    if key in tracer.detached:
        return "detach", -1, -1
    if key in tracer.dots:
        return "dot", tracer.dots[key][0], -1
    if key in tracer.logsumexps:
        return "logsumexp", -1, -1
    return v.op, -1, -1
