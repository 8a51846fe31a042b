"""`autograd.graph.to_html`: what the page embeds, read back from its JSON (no browser needed;
tests/test_page_browser.py drives it in Chromium). References: the engine's `backward()` on a
fresh graph, `chainrule.closed_form` (no engine), and the rules each step order must keep."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from autograd import Value, topological_order
from autograd.graph import BackwardPage, to_html
from autograd.graph._steps import backward_steps, forward_steps
from chainrule import closed_form, sweep
from chainrule.cli import main
from nn.teaching import WEIGHT_NAMES, teaching_network
from tests.helpers import small_graph

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="needs Graphviz's dot (apt-get install graphviz)"
)


def embedded(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="chainrule-data">(.*?)</script>', page, re.S)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


@pytest.mark.parametrize("order", ["engine", "course"])
def test_every_backward_order_visits_a_node_after_all_its_uses(order: str) -> None:
    for root in (teaching_network().loss, small_graph()[2]):
        nodes = topological_order(root)
        steps = backward_steps(nodes, order)
        assert sorted(map(id, steps)) == sorted(map(id, nodes))
        position = {node: k for k, node in enumerate(steps)}
        for node in nodes:
            assert all(position[node] < position[child] for child in node.children)
        forward = forward_steps(nodes, order)
        assert {id(n) for n in forward} == {id(n) for n in nodes if n.children}
        done = {n for n in nodes if not n.children}
        for node in forward:  # each op after its operands
            assert all(child in done for child in node.children)
            done.add(node)


def test_the_course_order_takes_w5_to_w8_then_w1_to_w4() -> None:
    nodes = topological_order(teaching_network().loss)
    labels = [node.label for node in backward_steps(nodes, "course") if node.label.startswith("w")]
    assert labels == ["w5", "w6", "w7", "w8", "w1", "w2", "w3", "w4"]


@needs_dot
def test_the_page_holds_the_engines_numbers_for_every_epoch(tmp_path: Path) -> None:
    path = tmp_path / "network.html"
    assert main(["graph", "--html", str(path), "--epochs", "45", "--lr", "0.5"]) == 0
    page = path.read_text(encoding="utf-8")
    assert len(page.encode()) < 2_000_000  # 0.86 MB
    data = embedded(page)
    reference = closed_form.train(0.5, epochs=45)  # the course's formulas, without the engine
    assert len(data["epochs"]) == 46
    labels = [node["label"] for node in data["nodes"]]
    engine = sweep.train(0.5, epochs=45)
    for record, trained, epoch in zip(reference, engine, data["epochs"], strict=True):
        network = teaching_network(weights=[trained.values[w] for w in WEIGHT_NAMES])
        network.loss.backward()
        nodes = topological_order(network.loss)
        assert epoch["data"] == [node.data for node in nodes]  # bit for bit: the engine's
        assert epoch["grad"] == [node.grad for node in nodes]
        assert epoch["loss"] == pytest.approx(record.values["E_total"], rel=1e-12)
        for w in WEIGHT_NAMES:
            assert epoch["grad"][labels.index(w)] == pytest.approx(record.values[f"dE_d{w}"], rel=1e-9)
    assert f"{data['epochs'][45]['loss']:.5g}" == "0.070431"


@needs_dot
def test_nothing_is_fetched() -> None:
    page = to_html(small_graph()[2]).html
    assert not re.search(r"""(src|href)\s*=|<link|@import|url\(|fetch\(|XMLHttpRequest""", page)
    assert "default-src 'none'" in page  # and the page's own policy refuses any request


@needs_dot
def test_the_texts_per_node(tmp_path: Path) -> None:
    network = teaching_network()
    data = embedded(to_html(network.loss, tmp_path / "p.html").html)
    text = {t["name"]: t for t in data["epochs"][0]["text"]}
    assert text["w5"]["uses"] == "∂E_total/∂w5 = ∂E_total/∂o1 · a_h1 = 0.14236 · 0.50687 = 0.072157"
    assert text["a_h1"]["uses"] == (
        "∂E_total/∂a_h1 = ∂E_total/∂o1 · w5 + ∂E_total/∂o2 · w7"
        " = 0.14236 · 0.4 + (−0.083759) · 0.5 = 0.015063"
    )
    assert text["o1"]["formula"] == "o1 = w5·a_h1 + w6·a_h2 = 0.20275 + 0.22978 = 0.43253"
    assert text["E1"]["formula"] == "E1 = 0.5·(0.01 − a_o1)^2 = 0.5·0.35579 = 0.17789"
    assert text["(w5·a_h1)"]["local"] == ["∂(w5·a_h1)/∂w5 = a_h1 = 0.50687", "∂(w5·a_h1)/∂a_h1 = w5 = 0.4"]
    assert text["E_total"]["uses"].startswith("∂E_total/∂E_total = 1")


@needs_dot
def test_grads_are_the_engines_without_calling_backward_and_leave_grad_alone() -> None:
    a, b, c = small_graph()
    data = embedded(to_html(c).html)
    assert (a.grad, b.grad, c.grad) == (0.0, 0.0, 0.0)
    c.backward()
    assert data["epochs"][0]["grad"] == [node.grad for node in topological_order(c)]


@needs_dot
def test_notebook_display_is_an_iframe_with_the_page_as_srcdoc() -> None:
    page = to_html(small_graph()[2])
    assert isinstance(page, BackwardPage)
    shown = page._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;') and "&lt;script" in shown
    assert re.fullmatch(r"<BackwardPage: 5 nodes, 1 epoch\(s\), [\d,]+ bytes>", repr(page))


def test_bad_arguments() -> None:
    _, _, c = small_graph()
    with pytest.raises(ValueError, match="order must be one of 'engine', 'course', got 'random'"):
        to_html(c, order="random")
    with pytest.raises(ValueError, match="no graph given"):
        to_html([])
    with pytest.raises(TypeError, match="root must be a Value, got int: 3"):
        to_html(3)  # type: ignore[arg-type]
    other = Value(1.0) * 2.0
    with pytest.raises(ValueError, match=r"the graph of root 1 .* is not shaped like the first"):
        to_html([c, other])


@needs_dot
def test_group_must_be_the_model_that_built_the_first_graph(tmp_path: Path) -> None:
    first, later = teaching_network(), teaching_network(weights=[0.1] * 8)
    with pytest.raises(ValueError, match="made none of the nodes of the graph"):
        to_html([first.loss, later.loss], group=later.model)
    data = embedded(to_html([first.loss, later.loss], group=first.model).html)
    assert [view["name"] for view in data["views"]] == ["one box per neuron", "every node"]
    boxes = data["views"][0]["boxes"]
    labels = [node["label"] for node in data["nodes"]]
    assert boxes[labels.index("w5")] == boxes[labels.index("a_o1")]  # w5 is inside o1's neuron
    assert len(set(boxes)) < len(boxes)
    path = tmp_path / "grouped.html"
    assert main(["graph", "--html", str(path), "--group", "--epochs", "3"]) == 0
    assert "sigmoid neuron (6 nodes)" in path.read_text(encoding="utf-8")


def shown_number(text: str) -> float:
    return float(text.strip().strip("()").replace("−", "-"))


@needs_dot
def test_each_sum_over_uses_adds_up_to_the_gradient_it_states() -> None:
    """The numbers of every node's text, multiplied and summed, give its grad (to the digits shown)."""
    network = teaching_network()
    for root, nodes in ((network.loss, network.nodes), (small_graph()[2], None)):
        data = embedded(to_html(root).html)
        epoch = data["epochs"][0]
        checked = 0
        for text, grad in zip(epoch["text"], epoch["grad"], strict=True):
            parts = text["uses"].split(" = ")
            try:  # symbols = numbers = total; the numbers are left out when they are the total
                terms = [[shown_number(x) for x in term.split(" · ")] for term in parts[-2].split(" + ")]
            except ValueError:
                continue
            total = sum(math.prod(factors) for factors in terms)
            assert total == pytest.approx(grad, rel=2e-4, abs=1e-12), text["uses"]
            assert shown_number(parts[-1]) == pytest.approx(grad, rel=1e-4)
            checked += 1
        assert checked >= (25 if nodes else 1)
