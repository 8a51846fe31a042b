"""`autograd.backward_frames` and `animate`: one frame per node backward() visits (no `dot` needed)."""

from __future__ import annotations

import re
from pathlib import Path

import graphviz
import pytest

from autograd import Value, animate, backward_frames, draw, topological_order
from autograd.graph._computation_graph import INSTALL_HINT
from tests.helpers import EXACT, boxes, edges, small_graph

HIDDEN = re.compile(r'<font color="[^"]*">(.*?)</font>')


def shown_grads(source: str) -> dict[str, float]:
    """Node id → its grad, for the grads a frame shows (the hidden ones are drawn in their fill)."""
    shown = {}
    for node, cells in boxes(re.sub(r"<td bgcolor=\"#e6e6e6\">.*?</td>", "", source)).items():
        if cells[-1].startswith("grad "):
            shown[node] = float(cells[-1].split()[1])
    return shown


def test_one_frame_per_node_in_backwards_order_each_showing_one_more_grad() -> None:
    _, _, c = small_graph()
    order = topological_order(c)
    frames = [frame.source for frame in backward_frames(c, precision=EXACT)]
    assert len(frames) == len(order)
    _, _, reference = small_graph()
    reference.backward()
    final = {f"n{i}": node.grad for i, node in enumerate(topological_order(reference))}
    for step, source in enumerate(frames, start=1):
        visited = {f"n{len(order) - k}" for k in range(1, step + 1)}  # reverse topological order
        assert shown_grads(source) == {node: final[node] for node in visited}
        current = re.findall(r'^\t(n\d+) \[label=<.*bgcolor="#fff2a8"', source, re.MULTILINE)
        assert current == [f"n{len(order) - step}"]
        assert f"backward step {step} of {len(order)}" in source


def test_frames_leave_grads_alone() -> None:
    a, b, c = small_graph()
    list(backward_frames(c))
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, 0.0)


def test_every_frame_has_the_same_text_so_the_same_layout() -> None:
    _, _, c = small_graph()
    frames = [frame.source for frame in backward_frames(c, edge_labels=True)]

    def text_only(source: str) -> str:
        source = re.sub(r"backward step \d+", "", HIDDEN.sub(r"\1", source))
        return re.sub(r' bgcolor="[^"]*"', "", source)

    assert len({text_only(source) for source in frames}) == 1
    assert len(set(frames)) == len(frames)


def test_what_an_edge_passes_back_appears_with_its_childs_grad() -> None:
    _, _, c = small_graph()
    for frame in backward_frames(c, edge_labels=True):
        known = shown_grads(frame.source)
        for child, _, attrs in edges(frame.source):
            assert "back" in attrs
            assert ("<font" not in attrs) == (child in known), (child, attrs)  # the grad is their sum


def test_bad_arguments_are_refused_at_once() -> None:
    with pytest.raises(TypeError, match="float"):
        backward_frames(1.0)  # type: ignore[arg-type]  # before any iteration
    with pytest.raises(ValueError, match="max_nodes=2"):
        backward_frames(small_graph()[2], max_nodes=2)
    for option, bad in (("duration_ms", 0), ("loop", -1), ("duration_ms", 1.5)):
        with pytest.raises(ValueError, match=re.escape(repr(bad))):
            animate(Value(1.0), "never.gif", **{option: bad})  # type: ignore[arg-type]


def test_without_dot_animate_raises_executable_not_found_with_the_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")
    gif = tmp_path / "backward.gif"
    with pytest.raises(graphviz.ExecutableNotFound, match=re.escape(INSTALL_HINT)):
        animate(small_graph()[2], gif)
    assert not gif.exists()


def test_without_dot_every_way_of_rendering_says_how_to_install_graphviz(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = draw(small_graph()[2])
    monkeypatch.setenv("PATH", "")
    hint = re.escape(INSTALL_HINT)
    with pytest.raises(graphviz.ExecutableNotFound, match=hint):
        graph.pipe(format="svg")
    with pytest.raises(graphviz.ExecutableNotFound, match=hint):
        graph.render(tmp_path / "g", format="png")
    with pytest.raises(graphviz.ExecutableNotFound, match=hint):
        graph._repr_mimebundle_()  # what Jupyter calls to show it


def test_the_repr_is_the_same_every_run() -> None:
    _, _, c = small_graph()
    assert repr(draw(c)) == repr(draw(c)) == "<ComputationGraph 'computation_graph': 17 DOT statements>"
