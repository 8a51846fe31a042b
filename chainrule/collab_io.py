"""A fitted `EmbeddingDotBias` as JSON (no pickle): its settings, the user and item ids its
rows stand for, the titles it knows, and every weight at full precision."""

from __future__ import annotations

import json
from typing import IO, Any

from autograd.engine import set_data_all
from autograd.validation import WHOLE_NUMBER, check_flag, check_int, check_number, finite_floats
from nn.collab import EmbeddingDotBias
from nn.data import Ratings
from nn.embedding import Embedding
from nn.saving import load_json

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
    titles that name the model's rows (for `chainrule.embeddings`).

    Everything is checked before the model is built: every key present, the ids whole numbers
    each given once, every weight a number (not ``true``, not ``"0.5"``), each table of the
    size the ids and `factors` say. A ValueError says what is wrong."""
    try:
        document = load_json(file)
    except ValueError as error:
        raise ValueError(f"not a saved collab model: {error}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"not a saved collab model (expected format {FORMAT!r})")
    try:
        return _model(document)
    except KeyError as error:
        raise ValueError(f"not a saved collab model: no {error.args[0]!r} in it") from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"not a saved collab model: {error}") from None


def _model(document: dict[str, Any]) -> tuple[EmbeddingDotBias, Ratings]:
    factors = check_int(document["factors"], "factors", min_value=1)
    bias = check_flag(document["bias"], "bias")
    y_range = None
    if document["y_range"] is not None:
        lo, hi = finite_floats(_list(document["y_range"], "y_range"), 2, "y_range")
        y_range = (lo, hi)
    user_ids, item_ids = _ids(document["user_ids"], "user_ids"), _ids(document["item_ids"], "item_ids")
    titles = document["titles"]
    if not isinstance(titles, dict) or not all(isinstance(t, str) for t in titles.values()):
        raise TypeError("titles must be an object of item id to title")
    titles = {_whole_id(key, "titles"): title for key, title in titles.items()}
    tables = {
        "user_factors": _table(document["user_factors"], len(user_ids), factors, "user_factors"),
        "item_factors": _table(document["item_factors"], len(item_ids), factors, "item_factors"),
    }
    if bias:
        for name, num in (("user_bias", len(user_ids)), ("item_bias", len(item_ids))):
            tables[name] = _table([[b] for b in _list(document[name], name)], num, 1, name)
    model = EmbeddingDotBias(factors, len(user_ids), len(item_ids), bias=bias, y_range=y_range)
    for name, rows in tables.items():
        weights = [w for row in getattr(model, name).weight for w in row]
        set_data_all(weights, [x for row in rows for x in row])
    return model, Ratings(users=(), items=(), ratings=(), user_ids=user_ids, item_ids=item_ids, titles=titles)


def _rows(table: Embedding) -> list[list[float]]:
    return [[w.data for w in row] for row in table.weight]


def _list(x: object, name: str) -> list[Any]:
    if not isinstance(x, list):
        raise TypeError(f"{name} must be a list, got {type(x).__name__}")
    return x


def _ids(x: object, name: str) -> tuple[int, ...]:
    ids = tuple(check_int(i, f"each of {name}") for i in _list(x, name))
    seen: set[int] = set()
    for i in ids:
        if i in seen:
            raise ValueError(f"{name}: id {i} is given twice (each row stands for one id)")
        seen.add(i)
    if not ids:
        raise ValueError(f"{name} is empty")
    return ids


def _whole_id(key: str, name: str) -> int:
    if not WHOLE_NUMBER.fullmatch(key):
        raise ValueError(f"{name}: key {key!r} is not a whole number")
    return int(key)


def _table(x: object, num: int, dim: int, name: str) -> list[list[float]]:
    """`x` as `num` rows of `dim` finite numbers (bools and strings refused), checked before
    the model is built."""
    rows = _list(x, name)
    if len(rows) != num or any(not isinstance(row, list) or len(row) != dim for row in rows):
        raise ValueError(f"{name}: expected {num} rows of {dim} numbers")
    return [[check_number(w, f"each weight of {name}") for w in row] for row in rows]
