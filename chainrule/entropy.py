"""The course's `entropy_example` sheet as a lesson: softmax, binary cross-entropy and
cross-entropy as an index lookup, on the engine.

- Softmax turns class scores into probabilities, p_i = e^{s_i} / Σ_j e^{s_j}: the sheet's
  columns output, exp, softmax for five classes (cat, dog, plane, fish, building). Adding the
  same constant c to every score multiplies each e^{s_i} and their sum by e^c, which cancels:
  the probabilities do not change (`softmax_table(shift=c)`).
- Binary cross-entropy of a label y ∈ {0, 1} (isCat) and a predicted probability p:
  −(y·log p + (1 − y)·log(1 − p)), i.e. −log p when y = 1 and −log(1 − p) when y = 0.
- Cross-entropy over classes: −Σ_i y_i·log p_i with a one-hot y keeps one term, so it is an
  index lookup, −log p[target].

The sheet writes Excel's `LOG`, which is base 10; the library (like PyTorch) uses the natural
log. The two differ by a constant factor: log₁₀ x = ln x / ln 10, so each of the sheet's
entropies is the library's divided by ln 10 ≈ 2.302585. Minimising either is the same
training problem; only the units (nats or "decimal digits") differ.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from autograd import Value
from autograd.validation import check_int, check_number, check_sequence
from nn import losses
from nn.losses import softmax

__all__ = [
    "CLASSES",
    "LN10",
    "PAIRS",
    "SCORES",
    "BinaryRow",
    "SoftmaxRow",
    "binary_cross_entropy_table",
    "cross_entropy",
    "one_hot_cross_entropy",
    "softmax",
    "softmax_table",
]

CLASSES = ("cat", "dog", "plane", "fish", "building")
SCORES = (
    0.021789294543326676,
    -2.488055919486013,
    -1.7505557283129267,
    2.070409245987718,
    1.2502573466234175,
)
"""The sheet's outputs (class scores) for "Image 1", in `CLASSES` order, as saved in the
course's entropy_example.xlsx (fastai/course-v3, files/xl; sheet `softmax`, cells B3:B7)."""
PAIRS = ((1, 0.5), (1, 0.98), (0, 0.9), (0, 0.5), (1, 0.9))
"""The sheet's (isCat, p) pairs: the label, and the predicted probability that it is a cat."""
_LARGEST_EXP = math.log(sys.float_info.max)
LN10 = math.log(10.0)
"""ln 10: a natural-log entropy divided by it is the sheet's base-10 one."""


@dataclass(frozen=True)
class SoftmaxRow:
    """One class of the softmax sheet: its score, e^score, and e^score / Σ e^score.

    `exp` is inf when e^score overflows a float (a score above ~709.78); the probability
    stays exact because `softmax` subtracts the largest score first."""

    name: str
    score: float
    exp: float
    probability: float


@dataclass(frozen=True)
class BinaryRow:
    """One (isCat, p) row: the binary cross-entropy in the library's natural log and in the
    sheet's base 10 (`natural / LN10`), and the term the label selects."""

    is_cat: int
    p: float
    natural: float
    sheet: float

    @property
    def selected(self) -> str:
        """Which log the label keeps: −log p for a cat, −log(1 − p) otherwise."""
        return "−log p" if self.is_cat else "−log(1 − p)"


def softmax_table(scores: Sequence[float] = SCORES, *, shift: float = 0.0) -> list[SoftmaxRow]:
    """The sheet's softmax columns for `scores` + `shift`, one row per class of `CLASSES`
    (scores beyond five are named class 6, class 7, …)."""
    floats = _scores(scores)
    shift = check_number(shift, "shift")
    shifted = [s + shift for s in floats]
    probabilities = softmax([Value(s) for s in shifted])  # the largest score subtracted first
    names = [*CLASSES, *(f"class {i + 1}" for i in range(len(CLASSES), len(floats)))]
    return [
        SoftmaxRow(name, s, math.exp(s) if s <= _LARGEST_EXP else math.inf, p.data)
        for name, s, p in zip(names, shifted, probabilities, strict=False)
    ]


def binary_cross_entropy_table(pairs: Sequence[tuple[int, float]] = PAIRS) -> list[BinaryRow]:
    """Binary cross-entropy of each (isCat, p) pair, in nats and in the sheet's base 10."""
    rows = []
    for pair in check_sequence(pairs, "pairs"):
        is_cat, p = check_sequence(pair, "each pair")
        is_cat = check_int(is_cat, "isCat", min_value=0, max_value=1)
        p = check_number(p, "p", min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True)
        natural = losses.binary_cross_entropy(Value(p), float(is_cat)).data
        rows.append(BinaryRow(is_cat, p, natural, natural / LN10))
    return rows


def cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """−log softmax(scores)[target], the index lookup: `nn.losses.cross_entropy`, which computes
    log Σ e^{s_j − s_target} with `autograd.logsumexp` (the largest subtracted first)."""
    target = check_int(target, "target", min_value=0, max_value=len(scores) - 1)
    return losses.cross_entropy(scores, target)


def one_hot_cross_entropy(scores: Sequence[Value], target: int) -> Value:
    """−Σ_i y_i·log p_i with y one-hot at `target`: every term but one is 0·log p_i."""
    target = check_int(target, "target", min_value=0, max_value=len(scores) - 1)
    terms = [-(1.0 if i == target else 0.0) * p.log() for i, p in enumerate(softmax(scores))]
    return sum(terms[1:], start=terms[0])


def _scores(scores: Sequence[float]) -> list[float]:
    items = check_sequence(scores, "scores")
    if not items:
        raise ValueError("scores is empty")
    return [check_number(s, "each score") for s in items]
