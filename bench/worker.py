"""One measurement in a fresh process: `python -m bench.worker '<json spec>'` prints one JSON line.

The spec names the engine, the workload and its size, and whether the cyclic GC runs. The
runner (bench/run.py) starts one worker per (engine, workload, repeat), so no run inherits
another's heap or GC state.
"""

import gc
import importlib
import json
import os
import sys
import time
import tracemalloc
from typing import Any, Protocol

from bench.problems import (
    CHAIN_OPS_PER_STEP,
    SWEEP_EPOCHS,
    SWEEP_LRS,
    moons_data,
    moons_lr,
    moons_weights,
    wide_operands,
)
from bench.workloads import GraphWorkloads

ENGINE_MODULES = {
    "chainrule": "bench.engines.chainrule",
    "micrograd": "bench.engines.micrograd_",
    "torch": "bench.engines.torch_",
    "floor": "bench.engines.floor",
}


class MoonsRun(Protocol):
    def step(self, lr: float) -> float: ...
    def weights(self) -> list[float]: ...


class Workloads(Protocol):
    """What `GraphWorkloads` and the floor module both provide."""

    def moons(
        self, weights: list[float], points: list[tuple[float, float]], labels: list[float]
    ) -> MoonsRun: ...
    def seed_sweep(self, lrs: tuple[float, ...], epochs: int) -> list[float]: ...
    def chain(self, n: int) -> Any: ...
    def chain_backward(self, graph: Any) -> list[float]: ...
    def wide_sum(self, a: list[float], b: list[float]) -> list[float]: ...


def load(engine: str) -> Workloads:
    module = importlib.import_module(ENGINE_MODULES[engine])
    return module if engine == "floor" else GraphWorkloads(module)


def rss_bytes() -> int | None:
    """Resident set size now (Linux's /proc), or None where there is no /proc."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def _moons(w: Workloads) -> MoonsRun:
    points, labels = moons_data()
    return w.moons(moons_weights(), points, labels)


def time_moons(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per step over `steps` consecutive steps, as a training loop runs them."""
    run = _moons(w)
    start = time.perf_counter()
    losses = [run.step(moons_lr(k)) for k in range(spec["steps"])]
    seconds = (time.perf_counter() - start) / spec["steps"]
    return {"seconds": seconds, "result": losses + run.weights()}


def time_sweep(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    result = w.seed_sweep(SWEEP_LRS, SWEEP_EPOCHS)
    return {"seconds": time.perf_counter() - start, "result": result}


def time_chain(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    """Build, backward and drop a chain of n steps; seconds per op node."""
    n = spec["n"]
    start = time.perf_counter()
    graph = w.chain(n)
    result = w.chain_backward(graph)
    del graph  # freeing the graph is part of a step's cost
    seconds = time.perf_counter() - start
    return {"seconds": seconds / (CHAIN_OPS_PER_STEP * n), "result": result}


def time_wide(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    a, b = wide_operands(spec["n"])
    start = time.perf_counter()
    result = w.wide_sum(a, b)
    return {"seconds": time.perf_counter() - start, "result": result}


def node_bytes(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    """Bytes and GC-tracked objects per op node of a chain of n steps that is kept alive."""
    n_ops = CHAIN_OPS_PER_STEP * spec["n"]
    gc.collect()
    rss_before, tracked_before = rss_bytes(), len(gc.get_objects())
    graph = w.chain(spec["n"])
    result = w.chain_backward(graph)
    rss_after, tracked_after = rss_bytes(), len(gc.get_objects())
    del graph
    gc.collect()

    tracemalloc.start()  # a second graph: tracemalloc's own bookkeeping would inflate the RSS above
    base = tracemalloc.get_traced_memory()[0]
    graph = w.chain(spec["n"])
    forward = tracemalloc.get_traced_memory()[0]
    w.chain_backward(graph)
    backward = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    rss = None if rss_before is None or rss_after is None else (rss_after - rss_before) / n_ops
    return {
        "result": result,
        "forward_bytes": (forward - base) / n_ops,
        "backward_bytes": (backward - base) / n_ops,
        "rss_bytes": rss,
        "gc_tracked": (tracked_after - tracked_before) / n_ops,
    }


def gc_garbage(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    """Objects the cyclic GC finds after one moons step dropped its graph (GC off)."""
    run = _moons(w)
    run.step(moons_lr(0))  # the first step may create objects that live on (caches, interned)
    gc.collect()
    gc.disable()
    run.step(moons_lr(1))
    return {"found": gc.collect()}


def memory_steps(w: Workloads, spec: dict[str, Any]) -> dict[str, Any]:
    """RSS after the first, the middle and the last of `steps` moons steps with the GC off.

    The first steps grow the heap to its working size; from the middle on it should not
    move. Stops early once RSS has grown by `cap_mb` (micrograd grows by tens of MB a step).
    """
    run = _moons(w)
    gc.disable()
    rss = []
    for k in range(spec["steps"]):
        run.step(moons_lr(k))
        rss.append(rss_bytes() or 0)
        if rss[-1] - rss[0] > spec["cap_mb"] * 2**20:
            break
    return {
        "first_rss": rss[0],
        "middle_rss": rss[len(rss) // 2],
        "last_rss": rss[-1],
        "steps": len(rss),
        "capped": len(rss) < spec["steps"],
    }


MEASUREMENTS = {
    "moons": time_moons,
    "sweep": time_sweep,
    "chain": time_chain,
    "wide": time_wide,
    "node-bytes": node_bytes,
    "gc-garbage": gc_garbage,
    "memory-steps": memory_steps,
}


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    if spec.get("recursion_limit"):
        sys.setrecursionlimit(spec["recursion_limit"])
    workloads = load(spec["engine"])
    if not spec.get("gc", True):
        gc.disable()
    try:
        out = MEASUREMENTS[spec["workload"]](workloads, spec)
    except RecursionError as error:  # micrograd's recursive topological sort
        out = {"fails": f"RecursionError: {error}"}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
