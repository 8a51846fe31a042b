"""Replay of a tape over a whole batch with numpy: every slot a row of the batch's values.

Levelization: each step's level is one more than its operands' highest (leaves are level 0);
the steps of one level with the same op code run as one numpy call over all their rows, and
slots are renumbered so that each such group writes one contiguous block. Chains of additions
arrive merged into n-ary sums (`_program.steps`), summed with `np.add.reduceat`; the sums of
parameter × value products of a layer run as one matrix product (`_linear`).

Backward is a pull per level, from the root down: the gradient rows of a level's slots are
each written once, as the sum over their uses (edges) of local derivative × the user's
gradient, with `np.add.reduceat` over the edges sorted by slot, so no scatter-add is needed.
A selection's parameters are the exception: their gradients (summed over the batch) are a
`np.bincount` of the selected rows.

Steps that read only parameters and constants (an L2 penalty) give every example the same
numbers: they run once, on column 0, and backward keeps their gradients summed over the batch
there (their local derivatives are the same for every example, so that sum is all the
parameters need).

A parameter that only selections read (a row of an embedding table) has no row of the
workspace: a selection among parameters gathers straight from the parameter vector (as a
layer's matrix product reads its weights). So the workspace per example grows with the ops of
one example, not with the size of the tables (MovieLens's 943 users and 1,682 movies × 50
factors are 134,000 parameters).

Every float error (overflow, division by zero, invalid) raises inside `np.errstate`; the caller
then finds the example and the op with `locate_failure` and the engine (see `_checks`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from autograd.ops import OPS
from autograd.tape._kernels import KERNELS
from autograd.tape._linear import fuse
from autograd.tape._program import Program, Step, steps

Array = NDArray[np.float64]
IntArray = NDArray[np.intp]
Rows = slice | IntArray


# the ops whose local derivative may be infinite at a finite result (√x at 0, 1/x at 1e-200)
INFINITE_DERIVATIVES = frozenset(name for name, op in OPS.items() if op.singular)


class ReplayError(Exception):
    """A float error in the batch: `examples` are the columns with a non-finite number."""

    def __init__(self, stage: str, examples: list[int]) -> None:
        super().__init__(stage, examples)
        self.stage = stage
        self.examples = examples


def _rows(indices: list[int]) -> Rows:
    """A slice when the indices are consecutive (no copy when reading), else an index array."""
    if indices and indices == list(range(indices[0], indices[0] + len(indices))):
        return slice(indices[0], indices[0] + len(indices))
    return np.array(indices, dtype=np.intp)


@dataclass
class _Group:
    code: str
    out: slice
    args: list[Rows]  # per operand position: the operand rows of every step of the group
    const: tuple[bool, ...]
    edges: list[IntArray]  # per operand position: where its local derivatives go
    # 'sum': the operands of all steps one after the other, and where each step's start
    starts: IntArray | None = None
    # 'select': candidates (steps × K), the index input, and the edges (rows, which candidate)
    index: int = -1
    gather: IntArray | None = None  # steps × K parameter numbers, when every candidate is one
    select_edges: tuple[IntArray, IntArray, IntArray] | None = None  # edge, step, k
    select_params: IntArray | None = None  # steps × K: parameter number, or P for none
    # 'dense': the parameters W (steps × inputs), the input rows X, the other operands (steps × k)
    weights: IntArray | None = None
    others: IntArray | None = None
    needs_grad: IntArray | None = None  # which of the X rows get a gradient
    level: int = 0
    # computed once, in column 0, when it reads only parameters and constants; `boundary`: its
    # rows that the batch's ops read, copied to every column
    invariant: bool = False
    boundary: IntArray | None = None


@dataclass
class _Pull:
    """The backward pull of one level's slots."""

    rows: Rows  # the slots that receive a gradient through edges
    edges: slice
    starts: IntArray | None  # None when every slot has exactly one edge


@dataclass
class _Level:
    """Backward at one level: the pull into its slots, then the dense groups whose results are
    its slots push their gradients down (their inputs' rows, their parameters)."""

    pull: _Pull | None
    dense: list[_Group]
    fold: IntArray | None = None  # its batch-invariant slots: their gradient summed into column 0


class NumpyReplay:
    """A levelized layout of a program, replayed over batches."""

    def __init__(self, program: Program) -> None:
        self.program = program
        p, f = len(program.params), program.n_float
        all_steps, fused = fuse(program, steps(program))
        level = {slot: 0 for slot in range(program.first_op)}
        for step in all_steps:
            level[step.out] = 1 + max(level[a] for a in step.args)
        self.n_levels = max(level.values())

        # batch-invariant steps (reading only parameters and constants, an L2 penalty say) run
        # on one column; their gradients are kept summed over the batch, in column 0
        invariant = {slot: slot < p or program.is_constant(slot) for slot in range(program.first_op)}
        for step in all_steps:
            invariant[step.out] = (
                step.code not in ("select", "dense")
                and step.out != program.root
                and all(invariant[a] for a in step.args)
            )
        read_by_batch = {a for step in all_steps if not invariant[step.out] for a in step.args}

        def key(step: Step) -> tuple[object, ...]:
            const = tuple(program.is_constant(a) for a in step.args)
            lv, inv = level[step.out], invariant[step.out]
            if step.code == "sum":
                return (lv, inv, "sum")
            if step.code == "dense":
                return (lv, inv, "dense", fused[step.out].xs, len(fused[step.out].others))
            if step.code == "select":
                return (lv, inv, "select", step.index, len(step.args))
            return (lv, inv, step.code, const)

        ordered = sorted(all_steps, key=lambda s: (level[s.out], repr(key(s)), s.out))
        member_lists = [list(members) for _, members in _group_by(ordered, key)]
        # the parameters that need a workspace row: those read by any op but a selection among
        # parameters only (a group mixing other candidates reads its candidates' rows) or a
        # layer's product (its weights come from the parameter vector; its bias has a row)
        gathered = [g[0].code == "select" and all(a < p for s in g for a in s.args) for g in member_lists]
        direct = sorted(
            {
                a
                for g, gathers in zip(member_lists, gathered)
                if not gathers
                for s in g
                for a in (fused[s.out].others if s.code == "dense" else s.args)
                if a < p
            }
        )
        # renumber: [direct parameters | float inputs | constants | op results in group order]
        new = {a: row for row, a in enumerate(direct)}
        d = len(direct)
        for slot in range(p, program.first_op):
            new[slot] = slot - p + d
        first_row = program.first_op - p + d
        for i, step in enumerate(ordered):
            new[step.out] = first_row + i
        self.n_slots = first_row + len(ordered)
        self.root = new[program.root]
        self.n_params, self.n_float = p, f
        self.first_op = first_row
        self.direct = np.array(direct, dtype=np.intp)
        self.constant_rows = slice(d + f, first_row)

        # edges: (child, user, step position, operand position), sorted by child
        edge_list: list[tuple[int, int, int, int]] = []
        select_params: dict[tuple[int, int], int] = {}
        for i, step in enumerate(ordered):
            if step.code == "detach":
                continue
            for j, a in enumerate(step.args):
                if not program.needs_grad(a):
                    continue
                if step.code == "dense" and j >= len(fused[step.out].others):
                    break  # its products: pushed by the dense group, not pulled through edges
                if step.code == "select" and a < p:
                    select_params[(i, j)] = a  # scatter-added backward, summed over the batch
                    continue
                edge_list.append((new[a], new[step.out], i, j))
        edge_list.sort()
        self.n_edges = len(edge_list)
        scratch = self.n_edges  # a row that takes the derivatives nobody needs
        edge_of = {(i, j): e for e, (_, _, i, j) in enumerate(edge_list)}
        self.edge_child = np.array([c for c, _, _, _ in edge_list], dtype=np.intp)
        self.edge_user = np.array([u for _, u, _, _ in edge_list], dtype=np.intp)
        self.n_param_edges = int(np.searchsorted(self.edge_child, d))
        self.param_of_edge = self.direct[self.edge_child[: self.n_param_edges]]
        unit = [
            (e, invariant[ordered[i].out])
            for e, (_, _, i, _) in enumerate(edge_list)
            if ordered[i].code in ("sum", "dense")
        ]
        self.unit_edges = np.array([e for e, inv in unit if not inv], dtype=np.intp)
        self.invariant_unit_edges = np.array([e for e, inv in unit if inv], dtype=np.intp)

        # forward groups
        self.groups: list[_Group] = []
        position = 0
        for members, gathers in zip(member_lists, gathered):
            first = position
            position += len(members)
            positions = range(first, position)
            out = slice(first_row + first, first_row + position)
            code = members[0].code
            if code == "dense":
                layer = [fused[s.out] for s in members]
                xs = [new[x] for x in layer[0].xs]
                group = _Group(code, out, [np.array(xs, dtype=np.intp)], (), [], level=level[members[0].out])
                group.weights = np.array([d.params for d in layer], dtype=np.intp)
                if layer[0].others:
                    group.others = np.array([[new[a] for a in d.others] for d in layer], dtype=np.intp)
                need = [k for k, x in enumerate(layer[0].xs) if program.needs_grad(x)]
                group.needs_grad = np.array(need, dtype=np.intp) if need else None
                self.groups.append(group)
                continue
            if code == "sum":
                flat = [new[a] for s in members for a in s.args]
                lengths = [len(s.args) for s in members]
                starts = np.cumsum([0, *lengths[:-1]]).astype(np.intp)
                self.groups.append(_Group(code, out, [_rows(flat)], (), [], starts))
                continue
            arity = len(members[0].args)
            if gathers:  # candidates are parameters: read from the parameter vector
                candidates = np.array([s.args for s in members], dtype=np.intp)
                group = _Group(code, out, [], (), [], index=members[0].index, gather=candidates)
                group.select_params = candidates  # a parameter always gets its gradient
                group.select_edges = (np.zeros(0, np.intp),) * 3
                self.groups.append(group)
                continue
            args = [_rows([new[s.args[j]] for s in members]) for j in range(arity)]
            if code == "select":
                edges_, steps_, ks = [], [], []
                params = np.full((len(members), arity), p, dtype=np.intp)
                for row, i in enumerate(positions):
                    for j in range(arity):
                        if (i, j) in edge_of:
                            edges_.append(edge_of[(i, j)])
                            steps_.append(row)
                            ks.append(j)
                        elif (i, j) in select_params:
                            params[row, j] = select_params[(i, j)]
                candidates = np.array([[new[a] for a in s.args] for s in members], dtype=np.intp)
                group = _Group(code, out, [candidates], (), [], index=members[0].index)
                group.select_edges = tuple(np.array(x, dtype=np.intp) for x in (edges_, steps_, ks))  # type: ignore[assignment]
                group.select_params = params if (params < p).any() else None
                self.groups.append(group)
                continue
            const = tuple(program.is_constant(a) for a in members[0].args)
            edges = [
                np.array([edge_of.get((i, j), scratch) for i in positions], dtype=np.intp)
                for j in range(arity)
            ]
            self.groups.append(_Group(code, out, args, const, edges))

        for g in self.groups:  # which groups run once, on column 0
            step = ordered[g.out.start - first_row]
            if invariant[step.out]:
                g.invariant = True
                shared = [
                    new[t.out]
                    for t in ordered[g.out.start - first_row : g.out.stop - first_row]
                    if t.out in read_by_batch
                ]
                g.boundary = np.array(shared, dtype=np.intp) if shared else None

        # backward: the op slots of each level, from the top down (the root's row is the seed)
        bounds: dict[int, list[int]] = {}
        for i, step in enumerate(ordered):
            bounds.setdefault(level[step.out], []).append(first_row + i)
        self.levels: list[_Level] = []
        for lv in sorted(bounds, reverse=True):
            s0, s1 = bounds[lv][0], bounds[lv][-1] + 1
            e0, e1 = (int(x) for x in np.searchsorted(self.edge_child, [s0, s1]))
            pull = None
            if e0 < e1:
                children = self.edge_child[e0:e1]
                written = np.unique(children)
                rows: Rows = slice(s0, s1) if len(written) == s1 - s0 else written
                firsts: IntArray | None = None
                if len(written) != e1 - e0:  # some slot has several uses: sum them
                    firsts = np.searchsorted(children, written).astype(np.intp)
                pull = _Pull(rows, slice(e0, e1), firsts)
            dense = [g for g in self.groups if g.code == "dense" and g.level == lv]
            folded = [new[step.out] for step in ordered if level[step.out] == lv and invariant[step.out]]
            fold = np.array(folded, dtype=np.intp) if folded and pull is not None else None
            if pull is not None or dense:
                self.levels.append(_Level(pull, dense, fold))
        self._workspace: tuple[int, Array, Array, Array] | None = None
        self._careful = False
        self._strict = True  # False while a failed batch is run again to find its bad examples

    def __repr__(self) -> str:
        return (
            f"NumpyReplay({self.n_slots} slots, {self.n_edges} edges, {self.n_levels} levels, "
            f"{len(self.groups)} groups)"
        )

    def bytes_per_example(self) -> int:
        """Memory per example of a batch: a value and a gradient per slot, a derivative per edge."""
        return 8 * (2 * self.n_slots + self.n_edges + 1)

    def _arrays(self, batch: int) -> tuple[Array, Array, Array]:
        if self._workspace is None or self._workspace[0] != batch:
            vals = np.zeros((self.n_slots, batch))  # (batch-invariant rows: column 0 only)
            vals[self.constant_rows] = np.array(self.program.constants)[:, None]
            loc = np.zeros((self.n_edges + 1, batch))
            loc[self.unit_edges] = 1.0
            loc[self.invariant_unit_edges, 0] = 1.0
            grad = np.empty((self.n_slots, batch))
            self._workspace = (batch, vals, loc, grad)
        return self._workspace[1:]

    def run(
        self, params: Array, floats: Array, indices: IntArray, seed: float | None
    ) -> tuple[Array, Array | None]:
        """The loss of every example (floats: F × B, indices: I × B) and, when `seed` is given,
        the gradient of seed × Σ losses for every parameter."""
        batch = floats.shape[1]
        vals, loc, grad = self._arrays(batch)
        d = len(self.direct)
        vals[:d] = params[self.direct, None]
        vals[d : d + self.n_float] = floats
        self._careful = False  # set when some derivative is infinite: backward then checks more
        try:
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                self._forward(vals, loc, indices, params)
        except FloatingPointError:
            self._strict = False  # run again to see which examples fail
            with np.errstate(all="ignore"):
                self._forward(vals, loc, indices, params)
            self._strict = True
            raise ReplayError("forward", _bad_columns(vals, loc[:-1])) from None
        losses = vals[self.root].copy()
        if seed is None:
            return losses, None
        mode: Literal["ignore", "raise"] = "ignore" if self._careful else "raise"
        try:
            with np.errstate(over=mode, divide=mode, invalid=mode, under="ignore"):
                param_grads = self._backward(vals, loc, grad, indices, params, seed)
        except FloatingPointError:
            self._strict = False
            with np.errstate(all="ignore"):
                self._backward(vals, loc, grad, indices, params, seed)
            self._strict = True
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

    def _group(self, g: _Group, vals: Array, loc: Array, indices: IntArray, params: Array) -> None:
        """One group's results and local derivatives (`vals`, `loc`: all columns or column 0)."""
        if g.gather is not None:  # a gather: each example's pick among parameters
            vals[g.out] = params[g.gather[:, indices[g.index]]]
        elif g.code == "dense":
            assert g.weights is not None
            out = params[g.weights] @ vals[g.args[0]]
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
        elif g.code in INFINITE_DERIVATIVES:  # a derivative may be ±inf (√x at 0): allowed
            with np.errstate(all="ignore"):
                out, locals_ = KERNELS[g.code]([vals[rows] for rows in g.args], g.const)
            if self._strict and not np.isfinite(out).all():  # the result itself must be finite
                raise FloatingPointError(g.code)
            vals[g.out] = out
            for edges, local in zip(g.edges, locals_):
                if local is not None:
                    loc[edges] = local
                    self._careful = self._careful or not np.isfinite(local).all()
        else:
            out, locals_ = KERNELS[g.code]([vals[rows] for rows in g.args], g.const)
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
            pull = lv.pull
            if pull is not None:
                e = pull.edges
                upstream = grad[user[e]]
                contrib = loc[e] * upstream
                if self._careful:  # as the engine: no gradient, not even through an infinite derivative
                    contrib[upstream == 0.0] = 0.0
                grad[pull.rows] += (
                    contrib if pull.starts is None else np.add.reduceat(contrib, pull.starts, axis=0)
                )
                if self._careful and self._strict and not np.isfinite(grad[pull.rows]).all():
                    raise FloatingPointError("backward")
            if lv.fold is not None and self._strict:  # batch-invariant slots: summed over the batch
                # (not while finding a failing example: each example's gradient stays in its column)
                summed = grad[lv.fold].sum(axis=1)
                grad[lv.fold] = 0.0
                grad[lv.fold, 0] = summed
            for g in lv.dense:  # this level's gradients are complete: push them down
                assert g.weights is not None
                g_out, xs = grad[g.out], g.args[0]
                by_weight = g_out @ vals[xs].T
                total += np.bincount(g.weights.ravel(), weights=by_weight.ravel(), minlength=self.n_params)
                if g.needs_grad is not None:
                    assert isinstance(xs, np.ndarray)
                    pushed = params[g.weights].T @ g_out
                    grad[xs[g.needs_grad]] += pushed[g.needs_grad]
        pe = slice(0, self.n_param_edges)
        if self._careful:
            upstream = grad[user[pe]]
            products = loc[pe] * upstream
            products[upstream == 0.0] = 0.0
            if self._strict and not np.isfinite(products).all():
                raise FloatingPointError("backward")
            per_edge = products.sum(axis=1)
        else:
            per_edge = np.einsum("ij,ij->i", loc[pe], grad[user[pe]])
        total += np.bincount(self.param_of_edge, weights=per_edge, minlength=self.n_params)
        for g in self.groups:
            if g.select_params is not None:
                index = indices[g.index]
                targets = g.select_params[:, index]
                total += np.bincount(
                    targets.ravel(), weights=grad[g.out].ravel(), minlength=self.n_params + 1
                )[: self.n_params]
        return total


def _group_by(ordered: list[Step], key: object) -> list[tuple[object, list[Step]]]:
    groups: list[tuple[object, list[Step]]] = []
    for step in ordered:
        k = key(step)  # type: ignore[operator]
        if groups and groups[-1][0] == k:
            groups[-1][1].append(step)
        else:
            groups.append((k, [step]))
    return groups


def _bad_columns(*arrays: Array) -> list[int]:
    bad = np.zeros(arrays[0].shape[1], dtype=bool)
    for a in arrays:
        bad |= ~np.isfinite(a).all(axis=0)
    return [int(i) for i in np.flatnonzero(bad)]
