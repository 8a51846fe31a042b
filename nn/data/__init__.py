"""Handwritten digits as numpy arrays: the bundled data sets, real MNIST from files, and
seeded splits and minibatches. Every image is a row of pixels scaled to [0, 1]."""

from nn.data._dataset import Dataset
from nn.data._extra import MissingExtraError
from nn.data.bundled import load_digits, load_mnist_sample
from nn.data.mnist import DataFileError, load_mnist, read_idx
from nn.data.split import as_generator, minibatches, shuffled, train_valid_split

__all__ = [
    "DataFileError",
    "Dataset",
    "MissingExtraError",
    "as_generator",
    "load_digits",
    "load_mnist",
    "load_mnist_sample",
    "minibatches",
    "read_idx",
    "shuffled",
    "train_valid_split",
]
