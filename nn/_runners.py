"""What `nn.train.fit` and `nn.lr_find.lr_find` share: a data set as columns of arrays, its
minibatch orders, and the two ways of computing a batch's mean loss and gradient at a vector
of parameter numbers (`theta`, in `model.parameters()` order).

Which of the two is the `mode` (its old name `engine=` still works, with a
DeprecationWarning: "engine" means the autograd engine itself):

- ``"tape"``: the per-example loss traced once into a tape (`autograd.trace`) and replayed
  over each whole batch with numpy: ``tape.value_and_grad(theta, *batch)``, a pure function.
- ``"dynamic"``: the engine as written: the Values take the numbers of `theta`, one graph is
  built per example, summed into the batch's mean, and `autograd.gradients` walks it (no
  `.grad` changes). The cyclic garbage collector is paused meanwhile (graphs are acyclic:
  walking a batch's hundreds of thousands of nodes only costs time) and the caller's setting
  restored however the step ends.
"""

from __future__ import annotations

import contextlib
import gc
import random
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from autograd import Value, enable_grad, gradients, no_grad
from autograd.engine import set_data_all
from autograd.validation import check_choice
from nn.data import Dataset, Ratings, as_generator
from nn.module import Module

__all__ = [
    "MODES",
    "Columns",
    "Data",
    "Runner",
    "batch_orders",
    "check_mode",
    "columns_of",
    "gc_paused",
    "make_runner",
]

MODES = ("tape", "dynamic")

Array = NDArray[np.float64]
Columns = tuple[NDArray[Any], ...]
"""A data set as parallel arrays, one row per example: the model's inputs, then the target."""
Data = Dataset | Ratings | Columns
Loss = Callable[[Any, Any], Value]


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside, then as the caller had it (on any exit)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def columns_of(data: object, name: str = "data") -> Columns:
    """`data` as columns: a Dataset's (images, labels), Ratings' (users, items, ratings), or a
    tuple of arrays of one length (the inputs, then the targets) as given."""
    if isinstance(data, Dataset):
        return data.images, data.labels
    if isinstance(data, Ratings):
        return (
            np.array(data.users, dtype=np.int64),
            np.array(data.items, dtype=np.int64),
            np.array(data.ratings, dtype=np.float64),
        )
    if isinstance(data, tuple) and len(data) >= 2 and all(isinstance(c, np.ndarray) for c in data):
        lengths = {len(c) for c in data}
        if len(lengths) != 1:
            raise ValueError(
                f"{name}: the columns must have one row per example, got lengths {sorted(lengths)}"
            )
        return data
    raise TypeError(
        f"{name} must be an nn.data.Dataset, nn.data.Ratings or a tuple of numpy arrays (inputs..., "
        f"targets), got {type(data).__name__}: {data!r}"
    )


def batch_orders(
    n: int,
    batch_size: int | None,
    rng: np.random.Generator | random.Random | int | None,
    drop_last: bool,
    shuffle: bool = True,
) -> Callable[[], Iterator[NDArray[np.intp]]]:
    """`epoch()`: the index arrays of one epoch's minibatches. `batch_size` None: one batch of
    everything, in order. Else shuffled each epoch by `rng`: a numpy generator (or seed, or
    None for the library's) draws a new permutation per epoch, as `nn.data.minibatches`; a
    `random.Random` shuffles one list in place epoch after epoch. `shuffle=False`: in order."""
    if batch_size is None:
        whole = np.arange(n)
        return lambda: iter((whole,))
    size = batch_size
    end = n - n % size if drop_last else n
    if not shuffle:
        ordered = np.arange(end)
        return lambda: (ordered[start : start + size] for start in range(0, end, size))
    if isinstance(rng, random.Random):
        order = list(range(n))
        python_rng = rng

        def python_epoch() -> Iterator[NDArray[np.intp]]:
            python_rng.shuffle(order)
            chosen = np.array(order[:end], dtype=np.intp)
            return (chosen[start : start + size] for start in range(0, end, size))

        return python_epoch
    generator = as_generator(rng)

    def numpy_epoch() -> Iterator[NDArray[np.intp]]:
        chosen = generator.permutation(n)[:end]
        return (chosen[start : start + size] for start in range(0, end, size))

    return numpy_epoch


def per_example(model: Any, loss: Loss) -> Callable[..., Value]:
    """One example's loss: ``loss(model(*inputs), target)``."""
    return lambda *row: loss(model(*row[:-1]), row[-1])


class Runner(Protocol):
    """`value_and_grad` does not check for a stale tape: the loop calls `check()` around the
    steps that run none of the model's code (fit: before and after each epoch)."""

    params: list[Value]

    def check(self) -> None: ...

    def value_and_grad(self, theta: Array, batch: Columns) -> tuple[float, Array]: ...

    def mean_loss(self, batch: Columns) -> float: ...


class _Tape:
    """The per-example loss traced once on the first example, replayed over batches."""

    def __init__(self, model: Module, loss: Loss, example: Columns) -> None:
        from autograd import trace

        self.params = model.parameters()
        with enable_grad():  # traced in grad mode, as the dynamic mode computes its gradients
            self.tape = trace(per_example(model, loss), *_row(example, 0), params=self.params)

    def check(self) -> None:
        self.tape.check()

    def value_and_grad(self, theta: Array, batch: Columns) -> tuple[float, Array]:
        return self.tape.value_and_grad(theta, *batch, check=False)

    def mean_loss(self, batch: Columns) -> float:
        return self.tape(*batch)

    def __repr__(self) -> str:
        return f"_Tape({self.tape!r})"


class _Dynamic:
    """The engine as written: one graph per example."""

    def __init__(self, model: Module, loss: Loss) -> None:
        self.params = model.parameters()
        self.example_loss = per_example(model, loss)

    def check(self) -> None:  # a graph per example: nothing to go stale
        pass

    def value_and_grad(self, theta: Array, batch: Columns) -> tuple[float, Array]:
        set_data_all(self.params, theta.tolist())
        with gc_paused(), enable_grad():  # a caller's no_grad must not make every gradient 0
            losses = [self.example_loss(*_row(batch, k)) for k in range(len(batch[0]))]
            mean = sum(losses[1:], start=losses[0]) / len(losses)
            found = gradients(mean)
            grad = np.array([found.get(p, 0.0) for p in self.params], dtype=np.float64)
            value = mean.data
            del losses, mean, found  # freed here by reference counting, while the collector is off
        return value, grad

    def mean_loss(self, batch: Columns) -> float:
        total = 0.0
        with no_grad(), gc_paused():
            for k in range(len(batch[0])):
                total += self.example_loss(*_row(batch, k)).data
        return total / len(batch[0])

    def __repr__(self) -> str:
        return f"_Dynamic({len(self.params)} parameters)"


def check_mode(mode: object, engine: object = None) -> str:
    """`mode` if it is one of `MODES`; `engine`, its old name, wins with a DeprecationWarning."""
    if engine is not None:
        warnings.warn(
            "engine= is now mode= ('engine' names the autograd engine itself)",
            DeprecationWarning,
            stacklevel=3,
        )
        mode = engine
    return str(check_choice(mode, "mode", MODES))


def make_runner(model: object, loss: object, mode: str, example: Columns) -> Runner:
    if not isinstance(model, Module):
        raise TypeError(f"model must be an nn.Module, got {type(model).__name__}: {model!r}")
    if not callable(loss):
        raise TypeError(f"loss must be a function (outputs, target) -> Value, got {loss!r}")
    if not len(example[0]):
        raise ValueError("no examples to train on: the data set is empty")
    if check_choice(mode, "mode", MODES) == "tape":
        return _Tape(model, loss, example)
    return _Dynamic(model, loss)


def _row(columns: Sequence[NDArray[Any]], k: int) -> list[Any]:
    """Example `k` as plain Python: a list of floats for a row of pixels, an int or a float."""
    return [column[k].tolist() for column in columns]
