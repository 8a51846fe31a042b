"""`trace` and the `Tape` it returns: the user-facing part of the compiled tape."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from autograd.engine import Value, set_data_all
from autograd.errors import NonFiniteError, TraceError
from autograd.tape import _trace
from autograd.tape._checks import compare, nearby, raise_engine_error
from autograd.tape._guard import Guard
from autograd.tape._program import Program
from autograd.validation import check_flag, check_int, check_sequence

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

DEFAULT_MAX_BYTES = 256 * 2**20  # a batch whose workspace would exceed this is run in parts

_get_data = operator.attrgetter("data")


def trace(
    fn: Callable[..., Value | Sequence[Value]],
    *example: Any,
    params: Sequence[Value] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Tape:
    """Trace `fn` on one example and compile its graph into a `Tape` that replays it over batches.

    `fn(*inputs)` returns a scalar Value (a loss: the tape gives its mean over a batch and the
    gradient of that mean) or a list or tuple of Values (a model's scores: `tape.outputs(*batch)`
    gives them per example); each input is a float, a list of floats, or an int (or list of
    ints) that picks values through `autograd.select`. The parameters are the Value leaves `fn`
    reaches that it did not create. `fn` runs twice (on `example` and on a nearby example) and
    the two graphs must match. Tracing changes nothing outside the calling thread, and ignores
    the caller's `no_grad` (the traced function's own `no_grad` blocks are refused).

    `params` (such as ``model.parameters()``) fixes `tape.params`, the order of the numbers
    `value_and_grad` takes: then every Value leaf `fn` reaches must be one of them (a leaf that
    is not is an error, not a silent extra parameter). Without it, the parameters are in the
    order the tape first meets them.

    `max_bytes` bounds the replay's workspace: larger batches run in parts.
    """
    if not callable(fn):
        raise TypeError(f"trace: fn must be callable, got {type(fn).__name__}: {fn!r}")
    check_int(max_bytes, "max_bytes", min_value=1)
    declared = None if params is None else _declared_params(params)
    if not example:
        raise TypeError("trace: give one example: fn's inputs for one example (a float or list each)")
    started = time.perf_counter()
    program = _trace_once(fn, example, declared)
    for sign in (1.0, -1.0):  # a nearby example: its graph must be the same
        try:
            second = _trace_once(fn, nearby(example, sign), declared)
        except (ArithmeticError, ValueError):
            continue
        compare(program, second)
        break
    else:
        raise TraceError("trace: fn fails on every example near the one given, so it cannot be checked")
    traced = time.perf_counter() - started
    return Tape(fn, program, max_bytes=max_bytes, trace_seconds=traced)


def _result(result: object) -> Value | Sequence[Value]:
    """The traced function's result: a Value, or a non-empty list or tuple of Values."""
    if isinstance(result, Value):
        return result
    if isinstance(result, (list, tuple)) and result and all(isinstance(v, Value) for v in result):
        return result
    raise TypeError(
        "trace: fn must return a Value (a loss) or a non-empty list or tuple of Values (a model's "
        f"outputs), got {type(result).__name__}: {result!r}"
    )


def _declared_params(params: object) -> tuple[Value, ...]:
    """`trace`'s `params` checked: distinct leaf Values, in a list or tuple."""
    listed: list[Value] = []
    for i, p in enumerate(check_sequence(params, "trace: params")):
        if not isinstance(p, Value):
            raise TypeError(f"trace: params[{i}] must be a Value, got {type(p).__name__}: {p!r}")
        listed.append(p)
        if p.operands:
            raise ValueError(f"trace: params[{i}] is {p!r}, the result of an op: a parameter is a leaf")
    if len({id(p) for p in listed}) != len(listed):
        twice = next(p for i, p in enumerate(listed) if any(q is p for q in listed[:i]))
        raise ValueError(f"trace: params lists {twice!r} more than once")
    return tuple(listed)


def _trace_once(
    fn: Callable[..., Value | Sequence[Value]], example: tuple[Any, ...], declared: tuple[Value, ...] | None
) -> Program:
    tracer = _trace.Tracer()
    args, inputs = _trace.placeholders(example, tracer)
    with _trace.tracing(tracer):
        result = fn(*args)
    program = _trace.flatten(_result(result), tracer, inputs, declared)
    params = {id(p) for p in program.params}
    for key, (value, where) in tracer.old_reads.items():
        if key in params:
            raise TraceError(
                f"the traced function reads .data of the parameter {value!r} at {where}: the tape "
                "replays with the parameters' current numbers, so a branch or a number made from "
                "this one would be baked in. Compute with Value ops instead"
            )
    return program


class Tape:
    """One example's graph, compiled. For a function returning a Value (a loss): ``tape(*batch)``
    is its mean over a batch, ``tape.backward(*batch)`` also adds d(mean)/d(p) to `p.grad` for
    each parameter, and ``tape.value_and_grad(theta, *batch)`` returns the mean and its gradient
    at the parameter numbers `theta` (an array in `tape.params` order) without touching any
    Value. For any function, ``tape.outputs(*batch)`` gives its results per example.

    Each batch argument is a numpy array (or nested lists) whose first axis is the batch and
    whose other axes have the shape of the example's input. Errors are the engine's, naming
    the example; a tape whose model changed since tracing raises StaleTapeError. Several
    threads may call one tape at once (each replays in its own workspace).
    """

    def __init__(
        self,
        fn: Callable[..., Value | Sequence[Value]],
        program: Program,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        trace_seconds: float = 0.0,
    ) -> None:
        from autograd.tape._numpy import NumpyReplay

        started = time.perf_counter()
        self.program = program
        self.params = program.params
        self.guard = Guard(fn, program.params)
        self.max_bytes = max_bytes
        self._replay = NumpyReplay(program)
        self.trace_seconds = trace_seconds
        self.build_seconds = time.perf_counter() - started
        self._index_bounds = _index_bounds(program)

    def __repr__(self) -> str:
        outputs = f", {self.n_outputs} outputs" if self.program.returns_list else ""
        return f"Tape({len(self.params)} parameters, {self.n_slots} slots, {self.n_levels} levels{outputs})"

    @property
    def n_slots(self) -> int:
        return self.program.n_slots

    @property
    def n_levels(self) -> int:
        return self._replay.n_levels

    @property
    def n_outputs(self) -> int:
        """How many numbers the traced function returns per example (1 for a loss)."""
        return len(self.program.outputs)

    def bytes_per_example(self) -> int:
        """The replay's workspace per example of a batch (values, gradients, derivatives)."""
        return self._replay.bytes_per_example()

    def __call__(self, *batch: Any, params: Any = None) -> float:
        """The mean of the traced function over the batch, at the parameters' `.data` or, given
        `params`, at those numbers (one per parameter, in `tape.params` order)."""
        self._need_scalar("tape(*batch)")
        data = self.parameter_data() if params is None else self._parameter_array(params)
        return self._run(data, batch, backward=False)[0]

    def outputs(self, *batch: Any, params: Any = None) -> NDArray[np.float64]:
        """The traced function's results for every example of the batch, as a new float64 array:
        shape (n_examples, n_outputs) when it returned a list or tuple of Values (a model's
        scores), (n_examples,) when it returned one Value (each example's loss). At the
        parameters' `.data` or, given `params`, at those numbers, as `tape(*batch)`."""
        data = self.parameter_data() if params is None else self._parameter_array(params)
        rows = self._forward(data, batch)
        return rows.T.copy() if self.program.returns_list else rows[0].copy()

    def backward(self, *batch: Any) -> float:
        """The mean over the batch; adds d(mean)/d(p) to `p.grad` for every parameter (only
        once every number is known to be finite: on an error no `.grad` changes)."""
        self._need_scalar("tape.backward")
        mean, grads = self._run(self.parameter_data(), batch, backward=True)
        assert grads is not None  # (backward=True)
        for p, g in zip(self.params, grads.tolist()):
            p.grad += g
        return mean

    def check(self) -> None:
        """Raise StaleTapeError if anything the traced function refers to changed since
        tracing (every replay does this first, unless told ``check=False``)."""
        self.guard.check()

    def value_and_grad(
        self, params: Any, *batch: Any, check: bool = True
    ) -> tuple[float, NDArray[np.float64]]:
        """The mean over the batch and its gradient, at the numbers `params` (one per parameter,
        in `tape.params` order, such as `parameter_data()` gives): a pure function, as JAX's
        ``value_and_grad``, that reads and changes no Value, and that several threads may call
        at once. Keeping the parameters in an array saves the step a Python loop over every
        parameter: ::

            theta = tape.parameter_data()
            for x, y in batches:
                loss, grad = tape.value_and_grad(theta, x, y)
                theta -= lr * grad
            tape.set_parameter_data(theta)  # the model's Values take the trained numbers

        ``check=False`` skips the stale-tape guard (`check()`), which walks the model at
        every call: for a loop that runs no code of the model's between its steps and calls
        `check()` itself (`nn.train.fit` does, before and after each epoch).
        """
        self._need_scalar("tape.value_and_grad")
        check_flag(check, "check")
        mean, grads = self._run(self._parameter_array(params), batch, backward=True, check=check)
        assert grads is not None  # (backward=True)
        return mean, grads

    def parameter_data(self) -> NDArray[np.float64]:
        """The parameters' `.data` as a new float64 array, in `tape.params` order."""
        import numpy as np

        return np.fromiter(map(_get_data, self.params), np.float64, len(self.params))

    def set_parameter_data(self, params: Any) -> None:
        """Give each parameter its number from `params` (in `tape.params` order) through
        `Value.set_data`, so graphs built before are stale. All are checked before any changes."""
        set_data_all(self.params, self._parameter_array(params).tolist())

    def _need_scalar(self, what: str) -> None:
        if self.program.returns_list:
            raise TypeError(
                f"{what}: the traced function returns {self.n_outputs} Values per example, not one "
                "loss, so there is no mean to take; tape.outputs(*batch) gives them per example"
            )

    def _parameter_array(self, params: Any) -> NDArray[np.float64]:
        """`params` as a float64 array of one finite number per parameter, or a clear error."""
        import numpy as np

        array = np.asarray(params)
        if array.dtype.kind not in "iuf":  # integers and floats (not bools, objects, complex)
            raise TypeError(
                f"tape: params must be numbers, one per parameter (tape.parameter_data() gives "
                f"them), got an array of {array.dtype}"
            )
        if array.shape != (len(self.params),):
            raise ValueError(
                f"tape: params must have shape ({len(self.params)},): one number per parameter, "
                f"in tape.params order; got shape {array.shape}"
            )
        array = array.astype(np.float64, copy=False)
        finite = np.isfinite(array)
        if not finite.all():
            k = int(np.flatnonzero(~finite)[0])
            raise ValueError(f"tape: params[{k}] is {float(array[k])!r}, not a finite number")
        return array

    def _forward(self, data: NDArray[np.float64], batch: tuple[Any, ...]) -> NDArray[np.float64]:
        """Every output of every example (outputs × examples), each checked finite."""
        import numpy as np

        from autograd.tape._batch import columns

        self.guard.check()
        floats, indices, size = columns(self.program.inputs, batch, self._index_bounds)
        rows: NDArray[np.float64] = self._replay_parts(data, floats, indices, None, size, keep=True)[0]
        if not np.isfinite(rows).all():  # (an output is an op's result, each checked: defensive)
            raise NonFiniteError("tape: an output of the batch is not finite")
        return rows

    def _run(
        self, data: NDArray[np.float64], batch: tuple[Any, ...], backward: bool, check: bool = True
    ) -> tuple[float, NDArray[np.float64] | None]:
        """The mean over the batch at the parameter numbers `data`, and its gradient if `backward`."""
        import numpy as np

        from autograd.tape._batch import columns

        if check:
            self.guard.check()
        floats, indices, size = columns(self.program.inputs, batch, self._index_bounds)
        seed = 1.0 / size if backward else None
        total, grads = self._replay_parts(data, floats, indices, seed, size, keep=False)
        mean = float(total) * (1.0 / size)
        if not math.isfinite(mean):
            raise NonFiniteError(f"tape: the mean loss over the batch is {mean!r}")
        if grads is not None and not np.isfinite(grads).all():
            k = int(np.flatnonzero(~np.isfinite(grads))[0])
            raise NonFiniteError(
                f"backward: the gradient of {self.params[k]!r} summed over the batch is not finite"
            )
        return mean, grads

    def _replay_parts(
        self,
        data: NDArray[np.float64],
        floats: Any,
        indices: Any,
        seed: float | None,
        size: int,
        keep: bool,
    ) -> tuple[Any, NDArray[np.float64] | None]:
        """The batch replayed in parts that fit `max_bytes`: the outputs of every example
        (`keep`) or their sum, and the gradient (given `seed`)."""
        import numpy as np

        from autograd.tape._numpy import ReplayError

        replay = self._replay
        step = max(1, self.max_bytes // replay.bytes_per_example())
        kept: list[NDArray[np.float64]] = []
        total = 0.0
        grads: NDArray[np.float64] | None = None
        for start in range(0, size, step):
            part = slice(start, min(size, start + step))
            try:
                outputs, part_grads = replay.run(data, floats[:, part], indices[:, part], seed)
            except ReplayError as failure:
                examples = [start + i for i in failure.examples]
                self._fail(data, floats, indices, seed, examples, failure.stage)
                raise
            if keep:
                kept.append(outputs)
                continue
            with np.errstate(over="ignore", invalid="ignore"):  # checked by _run, naming what overflowed
                total += float(outputs.sum())
                if part_grads is not None:
                    grads = part_grads if grads is None else grads + part_grads
        return (np.concatenate(kept, axis=1) if keep else total), grads

    def _fail(
        self,
        data: NDArray[np.float64],
        floats: Any,
        indices: Any,
        seed: float | None,
        examples: list[int],
        stage: str,
    ) -> None:
        """Raise the engine's error for the first failing example (see `raise_engine_error`)."""
        last = NonFiniteError(f"tape: {stage}: a number of the batch is not finite")
        for b in examples[:8]:  # the first example the engine fails on names the error
            try:
                raise_engine_error(
                    self.program, data.tolist(), floats[:, b].tolist(), indices[:, b].tolist(), seed, b, stage
                )
            except NonFiniteError as error:  # not the engine's: try the next example
                last = error
        raise last


def _index_bounds(program: Program) -> list[int]:
    """For each integer input, the number of candidates of the smallest selection it indexes."""
    bounds = [2**62] * program.n_index
    for op in program.ops:
        if op.code == "select":
            bounds[op.index] = min(bounds[op.index], len(op.args))
    return bounds
