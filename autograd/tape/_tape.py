"""`trace` and the `Tape` it returns: the user-facing part of the compiled tape."""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from autograd.engine import Value
from autograd.errors import NonFiniteError, TraceError
from autograd.tape import _trace
from autograd.tape._checks import Guard, compare, nearby, raise_engine_error
from autograd.tape._program import Program
from autograd.validation import check_choice, check_int

if TYPE_CHECKING:
    from autograd.tape._numpy import NumpyReplay
    from autograd.tape._python import PythonReplay

BACKENDS = ("auto", "numpy", "python")
DEFAULT_MAX_BYTES = 256 * 2**20  # a batch whose workspace would exceed this is run in parts

_get_data = operator.attrgetter("data")


def trace(
    fn: Callable[..., Value],
    *example: Any,
    backend: str = "auto",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Tape:
    """Trace `fn` on one example and compile its graph into a `Tape` that replays it over batches.

    `fn(*inputs)` returns a scalar Value; each input is a float, a list of floats, or an int
    (or list of ints) that picks values through `autograd.select`. The parameters are the
    Value leaves `fn` reaches that it did not create. `fn` runs twice (on `example` and on a
    nearby example) and the two graphs must match.

    `backend`: 'numpy' (the whole batch at once), 'python' (straight-line Python per example,
    the only one for `scalar_op`s) or 'auto' (numpy unless the tape has a scalar_op).
    `max_bytes` bounds the numpy back end's memory: larger batches run in parts.
    """
    if not callable(fn):
        raise TypeError(f"trace: fn must be callable, got {type(fn).__name__}: {fn!r}")
    check_choice(backend, "backend", BACKENDS)
    check_int(max_bytes, "max_bytes", min_value=1)
    if not example:
        raise TypeError("trace: give one example: fn's inputs for one example (a float or list each)")
    started = time.perf_counter()
    program = _trace_once(fn, example)
    for sign in (1.0, -1.0):  # a nearby example: its graph must be the same
        try:
            second = _trace_once(fn, nearby(example, sign))
        except (ArithmeticError, ValueError):
            continue
        compare(program, second)
        break
    else:
        raise TraceError("trace: fn fails on every example near the one given, so it cannot be checked")
    traced = time.perf_counter() - started
    return Tape(fn, program, backend=backend, max_bytes=max_bytes, trace_seconds=traced)


def _trace_once(fn: Callable[..., Value], example: tuple[Any, ...]) -> Program:
    tracer = _trace.Tracer()
    args, inputs = _trace.placeholders(example, tracer)
    with _trace.tracing(tracer):
        root = fn(*args)
    if not isinstance(root, Value):
        raise TypeError(f"trace: fn must return a Value, got {type(root).__name__}: {root!r}")
    program = _trace.flatten(root, tracer, inputs)
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
    """One example's graph, compiled: ``tape(*batch)`` is the mean of the traced function over
    a batch, ``tape.backward(*batch)`` also adds d(mean)/d(p) to `p.grad` for each parameter.

    Each batch argument is a numpy array (or nested lists) whose first axis is the batch and
    whose other axes have the shape of the example's input. Errors are the engine's, naming
    the example; a tape whose model changed since tracing raises StaleTapeError.
    """

    def __init__(
        self,
        fn: Callable[..., Value],
        program: Program,
        *,
        backend: str = "auto",
        max_bytes: int = DEFAULT_MAX_BYTES,
        trace_seconds: float = 0.0,
    ) -> None:
        started = time.perf_counter()
        self.program = program
        self.params = program.params
        self.guard = Guard(fn)
        if backend == "auto":
            backend = "python" if program.functions else "numpy"
        if backend == "numpy" and program.functions:
            names = ", ".join(repr(f.name) for f in program.functions)
            raise TraceError(
                f"trace: the numpy back end cannot run scalar_op ({names}): its function is Python "
                "code; use backend='python' (or 'auto')"
            )
        self.backend = backend
        self.max_bytes = max_bytes
        self._numpy: NumpyReplay | None = None
        self._python: PythonReplay | None = None
        if backend == "numpy":
            from autograd.tape._numpy import NumpyReplay

            self._numpy = NumpyReplay(program)
        else:
            from autograd.tape._python import PythonReplay

            self._python = PythonReplay(program)
        self.trace_seconds = trace_seconds
        self.build_seconds = time.perf_counter() - started
        self._index_bounds = _index_bounds(program)

    def __repr__(self) -> str:
        return (
            f"Tape({len(self.params)} parameters, {self.n_slots} slots, {self.n_levels} levels, "
            f"backend={self.backend!r})"
        )

    @property
    def n_slots(self) -> int:
        return self.program.n_slots

    @property
    def n_levels(self) -> int:
        return self._numpy.n_levels if self._numpy is not None else len(self.program.ops)

    def bytes_per_example(self) -> int:
        """The numpy back end's workspace per example of a batch (values, gradients, derivatives)."""
        return self._numpy.bytes_per_example() if self._numpy is not None else 0

    def __call__(self, *batch: Any) -> float:
        """The mean of the traced function over the batch."""
        return self._run(batch, backward=False)

    def backward(self, *batch: Any) -> float:
        """The mean over the batch; adds d(mean)/d(p) to `p.grad` for every parameter (only
        once every number is known to be finite: on an error no `.grad` changes)."""
        return self._run(batch, backward=True)

    def _run(self, batch: tuple[Any, ...], backward: bool) -> float:
        self.guard.check()
        from autograd.tape._batch import columns

        floats, indices, size = columns(self.program.inputs, batch, self._index_bounds)
        seed = 1.0 / size if backward else None
        params = map(_get_data, self.params)
        if self._numpy is not None:
            total, grads = self._run_numpy(params, floats, indices, seed, size)
        else:
            total, grads = self._run_python(params, floats, indices, seed, size)
        mean = total * (1.0 / size)
        if not math.isfinite(mean):
            raise NonFiniteError(f"tape: the mean loss over the batch is {mean!r}")
        if grads is not None:
            for p, g in zip(self.params, grads):
                p.grad += g
        return mean

    def _run_numpy(
        self, params: Iterable[float], floats: Any, indices: Any, seed: float | None, size: int
    ) -> tuple[float, list[float] | None]:
        import numpy as np

        from autograd.tape._numpy import ReplayError

        assert self._numpy is not None
        replay = self._numpy
        step = max(1, self.max_bytes // replay.bytes_per_example())
        pdata = np.fromiter(params, np.float64, len(self.params))
        total = 0.0
        grads = np.zeros(len(self.params)) if seed is not None else None
        for start in range(0, size, step):
            part = slice(start, min(size, start + step))
            try:
                losses, part_grads = replay.run(pdata, floats[:, part], indices[:, part], seed)
            except ReplayError as failure:
                self._fail(floats, indices, seed, [start + i for i in failure.examples], failure.stage)
                raise
            with np.errstate(over="ignore", invalid="ignore"):  # checked below, naming what overflowed
                total += float(losses.sum())
                if grads is not None and part_grads is not None:
                    grads += part_grads
        if grads is not None and not np.isfinite(grads).all():
            k = int(np.flatnonzero(~np.isfinite(grads))[0])
            raise NonFiniteError(
                f"backward: the gradient of {self.params[k]!r} summed over the batch is not finite"
            )
        return total, None if grads is None else grads.tolist()

    def _run_python(
        self, data: Iterable[float], floats: Any, indices: Any, seed: float | None, size: int
    ) -> tuple[float, list[float] | None]:
        assert self._python is not None
        params = list(data)
        run = self._python.run
        grads = [0.0] * len(params)
        total = 0.0
        rows, picks = floats.T.tolist(), indices.T.tolist()
        for b in range(size):
            try:
                total += run(params, rows[b], picks[b], seed, grads)
            except (ArithmeticError, ValueError, TypeError) as error:
                stage = str(error) if str(error) in ("forward", "backward") else "forward"
                self._fail(floats, indices, seed, [b], stage)
                raise
        if seed is None:
            return total, None
        if not all(map(math.isfinite, grads)):
            k = next(i for i, g in enumerate(grads) if not math.isfinite(g))
            raise NonFiniteError(
                f"backward: the gradient of {self.params[k]!r} summed over the batch is not finite"
            )
        return total, grads

    def _fail(self, floats: Any, indices: Any, seed: float | None, examples: list[int], stage: str) -> None:
        """Raise the engine's error for the first failing example (see `raise_engine_error`)."""
        last = NonFiniteError(f"tape: {stage}: a number of the batch is not finite")
        for b in examples[:8]:  # the first example the engine fails on names the error
            try:
                raise_engine_error(
                    self.program, floats[:, b].tolist(), indices[:, b].tolist(), seed, b, stage
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
