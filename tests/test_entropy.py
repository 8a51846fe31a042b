"""The entropy lesson against closed forms in plain floats (math.exp, math.log10)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, gradcheck
from chainrule.entropy import (
    CLASSES,
    LN10,
    PAIRS,
    SCORES,
    binary_cross_entropy_table,
    cross_entropy,
    one_hot_cross_entropy,
    softmax,
    softmax_table,
)

scores_lists = st.lists(st.floats(-30.0, 30.0), min_size=2, max_size=6)


def closed_form_softmax(scores: list[float]) -> list[float]:
    exps = [math.exp(s) for s in scores]
    return [e / sum(exps) for e in exps]


def test_the_sheets_softmax_columns() -> None:
    rows = softmax_table()
    assert [r.name for r in rows] == list(CLASSES) == ["cat", "dog", "plane", "fish", "building"]
    assert [r.exp for r in rows] == [math.exp(s) for s in SCORES]
    assert [r.probability for r in rows] == pytest.approx(closed_form_softmax(list(SCORES)), rel=1e-14)
    assert math.fsum(r.probability for r in rows) == pytest.approx(1.0, rel=1e-15)
    # fish has the largest score, and so the largest probability: 0.624
    assert max(rows, key=lambda r: r.probability).name == "fish"
    assert f"{rows[3].probability:.3f}" == "0.624"


@pytest.mark.parametrize("shift", [-5.0, 3.0, 100.0, 1000.0])
def test_adding_a_constant_to_every_score_leaves_softmax_unchanged(shift: float) -> None:
    plain = [r.probability for r in softmax_table()]
    shifted = softmax_table(shift=shift)
    assert [r.score for r in shifted] == [s + shift for s in SCORES]
    assert [r.probability for r in shifted] == pytest.approx(plain, rel=1e-12)
    if shift == 1000.0:  # e^1002 overflows: the sheet's exp column could not be computed
        assert shifted[3].exp == math.inf


def test_binary_cross_entropy_in_nats_and_in_the_sheets_base_10() -> None:
    rows = binary_cross_entropy_table()
    assert [(r.is_cat, r.p) for r in rows] == list(PAIRS)
    for r in rows:
        y, p = r.is_cat, r.p
        sheet = -(y * math.log10(p) + (1 - y) * math.log10(1 - p))  # Excel's LOG is base 10
        assert r.sheet == pytest.approx(sheet, rel=1e-14)
        assert r.natural == pytest.approx(-(y * math.log(p) + (1 - y) * math.log(1 - p)), rel=1e-14)
        assert r.natural / r.sheet == pytest.approx(math.log(10), rel=1e-14)
    # the label picks one log: a confident right answer is cheap, a confident wrong one dear
    assert [r.selected for r in rows] == ["−log p", "−log p", "−log(1 − p)", "−log(1 − p)", "−log p"]
    assert rows[2].sheet == pytest.approx(1.0, rel=1e-15)  # (0, 0.9): −log₁₀ 0.1
    assert rows[1].natural < rows[4].natural < rows[0].natural < rows[2].natural
    assert math.log(10) == LN10


@given(scores_lists, st.data())
def test_cross_entropy_is_an_index_lookup_with_gradient_p_minus_y(scores: list[float], data) -> None:
    target = data.draw(st.integers(0, len(scores) - 1))
    values = [Value(s) for s in scores]
    loss = cross_entropy(values, target)
    p = closed_form_softmax(scores)
    assert loss.data == pytest.approx(-math.log(p[target]), rel=1e-9, abs=1e-12)
    loss.backward()
    y = [1.0 if i == target else 0.0 for i in range(len(scores))]
    assert [v.grad for v in values] == pytest.approx([pi - yi for pi, yi in zip(p, y)], rel=1e-9, abs=1e-12)
    one_hot = one_hot_cross_entropy([Value(s) for s in scores], target)
    assert one_hot.data == pytest.approx(loss.data, rel=1e-9, abs=1e-12)


def test_cross_entropy_gradcheck_and_large_scores() -> None:
    assert gradcheck(lambda *s: cross_entropy(list(s), 1), [0.3, -1.2, 2.0])
    big = [Value(1000.0), Value(-1000.0), Value(999.0)]
    loss = cross_entropy(big, 2)  # log Σ e^s − s_2 with the max subtracted: no overflow
    assert loss.data == pytest.approx(math.log1p(math.exp(-1.0)) + 1.0, rel=1e-12)
    assert [p.data for p in softmax(big)] == pytest.approx(
        closed_form_softmax([0.0, -2000.0, -1.0]), rel=1e-12
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: softmax_table([]), ValueError, "scores is empty"),
        (lambda: softmax_table("123"), TypeError, "scores must be a list or tuple"),  # type: ignore[arg-type]
        (lambda: softmax_table([1.0, math.nan]), ValueError, "each score must be finite"),
        (lambda: softmax_table(shift=math.inf), ValueError, "shift must be finite"),
        (lambda: binary_cross_entropy_table([(2, 0.5)]), ValueError, "isCat must satisfy"),
        (lambda: binary_cross_entropy_table([(1, 1.0)]), ValueError, "p must satisfy"),
        (lambda: cross_entropy([Value(1.0), Value(2.0)], 2), ValueError, "target must satisfy"),
    ],
)
def test_bad_arguments(call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_the_softmax_is_the_sheets() -> None:
    # column D of the course workbook's `softmax` sheet, as Excel saved it
    sheet = [0.0804868121584522, 0.006542034042953974, 0.013677447712018329, 0.6243513671834672]
    sheet.append(0.27494233890310826)
    assert [r.probability for r in softmax_table()] == pytest.approx(sheet, rel=1e-14)
