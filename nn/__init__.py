"""Neural networks built from `autograd.Value`s: layers (`nn.module`), initialisers
(`nn.init`), losses (`nn.losses`), optimizers (`nn.optim`), and the course's 2-2-2
teaching network built from these layers (`nn.teaching`). The lessons that train it live in
the `chainrule` package, which this one never imports."""

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
