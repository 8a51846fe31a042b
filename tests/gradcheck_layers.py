"""numpy forwards and hand-written backwards for the gradcheck tests, correct and planted wrong.

Plain numpy, as a user writes them: run on floats for the check's central differences, and
on object arrays of Values for the engine's gradient."""

import math
from typing import Any

import numpy as np

Array = Any  # a float64 array, or an object array of Values


def dense(W: Array, x: Array, b: Array) -> Any:
    return np.tanh(W @ x + b)


def dense_backward(dy: Array, W: Array, x: Array, b: Array) -> Any:
    dz = dy * (1.0 - np.tanh(W @ x + b) ** 2)
    return np.outer(dz, x), W.T @ dz, dz


def dense_backward_transposed_dw(dy: Array, W: Array, x: Array, b: Array) -> Any:
    dz = dy * (1.0 - np.tanh(W @ x + b) ** 2)
    return np.outer(x, dz), W.T @ dz, dz  # the bug: dW transposed


def softmax(z: Array) -> Any:
    e = np.exp(z - z.max())  # max: a comparison, which Values do not have
    return e / e.sum()


def softmax_on_values(z: Array) -> Any:
    e = np.exp(z)
    return e / e.sum()


def softmax_backward(u: Array, z: Array) -> Any:
    s = softmax(z)
    return s * (u - np.dot(u, s))


def softmax_backward_without_the_sum(u: Array, z: Array) -> Any:
    return softmax(z) * u  # the bug: forgets the -s·(u·s) term


def blend(a: Array, B: Array, c: Array) -> Any:
    """A 3-argument function: a scalar, a matrix and a vector to one number."""
    return a * np.sum(B @ c) + np.sum(np.exp(c)) * a * a


def blend_backward(u: Array, a: Array, B: Array, c: Array) -> Any:
    da = u * (np.sum(B @ c) + 2.0 * a * np.sum(np.exp(c)))
    dB = u * a * np.outer(np.ones(B.shape[0]), c)
    dc = u * (a * B.sum(axis=0) + a * a * np.exp(c))
    return da, dB, dc


def blend_backward_wrong_dc(u: Array, a: Array, B: Array, c: Array) -> Any:
    da, dB, _ = blend_backward(u, a, B, c)
    return da, dB, u * (a * B.sum(axis=1) + a * a * np.exp(c))  # the bug: B's rows, not its columns


def dense_math(W: Array, x: Array, b: Array) -> Any:
    return [math.tanh(sum(W[i, j] * x[j] for j in range(len(x))) + b[i]) for i in range(len(b))]


def dense_float64(W: Array, x: Array, b: Array) -> Any:
    W = np.asarray(W, dtype=np.float64)
    return np.tanh(W @ x + b)


def dense_jvp(v: Array, W: Array, x: Array, b: Array) -> Any:
    dW, dx, db = v
    return (1.0 - np.tanh(W @ x + b) ** 2) * (dW @ x + W @ dx + db)


def dense_jvp_transposed_dw(v: Array, W: Array, x: Array, b: Array) -> Any:
    dW, dx, db = v
    return (1.0 - np.tanh(W @ x + b) ** 2) * (dW.T @ x + W @ dx + db)  # the bug: dW transposed
