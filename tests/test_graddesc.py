"""The graddesc lesson against the sheet's formulas written out again in plain floats."""

import math

import pytest

from autograd import Value
from autograd.errors import NonFiniteError
from chainrule.graddesc import OPTIMIZERS, Run, SheetMomentum, train
from nn.optim import SGD, Adam, RMSprop

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
        ({"optimizer": "basic", "rules": "torch"}, ValueError, "rules must be one of 'sheet', 'library'"),
        ({"optimizer": "basic", "epochs": 0}, ValueError, "epochs must satisfy 1 <= epochs"),
        ({"optimizer": "basic", "epochs": 2.0}, TypeError, "epochs must be an int"),
        ({"optimizer": "basic", "lr": -1.0}, ValueError, "lr must satisfy"),
        ({"optimizer": "basic", "lr": "0.1"}, TypeError, "lr must be a real number"),
    ],
)
def test_bad_arguments(kwargs, error, message) -> None:
    with pytest.raises(error, match=message):
        train(**kwargs)


def pytorch_rows(rule: str, epochs: int, lr: float) -> list[Row]:
    """PyTorch's documented updates (torch.optim) in plain floats, with the lesson's settings:
    SGD, SGD(momentum=0.9), RMSprop(alpha=0.9), Adam(betas=(0.9, 0.9)); eps = 1e-8."""
    beta, eps = 0.9, 1e-8
    params = [1.0, 1.0]
    buf: list[float | None] = [None, None]
    m, v = [0.0, 0.0], [0.0, 0.0]
    t = 0
    rows = []
    for _ in range(epochs):
        for x in SHEET_X:
            r = params[0] * x + params[1] - (2 * x + 30)
            g = [2 * r * x, 2 * r]
            t += 1
            new = []
            for i, (p, gi) in enumerate(zip(params, g, strict=True)):
                if rule == "basic":
                    new.append(p - lr * gi)
                elif rule == "momentum":  # the first step takes the gradient whole, no dampening
                    b = buf[i]
                    buf[i] = gi if b is None else beta * b + gi
                    new.append(p - lr * buf[i])  # type: ignore[operator]
                elif rule == "rmsprop":  # v first, then divide by √v + eps
                    v[i] = beta * v[i] + (1 - beta) * gi * gi
                    new.append(p - lr * gi / (math.sqrt(v[i]) + eps))
                else:  # adam, bias-corrected
                    m[i] = beta * m[i] + (1 - beta) * gi
                    v[i] = beta * v[i] + (1 - beta) * gi * gi
                    m_hat, v_hat = m[i] / (1 - beta**t), v[i] / (1 - beta**t)
                    new.append(p - lr * m_hat / (math.sqrt(v_hat) + eps))
            rows.append((params[0], params[1], g[0], g[1], new[0], new[1], r * r))
            params = new
    return rows


LIBRARY_LR = {"basic": 1e-4, "momentum": 1e-5, "rmsprop": 0.02, "adam": 0.5}


@pytest.mark.parametrize("rule", OPTIMIZERS)
def test_library_rules_follow_pytorchs_formulas(rule: str) -> None:
    run = train(rule, rules="library", epochs=5)
    assert run.lr == LIBRARY_LR[rule]
    for got, want in zip(lesson_rows(run), pytorch_rows(rule, 5, LIBRARY_LR[rule]), strict=True):
        assert got == pytest.approx(want, rel=1e-12, abs=0.0)


@pytest.mark.parametrize(
    ("rule", "make"),
    [
        ("basic", lambda ps: SGD(ps, lr=3e-5)),
        ("momentum", lambda ps: SGD(ps, lr=3e-5, momentum=0.9)),
        ("rmsprop", lambda ps: RMSprop(ps, lr=3e-5, alpha=0.9)),
        ("adam", lambda ps: Adam(ps, lr=3e-5, betas=(0.9, 0.9))),
    ],
)
def test_library_rules_are_nn_optim_stepped_by_hand(rule: str, make) -> None:
    run = train(rule, rules="library", epochs=2, lr=3e-5)
    assert [(u.new_a, u.new_b) for u in run.updates] == train_by_hand(make, {}, 2)


def test_the_library_and_the_sheet_differ_where_the_table_says() -> None:
    sheet = {name: lesson_rows(train(name, epochs=2)) for name in OPTIMIZERS}
    library = {name: lesson_rows(train(name, rules="library", epochs=2)) for name in OPTIMIZERS}
    # plain SGD is one formula in both
    assert library["basic"] == sheet["basic"]
    # no dampening: PyTorch's buffer is the sheet's m / (1 − β), so lr·(1 − β) = 1e-5 takes the same steps
    for got, want in zip(library["momentum"], sheet["momentum"], strict=True):
        assert got == pytest.approx(want, rel=1e-12)
    # dampening = β: the first step (the whole gradient) makes the difference
    dampened = train_by_hand(lambda ps: SGD(ps, lr=1e-4, momentum=0.9, dampening=0.9), {}, 1)
    assert dampened[0][0] - 1.0 == pytest.approx(10 * (sheet["momentum"][0][4] - 1.0), rel=1e-12)
    zero_start = train_by_hand(
        lambda ps: SGD(ps, lr=1e-4, momentum=0.9, dampening=0.9), {"momentum_buffer": 0.0}, 2
    )
    assert zero_start == [row[4:6] for row in sheet["momentum"]]  # to the last bit
    # RMSprop and Adam differ from the first step on
    for name in ("rmsprop", "adam"):
        assert library[name][0][4] != pytest.approx(sheet[name][0][4], rel=1e-3)
    # Adam's bias correction: the first step is lr·sign(g) (up to eps)
    assert library["adam"][0][4:6] == pytest.approx((1.5, 1.5), rel=1e-9)


def train_by_hand(make, state: dict[str, float], epochs: int) -> list[tuple[float, float]]:
    """(a, b) after each update of an nn.optim optimizer, its state preset for both parameters."""
    a, b = Value(1.0), Value(1.0)
    optimizer = make([a, b])
    for p in (a, b):
        optimizer.state[p].update(state)
    path = []
    for _ in range(epochs):
        for x in SHEET_X:
            optimizer.zero_grad()
            ((a * x + b - (2 * x + 30)) ** 2).backward()
            optimizer.step()
            path.append((a.data, b.data))
    return path


@pytest.mark.parametrize("rule", OPTIMIZERS)
def test_against_torch_optim_when_installed(rule: str) -> None:
    torch = pytest.importorskip("torch")
    lr = LIBRARY_LR[rule]
    params = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    if rule in ("basic", "momentum"):
        optimizer = torch.optim.SGD([params], lr=lr, momentum=0.9 if rule == "momentum" else 0.0)
    elif rule == "rmsprop":
        optimizer = torch.optim.RMSprop([params], lr=lr, alpha=0.9)
    else:
        optimizer = torch.optim.Adam([params], lr=lr, betas=(0.9, 0.9))
    path = []
    for _ in range(2):
        for x in SHEET_X:
            optimizer.zero_grad()
            ((params[0] * x + params[1] - (2 * x + 30)) ** 2).backward()
            optimizer.step()
            path.append(tuple(params.tolist()))
    run = train(rule, rules="library", epochs=2)
    flat = [x for u in run.updates for x in (u.new_a, u.new_b)]
    assert flat == pytest.approx([x for pair in path for x in pair], rel=1e-12)
