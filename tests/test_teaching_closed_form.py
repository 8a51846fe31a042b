"""The engine against the closed-form chain rule: gradients, and training at the course's rates."""

import itertools
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import GradcheckError, Value, gradcheck, scalar_op
from chainrule import closed_form, spreadsheet, sweep
from chainrule.spreadsheet import DEFAULT_LEARNING_RATES, TRACE_NAMES
from nn import teaching
from nn.teaching import DEFAULT_INPUTS, DEFAULT_TARGETS, teaching_network

REL, ABS = 1e-12, 1e-15  # relative tolerance, and a floor for terms that round to ~0


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def _numbers(n: int, low: float, high: float) -> st.SearchStrategy[tuple[float, ...]]:
    x = st.floats(low, high, allow_nan=False, allow_infinity=False)
    return st.tuples(*[x] * n)


@settings(max_examples=300)
@given(inputs=_numbers(2, -3.0, 3.0), weights=_numbers(8, -4.0, 4.0), targets=_numbers(2, 0.0, 1.0))
def test_autograd_gradients_equal_the_closed_form(
    inputs: tuple[float, ...], weights: tuple[float, ...], targets: tuple[float, ...]
) -> None:
    net = teaching_network(inputs, weights, targets)
    net.loss.backward()
    expected = closed_form.gradients(inputs, weights, targets)
    for k, (w, g) in enumerate(zip(net.weights, expected, strict=True), start=1):
        assert _close(w.grad, g), (f"dE/dw{k}", w.grad, g)
    assert _close(net.loss.data, closed_form.forward(inputs, weights, targets)["E_total"])


def test_the_closed_form_gradients_at_the_course_numbers() -> None:
    # hand-checked from the formulas: ∂E/∂w5 = (a_o1 − t1)·a_o1·(1 − a_o1)·a_h1
    f = closed_form.forward()
    a_o1, a_h1 = f["a_o1"], f["a_h1"]
    assert closed_form.gradients()[4] == (a_o1 - 0.01) * a_o1 * (1.0 - a_o1) * a_h1
    assert closed_form.gradients()[4] == pytest.approx(0.0721570729, abs=1e-10)
    assert closed_form.gradients()[0] == pytest.approx(0.0001882557, abs=1e-10)


def _e_total(*weights: Value) -> Value:
    return teaching_network(weights=weights).loss


@pytest.mark.parametrize("weights", [teaching.DEFAULT_WEIGHTS, (1.5, -2.0, 0.3, 0.9, -1.1, 2.2, 0.7, -0.4)])
def test_gradcheck_on_e_total_as_a_function_of_the_weights(weights: Sequence[float]) -> None:
    assert gradcheck(_e_total, weights, atol=1e-9, rtol=1e-6)


def test_gradcheck_catches_a_wrong_derivative_inside_e_total() -> None:
    # the check is able to fail: the same network with a sigmoid whose derivative forgets σ(1 − σ)
    slope_free = scalar_op("sigmoid", closed_form.sigmoid, lambda x: closed_form.sigmoid(x))

    def e_total_with_a_wrong_sigmoid(*weights: Value) -> Value:
        w1, w2, w3, w4, w5, w6, w7, w8 = weights
        (i1, i2), (t1, t2) = DEFAULT_INPUTS, DEFAULT_TARGETS
        a_h1, a_h2 = slope_free(w1 * i1 + w2 * i2), slope_free(w3 * i1 + w4 * i2)
        a_o1, a_o2 = (w5 * a_h1 + w6 * a_h2).sigmoid(), (w7 * a_h1 + w8 * a_h2).sigmoid()
        return 0.5 * (t1 - a_o1) ** 2 + 0.5 * (t2 - a_o2) ** 2

    with pytest.raises(GradcheckError, match="gradient of input 0 is wrong"):
        gradcheck(e_total_with_a_wrong_sigmoid, teaching.DEFAULT_WEIGHTS, atol=1e-9, rtol=1e-6)


def test_the_network_is_the_mlp_it_holds() -> None:
    # the named nodes are the MLP's own computation, not a copy of it
    net = teaching_network()
    outputs = net.model(list(DEFAULT_INPUTS))
    assert [o.data for o in outputs] == [net.nodes["a_o1"].data, net.nodes["a_o2"].data]
    assert net.model.parameters() == list(net.weights)


@pytest.mark.parametrize("lr", DEFAULT_LEARNING_RATES)
def test_engine_training_equals_the_closed_form_loop(lr: float) -> None:
    engine, reference = sweep.train(lr, epochs=45), closed_form.train(lr, epochs=45)
    assert len(engine) == len(reference) == 46
    for ours, theirs in zip(engine, reference, strict=True):
        assert (ours.lr, ours.epoch) == (theirs.lr, theirs.epoch) == (lr, theirs.epoch)
        for name in TRACE_NAMES:
            assert _close(ours.values[name], theirs.values[name]), (lr, ours.epoch, name)


# E_total after 45 updates, to the digits `chainrule sweep` prints (and the course's 4 digits)
KNOWN = {0.1: 0.185273, 0.2: 0.141395, 0.5: 0.070431, 0.8: 0.042524, 1.0: 0.032745, 2.0: 0.013922}


def test_the_course_learning_rate_table() -> None:
    for lr, after in KNOWN.items():
        trace = closed_form.train(lr, epochs=45)
        assert trace[0].loss == pytest.approx(0.242520, abs=5e-7)
        assert trace[-1].loss == pytest.approx(after, abs=5e-7)
    assert round(closed_form.train(0.1)[-1].loss, 4) == 0.1853  # the course's own figures
    assert round(closed_form.train(2.0)[-1].loss, 4) == 0.0139


def test_sweep_starts_every_rate_from_the_untrained_network() -> None:
    traces = sweep.sweep([0.5, 2.0], epochs=3)
    assert [t[0].lr for t in traces] == [0.5, 2.0]
    assert [len(t) for t in traces] == [4, 4]
    untrained = teaching_network().loss.data
    assert traces[0][0].loss == traces[1][0].loss == untrained
    assert traces[0][0].values["dE_dw5"] == traces[1][0].values["dE_dw5"]
    assert all(a.loss > b.loss for a, b in zip(traces[1], traces[1][1:]))  # it learns


def test_epoch_k_holds_the_weights_after_k_updates() -> None:
    trace = sweep.train(0.5, epochs=2)
    for before, after in itertools.pairwise(trace):
        for k in range(1, 9):
            w, g = before.values[f"w{k}"], before.values[f"dE_dw{k}"]
            assert after.values[f"w{k}"] == w - 0.5 * g


def test_zero_epochs_is_the_untrained_network_only() -> None:
    (only,) = sweep.train(1.0, epochs=0)
    assert (only.epoch, only.loss) == (0, teaching_network().loss.data)


def test_training_leaves_given_weights_alone() -> None:
    weights = [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55]
    sweep.train(1.0, epochs=2, weights=weights, inputs=DEFAULT_INPUTS, targets=DEFAULT_TARGETS)
    assert weights == [0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55]


@pytest.mark.parametrize("train", [sweep.train, closed_form.train])
def test_bad_training_arguments(train: object) -> None:
    with pytest.raises(ValueError, match="-1"):
        train(0.1, epochs=-1)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"2\.5"):
        train(0.1, epochs=2.5)  # type: ignore[operator]
    with pytest.raises(ValueError, match=r"-0\.1"):
        train(-0.1)  # type: ignore[operator]
    with pytest.raises(TypeError, match=r"lr must be (an int or float|a real number), got str: '0\.1'"):
        train("0.1")  # type: ignore[operator]
    with pytest.raises(ValueError, match="weights"):
        train(0.1, weights=(0.1, 0.2))  # type: ignore[operator]


def test_sweep_needs_learning_rates() -> None:
    with pytest.raises(ValueError, match="empty"):
        sweep.sweep([])
    with pytest.raises(TypeError, match=r"0\.1"):
        sweep.sweep(0.1)  # type: ignore[arg-type]


def test_the_lessons_spreadsheet_and_the_engines_network_share_their_numbers_and_names() -> None:
    # repeated in chainrule.spreadsheet so that the closed form never imports the engine
    assert spreadsheet.DEFAULT_INPUTS == teaching.DEFAULT_INPUTS
    assert spreadsheet.DEFAULT_WEIGHTS == teaching.DEFAULT_WEIGHTS
    assert spreadsheet.DEFAULT_TARGETS == teaching.DEFAULT_TARGETS
    assert spreadsheet.INPUT_NAMES == teaching.INPUT_NAMES
    assert spreadsheet.WEIGHT_NAMES == teaching.WEIGHT_NAMES
    assert spreadsheet.FORWARD_NAMES == teaching.FORWARD_NAMES
