"""Synthetic ratings with planted factors and biases, so that a test knows the truth.

rating = mean + user_bias[u] + item_bias[i] + Σ_k user_factors[u][k]·item_factors[i][k] + noise,
with every number drawn from normal distributions by one seeded `random.Random`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from autograd.validation import check_int, check_number
from nn.data.ratings import Ratings

__all__ = ["PlantedRatings", "synthetic_ratings"]


@dataclass(frozen=True)
class PlantedRatings:
    """The ratings and the truth they were drawn from (user and item numbers index the truth)."""

    ratings: Ratings
    mean: float
    user_bias: tuple[float, ...]
    item_bias: tuple[float, ...]
    user_factors: tuple[tuple[float, ...], ...]
    item_factors: tuple[tuple[float, ...], ...]

    def __repr__(self) -> str:
        return f"PlantedRatings({self.ratings!r}, {len(self.user_factors[0])} factors, mean={self.mean!r})"


def synthetic_ratings(
    n_users: int,
    n_items: int,
    n_factors: int = 3,
    *,
    density: float = 0.5,
    mean: float = 3.5,
    bias_std: float = 0.5,
    factor_std: float = 0.5,
    noise: float = 0.1,
    seed: int = 0,
) -> PlantedRatings:
    """Each user rates each item with probability `density` (and at least one item); users and
    items are numbered as their ids, 0, 1, 2, …"""
    n_users = check_int(n_users, "n_users", min_value=1)
    n_items = check_int(n_items, "n_items", min_value=1)
    n_factors = check_int(n_factors, "n_factors", min_value=0)
    density = check_number(density, "density", min_value=0.0, max_value=1.0, exclude_min=True)
    mean = check_number(mean, "mean")
    stds = {
        name: check_number(x, name, min_value=0.0)
        for name, x in (("bias_std", bias_std), ("factor_std", factor_std), ("noise", noise))
    }
    rng = random.Random(check_int(seed, "seed"))

    def draws(count: int, std: float) -> tuple[float, ...]:
        return tuple(rng.gauss(0.0, std) for _ in range(count))

    user_bias = draws(n_users, stds["bias_std"])
    item_bias = draws(n_items, stds["bias_std"])
    user_factors = tuple(draws(n_factors, stds["factor_std"]) for _ in range(n_users))
    item_factors = tuple(draws(n_factors, stds["factor_std"]) for _ in range(n_items))
    users, items, values = [], [], []
    for u in range(n_users):
        rated = [i for i in range(n_items) if rng.random() < density] or [rng.randrange(n_items)]
        for i in rated:
            dot = math.fsum(a * b for a, b in zip(user_factors[u], item_factors[i]))
            users.append(u)
            items.append(i)
            values.append(mean + user_bias[u] + item_bias[i] + dot + rng.gauss(0.0, stds["noise"]))
    ratings = Ratings(
        users=tuple(users),
        items=tuple(items),
        ratings=tuple(values),
        user_ids=tuple(range(n_users)),
        item_ids=tuple(range(n_items)),
    )
    return PlantedRatings(ratings, mean, user_bias, item_bias, user_factors, item_factors)
