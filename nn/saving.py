"""Saving and loading state dicts as JSON: readable, diffable, and never executed (no pickle).

``nn.save_json(model.state_dict(), "model.json")`` then
``model.load_state_dict(nn.load_json("model.json"))``; an optimizer's `state_dict()` is saved
the same way. Floats are written with ``repr``, so every weight comes back bit for bit.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["load_json", "save_json"]


def save_json(state: object, path: str | os.PathLike[str]) -> None:
    """Write `state` (numbers, strings, bools, lists, tuples, dicts) as JSON to `path`.

    The text is made before the file is opened, so a state that cannot be written (a nan, an
    object JSON does not know) leaves `path` untouched; the file is written through the path
    (a symlink's target, a FIFO), not replaced."""
    try:
        text = json.dumps(state, allow_nan=False, indent=1)
    except (TypeError, ValueError) as error:
        raise ValueError(f"state cannot be saved as JSON: {error}") from None
    with open(path, "w", encoding="utf-8") as file:
        file.write(text + "\n")


def load_json(path: str | os.PathLike[str]) -> Any:
    """The JSON value in `path`; NaN and Infinity are refused (a saved state has neither)."""
    with open(path, encoding="utf-8") as file:
        text = file.read()
    try:
        return json.loads(text, parse_constant=_refuse)
    except ValueError as error:
        raise ValueError(f"{os.fspath(path)!r} is not a JSON state: {error}") from None


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not a number a state can hold")
