import math
import random
import statistics

import pytest

from nn.init import (
    Constant,
    HeNormal,
    HeUniform,
    Initializer,
    Normal,
    Uniform,
    XavierNormal,
    XavierUniform,
    as_rng,
    default_generator,
)

N = 4000  # draws per distribution: enough for the bounds and a loose check of the spread


def _draws(init: Initializer, fan_in: int, fan_out: int, seed: int = 0) -> list[float]:
    rng = random.Random(seed)
    return [init(fan_in, fan_out, rng) for _ in range(N)]


def test_constant() -> None:
    assert set(_draws(Constant(0.3), 5, 2)) == {0.3}


@pytest.mark.parametrize(
    ("init", "fan_in", "fan_out", "bound"),
    [
        (Uniform(-0.2, 0.5), 3, 3, None),
        (XavierUniform(), 10, 6, math.sqrt(6.0 / 16.0)),
        (XavierUniform(gain=2.0), 10, 6, 2.0 * math.sqrt(6.0 / 16.0)),
        (HeUniform(), 12, 1, math.sqrt(6.0 / 12.0)),
    ],
)
def test_uniform_initialisers_fill_their_interval(
    init: Initializer, fan_in: int, fan_out: int, bound: float | None
) -> None:
    low, high = (-bound, bound) if bound is not None else (-0.2, 0.5)
    xs = _draws(init, fan_in, fan_out)
    assert low <= min(xs) < low + 0.01 * (high - low)
    assert high - 0.01 * (high - low) < max(xs) <= high


@pytest.mark.parametrize(
    ("init", "fan_in", "fan_out", "std"),
    [
        (Normal(0.05), 3, 3, 0.05),
        (XavierNormal(), 10, 6, math.sqrt(2.0 / 16.0)),
        (HeNormal(), 12, 1, math.sqrt(2.0 / 12.0)),
    ],
)
def test_normal_initialisers_have_zero_mean_and_their_scale(
    init: Initializer, fan_in: int, fan_out: int, std: float
) -> None:
    xs = _draws(init, fan_in, fan_out)
    assert abs(statistics.fmean(xs)) < 4.0 * std / math.sqrt(N)
    assert statistics.stdev(xs) == pytest.approx(std, rel=0.05)


def test_seeded_draws_repeat() -> None:
    assert _draws(XavierUniform(), 4, 4, seed=1) == _draws(XavierUniform(), 4, 4, seed=1)
    assert _draws(XavierUniform(), 4, 4, seed=1) != _draws(XavierUniform(), 4, 4, seed=2)


def test_as_rng() -> None:
    rng = random.Random(5)
    assert as_rng(rng) is rng
    assert as_rng(5).random() == random.Random(5).random()
    assert as_rng(None) is default_generator()
    assert as_rng(-1).random() != as_rng(1).random()  # random.Random(-1) is Random(1): not here
    for bad in (1.5, "5", True):
        with pytest.raises(TypeError, match="rng"):
            as_rng(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("make", "error", "shown"),
    [
        (lambda: Constant(math.nan), ValueError, "nan"),
        (lambda: Constant("1"), TypeError, "'1'"),  # type: ignore[arg-type]
        (lambda: Uniform(1.0, -1.0), ValueError, "low=1.0, high=-1.0"),
        (lambda: Uniform(-math.inf, 1.0), ValueError, "-inf"),
        (lambda: Normal(-0.1), ValueError, "-0.1"),
        (lambda: XavierUniform(gain=-1.0), ValueError, "-1.0"),
        (lambda: XavierNormal(gain=math.inf), ValueError, "inf"),
    ],
)
def test_bad_hyperparameters(make: object, error: type[Exception], shown: str) -> None:
    with pytest.raises(error, match=shown):
        make()  # type: ignore[operator]


def test_reprs_show_the_settings() -> None:
    assert repr(Constant(0.5)) == "Constant(value=0.5)"
    assert repr(Uniform(-0.1, 0.1)) == "Uniform(low=-0.1, high=0.1)"
    assert repr(XavierUniform()) == "XavierUniform(gain=1.0)"
    assert repr(HeNormal()) == "HeNormal()"
