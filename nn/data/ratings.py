"""`Ratings`: who rated what, and how much, as parallel tuples; a seeded train/validation split.

Users and items are numbered 0, 1, 2, … in the order of their ids (fastai's `Categorify` does
the same), so an embedding table has one row per user or item; `user_ids` and `item_ids` map
the numbers back to the ids of the file.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from autograd.validation import check_int, check_number
from nn.data.split import SplitError

__all__ = ["Ratings", "split_ratings"]


@dataclass(frozen=True)
class Ratings:
    """The i-th rating is `ratings[i]`, given by user `users[i]` to item `items[i]` (both
    numbers from 0); `titles` maps an item id to its title where the data has one."""

    users: tuple[int, ...]
    items: tuple[int, ...]
    ratings: tuple[float, ...]
    user_ids: tuple[int, ...]
    item_ids: tuple[int, ...]
    titles: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not len(self.users) == len(self.items) == len(self.ratings):
            raise ValueError(
                f"users, items and ratings must have one entry per rating, got lengths "
                f"{len(self.users)}, {len(self.items)} and {len(self.ratings)}"
            )
        for name, numbers, count in (
            ("users", self.users, len(self.user_ids)),
            ("items", self.items, len(self.item_ids)),
        ):
            bad = next((n for n in numbers if not 0 <= n < count), None)
            if bad is not None:
                raise ValueError(f"{name} must be numbers from 0 to {count - 1}, got {bad!r}")

    @classmethod
    def from_triples(
        cls, triples: Iterable[tuple[int, int, float]], titles: Mapping[int, str] | None = None
    ) -> Ratings:
        """Ratings from (user id, item id, rating) triples, numbering ids in increasing order."""
        rows = list(triples)
        user_ids = tuple(sorted({u for u, _, _ in rows}))
        item_ids = tuple(sorted({i for _, i, _ in rows}))
        user_index = {u: n for n, u in enumerate(user_ids)}
        item_index = {i: n for n, i in enumerate(item_ids)}
        return cls(
            users=tuple(user_index[u] for u, _, _ in rows),
            items=tuple(item_index[i] for _, i, _ in rows),
            ratings=tuple(check_number(r, "rating") for _, _, r in rows),
            user_ids=user_ids,
            item_ids=item_ids,
            titles=dict(titles or {}),
        )

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    def __len__(self) -> int:
        return len(self.ratings)

    def title(self, item: int) -> str:
        """The title of item number `item`, or ``item <id>`` when the data has none."""
        item_id = self.item_ids[item]
        return self.titles.get(item_id, f"item {item_id}")

    def subset(self, indices: Sequence[int]) -> Ratings:
        """The ratings at `indices`, keeping every user and item (so a model fits both parts)."""
        return Ratings(
            users=tuple(self.users[i] for i in indices),
            items=tuple(self.items[i] for i in indices),
            ratings=tuple(self.ratings[i] for i in indices),
            user_ids=self.user_ids,
            item_ids=self.item_ids,
            titles=self.titles,
        )

    def __repr__(self) -> str:
        return (
            f"Ratings({len(self)} ratings, {self.n_users} users, {self.n_items} items"
            f"{f', {len(self.titles)} titles' if self.titles else ''})"
        )


def split_ratings(ratings: Ratings, valid_pct: float = 0.2, *, seed: int = 0) -> tuple[Ratings, Ratings]:
    """(train, valid): a random `valid_pct` of the ratings held out, drawn with `seed`. The
    validation part may be empty (`valid_pct` 0), the training part not: a `SplitError`."""
    if not isinstance(ratings, Ratings):
        raise TypeError(f"ratings must be a Ratings, got {type(ratings).__name__}: {ratings!r}")
    valid_pct = check_number(valid_pct, "valid_pct", min_value=0.0, max_value=1.0, exclude_max=True)
    order = list(range(len(ratings)))
    random.Random(check_int(seed, "seed")).shuffle(order)
    n_valid = round(valid_pct * len(ratings))
    if n_valid == len(ratings):
        raise SplitError(
            f"valid_pct={valid_pct!r} of {len(ratings)} ratings holds out all of them: none left to train on"
        )
    return ratings.subset(sorted(order[n_valid:])), ratings.subset(sorted(order[:n_valid]))
