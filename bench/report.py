"""The benchmark's report: speed, memory and target tables, as aligned text or Markdown."""

import os
import platform
import statistics
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

from bench.plan import CAP_MB, COLUMNS, MEMORY_STEPS, Job, size

TIMED = ("moons", "sweep", "chain", "wide")
MIB = 2**20
FLAT_MIB = 1.0  # "flat": RSS moves by at most this much over the second half of the steps


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
    parts = [_header(jobs, m), _table(_speed(jobs, m), markdown), _table(_memory(m), markdown)]
    if not m.quick:
        parts.append(_table(_targets(jobs, m), markdown))
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
        " engines taking turns; a moons step is the mean of consecutive steps;"
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


def _columns(jobs: list[Job], m: Measurements, workloads: tuple[str, ...]) -> list[tuple[str, str]]:
    keys = {c.key for job in jobs if job.workload in workloads for c in job.columns}
    present = {key for row in m.runs.values() for key in row}
    return [(c.key, c.title) for c in COLUMNS if c.key in keys and c.key in present]


def _cell(m: Measurements, row: str, key: str, per_op: bool) -> str:
    failure = m.failure(row, key)
    if failure == "fails":
        return "fails (RecursionError)"
    if failure:
        return "error"
    seconds = m.median(row, key)
    return "—" if seconds is None else _duration(seconds, per_op)


def _speed(jobs: list[Job], m: Measurements) -> Table:
    columns = _columns(jobs, m, TIMED)
    peers = [(k, t) for k, t in columns if k not in ("chainrule", "floor")]
    headers = [
        "workload",
        *(t for _, t in columns),
        *(f"{t} ÷ chainrule" for _, t in peers),
        "chainrule ÷ floor",
    ]
    rows, chain_rows = [], []
    for row in dict.fromkeys(job.row for job in jobs if job.workload in TIMED):
        per_op = row.startswith("chain")
        if per_op:
            chain_rows.append(row)
        ours = m.median(row, "chainrule")
        cells = [_cell(m, row, k, per_op) for k, _ in columns]
        ratios = [_ratio(None if m.failure(row, k) else m.median(row, k), ours) for k, _ in peers]
        rows.append([row, *cells, *ratios, _ratio(ours, m.median(row, "floor"))])
    if len(chain_rows) >= 2:
        small, large = chain_rows[0], chain_rows[-1]
        label = f"chain cost/op, {large.split('=')[1]} ÷ {small.split('=')[1]}"
        scaling = [_ratio(m.median(large, k), m.median(small, k)) for k, _ in columns]
        rows.append([label, *scaling, *("" for _ in peers), ""])
    return headers, rows


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


def _targets(jobs: list[Job], m: Measurements) -> Table:
    moons, sweep = "moons step", "seed sweep"
    chain_rows = [job.row for job in jobs if job.workload == "chain"]

    def faster(row: str, key: str, times: float, what: str) -> list[str]:
        theirs, mine = m.median(row, key), m.median(row, "chainrule")
        if theirs is None or mine is None:
            return [f"{row} ≥ {times:g}× faster than {what}", "not measured", "—"]
        return [
            f"{row} ≥ {times:g}× faster than {what}",
            f"{theirs / mine:.3g}×",
            _verdict(theirs / mine >= times),
        ]

    rows = [
        faster(moons, "micrograd", 10, "micrograd"),
        faster(moons, "micrograd-gc-off", 1.5, "micrograd with the GC off"),
        faster(moons, "torch", 5, "torch 0-d"),
        faster(sweep, "micrograd", 2, "micrograd"),
    ]
    small, large = m.median(chain_rows[0], "chainrule"), m.median(chain_rows[-1], "chainrule")
    if small is not None and large is not None:
        rows.append(
            [
                f"chain cost/op at {size(10**6)} within 2× of {size(10**3)}",
                f"{large / small:.3g}×",
                _verdict(large / small <= 2),
            ]
        )
    deepest = chain_rows[-1]
    works = m.median(deepest, "chainrule") is not None
    rows.append(
        [f"{deepest} works at the default recursion limit", "works" if works else "fails", _verdict(works)]
    )
    forward = m.median("bytes per node", "chainrule", "forward_bytes")
    backward = m.median("bytes per node", "chainrule", "backward_bytes")
    if forward is not None and backward is not None:
        measured = f"{forward:.0f} (after backward: {backward:.0f})"
        rows.append(
            ["≤ 250 bytes per op node (tracemalloc, after forward)", measured, _verdict(forward <= 250)]
        )
    found = m.median("gc after drop", "chainrule", "found")
    if found is not None:
        rows.append(
            ["0 objects for gc.collect() after a dropped graph", f"{found:.0f}", _verdict(found == 0)]
        )
    run = m.first("memory steps", "chainrule")
    if run is not None and "last_rss" in run:
        growth = (run["last_rss"] - run["middle_rss"]) / MIB
        rows.append(
            [
                f"flat memory over {MEMORY_STEPS} moons steps, GC off (RSS, middle → last)",
                f"{growth:+.1f} MiB over {run['steps'] - run['steps'] // 2 - 1} steps",
                _verdict(abs(growth) <= FLAT_MIB),
            ]
        )
    return ["target (issue 5)", "measured", "verdict"], rows


def _verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"
