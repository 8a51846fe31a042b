"""Seeded shuffling, stratified train/validation splits and minibatches.

Every random choice comes from a `numpy.random.Generator`: the one passed in, one made from
the seed given (the same seed gives the same order on every machine), or, given neither, one
seeded from the library's generator (`nn.manual_seed` resets it, as every default of `nn`).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from autograd.errors import ChainruleError
from autograd.validation import check_flag, check_int, check_number
from nn.data._dataset import Dataset
from nn.init import default_generator

__all__ = ["SplitError", "as_generator", "minibatches", "shuffled", "train_valid_split"]


class SplitError(ChainruleError, ValueError):
    """A split that would leave a part empty: too few examples for the fraction held out
    (scikit-learn's train_test_split refuses the same)."""


def as_generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    """`rng` itself, a new generator seeded with the int `rng`, or for None a new one seeded
    from the library's generator (so `nn.manual_seed` makes a script repeat)."""
    if rng is None:
        return np.random.default_rng(default_generator().getrandbits(64))
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(check_int(rng, "seed", min_value=0))


def shuffled(data: Dataset, rng: np.random.Generator | int | None = None) -> Dataset:
    """The same images in a random order drawn from `rng` (a generator or a seed; by default
    the library's generator)."""
    return data.subset(as_generator(rng).permutation(len(data)))


def train_valid_split(
    data: Dataset,
    valid_fraction: float = 0.2,
    *,
    rng: np.random.Generator | int | None = None,
    stratify: bool = True,
) -> tuple[Dataset, Dataset]:
    """(train, valid): `valid_fraction` of the images held out, drawn from `rng`.

    Stratified by default: each class gives the same fraction (rounded per class), so both
    parts keep the classes' proportions. Both parts come out shuffled.
    """
    fraction = check_number(
        valid_fraction, "valid_fraction", min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True
    )
    generator = as_generator(rng)
    if check_flag(stratify, "stratify"):
        groups = [np.flatnonzero(data.labels == label) for label in np.unique(data.labels)]
    else:
        groups = [np.arange(len(data))]
    valid: list[NDArray[np.intp]] = [np.empty(0, dtype=np.intp)]  # so no data makes empty parts
    train: list[NDArray[np.intp]] = [np.empty(0, dtype=np.intp)]
    for group in groups:
        order = generator.permutation(group)
        cut = round(fraction * len(group))
        valid.append(order[:cut])
        train.append(order[cut:])
    train_index = generator.permutation(np.concatenate(train))
    valid_index = generator.permutation(np.concatenate(valid))
    if not len(train_index) or not len(valid_index):
        raise SplitError(f"valid_fraction={valid_fraction!r} of {len(data)} images leaves one part empty")
    name = data.name
    return data.subset(train_index, f"{name} train"), data.subset(valid_index, f"{name} valid")


def minibatches(
    data: Dataset,
    batch_size: int,
    *,
    rng: np.random.Generator | int | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.int64]]]:
    """(images, labels) in batches of `batch_size` rows: in order, or shuffled by `rng`.

    The last batch is smaller when `batch_size` does not divide the data; `drop_last=True`
    leaves it out (as PyTorch's DataLoader).
    """
    size = check_int(batch_size, "batch_size", min_value=1)  # checked now, not at the first batch
    order = np.arange(len(data)) if rng is None else as_generator(rng).permutation(len(data))
    end = len(order) - len(order) % size if check_flag(drop_last, "drop_last") else len(order)
    return _batches(data, order[:end], size)


def _batches(
    data: Dataset, order: NDArray[np.intp], size: int
) -> Iterator[tuple[NDArray[np.float64], NDArray[np.int64]]]:
    for start in range(0, len(order), size):
        index = order[start : start + size]
        yield data.images[index], data.labels[index]
