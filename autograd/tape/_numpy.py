"""Replay of a tape over a whole batch with numpy: every slot a row of the batch's values.

The layout is planned in named passes (`_plan`). Levelization: each step's level is one more
than its operands' highest (leaves are level 0); the steps of one level with the same op code
run as one numpy call over all their rows, and slots are renumbered so that each such group
writes one contiguous block. Chains of additions arrive merged into n-ary sums
(`_program.steps`), summed with `np.add.reduceat`; the sums of parameter × value products of a
layer run as one matrix product (`_linear`); an `autograd.logsumexp` is one step whose local
derivatives are its softmax (`_kernels.logsumexp_rows`).

Backward is a pull per level, from the root down: the gradient rows of a level's slots are
each written once, as the sum over their uses (edges) of local derivative × the user's
gradient, with `np.add.reduceat` over the edges sorted by slot, so no scatter-add is needed.
A selection's parameters are the exception: their gradients (summed over the batch) are a
`np.bincount` of the selected rows.

Steps that read only parameters and constants (an L2 penalty) give every example the same
numbers: they run once, on column 0, and backward keeps their gradients summed over the batch
there (their local derivatives are the same for every example, so that sum is all the
parameters need); the edges such a step's operands take are pulled in column 0 alone.

A parameter that only selections read (a row of an embedding table) has no row of the
workspace: a selection among parameters gathers straight from the parameter vector (as a
layer's matrix product reads its weights). So the workspace per example grows with the ops of
one example, not with the size of the tables (MovieLens's 943 users and 1,682 movies × 50
factors are 134,000 parameters).

A `scalar_op` (Python code) runs inside the replay too: its function and derivatives are called
per example on the group's rows (`_scalar_kernel`), the rest of the batch stays in arrays.

Every float error (overflow, division by zero, invalid) raises inside `np.errstate`; the caller
then finds the example and the op with `locate_failure` and the engine (see `_checks`).

Each thread has its own workspace (`_PerThread`), so one tape may be replayed by several
threads at once; the layout is read-only after planning.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from autograd.ops import OPS
from autograd.tape._kernels import KERNELS, logsumexp_rows
from autograd.tape._plan import Group, Pull, parameter_runs, plan
from autograd.tape._program import Program, ScalarFunction
from autograd.validation import is_number

Array = NDArray[np.float64]
IntArray = NDArray[np.intp]


# the ops whose local derivative may be infinite at a finite result (√x at 0, 1/x at 1e-200),
# and a scalar_op's (its derivative is the user's code)
INFINITE_DERIVATIVES = frozenset(name for name, op in OPS.items() if op.singular) | {"scalar"}


class ReplayError(Exception):
    """A float error in the batch: `examples` are the columns with a non-finite number."""

    def __init__(self, stage: str, examples: list[int]) -> None:
        super().__init__(stage, examples)
        self.stage = stage
        self.examples = examples


class _PerThread(threading.local):
    """A thread's own workspace and flags, so that threads may replay one tape at once."""

    workspace: tuple[int, Array, Array, Array] | None = None
    careful = False  # some derivative is infinite: backward then checks more
    strict = True  # False while a failed batch is run again to find its bad examples


class NumpyReplay:
    """A levelized layout of a program (see `_plan`), replayed over batches."""

    def __init__(self, program: Program) -> None:
        layout = plan(program)
        self.program = program
        self.n_levels = max(layout.level.values())
        self.n_slots = layout.n_slots
        self.n_edges = layout.n_edges
        self.root = layout.new[program.root]
        self.outputs = np.array([layout.new[o] for o in program.outputs], dtype=np.intp)
        self.n_params, self.n_float = len(program.params), program.n_float
        self.first_op = layout.first_row
        self.direct = layout.direct
        d = len(layout.direct)
        self.constant_rows = slice(d + program.n_float, layout.first_row)
        self.edge_child, self.edge_user = layout.edge_child, layout.edge_user
        self.param_edges = parameter_runs(layout)  # (from per-example users, from invariant ones)
        self.n_param_edges = max(self.param_edges[0].stop, self.param_edges[1].stop)
        self.param_of_edge = self.direct[self.edge_child[: self.n_param_edges]]
        # each parameter at most one edge (a layer's biases): added in place, no bincount of P
        self.edges_distinct = len(np.unique(self.param_of_edge)) == len(self.param_of_edge)
        self.unit_edges, self.invariant_unit_edges = layout.unit_edges, layout.invariant_unit_edges
        self.groups = layout.groups
        self.levels = layout.levels
        self._thread = _PerThread()

    def __repr__(self) -> str:
        return (
            f"NumpyReplay({self.n_slots} slots, {self.n_edges} edges, {self.n_levels} levels, "
            f"{len(self.groups)} groups)"
        )

    def bytes_per_example(self) -> int:
        """Memory per example of a batch: a value and a gradient per slot, a derivative per edge."""
        return 8 * (2 * self.n_slots + self.n_edges + 1)

    def _arrays(self, batch: int) -> tuple[Array, Array, Array]:
        state = self._thread
        if state.workspace is None or state.workspace[0] != batch:
            vals = np.zeros((self.n_slots, batch))  # (batch-invariant rows: column 0 only)
            vals[self.constant_rows] = np.array(self.program.constants)[:, None]
            loc = np.zeros((self.n_edges + 1, batch))
            loc[self.unit_edges] = 1.0
            loc[self.invariant_unit_edges, 0] = 1.0
            grad = np.empty((self.n_slots, batch))
            state.workspace = (batch, vals, loc, grad)
        return state.workspace[1:]

    def run(
        self, params: Array, floats: Array, indices: IntArray, seed: float | None
    ) -> tuple[Array, Array | None]:
        """The outputs of every example (K × B; floats: F × B, indices: I × B) and, when `seed`
        is given, the gradient of seed × Σ losses for every parameter (a scalar program)."""
        batch = floats.shape[1]
        vals, loc, grad = self._arrays(batch)
        d = len(self.direct)
        vals[:d] = params[self.direct, None]
        vals[d : d + self.n_float] = floats
        self._thread.careful = False  # set when some derivative is infinite: backward then checks more
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                self._forward(vals, loc, indices, params)
        except FloatingPointError:
            self._thread.strict = False  # run again to see which examples fail
            with np.errstate(all="ignore"):
                self._forward(vals, loc, indices, params)
            self._thread.strict = True
            raise ReplayError("forward", _bad_columns(vals, loc[:-1])) from None
        losses = vals[self.outputs]
        if seed is None:
            return losses, None
        mode: Literal["ignore", "raise"] = "ignore" if self._thread.careful else "raise"
        try:
            with np.errstate(over=mode, divide=mode, invalid=mode, under="ignore"):
                param_grads = self._backward(vals, loc, grad, indices, params, seed)
        except FloatingPointError:
            self._thread.strict = False
            with np.errstate(all="ignore"):
                self._backward(vals, loc, grad, indices, params, seed)
            self._thread.strict = True
            raise ReplayError("backward", _bad_columns(grad)) from None
        return losses, param_grads

    def _forward(self, vals: Array, loc: Array, indices: IntArray, params: Array) -> None:
        for g in self.groups:
            if g.invariant:
                self._group(g, vals[:, :1], loc[:, :1], indices, params)
                if g.boundary is not None:
                    vals[g.boundary, 1:] = vals[g.boundary, :1]
            else:
                self._group(g, vals, loc, indices, params)

    def _group(self, g: Group, vals: Array, loc: Array, indices: IntArray, params: Array) -> None:
        """One group's results and local derivatives (`vals`, `loc`: all columns or column 0)."""
        if g.gather is not None:  # a gather: each example's pick among parameters
            vals[g.out] = params[g.gather[:, indices[g.index]]]
        elif g.code == "dense":
            assert g.x_rows is not None
            out = _weight_matrix(g, params) @ vals[g.x_rows]
            if g.others is not None:
                for j in range(g.others.shape[1]):
                    out += vals[g.others[:, j]]
            vals[g.out] = out
        elif g.code == "sum":
            assert g.starts is not None
            np.add.reduceat(vals[g.args[0]], g.starts, axis=0, out=vals[g.out])
        elif g.code == "select":
            index = indices[g.index]
            candidates = g.args[0]
            assert isinstance(candidates, np.ndarray) and g.select_edges is not None
            vals[g.out] = vals[candidates[:, index], np.arange(index.shape[0])]
            edges, _, ks = g.select_edges
            if len(edges):
                loc[edges] = index[None, :] == ks[:, None]
        elif g.code == "logsumexp":
            vals[g.out], loc[g.edges[0]] = logsumexp_rows(vals[g.args[0]])
        else:
            self._kernel(g, vals, loc)

    def _kernel(self, g: Group, vals: Array, loc: Array) -> None:
        """An engine op's kernel (or a scalar_op's function) over the group's rows."""
        xs = [vals[rows] for rows in g.args]
        if g.code not in INFINITE_DERIVATIVES:
            out, locals_ = KERNELS[g.code](xs, g.const)
        else:  # a derivative may be ±inf (√x at 0): allowed, but the result must be finite
            with np.errstate(all="ignore"):
                if g.code == "scalar":
                    out, locals_ = _scalar_kernel(self.program.functions[g.function], xs, g.const)
                else:
                    out, locals_ = KERNELS[g.code](xs, g.const)
            if self._thread.strict and not np.isfinite(out).all():
                raise FloatingPointError(g.code)
            for local in locals_:
                if local is not None and not np.isfinite(local).all():
                    # nan is outside an engine op's domain (ln of the base 0 of x ** w): the
                    # engine raises there; a scalar_op's derivative may be nan, as on the engine
                    if g.code != "scalar" and self._thread.strict and np.isnan(local).any():
                        raise FloatingPointError(g.code)
                    self._thread.careful = True
        vals[g.out] = out
        for edges, local in zip(g.edges, locals_):
            if local is not None:
                loc[edges] = local

    def _backward(
        self, vals: Array, loc: Array, grad: Array, indices: IntArray, params: Array, seed: float
    ) -> Array:
        grad[self.first_op :].fill(0.0)  # (no other row is read: parameters sum over the batch)
        grad[self.root] = seed
        user = self.edge_user
        total = np.zeros(self.n_params)
        for lv in self.levels:
            for pull in lv.pulls:
                self._pull(pull, loc, grad)
            if lv.fold is not None and self._thread.strict:  # batch-invariant slots: summed over the batch
                # (not while finding a failing example: each example's gradient stays in its column)
                summed = grad[lv.fold].sum(axis=1)
                grad[lv.fold] = 0.0
                grad[lv.fold, 0] = summed
            for g in lv.dense:  # this level's gradients are complete: push them down
                assert g.weights is not None and g.x_rows is not None
                g_out = grad[g.out]
                by_weight = g_out @ vals[g.x_rows].T
                if g.grid is not None:  # every parameter once: added in place (0 + w is w)
                    block = _grid_view(g.grid, g.weights.shape, total, writeable=True)
                    block += by_weight
                else:
                    total += np.bincount(
                        g.weights.ravel(), weights=by_weight.ravel(), minlength=self.n_params
                    )
                if g.pushed_rows is not None:
                    pushed = _weight_matrix(g, params).T @ g_out
                    grad[g.pushed_rows] += pushed[g.needs_grad]
        batch, column0 = self.param_edges
        if self._thread.careful:
            over_batch = self._products(loc[batch], grad[user[batch]]).sum(axis=1)
        else:
            over_batch = np.einsum("ij,ij->i", loc[batch], grad[user[batch]])
        per_edge = np.concatenate((over_batch, self._products(loc[column0, 0], grad[user[column0], 0])))
        if self.edges_distinct:  # (0 + w is w: the same numbers as the bincount)
            total[self.param_of_edge] += per_edge
        else:
            total += np.bincount(self.param_of_edge, weights=per_edge, minlength=self.n_params)
        for g in self.groups:
            if g.select_params is not None:
                index = indices[g.index]
                targets = g.select_params[:, index]
                total += np.bincount(
                    targets.ravel(), weights=grad[g.out].ravel(), minlength=self.n_params + 1
                )[: self.n_params]
        return total

    def _pull(self, pull: Pull, loc: Array, grad: Array) -> None:
        """Add to each row of `pull` the sum over its uses of local derivative × the user's
        gradient (in column 0 alone when the users are batch-invariant)."""
        e, c = pull.edges, pull.columns
        contrib = self._products(loc[e, c], grad[self.edge_user[e], c])
        if pull.starts is not None:  # some row has several uses
            contrib = np.add.reduceat(contrib, pull.starts, axis=0)
        grad[pull.rows, c] += contrib
        if self._thread.careful and self._thread.strict and not np.isfinite(grad[pull.rows, c]).all():
            raise FloatingPointError("backward")

    def _products(self, local: Array, upstream: Array) -> Array:
        """local × upstream; where a derivative may be infinite, 0 wherever the upstream gradient
        is 0 (as the engine: no gradient through an infinite derivative either), and an error
        for a product that is not finite."""
        products = local * upstream
        if self._thread.careful:
            products[upstream == 0.0] = 0.0
            if self._thread.strict and not np.isfinite(products).all():
                raise FloatingPointError("backward")
        return products


def _grid_view(
    grid: tuple[int, int], shape: tuple[int, ...], vector: Array, writeable: bool = False
) -> Array:
    """The block W[i, j] = vector[start + i·stride + j] of a 1-d array, as a view (its rows do
    not overlap: see `_plan._grid`)."""
    start, stride = grid
    rows, cols = shape
    if start + rows * stride <= len(vector):  # (nn's layers: a reshape, ten times cheaper than as_strided)
        block = vector[start : start + rows * stride].reshape(rows, stride)[:, :cols]
        block.flags.writeable = writeable
        return block
    step = vector.strides[0]
    return np.lib.stride_tricks.as_strided(
        vector[start:], shape=shape, strides=(stride * step, step), writeable=writeable
    )


def _weight_matrix(g: Group, params: Array) -> Array:
    """A dense group's W: a view of the parameter vector when it is a block of it, else gathered."""
    assert g.weights is not None
    if g.grid is not None:
        return _grid_view(g.grid, g.weights.shape, params)
    return params[g.weights]


def _scalar_kernel(
    function: ScalarFunction, xs: Sequence[Array], const: Sequence[bool]
) -> tuple[Array, list[Array | None]]:
    """A scalar_op over rows: its function and derivatives called per example (they are Python
    code). Where one raises or returns something that is not a real number, the result is nan,
    so the example is found and replayed on the engine, which raises its own error there."""
    shape = xs[0].shape
    columns = [x.ravel().tolist() for x in xs]
    calls = [function.f, *(d for d, c in zip(function.derivatives, const) if not c)]
    results = [_per_example(fn, columns) for fn in calls]
    out = results[0]
    locals_: list[Array | None] = []
    rest = iter(results[1:])
    for c in const:
        locals_.append(None if c else next(rest).reshape(shape))
    return out.reshape(shape), locals_


def _per_example(fn: object, columns: list[list[float]]) -> Array:
    out = np.empty(len(columns[0]))
    for k, args in enumerate(zip(*columns)):
        try:
            y = fn(*args)  # type: ignore[operator]
            out[k] = float(y) if is_number(y) else np.nan
        except Exception:  # (the engine, replaying this example, raises it properly)
            out[k] = np.nan
    return out


def _bad_columns(*arrays: Array) -> list[int]:
    bad = np.zeros(arrays[0].shape[1], dtype=bool)
    for a in arrays:
        bad |= ~np.isfinite(a).all(axis=0)
    return [int(i) for i in np.flatnonzero(bad)]
