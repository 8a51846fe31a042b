"""`Embedding`: a table of `num` rows of `dim` trainable Values, looked up by index.

Looking up row i gives the same Values as multiplying a one-hot vector of length `num` by
the table (the course's spreadsheet shows both), without the `num` multiplications by zero.
Only the rows an example looks up take part in its graph, so only they get gradients.
"""

from __future__ import annotations

import numbers
import random

from autograd import Value, select
from autograd.validation import check_int, is_int, is_number
from nn.init import Initializer, Normal, as_rng
from nn.module import Module

__all__ = ["Embedding"]

_DEFAULT_INIT = Normal(0.01)  # fastai's embeddings: a (truncated) normal with std 0.01


class Embedding(Module):
    """`num` rows of `dim` Values; ``emb(i)`` is row i, a list of `dim` Values (PyTorch's
    `nn.Embedding(num_embeddings, embedding_dim)`, one index at a time).

    Each weight is drawn with ``init(num, dim, rng)`` (default: normal, std 0.01) from `rng`
    (a seed or a `random.Random`; by default the library's generator, see `nn.manual_seed`).
    """

    def __init__(
        self, num: int, dim: int, *, init: Initializer = _DEFAULT_INIT, rng: random.Random | int | None = None
    ) -> None:
        self.num = check_int(num, "num", min_value=1)
        self.dim = check_int(dim, "dim", min_value=1)
        if not isinstance(init, Initializer):
            raise TypeError(f"init must be an nn.init.Initializer, got {type(init).__name__}: {init!r}")
        rng = as_rng(rng)
        self.weight = [[Value(init(num, dim, rng)) for _ in range(self.dim)] for _ in range(self.num)]

    def __call__(self, index: int) -> list[Value]:
        """Row `index` (an int from 0 to num − 1): a new list of the table's own Values.

        Inside `autograd.trace`, `index` may be the traced function's integer input: the row
        is then picked by `autograd.select`, so the tape gathers each example's row forward
        and scatter-adds its gradients backward."""
        if isinstance(index, numbers.Integral) or is_number(index) or index is None:
            return list(self.weight[self.check_index(index)])
        try:
            row: list[Value] = select(self.weight, index)
        except TypeError:  # not a traced integer input either
            self.check_index(index)
            raise
        return row

    def check_index(self, index: object) -> int:
        """`index` as an int if it names a row: a TypeError for a non-integer (1.0, True, '1'),
        an IndexError outside 0 … num − 1 (negative indices count from nowhere, as in PyTorch)."""
        if not is_int(index):
            raise TypeError(f"{self!r} is indexed by an int, got {type(index).__name__}: {index!r}")
        i = int(index)
        if not 0 <= i < self.num:
            raise IndexError(f"index {i!r} is out of range for {self!r}: it has rows 0 to {self.num - 1}")
        return i

    def parameters(self) -> list[Value]:
        return [w for row in self.weight for w in row]

    def __repr__(self) -> str:
        return f"Embedding({self.num}, {self.dim})"
