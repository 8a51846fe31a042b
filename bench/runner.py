"""Runs a plan: one worker process per (job, column, repeat), engines taking turns, then
checks that all engines computed the same numbers (to 1e-9) and prints the report."""

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.plan import Column, Job, full_plan, quick_plan
from bench.report import Measurements, render

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-9
WORKER_TIMEOUT = 1800  # seconds; micrograd's deep chains are the slowest runs
# numpy's BLAS on one thread, as PyTorch's engines set theirs (torch.set_num_threads(1)): like
# for like, and a BLAS spinning on a core another process holds made a step ten times slower
ONE_THREAD = dict.fromkeys(("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"), "1")


def run_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """One measurement in a fresh process; a crash becomes {"error": ...}."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.worker", json.dumps(spec)],
            cwd=ROOT,
            env={**os.environ, **ONE_THREAD},
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {WORKER_TIMEOUT} s"}
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return {"error": lines[-1]}
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def disagreements(measurements: Measurements) -> list[str]:
    """Every result that differs from chainrule's (or the row's first) by more than 1e-9,
    relative for numbers above 1 and absolute below; records the largest difference per row."""
    problems = []
    for row, by_column in measurements.runs.items():
        results = [(key, run["result"]) for key, runs in by_column.items() for run in runs if "result" in run]
        if not results:
            continue
        reference_key, reference = next(((k, r) for k, r in results if k == "chainrule"), results[0])
        worst = 0.0
        for key, result in results:
            if len(result) != len(reference):
                problems.append(f"{row}: {key} gave {len(result)} numbers, {reference_key} {len(reference)}")
                continue
            for i, (a, b) in enumerate(zip(result, reference)):
                difference = abs(a - b) / max(1.0, abs(a), abs(b))
                worst = max(worst, difference)
                if difference > TOLERANCE:
                    problems.append(f"{row}: {key}[{i}] = {a!r}, {reference_key}[{i}] = {b!r}")
                    break
        measurements.worst_difference[row] = worst
    return problems


def run_plan(jobs: list[Job], measurements: Measurements) -> list[str]:
    """All jobs, round by round: repeat r of every job before repeat r + 1 of any, and the
    column order rotated each round, so machine noise hits every engine alike. Returns the
    disagreements found after the first round (the run stops there if there are any)."""
    failed: set[tuple[str, str]] = set()  # a failure (micrograd's RecursionError) is deterministic
    for repeat in range(max(job.repeats for job in jobs)):
        for job in jobs:
            if repeat >= job.repeats:
                continue
            columns = [c for c in job.columns if c.engine.available()]
            shift = repeat % len(columns) if columns else 0
            for column in columns[shift:] + columns[:shift]:
                if (job.row, column.key) in failed:
                    continue
                out = _measure(job, column, repeat)
                measurements.add(job.row, column.key, out)
                if "fails" in out or "error" in out:
                    failed.add((job.row, column.key))
        if repeat == 0:
            problems = disagreements(measurements)
            if problems:
                return problems
    return disagreements(measurements)


def _measure(job: Job, column: Column, repeat: int) -> dict[str, Any]:
    start = time.perf_counter()
    out = run_worker(job.spec(column))
    status = out.get("error") or out.get("fails") or "ok"
    elapsed = time.perf_counter() - start
    print(
        f"  [{repeat + 1}/{job.repeats}] {job.row} · {column.title}: {status} ({elapsed:.1f} s)",
        file=sys.stderr,
    )
    return out


def engine_version() -> str:
    """The commit the engine was measured at, marked when autograd/ has uncommitted changes."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "autograd"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    if commit.returncode != 0:
        return "unknown"
    return commit.stdout.strip() + (" with uncommitted changes to autograd/" if dirty.stdout.strip() else "")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Time and measure chainrule against micrograd, PyTorch, numpy by hand and plain floats.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, one run each: checks that engines agree (CI)"
    )
    parser.add_argument(
        "--markdown", action="store_true", help="print the tables in Markdown (for docs/performance.md)"
    )
    args = parser.parse_args(argv)

    jobs = quick_plan() if args.quick else full_plan()
    missing = sorted({c.engine.key for job in jobs for c in job.columns if not c.engine.available()})
    measurements = Measurements(
        runs=defaultdict(lambda: defaultdict(list)),
        missing=missing,
        quick=args.quick,
        engine=engine_version(),
    )
    print(f"bench: {'quick' if args.quick else 'full'} run; progress on stderr", file=sys.stderr)
    start = time.perf_counter()
    problems = run_plan(jobs, measurements)
    measurements.seconds = time.perf_counter() - start

    print(render(jobs, measurements, markdown=args.markdown))
    errors = [
        f"{row} · {key}: {run['error']}"
        for row, by_column in measurements.runs.items()
        for key, runs in by_column.items()
        for run in runs
        if "error" in run
    ]
    ours_failed = [
        row
        for row, by_column in measurements.runs.items()
        if any("fails" in r for r in by_column["chainrule"])
    ]
    for line in problems:
        print(f"DISAGREE {line}", file=sys.stderr)
    for line in errors:
        print(f"ERROR {line}", file=sys.stderr)
    for row in ours_failed:
        print(f"ERROR {row} · chainrule failed", file=sys.stderr)
    return 1 if problems or errors or ours_failed else 0
