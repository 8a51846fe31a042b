"""The stale-tape guard: whatever the traced code read that changed since tracing is a
StaleTapeError, one call deeper too, and the tape is not silently the old model's."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value, trace
from autograd.errors import StaleTapeError

MODEL = nn.MLP(2, [2], activation="relu", rng=0)
WEIGHTS = [Value(1.0), Value(2.0)]
SCALE = {"factor": 2.0}


def model_scores(x: Any) -> list[Value]:  # a helper reading a global model
    return MODEL(x)


def weighted(x: Any) -> Value:  # SCALE is read inside the generator expression (its own code)
    return sum((w * x * SCALE["factor"] for w in WEIGHTS), Value(0.0))


BATCH = np.array([[1.0, -2.0], [0.5, 3.0]])


def test_a_model_replaced_behind_a_helper_is_stale():
    global MODEL
    tape = trace(lambda x: model_scores(x)[0] + model_scores(x)[1], [1.0, 2.0])
    tape(BATCH)
    saved, MODEL = MODEL, nn.MLP(2, [2], activation="relu", rng=1)
    try:
        with pytest.raises(StaleTapeError, match="'MODEL' \\(read by model_scores\\)"):
            tape(BATCH)
    finally:
        MODEL = saved
    tape(BATCH)  # the model it traced is back


def test_a_global_read_in_a_generator_expression_is_watched():
    global SCALE
    tape = trace(weighted, 1.0)
    assert tape(np.array([1.0])) == 6.0
    saved, SCALE = SCALE, {"factor": 3.0}
    try:
        with pytest.raises(StaleTapeError, match="'SCALE'"):
            tape(np.array([1.0]))
    finally:
        SCALE = saved


def test_a_changed_activation_is_stale():
    model = nn.MLP(2, [3, 2], activation="relu", rng=0)
    tape = trace(lambda x: model(x)[0], [1.0, 2.0])
    model.layers[0].neurons[1].activation = "tanh"
    with pytest.raises(StaleTapeError, match=r"layers\[0\]\.neurons\[1\]\.activation: 'relu' became 'tanh'"):
        tape(BATCH)


def test_a_changed_y_range_is_stale():
    model = nn.EmbeddingDotBias(2, 3, 3, y_range=(0.0, 5.0), rng=0)
    tape = trace(lambda u, i: model(u, i), 0, 1)
    model.y_range = (0.0, 5.5)
    with pytest.raises(StaleTapeError, match=r"y_range\[1\]: 5\.0 became 5\.5"):
        tape(np.array([0, 1]), np.array([1, 2]))


def test_captured_numbers_are_watched():
    w = Value(1.0)
    table = {"scale": 2.0}
    tape = trace(lambda x: w * x * table["scale"], 1.0)
    table["scale"] = 3.0
    with pytest.raises(StaleTapeError, match=r"\['scale'\]: 2\.0 became 3\.0"):
        tape(np.array([1.0]))

    shifts = np.array([1.0, 2.0])
    tape = trace(lambda x: w * x + float(shifts[1]), 1.0)
    shifts[1] = 5.0
    with pytest.raises(StaleTapeError, match="array's elements changed"):
        tape(np.array([1.0]))

    offset = Value(4.0)  # a Value the function captures but that is not a parameter
    tape = trace(lambda x: w * x + offset.data, 1.0)
    offset.data = 7.0
    with pytest.raises(StaleTapeError, match="not a parameter of the tape"):
        tape(np.array([1.0]))


def test_a_parameters_number_and_the_callers_machinery_are_not_stale():
    class Trainer:  # a method's object that also holds the caller's state
        def __init__(self) -> None:
            self.model = nn.MLP(2, [1], activation="linear", rng=0)

        def loss(self, x: Any) -> Value:
            return self.model(x)[0] ** 2

    trainer = Trainer()
    tape = trace(trainer.loss, [1.0, 2.0])
    trainer.tape = tape  # type: ignore[attr-defined]  # new machinery, not the model
    trainer.theta = tape.parameter_data()  # type: ignore[attr-defined]
    trainer.theta -= 1.0  # type: ignore[attr-defined]
    trainer.model.layers[0].neurons[0].w[0].data = 3.0  # a parameter's number: the tape reads it
    assert tape(BATCH) == pytest.approx(np.mean([trainer.model(list(x))[0].data ** 2 for x in BATCH]))


def test_a_weight_replaced_deep_in_nested_rows_is_stale():
    layers = [[([Value(0.5), Value(-0.5)], Value(0.1))]]  # layers of (weights, bias) rows

    def loss(x: Any) -> Value:
        ((weights, bias),) = layers[0]
        return sum((w * xi for w, xi in zip(weights, x)), bias)

    tape = trace(loss, [1.0, 2.0])
    tape(BATCH)
    layers[0][0][0][1] = Value(3.0)
    with pytest.raises(StaleTapeError, match=r"'layers' changed.*its parameters were replaced"):
        tape(BATCH)
