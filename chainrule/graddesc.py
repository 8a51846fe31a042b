"""The course's `graddesc` spreadsheet as a lesson: fitting a line with online SGD, then with
momentum, RMSProp and Adam, by the sheet's own formulas or by PyTorch's.

The data are the sheet's 29 points on y = 2x + 30, in its order. The model is y = a·x + b,
started at a = b = 1, and each point in turn is one update (batch size 1) on the loss
(a·x + b − y)², whose gradient comes from the engine's `backward()`:
∂/∂a = 2(a·x + b − y)·x and ∂/∂b = 2(a·x + b − y).

`rules="sheet"` applies the sheet's update formulas, per parameter p with gradient g
(`1 − β` computed in floats, as the sheet does: 0.09999999999999998):

    basic     p ← p − lr·g                                           lr 1e-4
    momentum  m ← β·m + (1 − β)·g;  p ← p − lr·m                      lr 1e-4, β 0.9, m from 0
    rmsprop   v ← β·v + (1 − β)·g²; p ← p − lr·g/√v_prev  (previous row's v, no ε)
                                                                     lr 0.02, β 0.9, v from 10000
    adam      m and v as above;    p ← p − lr·m/√v  (the new m and v, no ε, no bias correction)
                                                                     lr 1, β1 = β2 = 0.9, m 0, v 10000

`rules="library"` runs `nn.optim`'s SGD, SGD with momentum, RMSprop and Adam instead, with
PyTorch's formulas and the sheet's β (`LIBRARY_SETTINGS`); `DIFFERENCES` says why their
numbers differ from the sheet's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from autograd import Value
from autograd.errors import NonFiniteError
from autograd.validation import check_choice, check_int, check_number
from nn.optim import OPTIMIZERS as NN_OPTIMIZERS
from nn.optim import Optimizer, make_optimizer

__all__ = [
    "ANN_BETAS",
    "BETA",
    "DIFFERENCES",
    "LIBRARY_LEARNING_RATES",
    "LIBRARY_SETTINGS",
    "OPTIMIZERS",
    "RESET_LR",
    "RULES",
    "RUN_STEPS",
    "SHEETS",
    "SHEET_LEARNING_RATES",
    "START",
    "TARGET",
    "Run",
    "SheetAdam",
    "SheetBasic",
    "SheetMomentum",
    "SheetPass",
    "SheetRMSProp",
    "SheetState",
    "Update",
    "X",
    "Y",
    "anneal",
    "default_lr",
    "finite_differences",
    "library_optimizer",
    "onestep",
    "reset",
    "run",
    "sheet_pass",
    "sheet_runs",
    "train",
]

X = (
    14, 86, 28, 51, 28, 29, 72, 62, 84, 15, 42, 62, 47, 35, 9,
    38, 44, 99, 13, 21, 28, 20, 8, 64, 99, 70, 27, 17, 8,
)  # fmt: skip
"""The sheet's x column, in its order."""
Y = tuple(2 * x + 30 for x in X)
"""The sheet's y column: y = 2x + 30 exactly."""
TARGET = (2.0, 30.0)
"""The (a, b) that fits every point."""
START = (1.0, 1.0)
"""The sheet's starting (a, b)."""

OPTIMIZERS = ("basic", "momentum", "rmsprop", "adam")
RULES = ("sheet", "library")
BETA = 0.9
"""The sheet's β for every average (momentum's m, RMSProp's and Adam's m and v)."""
SHEET_V0 = 10000.0
"""Where the sheet starts RMSProp's and Adam's v."""
SHEET_LEARNING_RATES = {"basic": 1e-4, "momentum": 1e-4, "rmsprop": 0.02, "adam": 1.0}
LIBRARY_LEARNING_RATES = {"basic": 1e-4, "momentum": 1e-5, "rmsprop": 0.02, "adam": 0.5}
"""Defaults for `rules="library"`: the sheet's rates, except momentum's (without dampening its
steps are 10× the sheet's) and Adam's (with bias correction, lr 1 keeps overshooting in a)."""
LIBRARY_OPTIMIZERS: dict[str, tuple[str, dict[str, Any]]] = {
    "basic": ("sgd", {}),
    "momentum": ("sgd", {"momentum": BETA}),
    "rmsprop": ("rmsprop", {"alpha": BETA}),
    "adam": ("adam", {"betas": (BETA, BETA)}),
}
"""What `rules="library"` runs for each of the sheet's optimizers: `nn.optim`'s name and settings."""
LIBRARY_SETTINGS = {
    sheet: f"{NN_OPTIMIZERS[name].__name__}(lr{''.join(f', {k}={v!r}' for k, v in settings.items())})"
    for sheet, (name, settings) in LIBRARY_OPTIMIZERS.items()
}
"""What `rules="library"` runs for each optimizer (PyTorch's defaults otherwise: eps=1e-8)."""

DIFFERENCES = (
    (
        "momentum",
        "dampening",
        "m ← β·m + (1 − β)·g",
        "buf ← β·buf + g = m/(1 − β): lr·(1 − β) takes the sheet's steps",
    ),
    ("momentum", "first step", "m = (1 − β)·g from m = 0", "buf = g, whole, even with dampening = β"),
    ("rmsprop", "which v", "divides by √v of the previous row", "updates v first, divides by the new v"),
    ("rmsprop", "ε", "none: √v alone", "√v + ε, ε = 1e-8 outside the root"),
    ("rmsprop", "v's start", "10000", "0: the first steps are lr/√(1 − α) ≈ 3.2·lr"),
    ("adam", "bias correction", "none", "m/(1 − β1ᵗ), v/(1 − β2ᵗ): the first step is lr·sign(g)"),
    ("adam", "ε", "none: m/√v", "m̂/(√v̂ + ε), ε = 1e-8"),
    ("adam", "v's start", "10000", "0 (bias correction makes up for it)"),
)
"""(optimizer, what, the sheet, PyTorch): why the sheet's numbers and PyTorch's differ."""


@dataclass(frozen=True)
class Update:
    """One row of the sheet: the point (x, y), the parameters before the update and their
    gradients, the parameters after it, and the row's squared error (a·x + b − y)²."""

    optimizer: str
    epoch: int
    step: int
    x: float
    y: float
    a: float
    b: float
    de_da: float
    de_db: float
    new_a: float
    new_b: float
    err2: float

    def row(self) -> list[object]:
        """The CSV row: the fields in order (floats shown by repr at full precision)."""
        return [
            self.optimizer, self.epoch, self.step, self.x, self.y, self.a, self.b,
            self.de_da, self.de_db, self.new_a, self.new_b, self.err2,
        ]  # fmt: skip


@dataclass(frozen=True)
class Run:
    """The updates of one optimizer, epoch after epoch."""

    optimizer: str
    rules: str
    lr: float
    updates: tuple[Update, ...]

    @property
    def epochs(self) -> int:
        return self.updates[-1].epoch

    @property
    def final(self) -> tuple[float, float]:
        """(a, b) after the last update."""
        return self.updates[-1].new_a, self.updates[-1].new_b

    def epoch_errors(self) -> list[float]:
        """Per epoch, the root of the summed squared errors of its rows: √Σ (a·x + b − y)²,
        each row's error taken before its update, as the sheet sums its err² column."""
        sums = [0.0] * self.epochs
        for u in self.updates:
            sums[u.epoch - 1] += u.err2
        return [math.sqrt(s) for s in sums]

    def __repr__(self) -> str:
        a, b = self.final
        return (
            f"Run({self.optimizer!r}, rules={self.rules!r}, lr={self.lr!r}, epochs={self.epochs}, "
            f"a={a!r}, b={b!r})"
        )


class SheetBasic:
    """The sheet's basic SGD: p ← p − lr·g."""

    def __init__(self, params: Sequence[Value], lr: float) -> None:
        self.params = list(params)
        self.lr = lr

    def step(self) -> None:
        news = [p.data - self.lr * p.grad for p in self.params]
        _assign(self, news)

    def __repr__(self) -> str:
        state = {k: v for k, v in vars(self).items() if k not in ("params", "lr")}
        shown = "".join(f", {k}={v!r}" for k, v in state.items())
        return f"{type(self).__name__}({len(self.params)} parameters, lr={self.lr!r}{shown})"


class SheetMomentum(SheetBasic):
    """The sheet's momentum: m ← β·m + (1 − β)·g, then p ← p − lr·m with the new m."""

    def __init__(
        self, params: Sequence[Value], lr: float, beta: float = BETA, m: Sequence[float] | None = None
    ) -> None:
        super().__init__(params, lr)
        self.beta = beta
        self.m = [0.0] * len(self.params) if m is None else list(m)

    def step(self) -> None:
        m = [self.beta * m + (1 - self.beta) * p.grad for m, p in zip(self.m, self.params, strict=True)]
        news = [p.data - self.lr * mi for p, mi in zip(self.params, m, strict=True)]
        _assign(self, news)
        self.m = m


class SheetRMSProp(SheetBasic):
    """The sheet's RMSProp: v ← β·v + (1 − β)·g², and p ← p − lr·g/√v with the v of the
    previous row (the one before this update), no ε."""

    def __init__(
        self,
        params: Sequence[Value],
        lr: float,
        beta: float = BETA,
        v0: float = SHEET_V0,
        v: Sequence[float] | None = None,
    ) -> None:
        super().__init__(params, lr)
        self.beta = beta
        self.v = [v0] * len(self.params) if v is None else list(v)

    def step(self) -> None:
        news = [p.data - self.lr * p.grad / math.sqrt(v) for p, v in zip(self.params, self.v, strict=True)]
        v = [self.beta * v + (1 - self.beta) * p.grad**2 for v, p in zip(self.v, self.params, strict=True)]
        _assign(self, news)
        self.v = v


class SheetAdam(SheetBasic):
    """The sheet's Adam: m and v as in momentum and RMSProp, then p ← p − lr·m/√v with the
    new m and v; no ε and no bias correction."""

    def __init__(
        self,
        params: Sequence[Value],
        lr: float,
        betas: tuple[float, float] = (BETA, BETA),
        v0: float = SHEET_V0,
        m: Sequence[float] | None = None,
        v: Sequence[float] | None = None,
    ) -> None:
        super().__init__(params, lr)
        self.betas = betas
        self.m = [0.0] * len(self.params) if m is None else list(m)
        self.v = [v0] * len(self.params) if v is None else list(v)

    def step(self) -> None:
        beta1, beta2 = self.betas
        m = [beta1 * m + (1 - beta1) * p.grad for m, p in zip(self.m, self.params, strict=True)]
        v = [beta2 * v + (1 - beta2) * p.grad**2 for v, p in zip(self.v, self.params, strict=True)]
        news = [p.data - self.lr * mi / math.sqrt(vi) for p, mi, vi in zip(self.params, m, v, strict=True)]
        _assign(self, news)
        self.m, self.v = m, v


SHEET_RULES: dict[str, type[SheetBasic]] = {
    "basic": SheetBasic,
    "momentum": SheetMomentum,
    "rmsprop": SheetRMSProp,
    "adam": SheetAdam,
}


def default_lr(optimizer: str, rules: str = "sheet") -> float:
    """The learning rate `train` uses when given none: the sheet's, or `LIBRARY_LEARNING_RATES`."""
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_choice(rules, "rules", RULES)
    return (SHEET_LEARNING_RATES if rules == "sheet" else LIBRARY_LEARNING_RATES)[optimizer]


def train(optimizer: str, *, rules: str = "sheet", epochs: int = 5, lr: float | None = None) -> Run:
    """`epochs` passes over the sheet's 29 points in its order, one update per point,
    from a = b = 1; every update recorded (`Update`)."""
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    check_choice(rules, "rules", RULES)
    epochs = check_int(epochs, "epochs", min_value=1)
    lr = default_lr(optimizer, rules) if lr is None else check_number(lr, "lr", min_value=0.0)
    a, b = Value(START[0], label="a"), Value(START[1], label="b")
    stepper = (
        SHEET_RULES[optimizer]([a, b], lr) if rules == "sheet" else library_optimizer(optimizer, [a, b], lr)
    )
    updates = []
    for epoch in range(1, epochs + 1):
        for step, (x, y) in enumerate(zip(X, Y, strict=True), start=1):
            with _diverging(f"{optimizer} ({rules} rules, lr {lr!r})", f"epoch {epoch}, step {step}", a, b):
                a.grad = b.grad = 0.0
                loss = (a * x + b - y) ** 2
                loss.backward()
                before = (a.data, b.data, a.grad, b.grad)
                stepper.step()
            updates.append(
                Update(optimizer, epoch, step, float(x), float(y), *before, a.data, b.data, loss.data)
            )
    return Run(optimizer, rules, lr, tuple(updates))


@contextlib.contextmanager
def _diverging(what: str, where: str, a: Value, b: Value) -> Iterator[None]:
    """An overflow inside one update, said with the optimizer and the epoch and step it
    happened at (the engine's message alone names only the op)."""
    try:
        yield
    except NonFiniteError as error:
        raise NonFiniteError(
            f"{what} diverged at {where} (a = {a.data:.4g}, b = {b.data:.4g}): {error}"
        ) from error


def library_optimizer(optimizer: str, params: Sequence[Value], lr: float) -> Optimizer:
    """The `nn.optim` optimizer `rules="library"` runs for `optimizer` (`LIBRARY_SETTINGS`)."""
    name, settings = LIBRARY_OPTIMIZERS[check_choice(optimizer, "optimizer", OPTIMIZERS)]
    return make_optimizer(name, params, lr=lr, **settings)


def _assign(rule: SheetBasic, news: list[float]) -> None:
    """Write the new values, all or none: float arithmetic overflows to inf silently."""
    for p, new in zip(rule.params, news, strict=True):
        if not math.isfinite(new):
            raise NonFiniteError(
                f"{type(rule).__name__}'s update of {p.label or 'a parameter'} gives {new!r}: "
                f"training diverged (lr={rule.lr!r} too large?)"
            )
    for p, new in zip(rule.params, news, strict=True):
        p.set_data(new)


# The workbook's buttons: its VBA macros, sheet by sheet (graddesc.xlsm, xl/vbaProject.bin).
#
# A sheet shows one pass: its top rows hold a and b (named `slope`, `const`), the learning rate
# (`lr`) and the optimizer state the first data row starts from (`momtarget` for m, `gradtarget`
# for v); rows 4 to 32 are the 29 updates. Every sheet's macros are the same three:
#
#   onestep: Range("lastslope").Copy: Range("slope").PasteSpecial Paste:=xlPasteValues
#            Range("lastconst").Copy: Range("const").PasteSpecial Paste:=xlPasteValues
#            (and Range("momlast") -> "momtarget", Range("ms_last") -> "gradtarget")
#     lastslope, lastconst are D32, C32: the a and b the LAST row STARTS from, so the 29th
#     update of every pass is thrown away; momlast, ms_last are J32:K32 (L32:M32): the m and v
#     AFTER the last row, so the optimizer state keeps it.
#   somesteps ("run"): For i = 1 To 5: onestep: Next
#   reset:   Range("slope").Value = 1: Range("const").Value = 1, the state back to its start
#            (Range("momtarget") = 0, Range("gradtarget") = 10000), then it pastes m and v from
#            the last row into the top once or twice more: passes from a = b = 1 that warm
#            the state up (`_reset`).

SHEETS = ("basic", "momentum", "rmsprop", "adam", "adam_ann")
"""The workbook's optimizer sheets, in its order."""
RUN_STEPS = 5
"""`somesteps`, the "run" button: For i = 1 To 5: onestep."""
ANN_BETAS = (0.9, 0.95)
"""adam_ann's β1 (J1) and β2 (L1): its v averages over more rows than the adam sheet's."""
ANN_RATIO = 2.0
ANN_FACTOR = 4.0
"""adam_ann's somesteps: If Range("gradrat") > 2 Then Range("lr").Value = Range("lr").Value / 4."""
RESET_LR = {"basic": 1e-4, "momentum": 1e-4, "rmsprop": 0.02, "adam": 1.0, "adam_ann": 1.0}
"""The learning rate each sheet has after reset (the macro sets momentum's, adam's and adam_ann's;
basic's F1 and rmsprop's D2 are constants)."""


@dataclass(frozen=True)
class SheetState:
    """What a sheet's top rows hold, pairs in (a, b) order: the parameters, the learning rate,
    the m and v its first row starts from; adam_ann's smallest √v_b + √v_a so far
    (`prev_grad2`, N3); the basic sheet's logged errors (C38 down, one per onestep)."""

    sheet: str
    a: float
    b: float
    lr: float
    m: tuple[float, float] = (0.0, 0.0)
    v: tuple[float, float] = (SHEET_V0, SHEET_V0)
    smallest: float = math.inf
    errors: tuple[float, ...] = ()
    onesteps: int = 0

    def to_dict(self) -> dict[str, object]:
        """The state as JSON-ready numbers (repr-exact floats), for `from_dict` to resume."""
        return {
            "sheet": self.sheet, "a": self.a, "b": self.b, "lr": self.lr, "m": list(self.m),
            "v": list(self.v), "smallest": None if math.isinf(self.smallest) else self.smallest,
            "errors": list(self.errors), "onesteps": self.onesteps,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: object) -> SheetState:
        """The state `to_dict` saved; every number checked."""
        if not isinstance(data, dict):
            raise TypeError(f"a saved sheet state must be a dict, got {data!r}")
        keys = {"sheet", "a", "b", "lr", "m", "v", "smallest", "errors", "onesteps"}
        if set(data) != keys:
            raise ValueError(f"a saved sheet state has the keys {sorted(keys)!r}, got {sorted(data)!r}")
        sheet = check_choice(data["sheet"], "sheet", SHEETS)
        smallest = data["smallest"]
        return cls(
            sheet,
            check_number(data["a"], "a"),
            check_number(data["b"], "b"),
            check_number(data["lr"], "lr", min_value=0.0),
            _pair(data["m"], "m"),
            _pair(data["v"], "v"),
            math.inf if smallest is None else check_number(smallest, "smallest", min_value=0.0),
            tuple(check_number(e, "errors[i]") for e in _list(data["errors"], "errors")),
            check_int(data["onesteps"], "onesteps", min_value=0),
        )

    def __repr__(self) -> str:
        return (
            f"SheetState({self.sheet!r}, a={self.a!r}, b={self.b!r}, lr={self.lr!r}, "
            f"onesteps={self.onesteps})"
        )


@dataclass(frozen=True)
class SheetPass:
    """The 29 rows a sheet shows for a state, each row's m and v after its update (pairs in
    (a, b) order; the sheet's starting values where it has none), and what `onestep` copies
    from the last row: the a, b it starts from, the m and v after it."""

    state: SheetState
    updates: tuple[Update, ...]
    moments: tuple[tuple[tuple[float, float], tuple[float, float]], ...]
    last_start: tuple[float, float]

    @property
    def m(self) -> tuple[float, float]:
        """`momlast`: the last row's m."""
        return self.moments[-1][0]

    @property
    def v(self) -> tuple[float, float]:
        """`ms_last`: the last row's v."""
        return self.moments[-1][1]

    @property
    def error(self) -> float:
        """√Σ err² of the pass (the basic sheet's `rmse`, F33)."""
        return math.sqrt(sum(u.err2 for u in self.updates))

    def __repr__(self) -> str:
        return f"SheetPass({self.state!r}, error={self.error!r})"


def sheet_pass(state: SheetState) -> SheetPass:
    """The sheet's 29 rows from `state`, the gradients by the engine's backward and the updates
    by the sheet's formulas (`SheetBasic` and the others)."""
    a, b = Value(state.a, label="a"), Value(state.b, label="b")
    stepper = _sheet_stepper(state, [a, b])
    updates, moments = [], []
    last_start = (a.data, b.data)
    for step, (x, y) in enumerate(zip(X, Y, strict=True), start=1):
        last_start = (a.data, b.data)
        where = f"onestep {state.onesteps}'s pass, row {step + 3}"  # the data start in row 4
        with _diverging(f"the {state.sheet} sheet (lr {state.lr!r})", where, a, b):
            a.grad = b.grad = 0.0
            loss = (a * x + b - y) ** 2
            loss.backward()
            before = (a.data, b.data, a.grad, b.grad)
            stepper.step()
        epoch = state.onesteps + 1
        updates.append(
            Update(state.sheet, epoch, step, float(x), float(y), *before, a.data, b.data, loss.data)
        )
        m, v = getattr(stepper, "m", state.m), getattr(stepper, "v", state.v)
        moments.append(((m[0], m[1]), (v[0], v[1])))
    return SheetPass(state, tuple(updates), tuple(moments), last_start)


def onestep(state: SheetState) -> SheetState:
    """The `onestep` macro: the last row's starting a, b (C32/D32, not the row's result) and
    the m, v after it become the top; the basic sheet then logs the new pass's error
    (Range("rmse").Copy: Range("rmsestart").End(xlDown).Offset(1, 0).PasteSpecial)."""
    done = sheet_pass(state)
    moved = _replace_state(
        state, a=done.last_start[0], b=done.last_start[1], m=done.m, v=done.v, onesteps=state.onesteps + 1
    )
    if state.sheet == "basic":
        moved = _replace_state(moved, errors=(*state.errors, sheet_pass(moved).error))
    return moved


def run(state: SheetState, presses: int = 1) -> SheetState:
    """`presses` clicks of "run" (`somesteps`): five onesteps each, with adam_ann's annealing
    after each onestep (`anneal`)."""
    for _ in range(check_int(presses, "presses", min_value=0) * RUN_STEPS):
        state = anneal(onestep(state))
    return state


def anneal(state: SheetState) -> SheetState:
    """adam_ann's somesteps after each onestep (other sheets: unchanged):
    If Range("gradrat") > 2 Then Range("lr").Value = Range("lr").Value / 4, where gradrat is
    avg_grad2 / prev_grad2: √v_b + √v_a of the new top (N33) over its smallest value so far
    (N3); then If avg_grad2 < prev_grad2, avg_grad2 is pasted into prev_grad2."""
    if state.sheet != "adam_ann":
        return state
    root = _root_v(state.v)
    lr = state.lr / ANN_FACTOR if root / state.smallest > ANN_RATIO else state.lr
    return _replace_state(state, lr=lr, smallest=min(root, state.smallest))


def reset(sheet: str) -> SheetState:
    """The sheet's `reset` macro: a = b = 1, the sheet's learning rate, and the optimizer state
    warmed up as each sheet's macro does it (passes from a = b = 1 whose last m and v are
    pasted into the top; a and b stay 1)."""
    check_choice(sheet, "sheet", SHEETS)
    start = SheetState(sheet, *START, RESET_LR[sheet])
    if sheet == "basic":  # Range("rmses").Clear
        return start
    if sheet == "momentum":  # Range("momlast").Copy: Range("momtarget").PasteSpecial, once
        return _replace_state(start, m=sheet_pass(start).m)
    if sheet == "rmsprop":  # Range("ms_last").Copy: Range("gradtarget").PasteSpecial, twice
        return _replace_state(start, v=sheet_pass(_replace_state(start, v=sheet_pass(start).v)).v)
    if sheet == "adam":
        # the adam sheet's reset runs with automatic calculation: every paste recalculates the
        # sheet before the next copy, so ms_last, momlast, ms_last, momlast are four passes,
        # each starting from the state the previous paste left
        state = start
        for _ in range(2):
            state = _replace_state(state, v=sheet_pass(state).v)
            state = _replace_state(state, m=sheet_pass(state).m)
        return state
    # adam_ann: xlCalculationManual, so both pastes of a round copy the same pass; two rounds;
    # prev_grad2 takes avg_grad2 as calculated before the second round's paste (the √v of the
    # first warm-up pass's end)
    first = sheet_pass(start)
    second = sheet_pass(_replace_state(start, m=first.m, v=first.v))
    return _replace_state(start, m=second.m, v=second.v, smallest=_root_v(first.v))


def sheet_runs(sheet: str, presses: int = 1, *, state: SheetState | None = None) -> list[SheetPass]:
    """The pass the sheet shows after reset (or `state`) and after each onestep of `presses`
    runs: 5·presses + 1 passes, the last one the sheet as it is left."""
    current = reset(sheet) if state is None else state
    if current.sheet != sheet:
        raise ValueError(f"state is a {current.sheet!r} sheet's, not {sheet!r}")
    passes = [sheet_pass(current)]
    for _ in range(check_int(presses, "presses", min_value=0)):
        for _ in range(RUN_STEPS):
            current = anneal(onestep(current))
            passes.append(sheet_pass(current))
    return passes


def finite_differences(update: Update, h: float = 0.01) -> tuple[float, float]:
    """The basic sheet's columns H and J: forward differences of the row's squared error,
    (err(b + h) − err)/h and (err(a + h) − err)/h, in the sheet's float order. They are off by
    h in ∂/∂b and by h·x² in ∂/∂a: (r + h)² − r² = 2rh + h²."""
    h = check_number(h, "h", min_value=0.0)
    if h == 0.0:
        raise ValueError(f"h must be > 0, got {h!r}")
    err_b = ((update.b + h) + update.x * update.a - update.y) ** 2  # G: (((C4+0.01)+A4*D4)-B4)^2
    err_a = ((update.a + h) * update.x + update.b - update.y) ** 2  # I: (((D4+0.01)*A4+C4)-B4)^2
    return (err_a - update.err2) / h, (err_b - update.err2) / h


def _root_v(v: tuple[float, float]) -> float:
    """adam_ann's avg_grad2 (N33): =SQRT(L33)+SQRT(M33), v_b's root first."""
    return math.sqrt(v[1]) + math.sqrt(v[0])


def _sheet_stepper(state: SheetState, params: list[Value]) -> SheetBasic:
    if state.sheet == "basic":
        return SheetBasic(params, state.lr)
    if state.sheet == "momentum":
        return SheetMomentum(params, state.lr, m=state.m)
    if state.sheet == "rmsprop":
        return SheetRMSProp(params, state.lr, v=state.v)
    betas = ANN_BETAS if state.sheet == "adam_ann" else (BETA, BETA)
    return SheetAdam(params, state.lr, betas=betas, m=state.m, v=state.v)


def _replace_state(state: SheetState, **changes: object) -> SheetState:
    return dataclasses.replace(state, **changes)  # type: ignore[arg-type]


def _pair(x: object, name: str) -> tuple[float, float]:
    items = _list(x, name)
    if len(items) != 2:
        raise ValueError(f"{name} must hold 2 numbers (for a, for b), got {x!r}")
    return check_number(items[0], f"{name}[0]"), check_number(items[1], f"{name}[1]")


def _list(x: object, name: str) -> list[object]:
    if not isinstance(x, list):
        raise TypeError(f"{name} must be a list, got {x!r}")
    return x
