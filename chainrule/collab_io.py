"""A fitted `EmbeddingDotBias` as JSON (no pickle): its settings, the user and item ids its
rows stand for, the titles it knows, and every weight at full precision."""

from __future__ import annotations

import json
from typing import IO, Any

from nn.collab import EmbeddingDotBias
from nn.data import Ratings
from nn.embedding import Embedding

__all__ = ["FORMAT", "load_model", "save_model"]

FORMAT = "chainrule.collab/1"


def save_model(model: EmbeddingDotBias, ratings: Ratings, file: IO[str]) -> None:
    """Write `model`, fitted to `ratings` (whose ids name its rows), to a text file as JSON."""
    if (model.user_factors.num, model.item_factors.num) != (ratings.n_users, ratings.n_items):
        raise ValueError(f"{model!r} does not fit {ratings!r}: the row counts differ")
    document: dict[str, Any] = {
        "format": FORMAT,
        "factors": model.user_factors.dim,
        "bias": model.user_bias is not None,
        "y_range": list(model.y_range) if model.y_range is not None else None,
        "user_ids": list(ratings.user_ids),
        "item_ids": list(ratings.item_ids),
        "titles": {str(k): v for k, v in ratings.titles.items()},
        "user_factors": _rows(model.user_factors),
        "item_factors": _rows(model.item_factors),
    }
    if model.user_bias is not None and model.item_bias is not None:
        document["user_bias"] = [row[0] for row in _rows(model.user_bias)]
        document["item_bias"] = [row[0] for row in _rows(model.item_bias)]
    json.dump(document, file)  # floats as repr: they read back bit for bit


def load_model(file: IO[str]) -> tuple[EmbeddingDotBias, Ratings]:
    """(model, ratings) from `save_model`'s JSON; the ratings hold no ratings, only the ids and
    titles that name the model's rows (for `chainrule.embeddings`)."""
    document = json.load(file)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a saved collab model (expected format {FORMAT!r})")
    y_range = document["y_range"]
    model = EmbeddingDotBias(
        document["factors"],
        len(document["user_ids"]),
        len(document["item_ids"]),
        bias=document["bias"],
        y_range=tuple(y_range) if y_range is not None else None,
    )
    _fill(model.user_factors, document["user_factors"], "user_factors")
    _fill(model.item_factors, document["item_factors"], "item_factors")
    if model.user_bias is not None and model.item_bias is not None:
        _fill(model.user_bias, [[b] for b in document["user_bias"]], "user_bias")
        _fill(model.item_bias, [[b] for b in document["item_bias"]], "item_bias")
    ids = Ratings(
        users=(),
        items=(),
        ratings=(),
        user_ids=tuple(document["user_ids"]),
        item_ids=tuple(document["item_ids"]),
        titles={int(k): v for k, v in document["titles"].items()},
    )
    return model, ids


def _rows(table: Embedding) -> list[list[float]]:
    return [[w.data for w in row] for row in table.weight]


def _fill(table: Embedding, rows: list[list[float]], name: str) -> None:
    if len(rows) != table.num or any(len(row) != table.dim for row in rows):
        raise ValueError(f"{name}: expected {table.num} rows of {table.dim} numbers")
    for weights, numbers in zip(table.weight, rows):
        for w, x in zip(weights, numbers):
            w.set_data(float(x))
