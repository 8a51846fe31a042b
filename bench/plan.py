"""What the benchmark runs and what it promises: the columns (engines and their variants),
the workloads of a full or a quick run, the tables they fill, and the targets, all as data."""

from dataclasses import dataclass, field
from typing import Any

from bench.engines import ENGINES, Engine

# micrograd's recursive topological sort needs about one frame per graph level
DEEP_RECURSION_LIMIT = 2_000_000


@dataclass(frozen=True)
class Column:
    """One engine as a table column; `gc`, `gc_thresholds` and `recursion_limit` make variants."""

    key: str
    title: str
    engine: Engine
    gc: bool = True
    gc_thresholds: tuple[int, int, int] | None = None  # for gc.set_threshold
    recursion_limit: int | None = None


def _plain(key: str) -> Column:
    engine = ENGINES[key]
    return Column(key, engine.title, engine)


CHAINRULE = _plain("chainrule")
MICROGRAD = _plain("micrograd")
MICROGRAD_GC_OFF = Column("micrograd-gc-off", "micrograd, GC off", ENGINES["micrograd"], gc=False)
MICROGRAD_DEEP = Column(
    "micrograd-deep", "micrograd, limit raised", ENGINES["micrograd"], recursion_limit=DEEP_RECURSION_LIMIT
)
CHAINRULE_GC_OFF = Column("chainrule-gc-off", "chainrule, GC off", ENGINES["chainrule"], gc=False)
# Python's thresholds are (700, 10, 10): a full collection at most every 10 middle ones
CHAINRULE_RARE_FULL_GC = Column(
    "chainrule-gc-100", "chainrule, full GC 10× rarer", ENGINES["chainrule"], gc_thresholds=(700, 10, 100)
)
TORCH = _plain("torch")
FLOOR = _plain("floor")
TORCH_BATCHED = _plain("torch-batched")
NUMPY = _plain("numpy")
TAPE = _plain("tape")
TAPE_VALUES = _plain("tape-values")
FIT = _plain("fit")
# one graph per example (and the floor of plain floats), then whole-batch engines
SCALAR = (
    CHAINRULE,
    CHAINRULE_RARE_FULL_GC,
    CHAINRULE_GC_OFF,
    MICROGRAD,
    MICROGRAD_GC_OFF,
    MICROGRAD_DEEP,
    TORCH,
    FLOOR,
)
BATCHED = (TAPE, TAPE_VALUES, TORCH_BATCHED, NUMPY)  # moons step and digits epoch
COLUMNS = (*SCALAR, *BATCHED)

GRAPH_ENGINES = (CHAINRULE, MICROGRAD, TORCH)
ALL_ENGINES = (CHAINRULE, MICROGRAD, TORCH, FLOOR)
# bytes per node: micrograd's backward needs the raised limit even at a modest depth
MEMORY_ENGINES = (
    CHAINRULE,
    Column("micrograd", "micrograd", ENGINES["micrograd"], recursion_limit=DEEP_RECURSION_LIMIT),
    TORCH,
)


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
            "engine": column.engine.key,
            "gc": column.gc,
            "gc_thresholds": column.gc_thresholds,
            "recursion_limit": column.recursion_limit,
            "workload": self.workload,
            **self.params,
        }


# ---- sizes ----
CHAIN_SIZES = (1_000, 10_000, 100_000, 1_000_000)
MICROGRAD_DEEP_MAX = 100_000  # beyond, micrograd needs several GB and minutes
MEMORY_STEPS = 200
CAP_MB = 2_000
DIGITS_TIMED_BATCHES = 4  # the dynamic engine's digits epoch (~40 s) is scaled from these
DEMO_STEPS = 20  # with full collections 10× rarer, the first comes after about 10 steps


def size(n: int) -> str:
    """1000 as "1e3"; other sizes as they are."""
    exponent = len(str(n)) - 1
    return f"1e{exponent}" if n == 10**exponent else str(n)


def chain_row(n: int) -> str:
    return f"chain n={size(n)}"


MOONS = "moons step"
DIGITS = "digits epoch"
DEMO = "demo loop as written"
DEMO_DROPPED = "demo loop, previous loss dropped"
SWEEP = "seed sweep"
MOONS_COLUMNS = (CHAINRULE, CHAINRULE_GC_OFF, MICROGRAD, MICROGRAD_GC_OFF, TORCH, FLOOR, *BATCHED)
DIGITS_COLUMNS = (CHAINRULE, *BATCHED, FIT)
MNIST = "MNIST-sized epoch"
MNIST_FIT_BATCHES = 938  # all of them: fit's epoch took minutes before issue 18, about 2 s now
DEMO_COLUMNS = (CHAINRULE, CHAINRULE_RARE_FULL_GC, CHAINRULE_GC_OFF, MICROGRAD)


def full_plan() -> list[Job]:
    jobs = [
        Job(MOONS, "moons", MOONS_COLUMNS, 5, {"steps": 5}),
        Job(DIGITS, "digits", DIGITS_COLUMNS, 5, {"batches": DIGITS_TIMED_BATCHES}),
        Job(MNIST, "mnist", (TORCH_BATCHED, NUMPY), 3, {"images": 60_000}),
        Job(MNIST, "mnist", (FIT,), 1, {"images": 60_000, "batches": MNIST_FIT_BATCHES}),
        Job(DEMO, "demo", DEMO_COLUMNS, 3, {"steps": DEMO_STEPS, "keep_previous": True}),
        Job(DEMO_DROPPED, "demo", DEMO_COLUMNS, 3, {"steps": DEMO_STEPS, "keep_previous": False}),
        Job(SWEEP, "sweep", ALL_ENGINES, 5),
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
        Job(MOONS, "moons", MOONS_COLUMNS, 1, {"steps": 2}),
        Job(DIGITS, "digits", DIGITS_COLUMNS, 1, {"batches": 1}),
        Job(MNIST, "mnist", (TORCH_BATCHED, NUMPY, FIT), 1, {"images": 640}),
        Job(DEMO, "demo", (CHAINRULE, MICROGRAD), 1, {"steps": 1, "keep_previous": True}),
        Job(SWEEP, "sweep", ALL_ENGINES),
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


# ---- the speed tables: which columns, and which ratios (numerator ÷ denominator) ----


@dataclass(frozen=True)
class SpeedTable:
    title: str
    columns: tuple[Column, ...]
    ratios: tuple[tuple[Column, Column], ...]


SPEED_TABLES = (
    SpeedTable(
        "scalar engines",
        SCALAR,
        (
            *((c, CHAINRULE) for c in (MICROGRAD, MICROGRAD_GC_OFF, MICROGRAD_DEEP, TORCH)),
            (CHAINRULE, FLOOR),
        ),
    ),
    SpeedTable(
        "whole batches",
        (CHAINRULE, *BATCHED, FIT),
        (
            (FIT, TAPE),
            (FIT, TORCH_BATCHED),
            (CHAINRULE, TAPE),
            (TAPE, TORCH_BATCHED),
            (TAPE, NUMPY),
            (TAPE_VALUES, TAPE),
            (TORCH_BATCHED, NUMPY),
        ),
    ),
)


# ---- the targets: each a kind of check on the measurements, and the issue it comes from ----


@dataclass(frozen=True)
class Faster:
    """On `row`, `column` is at least `times`× faster than `than` (below 1: at most 1/times slower)."""

    issue: int
    row: str
    column: Column
    than: Column
    times: float


@dataclass(frozen=True)
class Scaling:
    """`column`'s time per op on row `large` is at most `times`× that on row `small`."""

    issue: int
    column: Column
    small: str
    large: str
    times: float


@dataclass(frozen=True)
class Works:
    """`column` completes `row` (no RecursionError)."""

    issue: int
    row: str
    column: Column
    why: str


@dataclass(frozen=True)
class AtMost:
    """The measured `name` of `column` on `row` is at most `limit`; `text` states the target."""

    issue: int
    row: str
    column: Column
    name: str
    limit: float
    text: str


Target = Faster | Scaling | Works | AtMost
MIB = 2**20
FLAT_MIB = 1.0  # "flat": RSS moves by at most this much over the second half of the steps

TARGETS: tuple[Target, ...] = (
    Faster(5, MOONS, CHAINRULE, MICROGRAD, 10),
    Faster(5, MOONS, CHAINRULE, MICROGRAD_GC_OFF, 1.5),
    Faster(5, MOONS, CHAINRULE, TORCH, 5),
    Faster(5, SWEEP, CHAINRULE, MICROGRAD, 2),
    Scaling(5, CHAINRULE, chain_row(CHAIN_SIZES[0]), chain_row(CHAIN_SIZES[-1]), 2),
    Works(5, chain_row(CHAIN_SIZES[-1]), CHAINRULE, "at the default recursion limit"),
    AtMost(
        5,
        "bytes per node",
        CHAINRULE,
        "forward_bytes",
        250,
        "≤ 250 bytes per op node (tracemalloc, after forward)",
    ),
    AtMost(5, "gc after drop", CHAINRULE, "found", 0, "0 objects for gc.collect() after a dropped graph"),
    AtMost(
        5,
        "memory steps",
        CHAINRULE,
        "late_growth",
        FLAT_MIB * MIB,
        f"flat memory over {MEMORY_STEPS} moons steps, GC off (RSS growth, middle → last, ≤ 1 MiB)",
    ),
    Faster(12, DEMO, CHAINRULE, MICROGRAD, 10),
    Faster(12, MOONS, TAPE, CHAINRULE, 100),
    Faster(12, MOONS, TAPE, TORCH_BATCHED, 1 / 1.5),
    Faster(12, MOONS, TAPE, NUMPY, 1 / 10),
    Faster(12, DIGITS, TAPE, CHAINRULE, 300),
    Faster(12, DIGITS, TAPE, TORCH_BATCHED, 1 / 2),
    Faster(12, DIGITS, TAPE, NUMPY, 1 / 10),
    Faster(18, DIGITS, FIT, TAPE, 1 / 1.1),  # the library's model and loss, as fast as the hand-built
    Faster(18, MNIST, FIT, TORCH_BATCHED, 1 / 2),
)
