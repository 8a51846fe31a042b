"""The course spreadsheet's layout, free of the engine: its numbers, its names, one row of a
training trace.

`nn.teaching` builds the same network on the engine with the same numbers and names (a test
checks they agree); they are repeated here because the closed form must not import the engine (its
argument checks are `autograd.validation`'s, which loads no engine)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_INPUTS = (0.05, 0.1)
DEFAULT_WEIGHTS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55)
DEFAULT_TARGETS = (0.01, 0.99)
DEFAULT_LEARNING_RATES = (0.1, 0.2, 0.5, 0.8, 1.0, 2.0)
DEFAULT_EPOCHS = 45

INPUT_NAMES = ("i1", "i2")
WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
FORWARD_NAMES = ("h1", "h2", "a_h1", "a_h2", "o1", "o2", "a_o1", "a_o2", "E1", "E2", "E_total")
GRADIENT_NAMES = tuple(f"dE_d{w}" for w in WEIGHT_NAMES)
TRACE_NAMES = (*WEIGHT_NAMES, *FORWARD_NAMES, *GRADIENT_NAMES)
"""The columns of a trace row after `lr` and `epoch`, in the spreadsheet's order."""


@dataclass(frozen=True)
class EpochRecord:
    """The network after `epoch` SGD updates at learning rate `lr` (epoch 0: untrained).

    `values` maps every name of `TRACE_NAMES` to its float: the weights, every node of the
    forward pass, and ∂E_total/∂w of these weights (`dE_dw1` …).
    """

    lr: float
    epoch: int
    values: Mapping[str, float]

    @property
    def loss(self) -> float:
        """E_total."""
        return self.values["E_total"]

    def row(self) -> list[float]:
        """lr, epoch, then the values in `TRACE_NAMES` order: one CSV row."""
        return [self.lr, self.epoch, *(self.values[name] for name in TRACE_NAMES)]
