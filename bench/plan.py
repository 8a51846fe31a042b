"""What the benchmark runs: the engines (columns) and the workloads (rows) of a full or quick run."""

from dataclasses import dataclass, field
from typing import Any

# micrograd's recursive topological sort needs about one frame per graph level
DEEP_RECURSION_LIMIT = 2_000_000


@dataclass(frozen=True)
class Column:
    """One engine as a table column; `gc` and `recursion_limit` make variants of an engine."""

    key: str
    title: str
    engine: str
    gc: bool = True
    recursion_limit: int | None = None


CHAINRULE = Column("chainrule", "chainrule", "chainrule")
MICROGRAD = Column("micrograd", "micrograd", "micrograd")
MICROGRAD_GC_OFF = Column("micrograd-gc-off", "micrograd, GC off", "micrograd", gc=False)
MICROGRAD_DEEP = Column(
    "micrograd-deep", "micrograd, limit raised", "micrograd", recursion_limit=DEEP_RECURSION_LIMIT
)
TORCH = Column("torch", "torch 0-d", "torch")
FLOOR = Column("floor", "floor", "floor")
COLUMNS = (CHAINRULE, MICROGRAD, MICROGRAD_GC_OFF, MICROGRAD_DEEP, TORCH, FLOOR)


@dataclass(frozen=True)
class Job:
    """A workload of the given size for some columns, `repeats` times (each a fresh process).

    Several jobs may fill one table row (`row`), e.g. with a smaller size for a slow engine.
    """

    row: str
    workload: str
    columns: tuple[Column, ...]
    repeats: int = 1
    params: dict[str, Any] = field(default_factory=dict)

    def spec(self, column: Column) -> dict[str, Any]:
        """The worker's JSON spec for one column."""
        return {
            "engine": column.engine,
            "gc": column.gc,
            "recursion_limit": column.recursion_limit,
            "workload": self.workload,
            **self.params,
        }


GRAPH_ENGINES = (CHAINRULE, MICROGRAD, TORCH)
ALL_ENGINES = (CHAINRULE, MICROGRAD, TORCH, FLOOR)
# bytes per node: micrograd's backward needs the raised limit even at a modest depth
MEMORY_ENGINES = (
    CHAINRULE,
    Column("micrograd", "micrograd", "micrograd", recursion_limit=DEEP_RECURSION_LIMIT),
    TORCH,
)
CHAIN_SIZES = (1_000, 10_000, 100_000, 1_000_000)
MICROGRAD_DEEP_MAX = 100_000  # beyond, micrograd needs several GB and minutes
MEMORY_STEPS = 200
CAP_MB = 2_000


def size(n: int) -> str:
    """1000 as "1e3"; other sizes as they are."""
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


def chain_row(n: int) -> str:
    return f"chain n={size(n)}"


def full_plan() -> list[Job]:
    jobs = [
        Job("moons step", "moons", (CHAINRULE, MICROGRAD, MICROGRAD_GC_OFF, TORCH, FLOOR), 5, {"steps": 5}),
        Job("seed sweep", "sweep", ALL_ENGINES, 5),
    ]
    for n in CHAIN_SIZES:
        columns = (*ALL_ENGINES, MICROGRAD_DEEP) if n <= MICROGRAD_DEEP_MAX else ALL_ENGINES
        jobs.append(Job(chain_row(n), "chain", columns, 3 if n >= 1_000_000 else 5, {"n": n}))
    jobs += [
        Job("wide sum n=1e5", "wide", ALL_ENGINES, 5, {"n": 100_000}),
        Job("bytes per node", "node-bytes", MEMORY_ENGINES, 1, {"n": 10_000}),
        Job("gc after drop", "gc-garbage", GRAPH_ENGINES),
        Job(
            "memory steps",
            "memory-steps",
            (CHAINRULE, MICROGRAD, FLOOR),
            1,
            {"steps": MEMORY_STEPS, "cap_mb": CAP_MB},
        ),
        # torch takes about a second a step here: 20 steps show whether it is flat
        Job("memory steps", "memory-steps", (TORCH,), 1, {"steps": 20, "cap_mb": CAP_MB}),
    ]
    return jobs


def quick_plan() -> list[Job]:
    """Small sizes, one process each: checks that every engine agrees, in well under a minute."""
    return [
        Job("moons step", "moons", (CHAINRULE, MICROGRAD, MICROGRAD_GC_OFF, TORCH, FLOOR), 1, {"steps": 2}),
        Job("seed sweep", "sweep", ALL_ENGINES),
        Job(chain_row(400), "chain", ALL_ENGINES, 1, {"n": 400}),  # micrograd still works at 400
        Job(chain_row(1000), "chain", ALL_ENGINES, 1, {"n": 1000}),
        Job("wide sum n=1e3", "wide", ALL_ENGINES, 1, {"n": 1000}),
        Job("bytes per node", "node-bytes", MEMORY_ENGINES, 1, {"n": 1000}),
        Job("gc after drop", "gc-garbage", GRAPH_ENGINES),
        Job(
            "memory steps",
            "memory-steps",
            (CHAINRULE, MICROGRAD, TORCH, FLOOR),
            1,
            {"steps": 4, "cap_mb": CAP_MB},
        ),
    ]
