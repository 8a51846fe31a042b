"""`EmbeddingDotBias`: the collaborative-filtering model of the course's library (fastai's
`EmbeddingDotBias`), built from `Embedding`s.

prediction(user, item) = Σ_k u_k·v_k (+ user bias + item bias), and with ``y_range=(lo, hi)``
squashed into that range: lo + (hi − lo)·σ(x).
"""

from __future__ import annotations

import math
import random

from autograd import Value
from autograd.validation import check_flag, finite_floats
from nn.embedding import _DEFAULT_INIT, Embedding
from nn.init import Initializer, as_rng
from nn.module import Module

__all__ = ["EmbeddingDotBias"]


class EmbeddingDotBias(Module):
    """`n_factors` factors per user and per item, an optional bias for each, an optional
    output range. Every weight (biases included, as in fastai) is drawn by `init` from `rng`
    (a seed or a `random.Random`; by default the library's generator, see `nn.manual_seed`)."""

    def __init__(
        self,
        n_factors: int,
        n_users: int,
        n_items: int,
        *,
        bias: bool = True,
        y_range: tuple[float, float] | None = None,
        init: Initializer = _DEFAULT_INIT,
        rng: random.Random | int | None = None,
    ) -> None:
        rng = as_rng(rng)
        self.user_factors = Embedding(n_users, n_factors, init=init, rng=rng)
        self.item_factors = Embedding(n_items, n_factors, init=init, rng=rng)
        self.user_bias = self.item_bias = None
        if check_flag(bias, "bias"):
            self.user_bias = Embedding(n_users, 1, init=init, rng=rng)
            self.item_bias = Embedding(n_items, 1, init=init, rng=rng)
        self.y_range = None
        if y_range is not None:
            lo, hi = finite_floats(y_range, 2, "y_range")
            if not lo < hi:
                raise ValueError(f"y_range must be (low, high) with low < high, got {y_range!r}")
            self.y_range = (lo, hi)

    def __call__(self, user: int, item: int) -> Value:
        """The predicted rating of `item` by `user` (numbers from 0), as a graph."""
        terms = [a * b for a, b in zip(self.user_factors(user), self.item_factors(item), strict=True)]
        if self.user_bias is not None and self.item_bias is not None:
            terms += [self.user_bias(user)[0], self.item_bias(item)[0]]
        x = sum(terms[1:], start=terms[0])
        if self.y_range is None:
            return x
        lo, hi = self.y_range
        return lo + (hi - lo) * x.sigmoid()

    def predict(self, user: int, item: int) -> float:
        """The same prediction in plain floats, from the weights' `.data` (no graph)."""
        u = self.user_factors(user)
        v = self.item_factors(item)
        x = sum(a.data * b.data for a, b in zip(u, v))  # in the order the graph adds them
        if self.user_bias is not None and self.item_bias is not None:
            x = x + self.user_bias(user)[0].data + self.item_bias(item)[0].data
        if self.y_range is None:
            return x
        lo, hi = self.y_range
        return lo + (hi - lo) * _sigmoid(x)

    def parameters(self) -> list[Value]:
        tables = [self.user_factors, self.item_factors]
        if self.user_bias is not None and self.item_bias is not None:
            tables += [self.user_bias, self.item_bias]
        return [p for table in tables for p in table.parameters()]

    def __repr__(self) -> str:
        y_range = f", y_range={self.y_range!r}" if self.y_range is not None else ""
        return (
            f"EmbeddingDotBias({self.user_factors.dim}, {self.user_factors.num}, {self.item_factors.num}, "
            f"bias={self.user_bias is not None}{y_range})"
        )


def _sigmoid(x: float) -> float:
    e = math.exp(-abs(x))  # as Value.sigmoid computes it: the same float
    return 1.0 / (1.0 + e) if x >= 0.0 else e / (1.0 + e)
