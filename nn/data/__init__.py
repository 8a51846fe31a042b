"""Data sets as the lessons use them. Handwritten digits as numpy arrays: the bundled data
sets, real MNIST from files, and seeded splits and minibatches; every image is a row of pixels
scaled to [0, 1]. Ratings for collaborative filtering: MovieLens files, a crosstab, synthetic
ratings with planted factors, and a seeded split."""

from nn.data._dataset import Dataset
from nn.data._extra import MissingExtraError
from nn.data.bundled import load_digits, load_mnist_sample
from nn.data.mnist import DataFileError, load_mnist, read_idx
from nn.data.movielens import (
    FORMATS,
    MalformedFileError,
    read_crosstab,
    read_movielens_100k,
    read_movielens_latest,
    read_ratings,
)
from nn.data.ratings import Ratings, split_ratings
from nn.data.split import SplitError, as_generator, minibatches, shuffled, train_valid_split
from nn.data.synthetic_ratings import PlantedRatings, synthetic_ratings

__all__ = [
    "FORMATS",
    "DataFileError",
    "Dataset",
    "MalformedFileError",
    "MissingExtraError",
    "PlantedRatings",
    "Ratings",
    "SplitError",
    "as_generator",
    "load_digits",
    "load_mnist",
    "load_mnist_sample",
    "minibatches",
    "read_crosstab",
    "read_idx",
    "read_movielens_100k",
    "read_movielens_latest",
    "read_ratings",
    "shuffled",
    "split_ratings",
    "synthetic_ratings",
    "train_valid_split",
]
