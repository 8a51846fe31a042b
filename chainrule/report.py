"""The learning-rate sweep as a person wants to see it: a table, a CSV trace, a chart.

Used by `chainrule sweep` and the notebooks; matplotlib is imported only by `sweep_figure`.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from chainrule.spreadsheet import TRACE_NAMES, EpochRecord

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["CSV_HEADER", "format_table", "sweep_figure", "write_csv", "write_plot"]

CSV_HEADER = ("lr", "epoch", *TRACE_NAMES)


def format_table(traces: Sequence[Sequence[EpochRecord]]) -> str:
    """One aligned row per learning rate: E_total before training, after it, and the change."""
    updates = traces[0][-1].epoch
    header = ("lr", "E_total before", f"after {updates} update{'s' * (updates != 1)}", "change")
    rows = [header]
    for trace in traces:
        before, after = trace[0].loss, trace[-1].loss
        change = f"{(after - before) / before:+.1%}" if before > 0.0 else "-"
        rows.append((repr(trace[0].lr), _loss(before), _loss(after), change))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_csv(traces: Sequence[Sequence[EpochRecord]], file: IO[str]) -> None:
    """One row per (learning rate, epoch); floats written with repr's full precision."""
    writer = csv.writer(file, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for trace in traces:
        writer.writerows(record.row() for record in trace)


def write_plot(traces: Sequence[Sequence[EpochRecord]], file: IO[bytes]) -> None:
    """A PNG of E_total against epoch, one line per learning rate."""
    sweep_figure(traces).savefig(file, format="png", dpi=100)


def sweep_figure(traces: Sequence[Sequence[EpochRecord]]) -> Figure:
    """E_total against epoch, one labelled line per learning rate, on matplotlib's Agg canvas."""
    # the object API, not pyplot: no global backend switch, no window, nothing left open
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.0, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    for trace in traces:
        axes.plot([r.epoch for r in trace], [r.loss for r in trace], label=repr(trace[0].lr))
    axes.set_xlabel("epoch (SGD updates)")
    axes.set_ylabel("E_total")
    axes.set_title("The 2-2-2 teaching network: E_total by learning rate")
    axes.set_xlim(0, max(1, traces[0][-1].epoch))
    axes.set_ylim(bottom=0.0)
    axes.grid(alpha=0.3)
    axes.legend(title="learning rate")
    return figure


def _loss(x: float) -> str:
    # fixed decimals line up; tiny errors switch to exponent form rather than print 0.000000
    return f"{x:.6f}" if x >= 1e-4 or x == 0.0 else f"{x:.3e}"
