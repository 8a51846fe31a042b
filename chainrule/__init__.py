"""chainrule's lessons, built on `autograd` (the engine) and `nn` (the layers).

- `chainrule.spreadsheet`: the course network's numbers, names and trace rows (engine-free)
- `chainrule.closed_form`: that network in plain floats, from the chain-rule formulas (engine-free)
- `chainrule.sweep`: its learning-rate sweep on the engine; `chainrule.sweep_report`: table, CSV, chart
- `chainrule.collab`: the collab_filter sheet's ratings and Solver factors, fitting a dot-product
  model to ratings; `chainrule.embeddings`: looking inside it; `chainrule.collab_io`: JSON
- `chainrule.course_sheet`, `chainrule.graddesc_sheet`: the course's spreadsheets written as live
  formulas from the engine; `chainrule.check_sheet`: a learner's gradient cells checked
- `chainrule.cli`: the `chainrule` command (also `python -m chainrule`)

Neither `autograd` nor `nn` imports this package.
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """`__version__`, read from the installed metadata: pyproject.toml's version is the one place
    it is written (read lazily: importlib.metadata costs tens of milliseconds to import)."""
    if name != "__version__":
        raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("chainrule")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"
