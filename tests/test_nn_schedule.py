"""nn.schedule.OneCycle: values at known steps, and what it writes into an optimizer."""

from __future__ import annotations

import math
from typing import Any

import pytest

from nn.schedule import OneCycle


class Groups:
    """A stand-in for an optimizer: only the param_groups a schedule writes."""

    def __init__(self, *groups: dict[str, Any]) -> None:
        self.param_groups = [dict(g) for g in groups]


def one_cycle(**options: Any) -> OneCycle:
    return OneCycle(Groups({"lr": 0.0, "momentum": 0.0}), 1e-2, 100, **options)


@pytest.mark.parametrize(
    ("step", "lr", "momentum"),
    [
        (0, 1e-2 / 25, 0.95),  # the start: max_lr / div_factor
        (15, (1e-2 / 25 + 1e-2) / 2, 0.90),  # half-way up: the mean of the ends (cos(π/2) = 0)
        (30, 1e-2, 0.85),  # the peak, at int(100 · 0.3)
        (65, (1e-2 + 1e-2 / 25 / 1e4) / 2, 0.90),  # half-way down
        (99, 1e-2 / 25 / 1e4 + (1e-2 - 1e-2 / 25 / 1e4) * (1 - math.cos(math.pi / 70)) / 2, None),
    ],
)
def test_one_cycle_at_known_steps(step, lr, momentum):
    schedule = one_cycle()
    assert schedule.lr(step) == pytest.approx(lr, rel=1e-12, abs=1e-18)
    if momentum is not None:
        assert schedule.momentum(step) == pytest.approx(momentum, rel=1e-12)


def test_one_cycle_rises_then_falls_monotonically():
    schedule = one_cycle()
    lrs = [schedule.lr(i) for i in range(100)]
    moms = [schedule.momentum(i) for i in range(100)]
    assert lrs[:31] == sorted(lrs[:31]) and lrs[30:] == sorted(lrs[30:], reverse=True)
    assert moms[:31] == sorted(moms[:31], reverse=True) and moms[30:] == sorted(moms[30:])


def test_apply_sets_sgds_momentum_and_adams_beta1():
    sgd, adam = {"lr": 0.1, "momentum": 0.0}, {"lr": 0.1, "betas": (0.9, 0.99), "eps": 1e-8}
    optimizer = Groups(sgd, adam)
    schedule = OneCycle(optimizer, 1e-2, 10)
    schedule.apply(3)
    first, second = optimizer.param_groups
    assert first == {"lr": 1e-2, "momentum": 0.85}
    assert second == {"lr": 1e-2, "betas": (0.85, 0.99), "eps": 1e-8}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"pct_start": 1.0}, "pct_start"),
        ({"div_factor": 0.0}, "div_factor"),
        ({"moms": (0.95,)}, "moms"),
        ({"moms": (0.95, 1.5)}, "each of moms"),
    ],
)
def test_bad_options_are_errors_naming_them(options, message):
    with pytest.raises(ValueError, match=message):
        one_cycle(**options)


def test_a_step_outside_the_cycle_is_an_error():
    with pytest.raises(ValueError, match="step must satisfy 0 <= step <= 99, got 100"):
        one_cycle().lr(100)
    with pytest.raises(TypeError, match="param_groups"):
        OneCycle(object(), 1e-2, 10)  # type: ignore[arg-type]


def test_each_group_keeps_its_own_peak():
    """Discriminative rates: groups at 1e-4 and 1e-2 each follow their own cycle (it used to
    write one rate, 1e-2, into both)."""
    optimizer = Groups({"lr": 1e-4, "momentum": 0.0}, {"lr": 1e-2, "momentum": 0.0})
    schedule = OneCycle(optimizer, None, 100)
    schedule.apply(30)  # the peak
    assert [g["lr"] for g in optimizer.param_groups] == [1e-4, 1e-2]
    schedule.apply(0)
    assert [g["lr"] for g in optimizer.param_groups] == pytest.approx([1e-4 / 25, 1e-2 / 25], rel=1e-12)
    assert schedule.lr(65, group=1) == pytest.approx(100 * schedule.lr(65, group=0), rel=1e-12)
    listed = OneCycle(optimizer, [1e-3, 1e-1], 100)
    listed.apply(30)
    assert [g["lr"] for g in optimizer.param_groups] == [1e-3, 1e-1]
    OneCycle(optimizer, 5e-3, 100).apply(30)  # one number: every group's peak (PyTorch's OneCycleLR)
    assert [g["lr"] for g in optimizer.param_groups] == [5e-3, 5e-3]
    with pytest.raises(ValueError, match="max_lr lists 1 rates, the optimizer has 2 param groups"):
        OneCycle(optimizer, [1e-3], 100)
