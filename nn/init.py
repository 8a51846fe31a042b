"""Weight initialisers: each draws one weight from a `random.Random` given by the caller, and
the library's generator that layers draw from when given no `rng` (`manual_seed` resets it).

Weights start small and random because constant weights make every neuron of a layer
compute, and then learn, the same thing: `Constant` is here to show that, not to train with.
An initialiser is called as ``init(fan_in, fan_out, rng)`` and returns a float.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from dataclasses import dataclass

from autograd.validation import check_int, check_number, is_int

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
    "default_generator",
    "manual_seed",
]

# Draws no more than about 8.6 standard deviations from random.gauss (Box–Muller on 53-bit floats)
_GAUSS_REACH = 9.0


def _seed(seed: object) -> int | str:
    """A seed for `random.Random`: a negative int as a string, since Random(-n) is Random(n)."""
    n = check_int(seed, "seed")
    return n if n >= 0 else str(n)


_generator = random.Random(0)  # as PyTorch's: fixed at start, so an unseeded script repeats


def default_generator() -> random.Random:
    """The library's generator, used by every layer and initialiser given no `rng`."""
    return _generator


def manual_seed(seed: int) -> None:
    """Reset the library's generator (PyTorch's `torch.manual_seed`): the models built after it
    without an `rng` are the same in every run; each draws new weights, so they differ from
    one another."""
    _generator.seed(_seed(seed))


def as_rng(rng: random.Random | int | None) -> random.Random:
    """The library's generator for None, `rng` itself for a `random.Random`, or a new one seeded
    with the int `rng` (never the global `random`; -1 and 1 give different generators)."""
    if rng is None:
        return _generator
    if isinstance(rng, random.Random):
        return rng
    if not is_int(rng):
        raise TypeError(
            f"rng must be None, a random.Random or an int seed, got {type(rng).__name__}: {rng!r}"
        )
    return random.Random(_seed(rng))


class Initializer(ABC):
    """Draws one weight of a neuron with `fan_in` inputs in a layer of `fan_out` neurons."""

    @abstractmethod
    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float: ...


def _number(owner: object, field: str, *, min_value: float | None = None) -> float:
    """The dataclass field `field` of `owner`, checked and stored as a float (numpy's too)."""
    x = check_number(getattr(owner, field), field, min_value=min_value)
    object.__setattr__(owner, field, x)  # frozen: the canonical float replaces what was given
    return x


def _reach(owner: object, scale: float, name: str) -> None:
    # every draw must be a finite float: a bound of 1e308 would overflow to inf in the draws
    if not math.isfinite(scale):
        raise ValueError(
            f"{type(owner).__name__}: {name} is too large: draws would overflow to inf, got {owner!r}"
        )


@dataclass(frozen=True)
class Constant(Initializer):
    """Every weight equal to `value`: the neurons of a layer then stay identical in training."""

    value: float

    def __post_init__(self) -> None:
        _number(self, "value")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return float(self.value)


@dataclass(frozen=True)
class Uniform(Initializer):
    """Uniform on [low, high]."""

    low: float = -1.0
    high: float = 1.0

    def __post_init__(self) -> None:
        if _number(self, "low") > _number(self, "high"):
            raise ValueError(f"low must be <= high, got low={self.low!r}, high={self.high!r}")
        _reach(self, self.high - self.low, "high − low")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.uniform(self.low, self.high)


@dataclass(frozen=True)
class Normal(Initializer):
    """Normal with mean 0 and standard deviation `std`."""

    std: float = 1.0

    def __post_init__(self) -> None:
        _reach(self, _number(self, "std", min_value=0.0) * _GAUSS_REACH, "std")

    def __call__(self, fan_in: int, fan_out: int, rng: random.Random) -> float:
        return rng.gauss(0.0, self.std)


@dataclass(frozen=True)
class _Xavier(Initializer, ABC):
    gain: float = 1.0

    def __post_init__(self) -> None:
        _reach(self, _number(self, "gain", min_value=0.0) * _GAUSS_REACH, "gain")


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
