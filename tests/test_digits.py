"""chainrule.digits and its figures: models, confusion matrix, worst mistakes, saving a model."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from chainrule.digits import (
    confusion_matrix,
    load_model,
    make_model,
    make_optimizer,
    save_model,
    softmax_rows,
    worst_mistakes,
)
from chainrule.digits_figures import confusion_figure, loss_figure, mistakes_figure, weights_figure
from nn.data import Dataset
from nn.train import Epoch, History, predict


def test_the_models_sizes():
    logistic, mlp = make_model("logistic", 64), make_model("mlp", 784, hidden=50)
    assert len(logistic.parameters()) == 64 * 10 + 10
    assert len(mlp.parameters()) == 784 * 50 + 50 + 50 * 10 + 10
    assert [n.activation for n in (mlp.layers[0].neurons[0], mlp.layers[1].neurons[0])] == ["relu", "linear"]
    with pytest.raises(ValueError, match="kind must be one of"):
        make_model("cnn", 64)


def test_adamw_gets_fastais_betas():
    opt = make_optimizer("adamw", make_model("logistic", 4).parameters(), lr=1e-2, weight_decay=1e-2)
    (group,) = opt.param_groups
    assert (group["lr"], group["betas"], group["weight_decay"]) == (1e-2, (0.9, 0.99), 1e-2)


def test_the_confusion_matrix_counts_each_pair():
    labels = np.array([0, 0, 1, 2, 2, 2])
    predicted = np.array([0, 1, 1, 2, 0, 2])
    matrix = confusion_matrix(labels, predicted, classes=3)
    expected = np.zeros((3, 3), dtype=np.int64)
    for t, p in zip(labels, predicted):
        expected[t, p] += 1
    np.testing.assert_array_equal(matrix, expected)


def test_worst_mistakes_are_the_surest_wrong_ones():
    scores = np.array([[5.0, 0.0], [0.0, 1.0], [0.0, 9.0], [2.0, 0.0]])
    labels = np.array([0, 0, 0, 1])  # wrong: rows 1 (p 0.73), 2 (p 0.9999) and 3 (p 0.88)
    assert worst_mistakes(labels, scores, count=2).tolist() == [2, 3]
    np.testing.assert_allclose(softmax_rows(np.array([[1000.0, 1000.0]])), [[0.5, 0.5]])  # no overflow


def test_a_saved_model_loads_with_the_same_outputs():
    model = make_model("mlp", 64, hidden=5, seed=3)
    file = io.StringIO()
    save_model(model, file)
    file.seek(0)
    loaded = load_model(file)
    images = np.random.default_rng(0).random((3, 64))
    np.testing.assert_array_equal(predict(loaded, images), predict(model, images))
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not a saved model: not a JSON state: Expecting property name"),
        ("[]", "no 'format'"),
        (json.dumps({"format": "chainrule.digits model", "model": "mlp"}), "not a saved model: 'pixels'"),
        (
            json.dumps(
                {
                    "format": "chainrule.digits model",
                    "model": "logistic",
                    "pixels": 2,
                    "hidden": None,
                    "classes": 2,
                    "state_dict": {
                        f"layers.0.neurons.{i}.{w}": 0.0 for i in range(2) for w in ("w.0", "w.1", "bias")
                    },
                }
            ),
            r"missing \[layers.0.neurons.0.b, layers.0.neurons.1.b\]",
        ),
    ],
)
def test_loading_something_else_is_an_error(text, message):
    with pytest.raises(ValueError, match=message):
        load_model(io.StringIO(text))


def test_the_figures_draw():
    data = Dataset(np.random.default_rng(0).random((4, 64)), np.array([0, 1, 2, 3]), (8, 8), "four")
    history = History([2.0, 1.0, 0.5], [0.1] * 3, [Epoch(1, 1.2, 1.0, 0.5, 0.1)])
    model = make_model("logistic", 64)
    scores = predict(model, data.images)
    figures = [
        loss_figure({"a run": history}),
        weights_figure(model, (8, 8)),
        confusion_figure(confusion_matrix(data.labels, scores.argmax(axis=1))),
        mistakes_figure(data, np.array([0, 2]), scores.argmax(axis=1), softmax_rows(scores).max(axis=1)),
    ]
    assert [len(f.axes) for f in figures] == [1, 10, 1, 2]
    for figure in figures:
        figure.savefig(io.BytesIO(), format="png")
