"""What `chainrule train --lr-find` and `chainrule collab --lr-find` print and draw."""

from __future__ import annotations

import io

from chainrule.cli._common import write_output
from nn.lr_find import LRFinder

__all__ = ["print_finder"]

ROWS = 12  # points of the curve printed as a table


def print_finder(finder: LRFinder, plot: str | None, title: str) -> None:
    """The curve as a short table (learning rate, smoothed loss), the suggestions, and the
    picture written to `plot` if given."""
    print(f"{'lr':>9}  {'loss':>8}  (smoothed, β = 0.98)")
    every = max(1, len(finder.lrs) // ROWS)
    for lr, loss in list(zip(finder.lrs, finder.smoothed))[::every]:
        print(f"{lr:>9.2e}  {loss:>8.4f}")
    print(finder.summary())
    if plot is not None:
        from chainrule.training_figures import lr_find_figure

        png = io.BytesIO()
        lr_find_figure(finder, title=f"learning-rate finder: {title}").savefig(png, format="png", dpi=100)
        write_output(plot, png.getvalue(), "--plot")
        print(f"wrote {plot}")
