"""chainrule's lessons, built on `autograd` (the engine) and `nn` (the layers).

- `chainrule.spreadsheet`: the course network's numbers, names and trace rows (engine-free)
- `chainrule.closed_form`: that network in plain floats, from the chain-rule formulas (engine-free)
- `chainrule.sweep`: its learning-rate sweep on the engine; `chainrule.report`: table, CSV, chart
- `chainrule.collab`: the collab_filter sheet's ratings and Solver factors, fitting a dot-product
  model to ratings; `chainrule.embeddings`: looking inside it; `chainrule.collab_io`: JSON
- `chainrule.cli`: the `chainrule` command (also `python -m chainrule`)

Neither `autograd` nor `nn` imports this package.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
