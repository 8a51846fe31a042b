"""The flat parameter list (bench/problems.py's neuron-major order) as numpy matrices and back."""

import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]


def unflatten(weights: Sequence[float], sizes: Sequence[int]) -> list[tuple[Matrix, Matrix]]:
    """Per layer (W of shape (out, in), b of shape (out,)), each neuron's weights a row of W."""
    layers, i = [], 0
    for nin, nout in itertools.pairwise(sizes):
        block = np.array(weights[i : i + nout * (nin + 1)], dtype=np.float64).reshape(nout, nin + 1)
        layers.append((block[:, :nin].copy(), block[:, nin].copy()))
        i += nout * (nin + 1)
    return layers


def flatten(layers: Sequence[tuple[Matrix, Matrix]]) -> list[float]:
    """The inverse of `unflatten`."""
    rows = [np.hstack([w, b[:, None]]).ravel() for w, b in layers]
    return [float(x) for x in np.concatenate(rows)]
