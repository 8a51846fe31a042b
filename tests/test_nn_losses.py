import math
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck, trace
from autograd.errors import DomainError
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_squared_errors,
    l2_loss,
    log_softmax,
    mse_loss,
    nll_loss,
    softmax,
)

OUTPUTS = (0.7, -0.2, 1.5)
TARGETS = (1.0, 0.0, 0.5)


def _leaves() -> list[Value]:
    return [Value(a) for a in OUTPUTS]


def test_half_squared_errors_and_l2_loss_match_the_formula() -> None:
    errors = half_squared_errors(_leaves(), TARGETS)
    expected = [0.5 * (t - a) ** 2 for a, t in zip(OUTPUTS, TARGETS, strict=True)]
    assert [e.data for e in errors] == pytest.approx(expected, rel=1e-15)
    assert l2_loss(_leaves(), TARGETS).data == pytest.approx(sum(expected), rel=1e-15)


def test_l2_loss_gradient_is_output_minus_target() -> None:
    outputs = _leaves()
    l2_loss(outputs, TARGETS).backward()
    assert [a.grad for a in outputs] == pytest.approx([a - t for a, t in zip(OUTPUTS, TARGETS)], rel=1e-15)


def test_mse_loss_value_and_gradient() -> None:
    outputs = _leaves()
    loss = mse_loss(outputs, TARGETS)
    loss.backward()
    n = len(OUTPUTS)
    assert loss.data == pytest.approx(sum((t - a) ** 2 for a, t in zip(OUTPUTS, TARGETS)) / n, rel=1e-15)
    assert [a.grad for a in outputs] == pytest.approx(
        [2.0 * (a - t) / n for a, t in zip(OUTPUTS, TARGETS)], rel=1e-15
    )


def test_a_single_output_is_one_error_term() -> None:
    (a,) = outputs = [Value(0.25)]
    loss = l2_loss(outputs, [1.0])
    assert loss.data == 0.5 * 0.75**2
    assert loss.op == "*"  # ½·(t − a)²: no sum around a single term
    assert a in {n for c in loss.children for n in c.children[0].children}


@pytest.mark.parametrize("loss", [l2_loss, mse_loss, half_squared_errors])
def test_mismatched_lengths_are_an_error(loss: object) -> None:
    with pytest.raises(ValueError, match=r"2 outputs and 3 targets"):
        loss([Value(0.1), Value(0.2)], [0.0, 1.0, 0.5])  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"0 outputs"):
        loss([], [])  # type: ignore[operator]


@pytest.mark.parametrize("loss", [l2_loss, mse_loss, half_squared_errors])
def test_plain_number_outputs_are_an_error_not_a_float_loss(loss: object) -> None:
    with pytest.raises(TypeError, match=r"outputs must be Values, got float: 0\.5"):
        loss([Value(0.1), 0.5], [0.0, 1.0])  # type: ignore[operator]


# ---- softmax, log_softmax, cross-entropy, nll, binary cross-entropy (PyTorch's names) ----

logit_lists = st.lists(st.floats(-30, 30), min_size=2, max_size=6)


def _softmax(xs: list[float]) -> list[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = math.fsum(exps)
    return [e / total for e in exps]


@given(logit_lists)
def test_softmax_and_log_softmax_match_the_closed_form(xs) -> None:
    p = _softmax(xs)
    assert [v.data for v in softmax([Value(x) for x in xs])] == pytest.approx(p, rel=1e-12, abs=1e-300)
    m = max(xs)
    lse = m + math.log(math.fsum(math.exp(x - m) for x in xs))
    assert [v.data for v in log_softmax([Value(x) for x in xs])] == pytest.approx(
        [x - lse for x in xs], rel=1e-12, abs=1e-12
    )


def test_log_softmax_is_exact_at_plus_minus_1000() -> None:
    out = [v.data for v in log_softmax([Value(1000.0), Value(-1000.0), Value(0.0)])]
    assert out == [0.0, -2000.0, -1000.0]
    assert [v.data for v in softmax([Value(1000.0), Value(-1000.0)])] == [1.0, 0.0]


@given(logit_lists.flatmap(lambda xs: st.tuples(st.just(xs), st.integers(0, len(xs) - 1))))
def test_cross_entropy_gradient_is_p_minus_y(case) -> None:
    xs, target = case
    logits = [Value(x) for x in xs]
    cross_entropy(logits, target).backward()
    y = [1.0 if i == target else 0.0 for i in range(len(xs))]
    assert [z.grad for z in logits] == pytest.approx([pi - yi for pi, yi in zip(_softmax(xs), y)], abs=1e-12)


@pytest.mark.parametrize("loss", [cross_entropy, lambda xs, t: nll_loss(log_softmax(xs), t)])
def test_cross_entropy_and_nll_pass_gradcheck(loss) -> None:
    assert gradcheck(lambda a, b, c: loss([a, b, c], 2), [0.3, -1.2, 2.0])


def test_batches_and_reductions() -> None:
    rows = [[0.5, -1.0, 2.0], [3.0, 0.0, -2.0]]
    targets = [2, 1]
    each = [cross_entropy([Value(x) for x in row], t).data for row, t in zip(rows, targets)]
    batch = [[Value(x) for x in row] for row in rows]
    assert [v.data for v in cross_entropy(batch, targets, reduction="none")] == each
    assert cross_entropy(batch, targets, reduction="sum").data == each[0] + each[1]
    assert cross_entropy(batch, targets).data == (each[0] + each[1]) / 2
    logp = [log_softmax(row) for row in batch]
    assert nll_loss(logp, targets).data == pytest.approx((each[0] + each[1]) / 2, rel=1e-15)
    assert nll_loss(logp[0], 2).data == pytest.approx(each[0], rel=1e-15)
    with pytest.raises(ValueError, match="reduction must be one of 'mean', 'sum', 'none'; got 'avg'"):
        cross_entropy(batch, targets, reduction="avg")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="list of 2 target indices"):
        cross_entropy(batch, 1)  # type: ignore[arg-type]
    assert [v.data for v in mse_loss([Value(1.0), Value(2.0)], [0.0, 0.0], reduction="none")] == [1.0, 4.0]
    assert mse_loss([Value(1.0), Value(2.0)], [0.0, 0.0], reduction="sum").data == 5.0


@given(st.floats(0.001, 0.999), st.floats(0.0, 1.0))
def test_binary_cross_entropy_matches_the_closed_form(p, t) -> None:
    prob = Value(p)
    loss = binary_cross_entropy(prob, t)
    loss.backward()
    assert loss.data == pytest.approx(-(t * math.log(p) + (1 - t) * math.log1p(-p)), rel=1e-12, abs=1e-15)
    assert prob.grad == pytest.approx((p - t) / (p * (1 - p)), rel=1e-9, abs=1e-12)


@given(st.floats(-50, 50), st.floats(0.0, 1.0))
def test_bce_with_logits_is_bce_of_the_sigmoid_and_its_gradient_is_sigma_minus_t(x, t) -> None:
    logit = Value(x)
    loss = binary_cross_entropy_with_logits(logit, t)
    loss.backward()
    sigma = 1.0 / (1.0 + math.exp(-x))
    softplus = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
    assert loss.data == pytest.approx(softplus - t * x, rel=1e-12, abs=1e-12)
    assert logit.grad == pytest.approx(sigma - t, rel=1e-12, abs=1e-15)


def test_bce_with_logits_is_exact_at_plus_minus_1000() -> None:
    cases = [(1000.0, 1.0, 0.0), (-1000.0, 0.0, 0.0), (1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0)]
    for x, t, want in cases:
        assert binary_cross_entropy_with_logits(Value(x), t).data == want
    xs = [Value(1000.0), Value(-1000.0)]
    assert binary_cross_entropy_with_logits(xs, [1.0, 0.0]).data == 0.0


def test_binary_cross_entropy_of_a_certain_answer() -> None:
    assert binary_cross_entropy(Value(1.0), 1).data == 0.0
    assert binary_cross_entropy(Value(0.0), 0).data == 0.0
    with pytest.raises(DomainError, match="log"):
        binary_cross_entropy(Value(0.0), 1)  # PyTorch clamps to 100; here the error says why
    probs = [Value(0.9), Value(0.2)]
    assert binary_cross_entropy(probs, [1, 0], reduction="sum").data == pytest.approx(
        -math.log(0.9) - math.log(0.8), rel=1e-15
    )


def test_losses_trace_onto_the_tape_with_the_same_numbers() -> None:
    w = [Value(0.5), Value(-1.0), Value(2.0)]

    def loss(x: Value, target: int) -> Value:
        logits = [wi * x for wi in w]
        return nll_loss(log_softmax(logits), target) + binary_cross_entropy_with_logits(logits[0], 1.0)

    tape = trace(loss, 0.3, 1)
    xs, targets = np.array([0.3, -2.0, 1.5]), np.array([1, 0, 2])
    dynamic = [loss(Value(float(x)), int(t)).data for x, t in zip(xs, targets)]
    assert tape(xs, targets) == pytest.approx(np.mean(dynamic), rel=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "shown"),
    [
        (lambda: softmax(Value(1.0)), TypeError, "logits must be a non-empty list of Values"),  # type: ignore[arg-type]
        (lambda: log_softmax([1.0, 2.0]), TypeError, "got float 1.0 at position 0"),  # type: ignore[list-item]
        (lambda: binary_cross_entropy(Value(0.5), 2.0), ValueError, "target must satisfy"),
        (lambda: binary_cross_entropy(0.5, 1.0), TypeError, "prob must be a Value"),  # type: ignore[call-overload]
        (lambda: binary_cross_entropy_with_logits([Value(0.5)], [1.0, 0.0]), ValueError, "1 logit"),
    ],
)
def test_bad_loss_arguments(call, error, shown) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        call()
