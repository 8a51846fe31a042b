"""The benchmark's hand-written engines against the dynamic engine, in-process and small.

The floor's and numpy's gradients are derived by hand; if they or the engine drift, the
benchmark's agreement check (`python -m bench --quick`, in dev.sh) fails too, but this says where.
"""

import math

import pytest

from bench.engines import chainrule, fit, floor, numpy_, tape, tape_values
from bench.problems import (
    DIGITS_LR,
    SWEEP_EPOCHS,
    SWEEP_LRS,
    digits_batches,
    digits_weights,
    moons_data,
    moons_lr,
    moons_weights,
    wide_operands,
)
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
    engines = (ours, floor, numpy_, tape, tape_values)
    runs = [engine.moons(moons_weights(), points, labels) for engine in engines]
    losses = [[run.step(moons_lr(k)) for k in range(2)] for run in runs]
    for other, run in zip(losses[1:], runs[1:], strict=True):
        assert_agree(losses[0], other)
        assert_agree(runs[0].weights(), run.weights())
    assert runs[0].weights() != moons_weights()  # the step did update


def test_demo_loop_as_written_is_the_moons_step() -> None:
    """Wrapping the inputs in Values and keeping the previous loss alive change no number."""
    points, labels = moons_data()
    kept = ours.demo(moons_weights(), points, labels, 2, keep_previous=True)
    dropped = ours.demo(moons_weights(), points, labels, 2, keep_previous=False)
    assert kept == dropped
    reference = floor.moons(moons_weights(), points, labels)
    losses = [reference.step(moons_lr(k)) for k in range(2)]
    assert_agree(kept[0:4:2], losses)  # each step's loss, then its accuracy
    assert all(0.0 <= accuracy <= 1.0 for accuracy in kept[1:4:2])
    assert_agree(kept[4:], reference.weights())


def test_digits_steps_agree() -> None:
    images, classes = digits_batches()[0]
    batch = (images[:8], classes[:8])  # small: the dynamic engine builds ~2,500 nodes an example
    dynamic, by_hand = ours.digits(digits_weights()), numpy_.digits(digits_weights())
    losses = [dynamic.step(batch, DIGITS_LR) for _ in range(2)]
    prepared = by_hand.prepare([batch])[0]
    assert_agree(losses, [by_hand.step(prepared, DIGITS_LR) for _ in range(2)])
    assert losses[1] < losses[0]  # the step did learn
    assert_agree(dynamic.weights(), by_hand.weights())
    for compiled in (tape, tape_values):  # traced on the batch's first image
        traced = compiled.digits(digits_weights())
        prepared = traced.prepare([batch])[0]
        assert_agree([traced.step(prepared, DIGITS_LR) for _ in range(2)], losses)
        assert_agree(traced.weights(), by_hand.weights())


def test_chain_and_wide_sum_agree() -> None:
    assert_agree(ours.chain_backward(ours.chain(50)), floor.chain_backward(floor.chain(50)))
    a, b = wide_operands(33)  # odd: the tree carries a term up a level
    assert_agree(ours.wide_sum(a, b), floor.wide_sum(a, b))


def test_the_digits_epoch_through_fit_agrees() -> None:
    """The library's MLP and cross-entropy (bench.engines.fit), and the hand-built network
    (bench.engines.tape), each trained by nn.train.fit, against numpy by hand."""
    batches = digits_batches()[:3]
    by_hand = numpy_.digits(digits_weights())
    expected = [by_hand.step(batch, DIGITS_LR) for batch in by_hand.prepare(batches)]
    for engine in (fit, tape):
        trained = engine.digits(digits_weights())
        assert_agree(trained.epoch(trained.prepare(batches), DIGITS_LR), expected)
        assert_agree(trained.weights(), by_hand.weights())


def test_the_mnist_epoch_by_hand_is_adamw() -> None:
    """numpy's AdamW written out against nn.optim.AdamW stepping the same gradients."""
    from autograd import Value
    from bench.engines._layers import flatten, unflatten
    from bench.problems import MNIST_ADAMW, mnist_data, mnist_weights
    from nn.optim import AdamW

    images, labels = mnist_data(128)
    by_hand = numpy_.mnist(mnist_weights())
    before = [Value(w) for w in by_hand.weights()]
    optimizer = AdamW(before, **MNIST_ADAMW)
    layers = [(w.copy(), b.copy()) for w, b in by_hand.layers]
    for start in (0, 64):  # the same two gradients, from numpy's backward at each step's weights
        x, y = images[start : start + 64], labels[start : start + 64]
        inputs, pre = numpy_._forward(layers, x)
        _, dlogits = numpy_._cross_entropy(inputs[-1], y)
        grads = numpy_._backward(layers, inputs, pre, dlogits)
        flat = flatten(grads)
        for p, g in zip(before, flat, strict=True):
            p.grad = g
        optimizer.step()
        layers = unflatten([p.data for p in before], (784, 50, 10))
    by_hand.epoch(images, labels)
    assert_agree(by_hand.weights(), [p.data for p in before])
