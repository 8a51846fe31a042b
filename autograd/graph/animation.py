"""Backpropagation step by step: `backward_frames(root)` and `animate(root, path)` (a GIF).

One frame per node, in the order `backward()` visits them (reverse topological order).
A frame shows the grads known so far; the others keep their place but are blank, so every
frame has the same layout. The grads shown are those one `root.backward()` computes
(d root / d node), worked out here: neither function reads or changes `.grad`.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

from autograd.engine import Value, gradients, topological_order
from autograd.graph import _labels
from autograd.graph._options import DEFAULT_MAX_NODES, check_options, check_size
from autograd.graph.render import build

if TYPE_CHECKING:
    import graphviz


def backward_frames(
    root: Value,
    *,
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> Iterator[graphviz.Digraph]:
    """One `graphviz.Digraph` per node `backward()` visits, in its order; the visited node
    is filled and its grad, now final, appears. Options as for `draw` (checked at once)."""
    check_options(root, rankdir, precision, max_nodes)
    order = topological_order(root)
    check_size(len(order), max_nodes)
    return _frames(root, order, rankdir=rankdir, precision=precision, edge_labels=edge_labels)


def _frames(
    root: Value, order: list[Value], *, rankdir: str, precision: int, edge_labels: bool
) -> Iterator[graphviz.Digraph]:
    grads = gradients(root)
    hidden = set(order)
    for step, node in enumerate(reversed(order), start=1):
        hidden.discard(node)
        yield build(
            order,
            grads=grads,
            passed_back=True,
            rankdir=rankdir,
            precision=precision,
            edge_labels=edge_labels,
            hidden=hidden,
            current=node,
            title=_labels.lines_label([f"backward step {step} of {len(order)}"]),  # same width every step
        )


def animate(
    root: Value,
    path: str | os.PathLike[str] | BinaryIO,
    *,
    duration_ms: int = 800,
    loop: int = 0,
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
) -> int:
    """Write `backward_frames(root, ...)` as an animated GIF (Pillow) to `path`, a file name
    or a binary file object such as `io.BytesIO()`. The last frame stays three times as long;
    `loop=0` repeats forever. Returns the frame count.

    Needs Graphviz's `dot`: without it, raises graphviz's `ExecutableNotFound`, with a hint.
    """
    if isinstance(duration_ms, bool) or not isinstance(duration_ms, int) or duration_ms < 1:
        raise ValueError(f"duration_ms must be a positive int, got {duration_ms!r}")
    if isinstance(loop, bool) or not isinstance(loop, int) or loop < 0:
        raise ValueError(f"loop must be an int ≥ 0, got {loop!r}")
    from PIL import Image

    frames = backward_frames(
        root, rankdir=rankdir, precision=precision, edge_labels=edge_labels, max_nodes=max_nodes
    )
    images = [Image.open(io.BytesIO(frame.pipe(format="png"))).convert("RGB") for frame in frames]
    width = max(image.width for image in images)
    height = max(image.height for image in images)
    # One palette for all frames, from the first (blank grads) and the last (all grads) side
    # by side: GIF needs ≤ 256 colours, and quantizing each frame on its own takes 20× longer.
    both = Image.new("RGB", (2 * width, height), "white")
    both.paste(images[0], (0, 0))
    both.paste(images[-1], (width, 0))
    palette = both.quantize(colors=256, method=Image.Quantize.FASTOCTREE)
    padded = []
    for image in images:  # same layout in every frame; pad anyway so a GIF never crops one
        canvas = Image.new("RGB", (width, height), "white")
        canvas.paste(image, (0, 0))
        padded.append(canvas.quantize(palette=palette, dither=Image.Dither.NONE))
    durations = [duration_ms] * (len(padded) - 1) + [3 * duration_ms]
    padded[0].save(
        path if hasattr(path, "write") else os.fspath(path),
        format="GIF",
        save_all=True,
        append_images=padded[1:],
        duration=durations,
        loop=loop,
        optimize=False,
    )
    return len(padded)
