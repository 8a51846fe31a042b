"""The numpy replay's layout, planned in named passes over the program's steps.

1. `fuse` (in `_linear`): sums of parameter × value products become 'dense' steps.
2. `levels`: each step's level, one more than its operands' highest (leaves are level 0).
3. `invariance`: the steps that read only parameters and constants (an L2 penalty) give every
   example the same numbers; they run once, on column 0.
4. `group_steps`: the steps of one level with the same kind run as one numpy call.
5. `workspace_parameters`: the parameters that need a row of the workspace (not those only
   gathered by a selection, nor a layer's weights: both read the parameter vector).
6. `renumber`: rows [direct parameters | float inputs | constants | op results, group by group].
7. `edge_table`: one edge per (operand, user) pair that carries a gradient, sorted by the
   operand's level, then by whether the user is batch-invariant, then by operand.
8. `build_groups`: each group's rows and arrays, made by the builder of its kind (`BUILDERS`).
9. `backward_levels`: the pulls into each level's rows, from the root down (over the batch,
   and in column 0 alone from batch-invariant users).

A new fused kernel is a fusion pass (as `_linear.fuse`), a builder here and a branch of the
replay's forward and backward (`_numpy`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from autograd.tape._linear import Dense, fuse
from autograd.tape._program import Program, Step, steps

IntArray = NDArray[np.intp]
Rows = slice | IntArray


def _rows(indices: list[int]) -> Rows:
    """A slice when the indices are consecutive (no copy when reading), else an index array."""
    if indices and indices == list(range(indices[0], indices[0] + len(indices))):
        return slice(indices[0], indices[0] + len(indices))
    return np.array(indices, dtype=np.intp)


def _ints(values: list[int]) -> IntArray:
    return np.array(values, dtype=np.intp)


@dataclass
class Group:
    """Steps of one level and kind, run as one numpy call: their results fill the rows `out`."""

    code: str
    out: slice
    args: list[Rows]  # per operand position: the operand rows of every step of the group
    const: tuple[bool, ...] = ()
    edges: list[IntArray] = field(default_factory=list)  # per operand position: its derivatives' rows
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
    # when W is a block of the parameter vector, W[i, j] = start + i·stride + j (a layer's rows
    # of weights, neuron after neuron): (start, stride), so W is read and its gradient added
    # through a view, with no gather or scatter; X's rows as a slice when consecutive
    grid: tuple[int, int] | None = None
    x_rows: Rows | None = None
    pushed_rows: IntArray | None = None  # the X rows that get a gradient (xs[needs_grad])
    function: int = -1  # 'scalar': which of the program's functions
    level: int = 0
    # computed once, in column 0, when it reads only parameters and constants; `boundary`: its
    # rows that the batch's ops read, copied to every column
    invariant: bool = False
    boundary: IntArray | None = None


@dataclass
class Pull:
    """The backward pull of one level's rows, over the batch or in column 0 alone."""

    rows: Rows  # the rows that receive a gradient through edges
    edges: slice
    starts: IntArray | None  # None when every row has exactly one edge
    columns: slice  # every column, or slice(0, 1) when the users are batch-invariant


@dataclass
class Level:
    """Backward at one level: the pulls into its rows, then the dense groups whose results are
    its rows push their gradients down (their inputs' rows, their parameters)."""

    pulls: list[Pull]
    dense: list[Group]
    fold: IntArray | None = None  # its invariant rows read per example: their gradient summed into column 0


@dataclass
class Layout:
    """What the passes decide, and what the replay reads."""

    program: Program
    fused: dict[int, Dense]
    level: dict[int, int]
    invariant: dict[int, bool]
    read_by_batch: set[int]
    ordered: list[Step]  # the steps, group after group
    members: list[list[Step]]  # the groups' steps
    gathered: list[bool]  # per group: a selection among parameters only
    direct: IntArray  # the parameters with a row, in row order
    new: dict[int, int]  # program slot -> workspace row
    first_row: int  # the first op result's row
    n_slots: int
    edge_child: IntArray = field(default_factory=lambda: _ints([]))
    edge_user: IntArray = field(default_factory=lambda: _ints([]))
    edge_of: dict[tuple[int, int], int] = field(default_factory=dict)  # (step, operand) -> edge
    edge_runs: dict[tuple[int, bool], tuple[int, int]] = field(default_factory=dict)  # see edge_table
    select_params: dict[tuple[int, int], int] = field(default_factory=dict)  # -> parameter
    unit_edges: IntArray = field(default_factory=lambda: _ints([]))
    invariant_unit_edges: IntArray = field(default_factory=lambda: _ints([]))
    groups: list[Group] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)

    @property
    def n_edges(self) -> int:
        return len(self.edge_child)


def plan(program: Program) -> Layout:
    """Every pass, in order."""
    all_steps, fused = fuse(program, steps(program))
    level = levels(program, all_steps)
    invariant, read_by_batch = invariance(program, all_steps)
    ordered, members = group_steps(program, all_steps, fused, level, invariant)
    direct, gathered = workspace_parameters(program, members, fused)
    new, first_row = renumber(program, direct, ordered)
    layout = Layout(
        program, fused, level, invariant, read_by_batch, ordered, members, gathered,
        _ints(direct), new, first_row, first_row + len(ordered),
    )  # fmt: skip
    edge_table(layout)
    build_groups(layout)
    backward_levels(layout)
    return layout


def levels(program: Program, all_steps: list[Step]) -> dict[int, int]:
    level = dict.fromkeys(range(program.first_op), 0)
    for step in all_steps:
        level[step.out] = 1 + max(level[a] for a in step.args)
    return level


def invariance(program: Program, all_steps: list[Step]) -> tuple[dict[int, bool], set[int]]:
    """Which slots hold the same number for every example, and the invariant slots that
    per-example steps read (their numbers are copied to every column)."""
    p = len(program.params)
    outputs = set(program.outputs)
    invariant = {slot: slot < p or program.is_constant(slot) for slot in range(program.first_op)}
    for step in all_steps:
        invariant[step.out] = (
            step.code not in ("select", "dense")
            and step.out not in outputs
            and all(invariant[a] for a in step.args)
        )
    read_by_batch = {a for step in all_steps if not invariant[step.out] for a in step.args}
    return invariant, read_by_batch


def group_steps(
    program: Program,
    all_steps: list[Step],
    fused: dict[int, Dense],
    level: dict[int, int],
    invariant: dict[int, bool],
) -> tuple[list[Step], list[list[Step]]]:
    """The steps sorted by level then kind, and the runs of one level and kind."""

    def key(step: Step) -> tuple[object, ...]:
        lv, inv = level[step.out], invariant[step.out]
        if step.code == "sum":
            return (lv, inv, "sum")
        if step.code == "dense":
            return (lv, inv, "dense", fused[step.out].xs, len(fused[step.out].others))
        if step.code == "select":
            return (lv, inv, "select", step.index, len(step.args))
        if step.code == "logsumexp":
            return (lv, inv, "logsumexp", len(step.args))
        const = tuple(program.is_constant(a) for a in step.args)
        if step.code == "scalar":
            return (lv, inv, "scalar", step.function, const)
        return (lv, inv, step.code, const)

    ordered = sorted(all_steps, key=lambda s: (level[s.out], repr(key(s)), s.out))
    members: list[list[Step]] = []
    last: tuple[object, ...] | None = None
    for step in ordered:
        k = key(step)
        if members and k == last:
            members[-1].append(step)
        else:
            members.append([step])
        last = k
    return ordered, members


def workspace_parameters(
    program: Program, members: list[list[Step]], fused: dict[int, Dense]
) -> tuple[list[int], list[bool]]:
    """The parameters that need a workspace row (those read by any op but a selection among
    parameters only, or a layer's product, whose weights come from the parameter vector; its
    bias has a row), and which groups are such selections."""
    p = len(program.params)
    gathered = [g[0].code == "select" and all(a < p for s in g for a in s.args) for g in members]
    direct = {
        a
        for g, gathers in zip(members, gathered)
        if not gathers
        for s in g
        for a in (fused[s.out].others if s.code == "dense" else s.args)
        if a < p
    }
    return sorted(direct), gathered


def renumber(program: Program, direct: list[int], ordered: list[Step]) -> tuple[dict[int, int], int]:
    """Rows: [direct parameters | float inputs | constants | op results in group order]."""
    p = len(program.params)
    new = {a: row for row, a in enumerate(direct)}
    d = len(direct)
    for slot in range(p, program.first_op):
        new[slot] = slot - p + d
    first_row = program.first_op - p + d
    for i, step in enumerate(ordered):
        new[step.out] = first_row + i
    return new, first_row


def edge_table(layout: Layout) -> None:
    """The edges (child, user, step position, operand position), sorted by the child's level,
    then by whether the user is batch-invariant (its gradient is in column 0 alone, so the edge
    is pulled there alone), then by child; each such run is `edge_runs[(level, invariant)]`. A
    selection's parameters are left out (their gradients are a bincount of the selected rows)."""
    program, new, fused, level = layout.program, layout.new, layout.fused, layout.level
    p = len(program.params)
    edge_list: list[tuple[int, bool, int, int, int, int]] = []
    for i, step in enumerate(layout.ordered):
        if step.code == "detach":
            continue
        for j, a in enumerate(step.args):
            if not program.needs_grad(a):
                continue
            if step.code == "dense" and j >= len(fused[step.out].others):
                break  # its products: pushed by the dense group, not pulled through edges
            if step.code == "select" and a < p:
                layout.select_params[(i, j)] = a  # scatter-added backward, summed over the batch
                continue
            edge_list.append((level[a], layout.invariant[step.out], new[a], new[step.out], i, j))
    edge_list.sort()
    layout.edge_of = {(i, j): e for e, (*_, i, j) in enumerate(edge_list)}
    layout.edge_child = _ints([c for _, _, c, _, _, _ in edge_list])
    layout.edge_user = _ints([u for _, _, _, u, _, _ in edge_list])
    for e, (lv, inv, *_) in enumerate(edge_list):
        start = layout.edge_runs.get((lv, inv), (e, e))[0]
        layout.edge_runs[(lv, inv)] = (start, e + 1)
    unit = [
        (e, layout.invariant[layout.ordered[i].out])
        for e, (*_, i, _) in enumerate(edge_list)
        if layout.ordered[i].code in ("sum", "dense")
    ]
    layout.unit_edges = _ints([e for e, inv in unit if not inv])
    layout.invariant_unit_edges = _ints([e for e, inv in unit if inv])


Builder = Callable[[Layout, list[Step], range, slice], Group]


def _dense(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    new, program = layout.new, layout.program
    layer = [layout.fused[s.out] for s in members]
    group = Group("dense", out, [_ints([new[x] for x in layer[0].xs])], level=layout.level[members[0].out])
    group.weights = np.array([d.params for d in layer], dtype=np.intp)
    if layer[0].others:
        group.others = np.array([[new[a] for a in d.others] for d in layer], dtype=np.intp)
    need = [k for k, x in enumerate(layer[0].xs) if program.needs_grad(x)]
    group.needs_grad = _ints(need) if need else None
    group.grid = _grid(group.weights)
    x_rows = [new[x] for x in layer[0].xs]
    group.x_rows = _rows(x_rows)
    group.pushed_rows = _ints([x_rows[k] for k in need]) if need else None
    return group


def _grid(weights: IntArray) -> tuple[int, int] | None:
    """(start, stride) if weights[i, j] = start + i·stride + j with rows that do not overlap
    (stride ≥ the row length: every parameter once), else None."""
    rows, cols = weights.shape
    start = int(weights[0, 0])
    stride = int(weights[1, 0]) - start if rows > 1 else cols
    if stride < cols:
        return None
    expected = start + stride * np.arange(rows, dtype=np.intp)[:, None] + np.arange(cols, dtype=np.intp)
    return (start, stride) if np.array_equal(weights, expected) else None


def _sum(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    flat = [layout.new[a] for s in members for a in s.args]
    lengths = [len(s.args) for s in members]
    return Group("sum", out, [_rows(flat)], starts=np.cumsum([0, *lengths[:-1]]).astype(np.intp))


def _gather(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    """A selection among parameters only: read from the parameter vector."""
    candidates = np.array([s.args for s in members], dtype=np.intp)
    group = Group("select", out, [], index=members[0].index, gather=candidates)
    group.select_params = candidates  # a parameter always gets its gradient
    group.select_edges = (_ints([]),) * 3
    return group


def _select(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    p, arity = len(layout.program.params), len(members[0].args)
    edges, steps_, ks = [], [], []
    params = np.full((len(members), arity), p, dtype=np.intp)
    for row, i in enumerate(positions):
        for j in range(arity):
            if (i, j) in layout.edge_of:
                edges.append(layout.edge_of[(i, j)])
                steps_.append(row)
                ks.append(j)
            elif (i, j) in layout.select_params:
                params[row, j] = layout.select_params[(i, j)]
    candidates = np.array([[layout.new[a] for a in s.args] for s in members], dtype=np.intp)
    group = Group("select", out, [candidates], index=members[0].index)
    group.select_edges = (_ints(edges), _ints(steps_), _ints(ks))
    group.select_params = params if (params < p).any() else None
    return group


def _kernel(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    """An op of the engine (or a scalar_op) applied row-wise: its operands' rows and the rows
    of its local derivatives (the scratch row, past the last edge, takes unneeded ones)."""
    arity = len(members[0].args)
    args = [_rows([layout.new[s.args[j]] for s in members]) for j in range(arity)]
    const = tuple(layout.program.is_constant(a) for a in members[0].args)
    scratch = layout.n_edges
    edges = [_ints([layout.edge_of.get((i, j), scratch) for i in positions]) for j in range(arity)]
    return Group(members[0].code, out, args, const, edges, function=members[0].function)


def _logsumexp(layout: Layout, members: list[Step], positions: range, out: slice) -> Group:
    """log Σ e^x of each step's K operands: their rows (steps × K) and their derivatives' rows
    (steps × K, the scratch row for an operand that needs none)."""
    candidates = np.array([[layout.new[a] for a in s.args] for s in members], dtype=np.intp)
    scratch = layout.n_edges
    k = len(members[0].args)
    edges = [[layout.edge_of.get((i, j), scratch) for j in range(k)] for i in positions]
    return Group("logsumexp", out, [candidates], edges=[np.array(edges, dtype=np.intp)])


BUILDERS: dict[str, Builder] = {"dense": _dense, "sum": _sum, "select": _select, "logsumexp": _logsumexp}


def build_groups(layout: Layout) -> None:
    """Each group's arrays, by its kind's builder; then which groups run once, on column 0."""
    position = 0
    for members, gathers in zip(layout.members, layout.gathered):
        positions = range(position, position + len(members))
        position += len(members)
        out = slice(layout.first_row + positions.start, layout.first_row + positions.stop)
        build = _gather if gathers else BUILDERS.get(members[0].code, _kernel)
        group = build(layout, members, positions, out)
        if layout.invariant[members[0].out]:
            group.invariant = True
            shared = [layout.new[t.out] for t in members if t.out in layout.read_by_batch]
            group.boundary = _ints(shared) if shared else None
        layout.groups.append(group)


def backward_levels(layout: Layout) -> None:
    """The op rows of each level, from the top down (the root's row is the seed): the pulls
    into them (the edges from per-example users over the batch, those from batch-invariant
    users in column 0) and the invariant rows that per-example users read, whose gradient is
    then summed over the batch."""
    bounds: dict[int, list[int]] = {}
    invariant_rows: set[int] = set()
    for i, step in enumerate(layout.ordered):
        bounds.setdefault(layout.level[step.out], []).append(layout.first_row + i)
        if layout.invariant[step.out]:
            invariant_rows.add(layout.first_row + i)
    for lv in sorted(bounds, reverse=True):
        runs = [(layout.edge_runs.get((lv, column0)), column0) for column0 in (False, True)]
        pulls = [_pull(layout, run, column0) for run, column0 in runs if run is not None]
        batch_children = set(layout.edge_child[slice(*layout.edge_runs.get((lv, False), (0, 0)))].tolist())
        folded = sorted(batch_children & invariant_rows)
        dense = [g for g in layout.groups if g.code == "dense" and g.level == lv]
        if pulls or dense:
            layout.levels.append(Level(pulls, dense, _ints(folded) if folded else None))


def _pull(layout: Layout, run: tuple[int, int], column0: bool) -> Pull:
    """The pull through the edges `run` (sorted by child) into the rows they reach."""
    e0, e1 = run
    children = layout.edge_child[e0:e1]
    written = np.unique(children)
    rows = _rows(written.tolist())
    firsts: IntArray | None = None
    if len(written) != e1 - e0:  # some row has several uses: sum them
        firsts = np.searchsorted(children, written).astype(np.intp)
    return Pull(rows, slice(e0, e1), firsts, slice(0, 1) if column0 else slice(None))


def parameter_runs(layout: Layout) -> tuple[slice, slice]:
    """The edges into the parameters (level 0, the first edges): from per-example users, then
    from batch-invariant ones."""
    batch, column0 = (layout.edge_runs.get((0, inv), (0, 0)) for inv in (False, True))
    return slice(*batch), slice(*column0)
