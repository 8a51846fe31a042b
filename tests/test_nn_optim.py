"""nn.optim against PyTorch's documented update formulas, written again here in plain floats,
and against torch.optim itself when torch is installed."""

import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pytest

from autograd import Value
from autograd.errors import NonFiniteError
from nn import MLP
from nn.optim import SGD, Adam, AdamW, Optimizer, RMSprop

START = (0.5, -1.5, 2.0)
STEPS = 60
Floats = list[float]


def _loss(a: Any, b: Any, c: Any) -> Any:
    """A coupled, non-quadratic problem; written once for Values and torch tensors alike."""
    return (a * b - 1.0) ** 2 + 0.1 * (a - 2.0) ** 2 + 0.05 * b**4 + 0.3 * (c + 0.5) ** 2


def _grad(x: Floats) -> Floats:
    a, b, c = x
    return [2.0 * (a * b - 1.0) * b + 0.2 * (a - 2.0), 2.0 * (a * b - 1.0) * a + 0.2 * b**3, 0.6 * (c + 0.5)]


# ---- the reference: PyTorch's documented formulas, one list of floats per quantity ----


def _ref_sgd(lr: float, momentum=0.0, dampening=0.0, weight_decay=0.0, nesterov=False) -> list[Floats]:
    x, buf, path = list(START), None, []
    for _ in range(STEPS):
        g = [gi + weight_decay * xi for gi, xi in zip(_grad(x), x)]
        if momentum != 0.0:
            buf = g if buf is None else [momentum * bi + (1.0 - dampening) * gi for bi, gi in zip(buf, g)]
            g = [gi + momentum * bi for gi, bi in zip(g, buf)] if nesterov else buf
        x = [xi - lr * gi for xi, gi in zip(x, g)]
        path.append(x)
    return path


def _ref_rmsprop(
    lr=0.01, alpha=0.99, eps=1e-8, weight_decay=0.0, momentum=0.0, centered=False
) -> list[Floats]:
    x, path = list(START), []
    v, g_ave, buf = [0.0] * 3, [0.0] * 3, [0.0] * 3
    for _ in range(STEPS):
        g = [gi + weight_decay * xi for gi, xi in zip(_grad(x), x)]
        v = [alpha * vi + (1.0 - alpha) * gi**2 for vi, gi in zip(v, g)]
        v_tilde = v
        if centered:
            g_ave = [alpha * ai + (1.0 - alpha) * gi for ai, gi in zip(g_ave, g)]
            v_tilde = [vi - ai**2 for vi, ai in zip(v, g_ave)]
        if momentum > 0.0:
            buf = [momentum * bi + gi / (math.sqrt(vt) + eps) for bi, gi, vt in zip(buf, g, v_tilde)]
            x = [xi - lr * bi for xi, bi in zip(x, buf)]
        else:
            x = [xi - lr * gi / (math.sqrt(vt) + eps) for xi, gi, vt in zip(x, g, v_tilde)]
        path.append(x)
    return path


def _ref_adam(
    lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False, decoupled=False
) -> list[Floats]:
    b1, b2 = betas
    x, path = list(START), []
    m, v, v_max = [0.0] * 3, [0.0] * 3, [0.0] * 3
    for t in range(1, STEPS + 1):
        g = _grad(x)
        if decoupled:
            x = [xi * (1.0 - lr * weight_decay) for xi in x]
        else:
            g = [gi + weight_decay * xi for gi, xi in zip(g, x)]
        m = [b1 * mi + (1.0 - b1) * gi for mi, gi in zip(m, g)]
        v = [b2 * vi + (1.0 - b2) * gi**2 for vi, gi in zip(v, g)]
        m_hat = [mi / (1.0 - b1**t) for mi in m]
        v_max = [max(a, b) for a, b in zip(v_max, v)]
        v_hat = [vi / (1.0 - b2**t) for vi in (v_max if amsgrad else v)]
        x = [xi - lr * mi / (math.sqrt(vi) + eps) for xi, mi, vi in zip(x, m_hat, v_hat)]
        path.append(x)
    return path


def _ref_adamw(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False) -> list[Floats]:
    return _ref_adam(lr, betas, eps, weight_decay, amsgrad, decoupled=True)


CASES: list[tuple[type[Optimizer], dict[str, Any], Callable[..., list[Floats]]]] = [
    (SGD, {"lr": 0.05}, _ref_sgd),
    (SGD, {"lr": 0.05, "momentum": 0.9}, _ref_sgd),
    (SGD, {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.02}, _ref_sgd),
    (SGD, {"lr": 0.05, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}, _ref_sgd),
    (RMSprop, {}, _ref_rmsprop),
    (RMSprop, {"lr": 0.02, "alpha": 0.9, "eps": 1e-6, "centered": True}, _ref_rmsprop),
    (RMSprop, {"lr": 0.005, "momentum": 0.7, "weight_decay": 0.05}, _ref_rmsprop),
    (RMSprop, {"lr": 0.005, "momentum": 0.5, "centered": True, "weight_decay": 0.05}, _ref_rmsprop),
    (Adam, {}, _ref_adam),
    (Adam, {"lr": 0.05, "betas": (0.5, 0.9), "weight_decay": 0.1}, _ref_adam),
    (Adam, {"lr": 0.05, "amsgrad": True, "eps": 1e-4}, _ref_adam),
    (AdamW, {}, _ref_adamw),
    (AdamW, {"lr": 0.05, "weight_decay": 0.3, "amsgrad": True}, _ref_adamw),
]
IDS = [f"{cls.__name__}{kw}" for cls, kw, _ in CASES]


def _run(cls: type[Optimizer], kwargs: dict[str, Any]) -> tuple[Optimizer, list[Value], list[Floats]]:
    params = [Value(x) for x in START]
    opt = cls(params, **kwargs)
    path = []
    for _ in range(STEPS):
        opt.zero_grad()
        _loss(*params).backward()
        opt.step()
        path.append([p.data for p in params])
    return opt, params, path


def _largest_relative_difference(
    path: Sequence[Sequence[float]], reference: Sequence[Sequence[float]]
) -> float:
    return max(
        abs(x - r) / max(abs(r), 1e-300)
        for row, ref_row in zip(path, reference, strict=True)
        for x, r in zip(row, ref_row)
    )


@pytest.mark.parametrize(("cls", "kwargs", "reference"), CASES, ids=IDS)
def test_trajectory_matches_the_documented_formulas(cls, kwargs, reference) -> None:
    _, _, path = _run(cls, kwargs)
    expected = reference(**kwargs)
    assert _largest_relative_difference(path, expected) <= 1e-12
    assert path[-1] != list(START)  # it moved


@pytest.mark.parametrize(("cls", "kwargs", "reference"), CASES, ids=IDS)
def test_trajectory_matches_torch_optim(cls, kwargs, reference) -> None:
    torch = pytest.importorskip("torch")
    params = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    opt = getattr(torch.optim, cls.__name__)(params, **kwargs)
    expected = []
    for _ in range(STEPS):
        opt.zero_grad()
        _loss(*params).backward()
        opt.step()
        expected.append([p.item() for p in params])
    _, _, path = _run(cls, kwargs)
    assert _largest_relative_difference(path, expected) <= 1e-12


@pytest.mark.parametrize(
    ("cls", "kwargs", "names"),
    [
        (SGD, {"lr": 0.1}, set()),
        (SGD, {"lr": 0.1, "momentum": 0.9}, {"momentum_buffer"}),
        (RMSprop, {}, {"step", "square_avg"}),
        (RMSprop, {"momentum": 0.9, "centered": True}, {"step", "square_avg", "momentum_buffer", "grad_avg"}),
        (Adam, {}, {"step", "exp_avg", "exp_avg_sq"}),
        (AdamW, {"amsgrad": True}, {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}),
    ],
)
def test_state_has_pytorchs_names_as_plain_floats(cls, kwargs, names) -> None:
    opt, params, _ = _run(cls, kwargs)
    for p in params:
        assert set(opt.state[p]) == names
        assert all(type(x) is float for x in opt.state[p].values())
    if "step" in names:
        assert opt.state[params[0]]["step"] == float(STEPS)


def test_sgd_first_momentum_step_is_the_plain_gradient() -> None:
    # PyTorch's buffer starts as the gradient itself, without (1 − dampening)
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, dampening=0.5)
    (3.0 * p).backward()
    opt.step()
    assert opt.state[p]["momentum_buffer"] == 3.0
    assert p.data == 1.0 - 0.1 * 3.0
    opt.step()  # same gradient: b = 0.9·3 + 0.5·3
    assert opt.state[p]["momentum_buffer"] == 0.9 * 3.0 + 0.5 * 3.0


def test_adam_first_step_moves_each_parameter_by_lr() -> None:
    # bias correction: m̂ = g and v̂ = g² at t = 1, so the first step is lr·sign(g) (up to eps)
    params = [Value(1.0), Value(-2.0)]
    opt = Adam(params, lr=0.01, eps=1e-300)
    (params[0] * 5.0 - params[1] * 1e-3).backward()
    opt.step()
    assert [p.data for p in params] == [1.0 - 0.01, -2.0 + 0.01]


def test_sgd_weight_decay_is_the_l2_penalty_and_adam_s_is_not_adamw_s() -> None:
    def final(make: Callable[[list[Value]], Optimizer], penalty: float) -> list[float]:
        params = [Value(x) for x in START]
        opt = make(params)
        for _ in range(20):
            opt.zero_grad()
            loss = _loss(*params)
            if penalty:
                loss = loss + 0.5 * penalty * sum((p * p for p in params), start=Value(0.0))
            loss.backward()
            opt.step()
        return [p.data for p in params]

    decayed = final(lambda ps: SGD(ps, lr=0.05, weight_decay=0.1), 0.0)
    assert decayed == pytest.approx(final(lambda ps: SGD(ps, lr=0.05), 0.1), rel=1e-13)
    adam = final(lambda ps: Adam(ps, lr=0.05, weight_decay=0.1), 0.0)
    assert adam == pytest.approx(final(lambda ps: Adam(ps, lr=0.05), 0.1), rel=1e-13)
    assert (
        max(abs(a - w) for a, w in zip(adam, final(lambda ps: AdamW(ps, lr=0.05, weight_decay=0.1), 0.0)))
        > 1e-3
    )


def test_a_schedule_sets_lr_and_momentum_each_step() -> None:
    # what a one-cycle schedule does: new hyperparameters before every step
    lrs = [0.01 + 0.002 * t for t in range(STEPS)]
    momenta = [0.95 - 0.005 * t for t in range(STEPS)]
    params = [Value(x) for x in START]
    opt = SGD(params, lr=1.0, momentum=0.5)
    x, buf = list(START), None
    for lr, mom in zip(lrs, momenta):
        opt.param_groups[0]["lr"] = lr
        opt.param_groups[0]["momentum"] = mom
        opt.zero_grad()
        _loss(*params).backward()
        opt.step()
        g = _grad(x)
        buf = g if buf is None else [mom * b + gi for b, gi in zip(buf, g)]
        x = [xi - lr * b for xi, b in zip(x, buf)]
        assert [p.data for p in params] == pytest.approx(x, rel=1e-12)
    adam = Adam([Value(1.0)])
    adam.param_groups[0]["betas"] = (0.85, 0.99)
    assert adam.param_groups[0]["betas"] == (0.85, 0.99)


def test_param_groups_each_with_its_own_lr() -> None:
    a, b, c = params = [Value(x) for x in START]
    opt = SGD([{"params": [a, b]}, {"params": [c], "lr": 0.01}], lr=0.05, momentum=0.9)  # type: ignore[arg-type]
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.01]
    assert opt.param_groups[1]["momentum"] == 0.9
    x, buf = list(START), None
    for _ in range(10):
        opt.zero_grad()
        _loss(*params).backward()
        opt.step()
        g = _grad(x)
        buf = g if buf is None else [0.9 * bi + gi for bi, gi in zip(buf, g)]
        x = [xi - lr * bi for xi, bi, lr in zip(x, buf, (0.05, 0.05, 0.01))]
    assert [p.data for p in params] == pytest.approx(x, rel=1e-12)
    with pytest.raises(ValueError, match="2 param groups"):
        _ = opt.lr


@pytest.mark.parametrize(
    ("cls", "kwargs", "grads"),
    [
        (SGD, {"lr": 10.0}, (1.0, -1e308, 1.0)),
        (SGD, {"lr": 10.0, "momentum": 0.9}, (1.0, 1.7e308, 1.0)),
        (RMSprop, {}, (1.0, 1e200, 1.0)),
        (Adam, {}, (1.0, 1e200, 1.0)),
        (AdamW, {"amsgrad": True}, (1.0, 1e200, 1.0)),
    ],
)
def test_a_step_that_overflows_in_the_second_parameter_changes_nothing(cls, kwargs, grads) -> None:
    params = [Value(1.0), Value(1e300), Value(-3.0)]
    opt = cls(params, **kwargs)
    for p in params:  # one good step first, so there is state to keep
        p.grad = 0.5
    opt.step()
    before = ([p.data for p in params], {p: dict(s) for p, s in opt.state.items()})
    for p, g in zip(params, grads):
        p.grad = g
    with pytest.raises(NonFiniteError, match=r"parameter 1 .*diverged"):
        opt.step()
    assert ([p.data for p in params], {p: dict(s) for p, s in opt.state.items()}) == before


def test_a_non_finite_gradient_is_refused() -> None:
    p = Value(1.0)
    p.grad = math.inf
    with pytest.raises(OverflowError, match="gradient would be inf"):
        SGD([p], lr=0.1).step()
    assert p.data == 1.0


@pytest.mark.parametrize(
    ("cls", "kwargs", "name"),
    [(SGD, {"lr": 0.1, "momentum": 0.9}, "momentum_buffer"), (Adam, {}, "exp_avg_sq")],
)
def test_a_state_set_by_hand_to_a_non_finite_number_is_refused(cls, kwargs, name) -> None:
    params = [Value(1.0), Value(2.0)]
    opt = cls(params, **kwargs)
    for p in params:
        p.grad = 0.5
    opt.step()
    opt.state[params[1]][name] = math.nan
    before = [p.data for p in params]
    with pytest.raises(NonFiniteError, match=f"parameter 1 .*its {name} would be nan"):
        opt.step()
    assert [p.data for p in params] == before


def test_lr_assigned_after_construction_is_checked() -> None:
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match=r"lr must satisfy 0\.0 <= lr, got -5"):
        opt.lr = -5
    with pytest.raises(ValueError, match="lr"):
        opt.param_groups[0]["lr"] = math.nan
    with pytest.raises(ValueError, match="momentum"):
        opt.param_groups[0]["momentum"] = 1.5
    with pytest.raises(KeyError, match="learning_rate"):
        opt.param_groups[0]["learning_rate"] = 0.2
    with pytest.raises(TypeError, match="params"):
        opt.param_groups[0]["params"] = []
    with pytest.raises(TypeError, match="deleted"):
        del opt.param_groups[0]["lr"]
    assert opt.lr == 0.1 and opt.param_groups[0]["momentum"] == 0.9
    opt.lr = np.float32(0.5)  # type: ignore[assignment]
    assert opt.lr == 0.5 and type(opt.lr) is float


def test_nesterov_stays_valid_under_a_schedule() -> None:
    opt = SGD([Value(1.0)], lr=0.1, momentum=0.9, nesterov=True)
    with pytest.raises(ValueError, match="nesterov"):
        opt.param_groups[0]["momentum"] = 0.0


@pytest.mark.parametrize(
    ("make", "error", "shown"),
    [
        (lambda p: SGD(p, lr=-0.1), ValueError, "lr must satisfy 0.0 <= lr, got -0.1"),
        (lambda p: SGD(p, lr=math.nan), ValueError, "lr must be finite, got nan"),
        (lambda p: SGD(p, lr=math.inf), ValueError, "lr must be finite, got inf"),
        (lambda p: SGD(p, lr="0.1"), TypeError, "lr must be a real number, got str: '0.1'"),  # type: ignore[arg-type]
        (lambda p: SGD(p, lr=0.1, momentum=-0.5), ValueError, "momentum"),
        (lambda p: SGD(p, lr=0.1, momentum=1.5), ValueError, "momentum"),
        (lambda p: SGD(p, lr=0.1, dampening=2.0), ValueError, "dampening"),
        (lambda p: SGD(p, lr=0.1, weight_decay=-1e-4), ValueError, "weight_decay"),
        (
            lambda p: SGD(p, lr=0.1, nesterov="yes"),  # type: ignore[arg-type]
            TypeError,
            "nesterov must be True or False, got str: 'yes'",
        ),
        (lambda p: SGD(p, lr=0.1, nesterov=True), ValueError, "nesterov=True needs momentum > 0"),
        (lambda p: SGD(p, lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), ValueError, "dampening=0.1"),
        (lambda p: RMSprop(p, alpha=1.0), ValueError, "alpha"),
        (lambda p: RMSprop(p, eps=0.0), ValueError, "eps must satisfy 0.0 < eps, got 0.0"),
        (lambda p: RMSprop(p, centered=1), TypeError, "centered"),  # type: ignore[arg-type]
        (lambda p: Adam(p, betas=(1.0, 0.999)), ValueError, "betas[0] must satisfy"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), ValueError, "betas[1] must satisfy"),
        (lambda p: Adam(p, betas=(0.9,)), ValueError, "betas must hold 2 numbers"),  # type: ignore[arg-type]
        (lambda p: Adam(p, betas=0.9), TypeError, "betas must be a list or tuple"),  # type: ignore[arg-type]
        (lambda p: Adam(p, eps=-1e-8), ValueError, "eps"),
        (lambda p: Adam(p, amsgrad="no"), TypeError, "amsgrad"),  # type: ignore[arg-type]
        (lambda p: AdamW(p, weight_decay=-0.01), ValueError, "weight_decay"),
        (lambda p: AdamW(p, lr=10**400), ValueError, "lr must be finite"),
    ],
)
def test_bad_hyperparameters_are_errors_naming_the_argument(make, error, shown) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        make([Value(1.0)])


@pytest.mark.parametrize(
    ("params", "error", "shown"),
    [
        (MLP(2, [1], rng=0), TypeError, "pass model.parameters()"),
        (Value(1.0), TypeError, "wrap it in a list"),
        ({Value(1.0)}, TypeError, "got set"),
        ("ab", TypeError, "got str"),
        (3, TypeError, "got int"),
        ([], ValueError, "empty"),
        ([1.0], TypeError, "parameters must be Values, got float: 1.0"),
        ([{"lr": 0.1}], TypeError, "'params' entry"),
        ([{"params": [Value(1.0)], "betas": (0.9, 0.9)}], TypeError, "no hyperparameter 'betas'"),
    ],
)
def test_bad_params_say_what_to_pass(params, error, shown) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        SGD(params, lr=0.1)


def test_numpy_numbers_are_hyperparameters_too() -> None:
    opt = Adam([Value(1.0)], lr=np.float32(0.25), betas=(np.float64(0.8), 0.9), eps=np.float32(1e-6))  # type: ignore[arg-type]
    group = opt.param_groups[0]
    assert (group["lr"], group["betas"]) == (0.25, (0.8, 0.9))
    assert type(group["lr"]) is float and type(group["eps"]) is float
    assert SGD([Value(1.0)], lr=np.float32(0.1)).lr == pytest.approx(0.1, rel=1e-7)  # type: ignore[arg-type]


def test_a_parameter_listed_twice_is_an_error() -> None:
    a = Value(1.0)
    with pytest.raises(ValueError, match="more than once"):
        SGD([a, a], lr=0.1)
    with pytest.raises(ValueError, match="more than once"):
        SGD([{"params": [a]}, {"params": [a]}], lr=0.1)


@pytest.mark.parametrize(("cls", "kwargs", "reference"), CASES, ids=IDS)
def test_state_dict_survives_json_and_resumes_the_same_trajectory(cls, kwargs, reference) -> None:
    def train(opt: Optimizer, params: list[Value], steps: int) -> None:
        for _ in range(steps):
            opt.zero_grad()
            _loss(*params).backward()
            opt.step()

    params = [Value(x) for x in START]
    opt = cls(params, **kwargs)
    train(opt, params, 7)
    saved = json.loads(json.dumps(opt.state_dict(), allow_nan=False))
    twins = [Value(p.data) for p in params]
    resumed = cls(twins, lr=123.0) if cls is SGD else cls(twins)
    resumed.load_state_dict(saved)
    assert resumed.param_groups[0].settings() == opt.param_groups[0].settings()
    train(opt, params, 7)
    train(resumed, twins, 7)
    assert [p.data for p in twins] == [p.data for p in params]


def test_state_dict_layout_is_pytorchs() -> None:
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    (a * b).backward()
    opt.step()
    assert opt.state_dict() == {
        "state": {0: {"momentum_buffer": 2.0}, 1: {"momentum_buffer": 1.0}},
        "param_groups": [
            {
                "lr": 0.1,
                "momentum": 0.9,
                "dampening": 0.0,
                "weight_decay": 0.0,
                "nesterov": False,
                "params": [0, 1],
            }
        ],
    }


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (lambda d: d["param_groups"][0].update(lr=-1.0), "lr must satisfy"),
        (lambda d: d["param_groups"][0].update(betas=[0.9, 0.999]), "has the hyperparameters"),
        (lambda d: d["param_groups"][0]["params"].append(2), "has 3 parameters, this optimizer's 2"),
        (lambda d: d["param_groups"].append(d["param_groups"][0]), "2 param groups"),
        (lambda d: d["state"].update({"7": {"momentum_buffer": 1.0}}), "index 7"),
        (lambda d: d["state"]["0"].update(exp_avg=1.0), "keys among"),
        (lambda d: d["state"]["0"].update(momentum_buffer="x"), "momentum_buffer of parameter '0'"),
        (lambda d: d.pop("state"), "keys 'state' and 'param_groups'"),
    ],
)
def test_load_state_dict_checks_everything_before_changing_anything(change, shown) -> None:
    a, b = Value(1.0), Value(2.0)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    (a * b).backward()
    opt.step()
    saved = json.loads(json.dumps(opt.state_dict()))
    change(saved)
    target = SGD([Value(0.0), Value(0.0)], lr=0.3, momentum=0.5)
    with pytest.raises((ValueError, TypeError), match=re.escape(shown)):
        target.load_state_dict(saved)
    assert target.state_dict() == SGD([Value(0.0), Value(0.0)], lr=0.3, momentum=0.5).state_dict()


def test_zero_grad_zeroes_only_the_parameters() -> None:
    a, other = Value(1.0), Value(2.0)
    (a * other).backward()
    SGD([a], lr=0.1).zero_grad()
    assert (a.grad, other.grad) == (0.0, 1.0)


def test_lr_zero_leaves_parameters_alone() -> None:
    a = Value(1.0)
    (a * 4.0).backward()
    SGD([a], lr=0).step()
    assert a.data == 1.0


def test_base_class_has_no_update_and_reprs() -> None:
    with pytest.raises(NotImplementedError, match="SGD, RMSprop, Adam or AdamW"):
        Optimizer([Value(1.0)], {"lr": 0.1}).step()
    assert repr(SGD([Value(1.0), Value(2.0)], lr=0.5)) == "SGD(2 parameters, lr=0.5)"
    assert repr(SGD([Value(1.0)], lr=0.5, momentum=0.9)) == "SGD(1 parameters, lr=0.5, momentum=0.9)"
    assert repr(Adam([Value(1.0)])) == "Adam(1 parameters, lr=0.001)"
    assert repr(AdamW([Value(1.0)], weight_decay=0.0)) == "AdamW(1 parameters, lr=0.001, weight_decay=0.0)"
