"""The registry of engines: every column of the benchmark is one of these (or a variant of
one, see bench/plan.py), and nothing else names an engine's module.

An engine module either gives the primitives of a micrograd-like `Value` API (`graph=True`:
the workloads are then written once for all such engines, in bench/workloads.py) or writes
the workloads it supports itself (`graph=False`: module-level functions named like the
workloads, e.g. `moons(weights, points, labels)` and `digits(weights)`).
"""

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

from bench.workloads import GraphWorkloads

__all__ = ["ENGINES", "Engine", "load"]


@dataclass(frozen=True)
class Engine:
    """One engine: its key (used in plans and JSON), its column title and its module."""

    key: str
    title: str
    module: str
    graph: bool
    needs: str | None = None  # an optional package: without it the engine is skipped with a note

    def available(self) -> bool:
        return self.needs is None or importlib.util.find_spec(self.needs) is not None


ENGINES = {
    engine.key: engine
    for engine in (
        # scalar engines, one graph per example: the workloads of bench/workloads.py
        Engine("chainrule", "chainrule", "bench.engines.chainrule", graph=True),
        Engine("micrograd", "micrograd", "bench.engines.micrograd_", graph=True, needs="micrograd"),
        Engine("torch", "torch 0-d", "bench.engines.torch_", graph=True, needs="torch"),
        # no graph: plain floats with hand-derived gradients, the scalar engines' floor
        Engine("floor", "floor", "bench.engines.floor", graph=False),
        # whole batches at once (moons step, digits epoch)
        Engine("tape", "chainrule tape", "bench.engines.tape", graph=False),
        Engine("tape-values", "tape, Value steps", "bench.engines.tape_values", graph=False),
        Engine("torch-batched", "torch batched", "bench.engines.torch_batched", graph=False, needs="torch"),
        Engine("numpy", "numpy by hand", "bench.engines.numpy_", graph=False, needs="numpy"),
        # the library's own training path: nn's MLP and losses, nn.optim, nn.train.fit
        Engine("fit", "nn.train.fit", "bench.engines.fit", graph=False),
    )
}


def load(key: str) -> Any:
    """The workloads of engine `key`: an object with one method per workload it supports."""
    engine = ENGINES[key]
    module = importlib.import_module(engine.module)
    return GraphWorkloads(module) if engine.graph else module
