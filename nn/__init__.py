"""Neural networks built from `autograd.Value`s: layers (`nn.module`), initialisers
(`nn.init`, with the library's generator: `nn.manual_seed`), losses (`nn.losses`),
optimizers (`nn.optim`), a model's outputs over a batch through the tape (`nn.BatchOutputs`),
JSON state dicts (`nn.save_json`, `nn.load_json`), embeddings and the dot-product model of
collaborative filtering (`nn.embedding`, `nn.collab`), data sets (`nn.data`), and the course's
2-2-2 teaching network built from these layers (`nn.teaching`). The lessons that train it live
in the `chainrule` package, which this one never imports."""

import autograd._clash  # noqa: F401  first: names HIPS autograd if it replaced our autograd/__init__.py
from nn import data, init, losses, optim
from nn._outputs import BatchOutputs
from nn.collab import EmbeddingDotBias
from nn.embedding import Embedding
from nn.init import manual_seed
from nn.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    half_squared_errors,
    l2_loss,
    log_softmax,
    mse_loss,
    nll_loss,
    softmax,
)
from nn.module import MLP, Layer, Module, Neuron
from nn.saving import load_json, save_json

__all__ = [
    "MLP",
    "BatchOutputs",
    "Embedding",
    "EmbeddingDotBias",
    "Layer",
    "Module",
    "Neuron",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "data",
    "half_squared_errors",
    "init",
    "l2_loss",
    "load_json",
    "log_softmax",
    "losses",
    "manual_seed",
    "mse_loss",
    "nll_loss",
    "optim",
    "save_json",
    "softmax",
]
