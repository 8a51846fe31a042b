"""The benchmark's report: speed, memory and target tables, as aligned text or Markdown."""

import os
import platform
import statistics
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from bench.plan import (
    CAP_MB,
    COLUMNS,
    DEMO,
    DEMO_DROPPED,
    MIB,
    SPEED_TABLES,
    TARGETS,
    AtMost,
    Faster,
    Job,
    Scaling,
    SpeedTable,
    Target,
    Works,
)

TIMED = ("moons", "digits", "mnist", "demo", "sweep", "chain", "wide")
DEMO_ROWS = (DEMO, DEMO_DROPPED)


@dataclass
class Measurements:
    """Every worker's output, by table row and column key."""

    runs: dict[str, dict[str, list[dict[str, Any]]]]
    missing: list[str]
    quick: bool
    engine: str = "unknown"
    seconds: float = 0.0
    worst_difference: dict[str, float] = field(default_factory=dict)

    def add(self, row: str, key: str, out: dict[str, Any]) -> None:
        self.runs[row][key].append(out)

    def median(self, row: str, key: str, name: str = "seconds") -> float | None:
        values = [run[name] for run in self.runs.get(row, {}).get(key, []) if run.get(name) is not None]
        return statistics.median(values) if values else None

    def failure(self, row: str, key: str) -> str | None:
        for run in self.runs.get(row, {}).get(key, []):
            if "fails" in run or "error" in run:
                return "fails" if "fails" in run else "error"
        return None

    def first(self, row: str, key: str) -> dict[str, Any] | None:
        runs = self.runs.get(row, {}).get(key, [])
        return runs[0] if runs else None


Table = tuple[list[str], list[list[str]]]


def render(jobs: list[Job], m: Measurements, *, markdown: bool) -> str:
    parts = [_header(jobs, m)]
    parts += [_table(_speed(table, jobs, m), markdown) for table in SPEED_TABLES]
    if any(row in m.runs for row in DEMO_ROWS):
        parts.append(_table(_demo_gc(m), markdown))
    parts.append(_table(_memory(m), markdown))
    if not m.quick:
        parts.append(_table(_targets(m, markdown), markdown))
    return "\n\n".join(parts)


# ---- formatting ----


def _duration(seconds: float, per_op: bool = False) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            text = f"{seconds / scale:.3g} {unit}"
            return f"{text}/op" if per_op else text
    raise AssertionError("unreachable")


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator == 0.0:
        return "—"
    return f"{numerator / denominator:.3g}×"


def _table(table: Table, markdown: bool) -> str:
    headers, rows = table
    if markdown:
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    aligned = [headers, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in aligned)


def _machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            cpu = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for package in ("micrograd", "torch"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} not installed")
    return f"Python {platform.python_version()}, {cpu}, {os.cpu_count()} cores; " + ", ".join(versions)


def _header(jobs: list[Job], m: Measurements) -> str:
    repeats = sorted({job.repeats for job in jobs if job.workload in TIMED})
    lines = [
        f"{'Quick' if m.quick else 'Full'} run of chainrule at commit {m.engine} on {_machine()};"
        f" took {m.seconds:.0f} s.",
        f"Times are medians of {' or '.join(map(str, repeats))} run(s), each in a fresh process,"
        " engines taking turns; a moons or demo step is the mean of consecutive steps (for moons,"
        " after one untimed step; a run under 0.2 s is repeated in its process and the median"
        " taken);"
        " the GC is on unless a column says otherwise.",
    ]
    if m.worst_difference:
        worst = max(m.worst_difference.values())
        lines.append(
            f"Every engine's results agree with chainrule's to {worst:.1e} (relative; the check is 1e-9)."
        )
    lines += [f"Skipped {engine}: not importable (install it in .venv to compare)." for engine in m.missing]
    return "\n".join(lines)


# ---- tables ----


def _cell(m: Measurements, row: str, key: str, per_op: bool) -> str:
    failure = m.failure(row, key)
    if failure == "fails":
        return "fails (RecursionError)"
    if failure:
        return "error"
    seconds = m.median(row, key)
    if seconds is None:
        return "—"
    scaled, total = m.median(row, key, "scaled_from"), m.median(row, key, "of")
    return _duration(seconds, per_op) + (f" (from {scaled:.0f} of {total:.0f} batches)" if scaled else "")


def _speed(table: SpeedTable, jobs: list[Job], m: Measurements) -> Table:
    """One row per timed job row that one of the table's columns ran; its ratios after."""
    wanted = {c.key for c in table.columns}
    ran = {c.key for job in jobs if job.workload in TIMED for c in job.columns}
    present = {key for row in m.runs.values() for key in row}
    columns = [c for c in table.columns if c.key in ran and c.key in present]
    ratios = [(a, b) for a, b in table.ratios if a in columns and b in columns]
    headers = [
        f"workload ({table.title})",
        *(c.title for c in columns),
        *(f"{a.title} ÷ {b.title}" for a, b in ratios),
    ]

    def median(row: str, key: str) -> float | None:
        return None if m.failure(row, key) else m.median(row, key)

    rows, chain_rows = [], []
    table_rows = [
        job.row
        for job in jobs
        if job.workload in TIMED and wanted.intersection(c.key for c in job.columns) - {"chainrule"}
    ]
    for row in dict.fromkeys(table_rows):
        per_op = row.startswith("chain")
        if per_op:
            chain_rows.append(row)
        cells = [_cell(m, row, c.key, per_op) for c in columns]
        quotients = [_ratio(median(row, a.key), median(row, b.key)) for a, b in ratios]
        rows.append([row, *cells, *quotients])
    if len(chain_rows) >= 2:
        small, large = chain_rows[0], chain_rows[-1]
        label = f"chain cost/op, {large.split('=')[1]} ÷ {small.split('=')[1]}"
        scaling = [_ratio(m.median(large, c.key), m.median(small, c.key)) for c in columns]
        rows.append([label, *scaling, *("" for _ in ratios)])
    return headers, rows


def _demo_gc(m: Measurements) -> Table:
    """Per step of the demo loop: time in the cyclic GC (its share) and full collections."""
    keys = [(c.key, c.title) for c in COLUMNS if any(c.key in m.runs.get(row, {}) for row in DEMO_ROWS)]

    def cell(row: str, key: str) -> str:
        gc_seconds, seconds = m.median(row, key, "gc_seconds"), m.median(row, key)
        full = m.median(row, key, "full_collections")
        if gc_seconds is None or seconds is None or full is None:
            return "—"
        return f"{_duration(gc_seconds)} ({gc_seconds / seconds:.0%}), {full:.2g} full"

    headers = ["cyclic GC per demo step: time (share of the step), full collections"]
    return [*headers, *(t for _, t in keys)], [[row, *(cell(row, k) for k, _ in keys)] for row in DEMO_ROWS]


def _memory(m: Measurements) -> Table:
    keys = [(c.key, c.title) for c in COLUMNS if c.key in ("chainrule", "micrograd", "torch", "floor")]
    keys = [
        (k, t) for k, t in keys if any(k in m.runs.get(r, {}) for r in ("bytes per node", "memory steps"))
    ]

    def per_node(name: str, traced: bool) -> list[str]:
        cells = []
        for key, _ in keys:
            value = m.median("bytes per node", key, name)
            if key == "torch" and traced:
                cells.append("not traced (C++ heap)")
            else:
                cells.append("—" if value is None else f"{value:,.0f}")
        return cells

    gc_found = [m.median("gc after drop", k, "found") for k, _ in keys]
    tracked = [m.median("bytes per node", k, "gc_tracked") for k, _ in keys]
    rows = [
        ["bytes per op node after forward (tracemalloc)", *per_node("forward_bytes", True)],
        ["bytes per op node after backward (tracemalloc)", *per_node("backward_bytes", True)],
        ["bytes per op node after backward (RSS)", *per_node("rss_bytes", False)],
        ["GC-tracked objects per op node", *("—" if t is None else f"{t:.2f}" for t in tracked)],
        [
            "objects gc.collect() finds after a dropped moons step, GC off",
            *("—" if f is None else f"{f:,.0f}" for f in gc_found),
        ],
        [
            "RSS after moons steps first → middle → last, GC off",
            *(_rss(m.first("memory steps", k)) for k, _ in keys),
        ],
    ]
    return ["memory", *(t for _, t in keys)], rows


def _rss(run: dict[str, Any] | None) -> str:
    if run is None or "first_rss" not in run:
        return "—"
    mb = [run[k] / MIB for k in ("first_rss", "middle_rss", "last_rss")]
    capped = f" (stopped at +{CAP_MB:,} MiB)" if run.get("capped") else ""
    return f"{mb[0]:.1f} → {mb[1]:.1f} → {mb[2]:.1f} MiB, {run['steps']} steps{capped}"


def _targets(m: Measurements, markdown: bool) -> Table:
    checks = [(target, *_check(target, m)) for target in TARGETS]
    if markdown:  # docs/performance.md's form: each goal and what this run measured
        return ["goal", "this run"], [[text, measured] for _, text, measured, _ in checks]
    return ["target", "issue", "measured", "verdict"], [
        [text, f"#{target.issue}", measured, verdict] for target, text, measured, verdict in checks
    ]


def _check(target: Target, m: Measurements) -> tuple[str, str, str]:
    """The target as text, what was measured, and PASS, MISS or "—" (not measured)."""
    match target:
        case Faster(row=row, column=column, than=than, times=times):
            if times >= 1:
                text = f"{row}: {column.title} ≥ {times:g}× faster than {than.title}"
            else:
                text = f"{row}: {column.title} within {1 / times:g}× of {than.title}"
            theirs, ours = m.median(row, than.key), m.median(row, column.key)
            if theirs is None or ours is None:
                return text, "not measured", "—"
            shown = f"{theirs / ours:.3g}× faster" if times >= 1 else f"{ours / theirs:.3g}× its time"
            return text, shown, _verdict(theirs / ours >= times)
        case Scaling(column=column, small=small, large=large, times=times):
            text = f"{column.title}: cost/op on {large} within {times:g}× of {small}"
            low, high = m.median(small, column.key), m.median(large, column.key)
            if low is None or high is None:
                return text, "not measured", "—"
            return text, f"{high / low:.3g}×", _verdict(high / low <= times)
        case Works(row=row, column=column, why=why):
            text = f"{row}: {column.title} works {why}"
            if not m.runs.get(row, {}).get(column.key):
                return text, "not measured", "—"
            works = m.median(row, column.key) is not None
            return text, "works" if works else "fails", _verdict(works)
        case AtMost(row=row, column=column, name=name, limit=limit, text=text):
            value = m.median(row, column.key, name)
            if value is None:
                return text, "not measured", "—"
            shown = f"{value / MIB:+.1f} MiB" if name.endswith("growth") else f"{value:,.0f}"
            return text, shown, _verdict(value <= limit)
    raise AssertionError(f"unknown target {target!r}")


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"
