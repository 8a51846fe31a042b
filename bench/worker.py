"""One measurement in a fresh process: `python -m bench.worker '<json spec>'` prints one JSON line.

The spec names the engine, the workload and its size, and whether the cyclic GC runs. The
runner (bench/runner.py) starts one worker per (engine, workload, repeat), so no run inherits
another's heap or GC state.
"""

import gc
import json
import math
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from bench.engines import load
from bench.problems import (
    CHAIN_OPS_PER_STEP,
    DIGITS_LR,
    MNIST_BATCH,
    SWEEP_EPOCHS,
    SWEEP_LRS,
    digits_batches,
    digits_weights,
    mnist_data,
    mnist_weights,
    moons_data,
    moons_lr,
    moons_weights,
    wide_operands,
)

# a timed run shorter than this is repeated in the same process and the median taken
# (numpy and PyTorch take a millisecond for what the scalar engines take a second)
MIN_TIMED_SECONDS = 0.2


def rss_bytes() -> int | None:
    """Resident set size now (Linux's /proc), or None where there is no /proc."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return None


def repeat_until(run: Callable[[], float]) -> float:
    """`run()`'s seconds, or the median of repeats when one run is too short to time well."""
    times = [run()]
    while sum(times) < MIN_TIMED_SECONDS:
        times.append(run())
    return statistics.median(times)


def _moons(w: Any) -> Any:
    points, labels = moons_data()
    return w.moons(moons_weights(), points, labels)


def time_moons(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per step over `steps` consecutive steps, as a training loop runs them, after
    one untimed step: what a run pays once (a tape's first touch of its workspace, ~1 ms
    here) is spread over a training run's hundreds of steps, not over five."""
    steps: int = spec["steps"]
    result: list[float] = []

    def run() -> float:
        moons = _moons(w)
        losses = [moons.step(moons_lr(0))]
        start = time.perf_counter()
        losses += [moons.step(moons_lr(k)) for k in range(1, steps + 1)]
        seconds = time.perf_counter() - start
        result[:] = losses + moons.weights()
        return seconds / steps

    return {"seconds": repeat_until(run), "result": result}


def time_digits(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per epoch. The result is the losses of the first `batches` batches and the
    weights after them; a slow engine's epoch is scaled from the time those batches took."""
    batches, checked = digits_batches(), spec["batches"]
    digits = w.digits(digits_weights())
    prepared = digits.prepare(batches)
    start = time.perf_counter()
    losses = _epoch(digits, prepared[:checked])
    seconds = time.perf_counter() - start
    out = {"result": losses + digits.weights()}
    through_fit = getattr(digits, "epoch", None) is not None  # its first batches include the trace
    if not through_fit and seconds * len(batches) / checked > spec.get("max_epoch_seconds", 5.0):
        scaled = {"scaled_from": checked, "of": len(batches)}
        return {**out, "seconds": seconds * len(batches) / checked, **scaled}

    def epoch() -> float:
        digits = w.digits(digits_weights())
        prepared = digits.prepare(batches)
        start = time.perf_counter()
        _epoch(digits, prepared)
        return _steps_seconds(digits, time.perf_counter() - start)

    return {**out, "seconds": repeat_until(epoch)}


def _steps_seconds(engine: Any, measured: float) -> float:
    """An epoch's seconds: through `fit`, fit's own clock of the epoch's steps
    (`Epoch.seconds`: not the trace before them, which the other engines do not pay per
    epoch either; see bench/engines/fit.py), else the time `measured` around the epoch."""
    seconds = getattr(engine, "epoch_seconds", None)
    return measured if seconds is None else float(seconds)


def _epoch(digits: Any, prepared: list[Any]) -> list[float]:
    """The batches' losses: through the engine's own `epoch` (such as `nn.train.fit`) if it
    has one, else a step per batch."""
    epoch = getattr(digits, "epoch", None)
    if epoch is not None:
        losses: list[float] = epoch(prepared, DIGITS_LR)
        return losses
    return [digits.step(batch, DIGITS_LR) for batch in prepared]


def time_mnist(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per MNIST-sized epoch (`images` images, batches of 64, AdamW) from the first
    `batches` batches, scaled to the epoch when that is fewer. The result: those batches'
    losses, then the weights' sum and sum of squares (not all 39,760 of them)."""
    images, labels = mnist_data(spec["images"])
    total = -(-len(labels) // MNIST_BATCH)
    checked = min(spec.get("batches", total), total)
    mnist = w.mnist(mnist_weights())
    part = checked * MNIST_BATCH
    start = time.perf_counter()
    losses = mnist.epoch(images[:part], labels[:part])
    seconds = _steps_seconds(mnist, time.perf_counter() - start)
    weights = mnist.weights()
    out = {"result": [*losses, math.fsum(weights), math.fsum(x * x for x in weights)]}
    if getattr(mnist, "trace_seconds", None) is not None:
        out["trace_seconds"] = mnist.trace_seconds
    if checked < total:
        return {**out, "seconds": seconds * total / checked, "scaled_from": checked, "of": total}
    return {**out, "seconds": seconds}


class GcClock:
    """Collections and seconds spent in the cyclic GC, per generation (through gc.callbacks)."""

    def __init__(self) -> None:
        self.collections = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._start = 0.0

    def __repr__(self) -> str:
        return f"GcClock(collections={self.collections}, seconds={self.seconds})"

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.collections[info["generation"]] += 1
            self.seconds[info["generation"]] += time.perf_counter() - self._start


def time_demo(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Seconds per step of micrograd's demo loop as written (see bench/workloads.py), and
    the share of them spent in the cyclic GC."""
    points, labels, steps = *moons_data(), spec["steps"]
    clock = GcClock()
    gc.callbacks.append(clock)
    start = time.perf_counter()
    result = w.demo(moons_weights(), points, labels, steps, spec["keep_previous"])
    seconds = time.perf_counter() - start
    gc.callbacks.remove(clock)
    return {
        "seconds": seconds / steps,
        "result": result,
        "gc_seconds": sum(clock.seconds) / steps,
        "full_collections": clock.collections[2] / steps,
    }


def time_sweep(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    result: list[float] = []

    def run() -> float:
        start = time.perf_counter()
        result[:] = w.seed_sweep(SWEEP_LRS, SWEEP_EPOCHS)
        return time.perf_counter() - start

    return {"seconds": repeat_until(run), "result": result}


def time_chain(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Build, backward and drop a chain of n steps; seconds per op node."""
    n = spec["n"]
    start = time.perf_counter()
    graph = w.chain(n)
    result = w.chain_backward(graph)
    del graph  # freeing the graph is part of a step's cost
    seconds = time.perf_counter() - start
    return {"seconds": seconds / (CHAIN_OPS_PER_STEP * n), "result": result}


def time_wide(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    a, b = wide_operands(spec["n"])
    start = time.perf_counter()
    result = w.wide_sum(a, b)
    return {"seconds": time.perf_counter() - start, "result": result}


def node_bytes(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
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


def gc_garbage(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """Objects the cyclic GC finds after one moons step dropped its graph (GC off)."""
    moons = _moons(w)
    moons.step(moons_lr(0))  # the first step may create objects that live on (caches, interned)
    gc.collect()
    gc.disable()
    moons.step(moons_lr(1))
    return {"found": gc.collect()}


def memory_steps(w: Any, spec: dict[str, Any]) -> dict[str, Any]:
    """RSS after the first, the middle and the last of `steps` moons steps with the GC off.

    The first steps grow the heap to its working size; from the middle on it should not
    move. Stops early once RSS has grown by `cap_mb` (micrograd grows by tens of MB a step).
    """
    moons = _moons(w)
    gc.disable()
    rss = []
    for k in range(spec["steps"]):
        moons.step(moons_lr(k))
        rss.append(rss_bytes() or 0)
        if rss[-1] - rss[0] > spec["cap_mb"] * 2**20:
            break
    middle = rss[len(rss) // 2]
    return {
        "first_rss": rss[0],
        "middle_rss": middle,
        "last_rss": rss[-1],
        "late_growth": rss[-1] - middle,
        "steps": len(rss),
        "capped": len(rss) < spec["steps"],
    }


MEASUREMENTS = {
    "moons": time_moons,
    "digits": time_digits,
    "mnist": time_mnist,
    "demo": time_demo,
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
    if spec.get("gc_thresholds"):
        gc.set_threshold(*spec["gc_thresholds"])
    try:
        out = MEASUREMENTS[spec["workload"]](workloads, spec)
    except RecursionError as error:  # micrograd's recursive topological sort
        out = {"fails": f"RecursionError: {error}"}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
