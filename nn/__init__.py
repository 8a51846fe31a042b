"""Neural networks built from `autograd.Value`s: layers (`nn.module`), initialisers
(`nn.init`), losses (`nn.losses`), optimizers (`nn.optim`), and the course's teaching
network (`nn.teaching`, with its engine-free twin `nn.closed_form`, and `nn.report` to show
its learning-rate sweep as a table, a CSV trace or a chart)."""

from nn import init, optim
from nn.losses import half_squared_errors, l2_loss, mse_loss
from nn.module import MLP, Layer, Module, Neuron

__all__ = [
    "MLP",
    "Layer",
    "Module",
    "Neuron",
    "half_squared_errors",
    "init",
    "l2_loss",
    "mse_loss",
    "optim",
]
