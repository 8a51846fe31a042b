"""Importing an optional package of the `data` extra, with a one-line error when it is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["MissingExtraError", "import_extra"]


class MissingExtraError(ImportError):
    """An optional package is not installed; the message says which extra brings it."""


def import_extra(module: str, package: str, purpose: str) -> ModuleType:
    """`import module`, or a MissingExtraError naming `package` and the `data` extra."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(
            f"{purpose} needs {package}, which is not installed: pip install 'chainrule[data]'"
        ) from None
