"""Weight initialisers: each draws one weight from a `random.Random` given by the caller.

Weights start small and random because constant weights make every neuron of a layer
compute, and then learn, the same thing: `Constant` is here to show that, not to train with.
An initialiser is called as ``init(fan_in, fan_out, rng)`` and returns a float.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from dataclasses import dataclass

__all__ = [
    "Constant",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "Normal",
    "Uniform",
    "XavierNormal",
    "XavierUniform",
    "as_rng",
]


def as_rng(rng: random.Random | int) -> random.Random:
    """`rng` itself, or a new `random.Random` seeded with it (never the global `random`)."""
    if isinstance(rng, random.Random):
        return rng
    if isinstance(rng, bool) or not isinstance(rng, int):
        raise TypeError(f"rng must be a random.Random or an int seed, got {type(rng).__name__}: {rng!r}")
    return random.Random(rng)


class Initializer(ABC):
    """Draws one weight of a neuron with `fan_in` inputs in a layer of `fan_out` neurons."""

    @abstractmethod
    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float: ...


def _finite(x: float, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise TypeError(f"{name} must be an int or float, got {type(x).__name__}: {x!r}")
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return float(x)


def _non_negative(x: float, name: str) -> float:
    if _finite(x, name) < 0.0:
        raise ValueError(f"{name} must be >= 0, got {x!r}")
    return float(x)


@dataclass(frozen=True)
class Constant(Initializer):
    """Every weight equal to `value`: the neurons of a layer then stay identical in training."""

    value: float

    def __post_init__(self) -> None:
        _finite(self.value, "value")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Uniform(Initializer):
    """Uniform on [low, high]."""

    low: float = -1.0
    high: float = 1.0

    def __post_init__(self) -> None:
        if _finite(self.low, "low") > _finite(self.high, "high"):
            raise ValueError(f"low must be <= high, got low={self.low!r}, high={self.high!r}")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class Normal(Initializer):
    """Normal with mean 0 and standard deviation `std`."""

    std: float = 1.0

    def __post_init__(self) -> None:
        _non_negative(self.std, "std")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.gauss(0.0, self.std)


@dataclass(frozen=True)
class _Xavier(Initializer, ABC):
    gain: float = 1.0

    def __post_init__(self) -> None:
        _non_negative(self.gain, "gain")


class XavierUniform(_Xavier):
    """Glorot & Bengio (2010): uniform on ±gain·√(6 / (fan_in + fan_out)), for sigmoid and tanh."""

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        bound = self.gain * math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound)


class XavierNormal(_Xavier):
    """Glorot & Bengio (2010): normal with std gain·√(2 / (fan_in + fan_out))."""

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.gauss(0.0, self.gain * math.sqrt(2.0 / (fan_in + fan_out)))


@dataclass(frozen=True)
class HeUniform(Initializer):
    """He et al. (2015): uniform on ±√(6 / fan_in), for relu."""

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        bound = math.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound)


@dataclass(frozen=True)
class HeNormal(Initializer):
    """He et al. (2015): normal with std √(2 / fan_in), for relu."""

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))
