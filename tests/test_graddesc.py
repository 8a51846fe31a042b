"""The graddesc lesson against the sheet's formulas written out again in plain floats."""

import math

import pytest

from autograd.errors import NonFiniteError
from chainrule.graddesc import OPTIMIZERS, Run, SheetMomentum, train

# the sheet's data, typed in again: 29 points on y = 2x + 30
SHEET_X = [14, 86, 28, 51, 28, 29, 72, 62, 84, 15, 42, 62, 47, 35, 9, 38, 44, 99, 13, 21, 28, 20, 8, 64, 99]
SHEET_X += [70, 27, 17, 8]
SHEET_LR = {"basic": 1e-4, "momentum": 1e-4, "rmsprop": 0.02, "adam": 1.0}


Row = tuple[float, float, float, float, float, float, float]


def sheet_rows(
    rule: str, epochs: int, lr: float, *, one_minus_beta: float = 1 - 0.9, variant: str = ""
) -> list[Row]:
    """(a, b, ∂/∂a, ∂/∂b, new a, new b, err²) per update, by the sheet's recurrences in plain
    floats with the derivative written out: ∂(ax + b − y)²/∂a = 2(ax + b − y)·x."""
    a, b = 1.0, 1.0
    m_a = m_b = 0.0
    v_a = v_b = 10000.0
    rows = []
    for _ in range(epochs):
        for x in SHEET_X:
            y = 2 * x + 30
            r = a * x + b - y
            g_a, g_b = 2 * r * x, 2 * r
            if rule == "basic":
                new_a, new_b = a - lr * g_a, b - lr * g_b
            elif rule == "momentum":
                m_a = 0.9 * m_a + one_minus_beta * g_a
                m_b = 0.9 * m_b + one_minus_beta * g_b
                new_a, new_b = a - lr * m_a, b - lr * m_b
            elif rule == "rmsprop":
                if variant == "current v":  # the usual RMSProp: update v first
                    v_a = 0.9 * v_a + one_minus_beta * g_a**2
                    v_b = 0.9 * v_b + one_minus_beta * g_b**2
                new_a = a - lr * g_a / math.sqrt(v_a)  # the previous row's v
                new_b = b - lr * g_b / math.sqrt(v_b)
                if variant != "current v":
                    v_a = 0.9 * v_a + one_minus_beta * g_a**2
                    v_b = 0.9 * v_b + one_minus_beta * g_b**2
            else:  # adam
                m_a = 0.9 * m_a + one_minus_beta * g_a
                m_b = 0.9 * m_b + one_minus_beta * g_b
                v_a = 0.9 * v_a + one_minus_beta * g_a**2
                v_b = 0.9 * v_b + one_minus_beta * g_b**2
                new_a = a - lr * m_a / math.sqrt(v_a)
                new_b = b - lr * m_b / math.sqrt(v_b)
            rows.append((a, b, g_a, g_b, new_a, new_b, r * r))
            a, b = new_a, new_b
    return rows


def lesson_rows(run: Run) -> list[Row]:
    return [(u.a, u.b, u.de_da, u.de_db, u.new_a, u.new_b, u.err2) for u in run.updates]


@pytest.mark.parametrize("rule", OPTIMIZERS)
def test_sheet_rules_follow_the_sheets_recurrences(rule: str) -> None:
    run = train(rule, epochs=3)
    assert run.lr == SHEET_LR[rule]
    expected = sheet_rows(rule, 3, SHEET_LR[rule])
    assert len(run.updates) == len(expected) == 3 * 29
    for got, want in zip(lesson_rows(run), expected, strict=True):
        assert got == pytest.approx(want, rel=1e-12, abs=0.0)
    # the points, in the sheet's order, epoch after epoch, steps numbered from 1
    seam = [(u.epoch, u.step, u.x, u.y) for u in run.updates[28:30]]
    assert seam == [(1, 29, 8.0, 46.0), (2, 1, 14.0, 58.0)]


def test_the_first_row_by_hand() -> None:
    # a = b = 1 at x = 14, y = 58: error 15 − 58 = −43, ∂/∂b = −86, ∂/∂a = −86·14 = −1204
    first = train("basic", epochs=1).updates[0]
    assert (first.err2, first.de_da, first.de_db) == (1849.0, -1204.0, -86.0)
    assert (first.new_a, first.new_b) == pytest.approx((1.1204, 1.0086), rel=1e-15)
    # RMSProp's first step divides by √10000 = 100, the starting v
    first = train("rmsprop", epochs=1).updates[0]
    assert (first.new_a, first.new_b) == pytest.approx((1 + 0.02 * 12.04, 1 + 0.02 * 0.86), rel=1e-15)


@pytest.mark.parametrize("rule", ["momentum", "rmsprop", "adam"])
def test_one_minus_beta_is_the_sheets_float(rule: str) -> None:
    # the sheet computes 1 − 0.9 = 0.09999999999999998; 0.1 would give other last digits
    # to the last bit (the parameters and gradients: err² is the engine's power, 1 ulp off r·r)
    run = [row[:6] for row in lesson_rows(train(rule, epochs=5))]
    assert run == [row[:6] for row in sheet_rows(rule, 5, SHEET_LR[rule])]
    assert run != [row[:6] for row in sheet_rows(rule, 5, SHEET_LR[rule], one_minus_beta=0.1)]


def test_rmsprop_divides_by_the_previous_rows_v() -> None:
    # the check above can fail: the usual order (v first) gives other numbers from the first row on
    run = lesson_rows(train("rmsprop", epochs=1))
    usual = sheet_rows("rmsprop", 1, 0.02, variant="current v")
    assert run[0][4] != pytest.approx(usual[0][4], rel=1e-6)


def test_errors_per_epoch_are_the_root_of_the_summed_squared_errors() -> None:
    run = train("adam", epochs=2)
    rows = sheet_rows("adam", 2, 1.0)
    expected = [math.sqrt(sum(r[6] for r in rows[:29])), math.sqrt(sum(r[6] for r in rows[29:]))]
    assert run.epoch_errors() == pytest.approx(expected, rel=1e-12)
    assert run.final == pytest.approx(rows[-1][4:6], rel=1e-12)


def test_every_optimizer_gets_closer_to_the_line() -> None:
    for rule in OPTIMIZERS:
        errors = train(rule, epochs=2).epoch_errors()
        assert errors[1] < errors[0], rule


def test_a_learning_rate_too_large_is_an_error_not_inf() -> None:
    with pytest.raises(OverflowError, match="overflow"):  # the engine's error, at the op
        train("basic", lr=1.0, epochs=5)


def test_a_diverging_update_changes_nothing() -> None:
    from autograd import Value

    a, b = Value(1.0, label="a"), Value(1.0, label="b")
    a.grad, b.grad = 1.0, 1e308
    rule = SheetMomentum([a, b], lr=-1e308)
    with pytest.raises(NonFiniteError, match="update of b"):
        rule.step()
    assert (a.data, b.data, rule.m) == (1.0, 1.0, [0.0, 0.0])


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"optimizer": "sgd"}, ValueError, "optimizer must be one of"),
        ({"optimizer": "basic", "rules": "torch"}, ValueError, "rules must be one of"),
        ({"optimizer": "basic", "epochs": 0}, ValueError, "epochs must satisfy 1 <= epochs"),
        ({"optimizer": "basic", "epochs": 2.0}, TypeError, "epochs must be an int"),
        ({"optimizer": "basic", "lr": -1.0}, ValueError, "lr must satisfy"),
        ({"optimizer": "basic", "lr": "0.1"}, TypeError, "lr must be a real number"),
    ],
)
def test_bad_arguments(kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        train(**kwargs)
