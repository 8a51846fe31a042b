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

__all__ = ["CSV_HEADER", "format_table", "plot_formats", "sweep_figure", "write_csv", "write_plot"]

CSV_HEADER = ("lr", "epoch", *TRACE_NAMES)


def format_table(traces: Sequence[Sequence[EpochRecord]]) -> str:
    """One aligned row per learning rate: E_total before training, after it, and the change."""
    updates = traces[0][-1].epoch
    header = ("lr", "E_total before", f"after {updates} update{'s' * (updates != 1)}", "change")
    rows = [header]
    for trace in traces:
        before, after = trace[0].loss, trace[-1].loss
        change = _change(before, after) if before > 0.0 else "-"
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


def write_plot(traces: Sequence[Sequence[EpochRecord]], file: IO[bytes], format: str = "png") -> None:  # noqa: A002 - matplotlib's name
    """`sweep_figure` in `format`, one of `plot_formats()` (a PNG: 700 × 450 pixels)."""
    sweep_figure(traces).savefig(file, format=format, dpi=100)


def plot_formats() -> list[str]:
    """The file formats (suffixes) matplotlib writes: png, svg, pdf, …"""
    from matplotlib.backend_bases import FigureCanvasBase

    return list(FigureCanvasBase.get_supported_filetypes())


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
    # fixed decimals line up; tiny errors switch to exponent form rather than print 0.000000,
    # and huge ones rather than print hundreds of digits
    return f"{x:.6f}" if 1e-4 <= x < 1e6 or x == 0.0 else f"{x:.3e}"


def _change(before: float, after: float) -> str:
    """The relative change as a percentage that never rounds to a false -100.0% (a 99.98 %
    drop is "-99.98%"); a growth beyond ×100 as a factor."""
    ratio = after / before
    if ratio >= 100.0:
        return f"×{ratio:.3g}"
    for decimals in range(1, 5):
        text = f"{ratio - 1.0:+.{decimals}%}"
        if after == 0.0 or text != f"{-1:+.{decimals}%}":
            return text
    return f"×{ratio:.1e}"  # a drop beyond 99.9999 %: the factor says more
