"""`ComputationGraph`, the `graphviz.Digraph` that `draw` returns (imported only when drawing)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import graphviz

INSTALL_HINT = "install Graphviz: apt-get install graphviz (Debian/Ubuntu), brew install graphviz (macOS)"


class ComputationGraph(graphviz.Digraph):  # type: ignore[misc]  # graphviz ships no type hints
    """A `graphviz.Digraph` like any other, but for two things:

    - rendering it (`pipe`, `render`, `view`, or showing it in Jupyter) without Graphviz's
      `dot` raises graphviz's own `ExecutableNotFound` with how to install it added;
    - its repr has no memory address, so a notebook's saved outputs are the same every run.
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:  # Jupyter's display goes through here
        with _install_hint():
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:  # and view() through here
        with _install_hint():
            return super().render(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<ComputationGraph {self.name!r}: {len(self.body)} DOT statements>"


@contextmanager
def _install_hint() -> Iterator[None]:
    try:
        yield
    except graphviz.ExecutableNotFound as error:
        if INSTALL_HINT not in str(error):
            error.args = (f"{error.args[0] if error.args else error}; {INSTALL_HINT}",)
        raise
