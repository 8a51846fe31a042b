"""Neural networks built from `autograd.Value`s: layers (`nn.module`), initialisers
(`nn.init`), losses (`nn.losses`), optimizers (`nn.optim`), embeddings and the dot-product
model of collaborative filtering (`nn.embedding`, `nn.collab`), data sets (`nn.data`), and
the course's 2-2-2 teaching network built from these layers (`nn.teaching`). The lessons that train it live in
the `chainrule` package, which this one never imports."""

from nn import data, init, optim
from nn.collab import EmbeddingDotBias
from nn.embedding import Embedding
from nn.losses import half_squared_errors, l2_loss, mse_loss
from nn.module import MLP, Layer, Module, Neuron

__all__ = [
    "MLP",
    "Embedding",
    "EmbeddingDotBias",
    "Layer",
    "Module",
    "Neuron",
    "data",
    "half_squared_errors",
    "init",
    "l2_loss",
    "mse_loss",
    "optim",
]
