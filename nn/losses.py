"""Losses with PyTorch's names and reductions, built from engine ops only.

Outputs (logits, probabilities) are Values, targets plain numbers (or, inside
`autograd.trace`, integer inputs for `cross_entropy` and `nll_loss`). Nothing here reads a
Value's `.data`: the largest logit of a log-sum-exp comes from the engine's `maximum` and a
class lookup from `select`, so every loss traces onto the compiled tape. Each `reduction` is
PyTorch's: ``"mean"`` (default) over the examples, ``"sum"``, or ``"none"`` (one loss per
example).

Where we differ from PyTorch, to give an error instead of a clamped number:
`binary_cross_entropy` of a probability of exactly 0 or 1 against the opposite target is a
`DomainError` (PyTorch clamps log at −100); use `binary_cross_entropy_with_logits`, exact
at logits of ±1000.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, overload

from autograd import Value, logsumexp, select
from autograd._logsumexp import largest
from autograd.validation import check_choice, check_number, is_number

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "half_squared_errors",
    "l2_loss",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "softmax",
]

REDUCTIONS = ("mean", "sum", "none")
Reduced = Literal["mean", "sum"]


def half_squared_errors(outputs: Sequence[Value], targets: Sequence[float]) -> list[Value]:
    """The course's per-output errors ½(t − a)², one Value per output."""
    outputs, floats = _pairs(outputs, targets)
    return [0.5 * (t - a) ** 2 for a, t in zip(outputs, floats, strict=True)]


def l2_loss(outputs: Sequence[Value], targets: Sequence[float]) -> Value:
    """The course's error E = Σ ½(t − a)²."""
    return _total(half_squared_errors(outputs, targets))


@overload
def mse_loss(outputs: Sequence[Value], targets: Sequence[float], reduction: Reduced = "mean") -> Value: ...
@overload
def mse_loss(
    outputs: Sequence[Value], targets: Sequence[float], reduction: Literal["none"]
) -> list[Value]: ...


def mse_loss(outputs: Sequence[Value], targets: Sequence[float], reduction: str = "mean") -> Any:
    """Squared errors (t − a)², PyTorch's `mse_loss`: their mean (default), sum, or the list."""
    outputs, floats = _pairs(outputs, targets)
    return _reduce([(t - a) ** 2 for a, t in zip(outputs, floats, strict=True)], reduction)


def softmax(logits: Sequence[Value]) -> list[Value]:
    """e^{x_i} / Σ_j e^{x_j}, the largest logit subtracted first (exact for logits of ±1000:
    the result is the same by shift invariance, and no exp overflows)."""
    exps = [z.exp() for z in _shifted(_logits(logits))]
    total = _total(exps)
    return [e / total for e in exps]


def log_softmax(logits: Sequence[Value]) -> list[Value]:
    """log softmax(x)_i = (x_i − m) − log Σ_j e^{x_j − m} with m the largest logit: exact for
    logits of ±1000, where log(softmax(x)) would take the log of an underflowed 0."""
    shifted = _shifted(_logits(logits))
    log_sum = _total([z.exp() for z in shifted]).log()
    return [z - log_sum for z in shifted]


@overload
def nll_loss(log_probs: Sequence[Value], target: Any, reduction: str = "mean") -> Value: ...
@overload
def nll_loss(
    log_probs: Sequence[Sequence[Value]], target: Sequence[Any], reduction: Reduced = "mean"
) -> Value: ...
@overload
def nll_loss(
    log_probs: Sequence[Sequence[Value]], target: Sequence[Any], reduction: Literal["none"]
) -> list[Value]: ...


def nll_loss(log_probs: Sequence[Any], target: Any, reduction: str = "mean") -> Any:
    """−log_probs[target], PyTorch's `nll_loss`: for one example (a list of log-probabilities and
    a class index) or a batch (a list of such lists and a list of indices), reduced over the
    batch. The lookup is `autograd.select`, so the index may be a traced integer input."""
    check_choice(reduction, "reduction", REDUCTIONS)
    if _is_batch(log_probs):
        targets = _batch_targets(log_probs, target)
        return _reduce(
            [-select(_logits(row), t) for row, t in zip(log_probs, targets, strict=True)], reduction
        )
    return -select(_logits(log_probs), target)


@overload
def cross_entropy(logits: Sequence[Value], target: Any, reduction: str = "mean") -> Value: ...
@overload
def cross_entropy(
    logits: Sequence[Sequence[Value]], target: Sequence[Any], reduction: Reduced = "mean"
) -> Value: ...
@overload
def cross_entropy(
    logits: Sequence[Sequence[Value]], target: Sequence[Any], reduction: Literal["none"]
) -> list[Value]: ...


def cross_entropy(logits: Sequence[Any], target: Any, reduction: str = "mean") -> Any:
    """−log softmax(logits)[target], PyTorch's `cross_entropy`: for one example (a list of
    logits and a class index) or a batch (a list of such lists and a list of indices).

    Computed as `autograd.logsumexp` of x_j − x_target, so exact at ±1000, and the textbook
    log Σ_j e^{x_j − m} bit for bit when the target is the largest logit; its gradient with
    respect to each logit is p_i − y_i (y one-hot at the target). The lookup is
    `autograd.select`: under `autograd.trace` the target may be an integer input."""
    check_choice(reduction, "reduction", REDUCTIONS)
    if _is_batch(logits):
        targets = _batch_targets(logits, target)
        return _reduce([_cross_entropy(row, t) for row, t in zip(logits, targets, strict=True)], reduction)
    return _cross_entropy(logits, target)


@overload
def binary_cross_entropy(prob: Value, target: float, reduction: str = "mean") -> Value: ...
@overload
def binary_cross_entropy(
    prob: Sequence[Value], target: Sequence[float], reduction: Reduced = "mean"
) -> Value: ...
@overload
def binary_cross_entropy(
    prob: Sequence[Value], target: Sequence[float], reduction: Literal["none"]
) -> list[Value]: ...


def binary_cross_entropy(prob: Any, target: Any, reduction: str = "mean") -> Any:
    """−(t·log p + (1 − t)·log(1 − p)), PyTorch's `binary_cross_entropy`, for one probability
    and target or lists of them (reduced). A target of exactly 0 or 1 drops the other term, so
    a confident right answer (p = 1 for t = 1) costs 0 and a confident wrong one is an error."""
    check_choice(reduction, "reduction", REDUCTIONS)
    if isinstance(prob, Value) or is_number(prob):
        return _binary_cross_entropy(_value(prob, "prob"), _target(target))
    probs, targets = _pairs(prob, target, name="prob")
    return _reduce([_binary_cross_entropy(p, t) for p, t in zip(probs, targets, strict=True)], reduction)


@overload
def binary_cross_entropy_with_logits(logit: Value, target: float, reduction: str = "mean") -> Value: ...
@overload
def binary_cross_entropy_with_logits(
    logit: Sequence[Value], target: Sequence[float], reduction: Reduced = "mean"
) -> Value: ...
@overload
def binary_cross_entropy_with_logits(
    logit: Sequence[Value], target: Sequence[float], reduction: Literal["none"]
) -> list[Value]: ...


def binary_cross_entropy_with_logits(logit: Any, target: Any, reduction: str = "mean") -> Any:
    """binary_cross_entropy(σ(x), t) computed stably as softplus(x) − t·x (PyTorch's
    `binary_cross_entropy_with_logits`): exact at logits of ±1000, gradient σ(x) − t."""
    check_choice(reduction, "reduction", REDUCTIONS)
    if isinstance(logit, Value) or is_number(logit):
        return _bce_with_logits(_value(logit, "logit"), _target(target))
    logits, targets = _pairs(logit, target, name="logit")
    return _reduce([_bce_with_logits(x, t) for x, t in zip(logits, targets, strict=True)], reduction)


# ---- one example ----


def _cross_entropy(logits: Sequence[Value], target: Any) -> Value:
    """log Σ_j e^{x_j − x_t}: −log softmax(x)_t with every logit measured from the target's
    (when x_t is the largest, logsumexp's own shift is 0, so no rounding is added to the small
    loss of a right answer); logsumexp's shift keeps any other exact at ±1000. On a tape: a
    selection, a subtraction, one fused step."""
    xs = _logits(logits)
    picked: Value = select(xs, target)
    return logsumexp([z - picked for z in xs])


def _binary_cross_entropy(p: Value, t: float | Value) -> Value:
    if isinstance(t, Value):  # a traced target: both terms, no branch on its value
        return -(t * p.log() + (1.0 - t) * (-p).log1p())
    if t == 1.0:
        return -p.log()
    if t == 0.0:
        return -(-p).log1p()
    return -(t * p.log() + (1.0 - t) * (-p).log1p())


def _bce_with_logits(x: Value, t: float | Value) -> Value:
    return x.softplus() - t * x


# ---- checks and helpers ----


def _shifted(logits: list[Value]) -> list[Value]:
    """x_i − m with m the largest (`autograd._logsumexp.largest`): no exp of them exceeds 1."""
    m = largest(logits)
    return [z - m for z in logits]


def _logits(x: object, name: str = "logits") -> list[Value]:
    """`x` if it is a non-empty list of Values (a plain number would have no gradient)."""
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence) or not x:
        raise TypeError(f"{name} must be a non-empty list of Values, got {type(x).__name__}: {x!r}")
    for i, z in enumerate(x):
        if not isinstance(z, Value):
            raise TypeError(
                f"{name} must be a non-empty list of Values, got {type(z).__name__} {z!r} at position {i}"
            )
    return list(x)


def _value(x: object, name: str) -> Value:
    """`x` if it is a Value: a float output would give a float loss with nothing to backpropagate."""
    if not isinstance(x, Value):
        raise TypeError(f"{name} must be a Value, got {type(x).__name__}: {x!r}")
    return x


def _target(t: object) -> float | Value:
    """A target probability in [0, 1], or a traced Value."""
    if isinstance(t, Value):
        return t
    return check_number(t, "target", min_value=0.0, max_value=1.0)


def _is_batch(x: object) -> bool:
    return (
        isinstance(x, Sequence)
        and bool(x)
        and not isinstance(x[0], (Value, str, bytes))
        and isinstance(x[0], Sequence)
    )


def _batch_targets(rows: Sequence[Any], target: object) -> Sequence[Any]:
    if isinstance(target, (str, bytes)) or not isinstance(target, Sequence) or len(target) != len(rows):
        raise ValueError(
            f"a batch of {len(rows)} examples needs a list of {len(rows)} target indices, got {target!r}"
        )
    return target


def _pairs(outputs: object, targets: object, name: str = "outputs") -> tuple[list[Value], list[Any]]:
    """(outputs, targets) as lists of equal, non-zero length: outputs Values, targets numbers."""
    if isinstance(outputs, Value):
        raise TypeError(
            f"{name} must be a list of Values, got one Value: {outputs!r}; pass the model's whole output "
            "(a layer returns a list), or wrap one: [out]"
        )
    if isinstance(outputs, (str, bytes)) or not isinstance(outputs, Sequence):
        raise TypeError(f"{name} must be a list of Values, got {type(outputs).__name__}: {outputs!r}")
    if is_number(targets):
        kind = type(targets).__name__
        raise TypeError(
            f"targets must be a list of numbers, got one {kind}: {targets!r}; write [{targets!r}]"
        )
    if isinstance(targets, (str, bytes)) or not isinstance(targets, Sequence):
        raise TypeError(f"targets must be a list of numbers, got {type(targets).__name__}: {targets!r}")
    for a in outputs:  # a float here would give a float loss with nothing to backpropagate
        if not isinstance(a, Value):
            raise TypeError(f"{name} must be Values, got {type(a).__name__}: {a!r}")
    if len(outputs) != len(targets) or not outputs:
        raise ValueError(
            f"need as many targets as {name} (at least one), got {len(outputs)} {name} "
            f"and {len(targets)} targets: {targets!r}"
        )
    floats = [t if isinstance(t, Value) else check_number(t, "each target") for t in targets]
    return list(outputs), floats


def _total(terms: list[Value]) -> Value:
    """Σ terms, without a leading 0 node."""
    return sum(terms[1:], start=terms[0])


def _reduce(losses: list[Value], reduction: str) -> Any:
    check_choice(reduction, "reduction", REDUCTIONS)
    if reduction == "none":
        return losses
    total = _total(losses)
    return total / len(losses) if reduction == "mean" else total
