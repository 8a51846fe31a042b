"""Per-example results from a tape (`Tape.outputs`, `nn.BatchOutputs`): a model's scores for a
whole batch, against the dynamic engine's model(x) example by example."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import nn
from autograd import Value, select, trace
from chainrule.collab import predictions
from nn.train import predict


def test_a_function_returning_values_gives_one_row_per_example():
    w, b = Value(0.5), Value(-1.0)

    def scores(x: Any, k: Any) -> list[Value]:
        return [w * x[0] + b, (w * x[1]).tanh(), select([w, b, 2.0], k), b]  # a parameter itself too

    tape = trace(scores, [1.0, 2.0], 0)
    xs, ks = np.array([[1.0, 2.0], [3.0, -4.0], [0.0, 0.5]]), np.array([0, 1, 2])
    want = [[v.data for v in scores([Value(a) for a in x], int(k))] for x, k in zip(xs, ks)]
    got = tape.outputs(xs, ks)
    assert got.shape == (3, 4) and got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-15, atol=0)
    assert tape.n_outputs == 4 and "4 outputs" in repr(tape)
    with pytest.raises(TypeError, match=r"returns 4 Values per example.*tape\.outputs"):
        tape(xs, ks)
    with pytest.raises(TypeError, match="no mean"):
        tape.value_and_grad(tape.parameter_data(), xs, ks)


def test_a_loss_tape_gives_each_examples_loss():
    w = Value(2.0)
    tape = trace(lambda x: (w * x) ** 2, 1.0)
    np.testing.assert_array_equal(tape.outputs(np.array([1.0, -3.0])), [4.0, 36.0])
    np.testing.assert_array_equal(tape.outputs(np.array([1.0]), params=[3.0]), [9.0])


def test_a_function_must_return_values():
    with pytest.raises(TypeError, match="list or tuple of Values"):
        trace(lambda x: [x, 1.0], 1.0)
    with pytest.raises(TypeError, match="list or tuple of Values"):
        trace(lambda x: [], 1.0)


def test_predict_is_what_the_model_computes_neuron_by_neuron():
    model = nn.MLP(3, [4, 2], activation="relu", rng=0)
    model.layers[0].neurons[0].activation = "tanh"  # one neuron unlike its layer
    images = np.random.default_rng(1).normal(size=(6, 3))
    want = [[o.data for o in model(list(x))] for x in images]
    np.testing.assert_allclose(predict(model, images), want, rtol=1e-14, atol=1e-15)


def test_collab_predictions_are_what_the_model_computes():
    model = nn.EmbeddingDotBias(3, 5, 4, y_range=(0.0, 5.5), rng=0)  # 3 factors, 5 users, 4 items
    for row in model.user_factors.weight:
        row[0].data = -400.0  # dot products far out on the sigmoid's flat part (no clip to ±700)
    for row in model.item_factors.weight:
        row[0].data = 2.0
    users, items = [0, 1, 4, 2], [3, 0, 1, 1]
    want = np.array([model(u, i).data for u, i in zip(users, items)])
    np.testing.assert_allclose(predictions(model, users, items), want, rtol=1e-15)
    assert len(predictions(model, [], [])) == 0


def test_batch_outputs_traces_again_when_the_model_changed():
    model = nn.MLP(2, [2], activation="linear", rng=0)
    outputs = nn.BatchOutputs(model)
    x = np.array([[1.0, 2.0]])
    before = outputs(x)
    model.layers[0].neurons[1].w[0] = Value(10.0)  # a new parameter: the tape is stale
    after = outputs(x)
    assert after[0, 0] == before[0, 0]
    assert after[0, 1] == pytest.approx(model(list(x[0]))[1].data)
