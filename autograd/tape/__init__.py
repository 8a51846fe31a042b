"""The compiled tape: trace one example's graph once, replay it over whole batches.

``tape = autograd.trace(fn, *example)`` runs `fn` on placeholder inputs and flattens its graph;
``tape(*batch)`` is the mean of `fn` over a batch and ``tape.backward(*batch)`` adds the
gradient of that mean to every parameter's `.grad`; ``tape.value_and_grad(theta, *batch)``
returns both at parameter numbers kept in an array, touching no Value; ``tape.outputs(*batch)``
gives a function's results (a model's scores) per example. Modules: `_trace` (tracing, per
thread), `_program` (the flat layout, merged sums), `_linear` (layers found as matrix
products), `_plan` (the replay's layout, in named passes), `_numpy` and `_kernels` (the
levelized batch replay, `scalar_op`s included), `_checks` (the engine's errors, retrace),
`_guard` (the stale-tape guard), `_batch` (batch arguments). Importing this package does not
import numpy; building a tape does."""

from autograd.tape._tape import Tape, trace

__all__ = ["Tape", "trace"]
