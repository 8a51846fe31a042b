"""Saving and loading state dicts as JSON: readable, diffable, and never executed (no pickle).

``nn.save_json(model.state_dict(), "model.json")`` then
``model.load_state_dict(nn.load_json("model.json"))``; an optimizer's `state_dict()` is saved
the same way. Floats are written with ``repr``, so every weight comes back bit for bit.
"""

from __future__ import annotations

import json
import math
import os
from typing import IO, Any

from nn._files import write_file

__all__ = ["load_json", "save_json"]


def save_json(state: object, path: str | os.PathLike[str]) -> None:
    """Write `state` (numbers, strings, bools, lists, tuples, dicts) as JSON to `path`.

    The text is made before the file is touched, so a state that cannot be written (a nan,
    an object JSON does not know) leaves `path` as it was; then the file is replaced in full
    or not at all (a new file beside it, renamed over it: a write that fails half-way leaves
    the old file whole), a symlink followed, a FIFO written into (see `nn._files`)."""
    try:
        text = json.dumps(state, allow_nan=False, indent=1)
    except (TypeError, ValueError) as error:
        raise ValueError(f"state cannot be saved as JSON: {error}") from None
    write_file(path, (text + "\n").encode("utf-8"))


def load_json(source: str | os.PathLike[str] | IO[str]) -> Any:
    """The JSON value in `source` (a path, or a text file open for reading, as `torch.load`
    takes either). A ValueError naming it if it is not JSON, holds a number that is not
    finite (NaN, Infinity, or one beyond the float range such as 1e400: a saved state has
    none), or nests deeper than Python's stack can parse."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, encoding="utf-8") as file:
            return _parse(file, f"{os.fspath(source)!r} is not a JSON state")
    name = getattr(source, "name", None)  # a file opened by path has one; a StringIO has not
    return _parse(source, f"{name!r} is not a JSON state" if isinstance(name, str) else "not a JSON state")


def _parse(file: IO[str], what: str) -> Any:
    try:
        return json.loads(file.read(), parse_constant=_refuse, parse_float=_finite)
    except ValueError as error:  # UnicodeDecodeError included
        raise ValueError(f"{what}: {error}") from None
    except RecursionError:  # the C scanner recurses once per level of [ or {
        raise ValueError(f"{what}: it nests too deeply") from None


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not a number a state can hold")


def _finite(text: str) -> float:
    x = float(text)
    if not math.isfinite(x):  # json reads 1e400 as inf without a word
        raise ValueError(f"{text} is beyond the float range: not a number a state can hold")
    return x
