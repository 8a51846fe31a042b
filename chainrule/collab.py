"""Lesson 5's collaborative filtering: the course's crosstab, a dot-product model fitted to
it, and a look inside the fitted weights (`chainrule.embeddings`).

The `collab_filter` spreadsheet predicts each rating as the dot product of 5 user factors
and 5 movie factors (its `bias` sheet adds a bias per user and per movie) and lets Excel's
Solver minimise the root mean squared error over the rated cells. Here the engine computes
the gradients and an `nn.optim` optimizer takes the steps.
"""

from __future__ import annotations

import csv
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from autograd import Value
from autograd.errors import NonFiniteError
from autograd.validation import check_choice, check_int
from nn import BatchOutputs
from nn.collab import EmbeddingDotBias
from nn.data import Ratings, read_crosstab, split_ratings
from nn.init import Initializer, Normal, Uniform
from nn.optim import Optimizer, make_optimizer
from nn.schedule import OneCycle
from nn.train import MODES, check_mode
from nn.train import train_epochs as nn_train_epochs

__all__ = [
    "CROSSTAB",
    "LESSON_CROSSTAB",
    "MODES",
    "MOVIELENS",
    "OPTIMIZERS",
    "SOLVER_RMSE",
    "EpochRecord",
    "Fit",
    "FitSettings",
    "lesson_ratings",
    "predictions",
    "rmse",
    "solver_model",
    "squared_error",
    "start_fit",
    "steps_per_epoch",
    "train_epochs",
]


SOLVER_RMSE = {"dotprod": 0.3930154712865702, "bias": 0.3194674135586278}
"""The sheet's RMSE over the 206 rated cells after Excel's Solver: 5 factors, without and
with biases (cells V41 of `dotprod` and V42 of `bias`)."""


def _data_file(name: str) -> Path:
    return Path(str(resources.files("chainrule") / "data" / name))


LESSON_CROSSTAB = _data_file("collab_filter.csv")
"""The course's 15 × 15 crosstab (see chainrule/data/README.md for its source and terms)."""


def lesson_ratings() -> Ratings:
    """The spreadsheet's 206 ratings: 15 users × 15 movies, 19 blanks, the course's ids."""
    return read_crosstab(LESSON_CROSSTAB)


def solver_model(sheet: str = "dotprod") -> EmbeddingDotBias:
    """The model with the factors (and biases) Excel's Solver found on `sheet` ("dotprod" or
    "bias"), its users and movies numbered as in `lesson_ratings()`."""
    check_choice(sheet, "sheet", tuple(SOLVER_RMSE))
    ratings = lesson_ratings()
    model = EmbeddingDotBias(5, ratings.n_users, ratings.n_items, bias=sheet == "bias")
    rows = {"user": dict(zip(ratings.user_ids, range(ratings.n_users))),
            "movie": dict(zip(ratings.item_ids, range(ratings.n_items)))}  # fmt: skip
    with _data_file("collab_filter_solver.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["sheet"] != sheet:
                continue
            index = rows[row["kind"]][int(row["id"])]
            is_user = row["kind"] == "user"
            factors = (model.user_factors if is_user else model.item_factors).weight[index]
            for k, w in enumerate(factors):
                w.set_data(float(row[f"f{k + 1}"]))
            biases = model.user_bias if is_user else model.item_bias
            if biases is not None:
                biases.weight[index][0].set_data(float(row["bias"]))
    return model


def rmse(model: EmbeddingDotBias, ratings: Ratings) -> float:
    """Root mean squared error of the model's predictions over `ratings` (its graph traced
    once and replayed over all of them); nan when there are no ratings, inf when a diverging
    fit's errors square beyond a float or a prediction itself is not finite (the engine's
    error; numpy would warn on stderr; the next step's error says more)."""
    if not len(ratings):
        return math.nan
    try:
        predicted = predictions(model, ratings.users, ratings.items)
    except NonFiniteError:
        return math.inf
    errors = predicted - np.array(ratings.ratings)
    with np.errstate(over="ignore"):
        return math.sqrt(float(np.mean(errors * errors)))


def predictions(model: EmbeddingDotBias, users: Sequence[int], items: Sequence[int]) -> np.ndarray:
    """The model's predicted ratings for (users[k], items[k]) pairs, as `model` computes them
    (to rounding), all at once: its graph traced once and replayed over the pairs."""
    user_rows, item_rows = np.asarray(users, dtype=np.intp), np.asarray(items, dtype=np.intp)
    if not len(user_rows):
        return np.zeros(0)
    return BatchOutputs(model)(user_rows, item_rows)


_SHEETS_RAND = Uniform(0.0, 1.0)


@dataclass(frozen=True)
class FitSettings:
    """Everything a fit needs besides the ratings. The defaults fit the lesson's crosstab as the
    sheet's Solver does: 5 factors and biases, all 206 ratings, full batches; `MOVIELENS` holds
    the settings for the MovieLens files."""

    factors: int = 5
    bias: bool = True
    y_range: tuple[float, float] | None = None
    init: Initializer = _SHEETS_RAND  # uniform on [0, 1), as the sheet's RAND(); fastai: Normal(0.01)
    optimizer: str = "adam"
    lr: float = 0.2
    weight_decay: float = 0.0
    epochs: int = 600
    batch_size: int | None = None  # None: every step sees all the training ratings
    one_cycle: bool = False  # lr is then the cycle's peak (fastai's fit_one_cycle)
    valid_pct: float = 0.0
    seed: int = 0


CROSSTAB = FitSettings()
MOVIELENS = FitSettings(
    factors=10,
    y_range=(0.0, 5.5),
    init=Normal(0.01),
    lr=0.05,
    weight_decay=2e-4,
    epochs=6,
    batch_size=4096,
    one_cycle=True,
    valid_pct=0.2,
)
OPTIMIZERS = ("adam", "adamw", "sgd")
"""The optimizers `FitSettings.optimizer` names (`nn.optim.make_optimizer` makes them)."""


@dataclass
class Fit:
    """A fit under way: the model, the ratings it trains and validates on, and `epochs`, which
    trains one epoch per item it yields (see `start_fit`)."""

    model: EmbeddingDotBias
    optimizer: Optimizer
    train: Ratings
    valid: Ratings | None
    epochs: Iterator[EpochRecord]


def start_fit(
    ratings: Ratings, settings: FitSettings = CROSSTAB, *, mode: str = "tape", engine: str | None = None
) -> Fit:
    """Split `ratings` (`settings.valid_pct` held out), build the model and its optimizer, and
    return the fit ready to run: ``for record in fit.epochs: ...``."""
    train, valid = split_ratings(ratings, settings.valid_pct, seed=settings.seed)
    model = EmbeddingDotBias(
        settings.factors, ratings.n_users, ratings.n_items, bias=settings.bias, y_range=settings.y_range,
        init=settings.init, rng=settings.seed,
    )  # fmt: skip
    optimizer = make_optimizer(
        check_choice(settings.optimizer, "optimizer", OPTIMIZERS), model.parameters(), lr=settings.lr,
        weight_decay=settings.weight_decay,
    )  # fmt: skip
    schedule = None
    if settings.one_cycle:
        total = settings.epochs * steps_per_epoch(len(train), settings.batch_size)
        schedule = OneCycle(optimizer, settings.lr, max(1, total))
    records = train_epochs(
        model, optimizer, train, valid if len(valid) else None, epochs=settings.epochs,
        batch_size=settings.batch_size, seed=settings.seed, mode=check_mode(mode, engine), schedule=schedule,
    )  # fmt: skip
    return Fit(model, optimizer, train, valid if len(valid) else None, records)


@dataclass(frozen=True)
class EpochRecord:
    """After `epoch` epochs: RMSE over the training and the validation ratings (nan when there
    are none), and the seconds the epoch's training took."""

    epoch: int
    train_rmse: float
    valid_rmse: float
    seconds: float


def train_epochs(
    model: EmbeddingDotBias,
    optimizer: Optimizer,
    train: Ratings,
    valid: Ratings | None = None,
    *,
    epochs: int,
    batch_size: int | None = None,
    seed: int = 0,
    mode: str = "tape",
    schedule: OneCycle | None = None,
    engine: str | None = None,
) -> Iterator[EpochRecord]:
    """Train for `epochs` epochs through `nn.train`'s loop, yielding a record after each.

    A step is the mean squared error over a batch (all of `train` when `batch_size` is None,
    as the spreadsheet's Solver does; else batches of that size in a new seeded random order
    each epoch), its gradient, then the optimizer's step; a `schedule` (`nn.schedule.OneCycle`
    over `epochs · steps_per_epoch(...)` steps) sets the learning rate before each step.

    `mode` (its old name `engine` deprecated): "tape" traces one rating's loss once and
    replays it over each batch with numpy (each example's rows gathered, their gradients
    scatter-added); "dynamic" builds the graph of every rating at every step, as `backward()`
    always does. Both give the same numbers.
    """
    mode = check_mode(mode, engine)
    rng = random.Random(check_int(seed, "seed"))
    held_out = valid if valid else None
    for record in nn_train_epochs(
        model, optimizer, train, held_out, loss=squared_error, epochs=epochs, batch_size=batch_size,
        schedule=schedule, mode=mode, rng=rng, metrics={"rmse": rmse},
    ):  # fmt: skip
        valid_rmse = record.metrics["rmse"] if held_out is not None else math.nan
        yield EpochRecord(record.epoch, rmse(model, train), valid_rmse, record.seconds)


def squared_error(prediction: Value, rating: float) -> Value:
    """One rating's loss: (prediction − rating)²; a batch's mean of them is its MSE."""
    return (prediction - rating) ** 2


def steps_per_epoch(n_ratings: int, batch_size: int | None) -> int:
    """Optimizer steps in an epoch over `n_ratings` (one when `batch_size` is None)."""
    return 1 if batch_size is None else max(1, math.ceil(n_ratings / batch_size))
