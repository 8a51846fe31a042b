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

import math
from collections.abc import Sequence
from dataclasses import dataclass

from autograd import Value
from autograd.errors import NonFiniteError
from autograd.validation import check_choice, check_int, check_number
from nn.optim import SGD, Adam, Optimizer, RMSprop

__all__ = [
    "BETA",
    "DIFFERENCES",
    "LIBRARY_LEARNING_RATES",
    "LIBRARY_SETTINGS",
    "OPTIMIZERS",
    "RULES",
    "SHEET_LEARNING_RATES",
    "START",
    "TARGET",
    "Run",
    "SheetAdam",
    "SheetBasic",
    "SheetMomentum",
    "SheetRMSProp",
    "Update",
    "X",
    "Y",
    "default_lr",
    "library_optimizer",
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
LIBRARY_SETTINGS = {
    "basic": "SGD(lr)",
    "momentum": "SGD(lr, momentum=0.9)",
    "rmsprop": "RMSprop(lr, alpha=0.9)",
    "adam": "Adam(lr, betas=(0.9, 0.9))",
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


class SheetMomentum(SheetBasic):
    """The sheet's momentum: m ← β·m + (1 − β)·g, then p ← p − lr·m with the new m."""

    def __init__(self, params: Sequence[Value], lr: float, beta: float = BETA) -> None:
        super().__init__(params, lr)
        self.beta = beta
        self.m = [0.0] * len(self.params)

    def step(self) -> None:
        m = [self.beta * m + (1 - self.beta) * p.grad for m, p in zip(self.m, self.params, strict=True)]
        news = [p.data - self.lr * mi for p, mi in zip(self.params, m, strict=True)]
        _assign(self, news)
        self.m = m


class SheetRMSProp(SheetBasic):
    """The sheet's RMSProp: v ← β·v + (1 − β)·g², and p ← p − lr·g/√v with the v of the
    previous row (the one before this update), no ε."""

    def __init__(self, params: Sequence[Value], lr: float, beta: float = BETA, v0: float = SHEET_V0) -> None:
        super().__init__(params, lr)
        self.beta = beta
        self.v = [v0] * len(self.params)

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
    ) -> None:
        super().__init__(params, lr)
        self.betas = betas
        self.m = [0.0] * len(self.params)
        self.v = [v0] * len(self.params)

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
            a.grad = b.grad = 0.0
            loss = (a * x + b - y) ** 2
            loss.backward()
            before = (a.data, b.data, a.grad, b.grad)
            stepper.step()
            updates.append(
                Update(optimizer, epoch, step, float(x), float(y), *before, a.data, b.data, loss.data)
            )
    return Run(optimizer, rules, lr, tuple(updates))


def library_optimizer(optimizer: str, params: Sequence[Value], lr: float) -> Optimizer:
    """The `nn.optim` optimizer `rules="library"` runs for `optimizer` (`LIBRARY_SETTINGS`)."""
    check_choice(optimizer, "optimizer", OPTIMIZERS)
    if optimizer == "basic":
        return SGD(params, lr=lr)
    if optimizer == "momentum":
        return SGD(params, lr=lr, momentum=BETA)
    if optimizer == "rmsprop":
        return RMSprop(params, lr=lr, alpha=BETA)
    return Adam(params, lr=lr, betas=(BETA, BETA))


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
