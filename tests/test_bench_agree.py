"""The benchmark's hand-written floor against the engine, in-process and small.

The floor's gradients are derived by hand; if they or the engine drift, the benchmark's
agreement check (bench/run.py --quick, in dev.sh) fails too, but this says where.
"""

import math

import pytest

from bench.engines import chainrule, floor
from bench.problems import SWEEP_EPOCHS, SWEEP_LRS, moons_data, moons_lr, moons_weights, wide_operands
from bench.workloads import GraphWorkloads

ours = GraphWorkloads(chainrule)


def assert_agree(a: list[float], b: list[float]) -> None:
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), (x, y)


def test_sweep_reproduces_the_course_table() -> None:
    results = floor.seed_sweep(SWEEP_LRS, SWEEP_EPOCHS)
    per_lr = len(results) // len(SWEEP_LRS)  # E_total, then the eight weights
    assert results[0] == pytest.approx(0.1853, abs=5e-5)  # LR 0.1
    assert results[-per_lr] == pytest.approx(0.0139, abs=5e-5)  # LR 2.0
    assert_agree(ours.seed_sweep(SWEEP_LRS, SWEEP_EPOCHS), results)


def test_moons_steps_agree() -> None:
    points, labels = moons_data()
    assert len(points) == 100 and set(labels) == {-1.0, 1.0}
    runs = [engine.moons(moons_weights(), points, labels) for engine in (ours, floor)]
    losses = [[run.step(moons_lr(k)) for k in range(2)] for run in runs]
    assert_agree(losses[0], losses[1])
    assert_agree(runs[0].weights(), runs[1].weights())
    assert runs[0].weights() != moons_weights()  # the step did update


def test_chain_and_wide_sum_agree() -> None:
    assert_agree(ours.chain_backward(ours.chain(50)), floor.chain_backward(floor.chain(50)))
    a, b = wide_operands(33)  # odd: the tree carries a term up a level
    assert_agree(ours.wide_sum(a, b), floor.wide_sum(a, b))
