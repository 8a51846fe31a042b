"""The graddesc lesson as a person wants to see it: a table per optimizer, the CSV of every
update, and a figure of the (a, b) paths over the loss's contours with the error per epoch.

Used by `chainrule graddesc` and notebook 4; matplotlib is imported only by `graddesc_figure`.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from chainrule.graddesc import (
    DIFFERENCES,
    LIBRARY_SETTINGS,
    START,
    TARGET,
    Run,
    SheetPass,
    X,
    Y,
    finite_differences,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CSV_HEADER",
    "format_differences",
    "format_finite_differences",
    "format_sheet_runs",
    "format_table",
    "graddesc_figure",
    "write_csv",
    "write_plot",
]

CSV_HEADER = ("optimizer", "epoch", "step", "x", "y", "a", "b", "de_da", "de_db", "new_a", "new_b", "err2")
MAX_EPOCH_COLUMNS = 8
"""More epochs than this: the table shows the first four and the last four."""


def format_table(runs: Sequence[Run]) -> str:
    """One aligned row per optimizer: (for library rules, the `nn.optim` call) its learning
    rate, √(summed squared error) of each epoch's updates, and (a, b) after the last update."""
    epochs = runs[0].epochs
    shown = _shown_epochs(epochs)
    library = runs[0].rules == "library"
    header = [
        "optimizer",
        *(["nn.optim"] * library),
        "lr",
        *(f"epoch {e}" if e else "…" for e in shown),
        "a",
        "b",
    ]
    rows = [header]
    for run in runs:
        errors = run.epoch_errors()
        a, b = run.final
        cells = [_number(errors[e - 1]) if e else "…" for e in shown]
        settings = [LIBRARY_SETTINGS[run.optimizer]] * library
        rows.append([run.optimizer, *settings, repr(run.lr), *cells, _number(a), _number(b)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(w) if i <= library else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    title = (
        f"rules: {runs[0].rules}; each epoch: √Σ(a·x + b − y)² over its {len(X)} updates; "
        f"a, b after epoch {epochs} (the line: a = {TARGET[0]:g}, b = {TARGET[1]:g})"
    )
    return "\n".join([title, *lines])


def format_sheet_runs(passes: Sequence[Sequence[SheetPass]], start: str = "reset") -> str:
    """The workbook's buttons, one row per sheet: its learning rate as left, √Σ err² of the
    pass it shows after each onestep (the basic sheet's log), and its top a, b; `start` says
    where the onesteps began."""
    onesteps = len(passes[0]) - 1
    shown = _shown_epochs(onesteps)
    header = ["sheet", "lr", *(f"step {e}" if e else "…" for e in shown), "a", "b"]
    rows = [header]
    for sheet_passes in passes:
        last = sheet_passes[-1].state
        cells = [_number(sheet_passes[e].error) if e else "…" for e in shown]
        rows.append([last.sheet, repr(last.lr), *cells, _number(last.a), _number(last.b)])
    title = (
        f"the workbook's macros: {start}, then {onesteps} onestep{'s' * (onesteps != 1)}; "
        f"step k: √Σ err² of the {len(X)} rows shown after it; a, b: the top"
    )
    return "\n".join([title, *_aligned(rows, left=1)])


def format_finite_differences(done: SheetPass, h: float = 0.01) -> str:
    """The basic sheet's finite-difference columns beside the analytic gradients, row by row,
    and how far each is off (h for ∂/∂b, h·x² for ∂/∂a)."""
    header = ["x", "∂/∂b", f"(e(b+{h:g})−e)/{h:g}", "off", "∂/∂a", f"(e(a+{h:g})−e)/{h:g}", "off"]
    rows = [header]
    for u in done.updates:
        est_da, est_db = finite_differences(u, h)
        rows.append(
            [f"{u.x:g}", _number(u.de_db), _number(est_db), f"{est_db - u.de_db:.4g}",
             _number(u.de_da), _number(est_da), f"{est_da - u.de_da:.4g}"]
        )  # fmt: skip
    return "\n".join(_aligned(rows, left=0))


def _aligned(rows: list[list[str]], left: int) -> list[str]:
    """Rows as aligned text: the first `left` columns to the left, the rest right; a rule."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(
            cell.ljust(w) if i < left else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
        )
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def format_differences() -> str:
    """The table of why the sheet's numbers and PyTorch's differ, aligned as text."""
    rows = [("optimizer", "what", "the sheet", "PyTorch"), *DIFFERENCES]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_csv(runs: Sequence[Run], file: IO[str]) -> None:
    """One row per update (optimizer by optimizer), floats at repr's full precision."""
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for run in runs:
        writer.writerows(update.row() for update in run.updates)


def write_plot(runs: Sequence[Run], file: IO[bytes], format: str = "png") -> None:  # noqa: A002 - matplotlib's name
    """`graddesc_figure(runs)` in `format`, one of matplotlib's (a PNG: 1200 × 480 pixels)."""
    graddesc_figure(runs).savefig(file, format=format, dpi=100)


def graddesc_figure(runs: Sequence[Run]) -> Figure:
    """Left: each optimizer's path of (a, b), update by update, over the contours of the
    loss √Σ(a·x + b − y)² on all 29 points, towards (2, 30). Right: the error per epoch."""
    # the object API, not pyplot: no global backend switch, no window, nothing left open
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(12.0, 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    paths_axes, errors_axes = figure.subplots(1, 2, width_ratios=(1.3, 1.0))
    paths = {run.optimizer: _path(run) for run in runs}
    a_values = [a for path in paths.values() for a, _ in path] + [TARGET[0]]
    b_values = [b for path in paths.values() for _, b in path] + [TARGET[1]]
    a_grid = np.linspace(*_padded(min(a_values), max(a_values)), 200)
    b_grid = np.linspace(*_padded(min(b_values), max(b_values)), 200)
    grid_a, grid_b = np.meshgrid(a_grid, b_grid)
    loss = np.sqrt(sum((grid_a * x + grid_b - y) ** 2 for x, y in zip(X, Y, strict=True)))
    levels = np.geomspace(max(float(loss.min()), 1.0), float(loss.max()), 14)
    paths_axes.contour(grid_a, grid_b, loss, levels=levels, colors="0.75", linewidths=0.8)
    for run in runs:
        a_path, b_path = zip(*paths[run.optimizer], strict=True)
        paths_axes.plot(a_path, b_path, marker=".", markersize=3, linewidth=1.0, label=run.optimizer)
    paths_axes.plot(*START, marker="o", color="black", linestyle="none", label="start (1, 1)")
    paths_axes.plot(*TARGET, marker="*", markersize=12, color="black", linestyle="none", label="(2, 30)")
    paths_axes.set_xlabel("a (slope)")
    paths_axes.set_ylabel("b (intercept)")
    paths_axes.set_title(f"(a, b) after each update ({runs[0].rules} rules)")
    paths_axes.legend(fontsize="small")
    for run in runs:
        errors = run.epoch_errors()
        errors_axes.plot(range(1, len(errors) + 1), errors, marker="o", label=run.optimizer)
    errors_axes.set_yscale("log")
    errors_axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    errors_axes.set_xlabel("epoch")
    errors_axes.set_ylabel("√Σ(a·x + b − y)² over the epoch")
    errors_axes.set_title("The error per epoch")
    errors_axes.grid(alpha=0.3)
    errors_axes.legend(fontsize="small")
    return figure


def _path(run: Run) -> list[tuple[float, float]]:
    """(a, b) at the start, then after every update."""
    return [(run.updates[0].a, run.updates[0].b), *((u.new_a, u.new_b) for u in run.updates)]


def _padded(low: float, high: float) -> tuple[float, float]:
    margin = 0.1 * (high - low) or 1.0
    return low - margin, high + margin


def _shown_epochs(epochs: int) -> list[int]:
    """The epochs the table shows; 0 marks the "…" column."""
    if epochs <= MAX_EPOCH_COLUMNS:
        return list(range(1, epochs + 1))
    half = MAX_EPOCH_COLUMNS // 2
    return [*range(1, half + 1), 0, *range(epochs - half + 1, epochs + 1)]


def _number(x: float) -> str:
    """Six significant digits; exponent form only when the magnitude needs it."""
    return f"{x:.6g}" if math.isfinite(x) else repr(x)


def _cell(text: str, width: int, left: bool) -> str:
    return text.ljust(width) if left else text.rjust(width)
