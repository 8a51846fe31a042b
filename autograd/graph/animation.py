"""Backpropagation step by step: `backward_frames(root)` and `animate(root, path)` (GIF, APNG, WebP).

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
from autograd.graph._steps import backward_steps, check_order
from autograd.graph.render import build
from autograd.validation import is_int

if TYPE_CHECKING:
    import graphviz

# the animated formats Pillow writes, by suffix
ANIMATION_FORMATS = {"gif": "GIF", "png": "PNG", "apng": "PNG", "webp": "WEBP"}


def backward_frames(
    root: Value,
    *,
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    order: str = "engine",
) -> Iterator[graphviz.Digraph]:
    """One `graphviz.Digraph` per node `backward()` visits, in its order; the visited node
    is filled and its grad, now final, appears. Options as for `draw` (checked at once);
    `order="course"` visits the nodes in a course's walk-through order where the graph
    allows (w5…w8 before w1…w4 on the course network; see `to_html`)."""
    check_options(root, rankdir, precision, max_nodes)
    check_order(order)
    nodes = topological_order(root)
    check_size(len(nodes), max_nodes)
    return _frames(
        root,
        nodes,
        backward_steps(nodes, order),
        rankdir=rankdir,
        precision=precision,
        edge_labels=edge_labels,
    )


def _frames(
    root: Value, order: list[Value], steps: list[Value], *, rankdir: str, precision: int, edge_labels: bool
) -> Iterator[graphviz.Digraph]:
    grads = gradients(root)
    hidden = set(order)
    for step, node in enumerate(steps, start=1):
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
    format: str | None = None,  # noqa: A002 - Pillow's and graphviz's name
    rankdir: str = "LR",
    precision: int = 4,
    edge_labels: bool = False,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    order: str = "engine",
) -> int:
    """Write `backward_frames(root, ...)` as an animation (Pillow) to `path`, a file name or
    a binary file object such as `io.BytesIO()`. `format` is "gif", "png" (an animated PNG)
    or "webp"; by default the one the file name's suffix names, GIF for a file object (a
    ValueError for another suffix). The last frame stays three times as long; `loop=0`
    repeats forever. Returns the frame count.

    Needs Graphviz's `dot`: without it, raises graphviz's `ExecutableNotFound`, with a hint.
    """
    if not is_int(duration_ms) or duration_ms < 1:
        raise ValueError(f"duration_ms must be a positive int, got {duration_ms!r}")
    if not is_int(loop) or loop < 0:
        raise ValueError(f"loop must be an int ≥ 0, got {loop!r}")
    pillow_format = ANIMATION_FORMATS[_animation_format(path, format)]
    from PIL import Image

    frames = backward_frames(
        root, rankdir=rankdir, precision=precision, edge_labels=edge_labels, max_nodes=max_nodes, order=order
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
        format=pillow_format,
        save_all=True,
        append_images=padded[1:],
        duration=durations,
        loop=loop,
        optimize=False,
    )
    return len(padded)


def _animation_format(path: str | os.PathLike[str] | BinaryIO, chosen: str | None) -> str:
    """`chosen`, else the format `path`'s suffix names, else (a file object) gif."""
    if chosen is not None:
        if chosen not in ANIMATION_FORMATS:
            raise ValueError(
                f"format must be one of {', '.join(map(repr, ANIMATION_FORMATS))}, got {chosen!r}"
            )
        return chosen
    if not isinstance(path, (str, os.PathLike)):
        return "gif"
    suffix = os.path.splitext(os.fspath(path))[1].lower().lstrip(".")
    if suffix not in ANIMATION_FORMATS:
        known = ", ".join("." + name for name in ANIMATION_FORMATS)
        raise ValueError(
            f"animate: cannot tell the format of {path!r} from its suffix: use {known}, or format="
        )
    return suffix
