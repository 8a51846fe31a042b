"""What `draw` and `backward_frames` accept: the shared option checks and the size limit."""

from __future__ import annotations

from autograd.engine import Value
from autograd.validation import is_int

DEFAULT_MAX_NODES = 400
RANKDIRS = ("LR", "RL", "TB", "BT")


def check_size(count: int, max_nodes: int | None, *, grouped: bool = False) -> None:
    if max_nodes is not None and count > max_nodes:
        group = "" if grouped else "group=model (the nn.Module that built it) to draw one box per neuron, or "
        what = "boxes" if grouped else "nodes"
        raise ValueError(
            f"draw: the graph has {count} {what}, more than max_nodes={max_nodes}; pass {group}"
            f"max_nodes={count} (or None) to draw them all (dot can take minutes on thousands)"
        )


def check_options(root: Value, rankdir: str, precision: int, max_nodes: int | None) -> None:
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}: {root!r}")
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if not is_int(precision) or not 1 <= int(precision) <= 17:
        raise ValueError(f"precision must be an int from 1 to 17, got {precision!r}")
    if max_nodes is not None and (not is_int(max_nodes) or max_nodes < 1):
        raise ValueError(f"max_nodes must be a positive int or None, got {max_nodes!r}")
