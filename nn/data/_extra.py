"""Data files shipped inside the optional packages of the `data` extra, found without importing
them (importing scikit-learn's datasets takes seconds), with a one-line error when missing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

__all__ = ["MissingExtraError", "package_file"]


class MissingExtraError(ImportError):
    """An optional package is not installed; the message says which extra brings it."""


def package_file(package: str, relative: str, purpose: str) -> Path:
    """The file at `relative` inside the installed `package`, or a MissingExtraError naming the
    `data` extra (also when the package no longer ships that file)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        spec = None
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:
        raise MissingExtraError(
            f"{purpose} needs {package}, which is not installed: pip install 'chainrule[data]'"
        )
    path = Path(folders[0], relative)
    if not path.is_file():
        raise MissingExtraError(
            f"{purpose} reads {relative} from {package}, which this version of it does not ship: "
            "pip install 'chainrule[data]'"
        )
    return path
