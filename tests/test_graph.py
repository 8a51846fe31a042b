"""`autograd.draw`: the DOT source of hand-built graphs and of the teaching network (no `dot` needed)."""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys
from collections.abc import Callable, Sequence

import graphviz
import pytest

import nn
from autograd import Value, draw, scalar_op, topological_order
from chainrule import closed_form
from nn.module import ACTIVATIONS
from nn.teaching import DEFAULT_INPUTS, DEFAULT_TARGETS, DEFAULT_WEIGHTS, teaching_network
from tests.helpers import EXACT, boxes, edges, micrograd_mlp, mlp_loss, small_graph


def numbers_of(source: str) -> dict[str, tuple[float, float]]:
    """Node id → (data, grad) as shown."""
    return {
        node: (float(cells[-2].split()[1]), float(cells[-1].split()[1]))
        for node, cells in boxes(source).items()
    }


def passed_back(attributes: str) -> float:
    match = re.search(r"back ([-+.e\d]+)", attributes)
    assert match is not None, attributes
    return float(match.group(1))


def title_numbers(source: str) -> list[float]:
    """The numbers after each '=' of the graph's title (the chain-rule statement)."""
    title = re.search(r"^\t.*label=<(.*)> labeljust", source, re.MULTILINE)
    assert title is not None
    return [float(x) for x in re.findall(r"= ([-.e\d]+)<br", title.group(1))]


def test_import_autograd_imports_neither_graphviz_nor_pillow() -> None:
    check = "import autograd, sys; assert not {'graphviz', 'PIL'} & set(sys.modules), sys.modules.keys()"
    subprocess.run([sys.executable, "-c", check], check=True)


def test_returns_a_digraph_whose_boxes_show_name_data_and_grad() -> None:
    _, _, c = small_graph()
    c.backward()
    graph = draw(c)
    assert isinstance(graph, graphviz.Digraph)
    order = topological_order(c)
    shown = boxes(graph.source)
    assert len(shown) == len(order)
    for i, node in enumerate(order):
        name = [node.label] if node.label else []
        assert shown[f"n{i}"] == [*name, f"data {node.data:.4g}", f"grad {node.grad:.4g}"]


def test_one_op_node_per_result_and_one_edge_per_operand() -> None:
    _, _, c = small_graph()
    source = draw(c).source
    order = topological_order(c)
    results = [i for i, node in enumerate(order) if node.children]
    assert re.findall(r"^\t(n\d+)op \[label=<([^>]*)>", source, re.MULTILINE) == [
        (f"n{i}", {"+": "+", "*": "×"}[order[i].op]) for i in results
    ]
    assert len(edges(source)) == sum(len(node.children) for node in order)  # a + a: two edges


def test_same_graph_same_dot() -> None:
    first, second = small_graph()[2], small_graph()[2]
    first.backward()
    second.backward()
    assert draw(first, edge_labels=True).source == draw(second, edge_labels=True).source
    assert draw(first).source == draw(first).source


@pytest.mark.parametrize("name", ["<", ">", "{", "|", '"', "\\", ":", "&", 'a<b>{c|d}"e\\f:g&h', "</td>"])
def test_hostile_names_are_escaped(name: str) -> None:
    x = Value(1.5, name)
    y = x * x
    y.label = name + "2"
    source = draw(y, edge_labels=True, highlight=x).source
    assert boxes(source)["n0"][0] == name
    assert boxes(source)["n1"][0] == name + "2"
    assert f"<b>{html.escape(name)}</b>" in source  # inside labels, user text is always escaped


def test_precision_sets_significant_digits() -> None:
    x = Value(math.pi, "x")
    assert "data 3.14<" in draw(x, precision=3).source
    assert numbers_of(draw(x, precision=EXACT).source)["n0"][0] == math.pi


def test_edges_show_local_derivatives_then_what_each_passes_back() -> None:
    _, _, c = small_graph()
    before = draw(c, edge_labels=True, precision=EXACT).source
    assert "back" not in before  # no backward yet: nothing passed back
    c.backward()
    source = draw(c, edge_labels=True, precision=EXACT).source
    order = topological_order(c)
    locals_shown = [float(re.findall(r"(?:local|=) ([-.e\d]+)", attrs)[0]) for _, _, attrs in edges(source)]
    assert locals_shown == [local for node in order for local in node.local_grads]
    assert "∂c/∂b = 1" in source


def test_each_grad_is_the_sum_of_what_its_outgoing_edges_pass_back() -> None:
    a, _, c = small_graph()
    c.backward()
    source = draw(c, edge_labels=True, precision=EXACT).source
    sums: dict[str, float] = {}
    for child, _, attrs in edges(source):
        sums[child] = sums.get(child, 0.0) + passed_back(attrs)
    shown = numbers_of(source)
    order = topological_order(c)
    assert sums["n0"] == 4 * a.data  # d/da of 2a² + b, summed over three edges (two from a + a)
    for node_id, total in sums.items():
        assert total == pytest.approx(shown[node_id][1], rel=1e-12)
    assert len(sums) == len(order) - 1  # every node but the root passes something back


def test_highlight_colours_every_path_to_the_node() -> None:
    _, b, c = small_graph()
    c.backward()
    source = draw(c, highlight=b).source
    red = re.findall(r"^\t(n\w+) -> (n\w+) \[color=\"#d62728\"", source, re.MULTILINE)
    order = topological_order(c)
    n = {node: f"n{i}" for i, node in enumerate(order)}
    assert sorted(red) == sorted([(n[b], n[c] + "op"), (n[c] + "op", n[c])])
    assert title_numbers(source) == [1.0]  # ∂c/∂b = 1


def test_highlight_through_a_node_used_twice_sums_the_paths() -> None:
    a, _, c = small_graph()
    c.backward()
    source = draw(c, highlight=a, precision=EXACT).source
    assert "the sum over 3 paths" in source  # (a + a)·a: two through a + a, one direct
    assert title_numbers(source)[-1] == pytest.approx(a.grad, rel=1e-12)


@pytest.mark.parametrize("bad", [Value(1.0, "stranger"), 3.0])
def test_highlight_outside_the_graph_is_refused(bad: object) -> None:
    _, _, c = small_graph()
    error = ValueError if isinstance(bad, Value) else TypeError
    with pytest.raises(error, match="stranger" if isinstance(bad, Value) else "float"):
        draw(c, highlight=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("option", "value"),
    [("rankdir", "XY"), ("precision", 0), ("precision", 18), ("precision", 2.5), ("max_nodes", 0)],
)
def test_bad_options_are_refused(option: str, value: object) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        draw(Value(1.0), **{option: value})  # type: ignore[arg-type]


def test_root_must_be_a_value() -> None:
    with pytest.raises(TypeError, match=r"1\.0"):
        draw(1.0)  # type: ignore[arg-type]


# ---- the course's teaching network, against the closed-form chain rule ----


def closed_form_numbers() -> tuple[dict[str, float], float, float]:
    """The forward pass, ∂E/∂w5 and ∂E/∂w1, from plain floats (the course's formulas)."""
    f = closed_form.forward(DEFAULT_INPUTS, DEFAULT_WEIGHTS, DEFAULT_TARGETS)
    (i1, _), w, (t1, t2) = DEFAULT_INPUTS, DEFAULT_WEIGHTS, DEFAULT_TARGETS
    delta_o1 = (f["a_o1"] - t1) * f["a_o1"] * (1 - f["a_o1"])
    delta_o2 = (f["a_o2"] - t2) * f["a_o2"] * (1 - f["a_o2"])
    de_dw5 = delta_o1 * f["a_h1"]
    de_dw1 = (delta_o1 * w[4] + delta_o2 * w[6]) * f["a_h1"] * (1 - f["a_h1"]) * i1
    return f, de_dw5, de_dw1


def teaching_source(highlight: str | None = None, edge_labels: bool = False) -> tuple[str, dict[str, str]]:
    """The drawn network after one backward pass, and the node id of each spreadsheet name."""
    network = teaching_network()
    network.loss.backward()
    ids = {node: f"n{i}" for i, node in enumerate(topological_order(network.loss))}
    target = network.nodes[highlight] if highlight is not None else None
    source = draw(network.loss, precision=EXACT, edge_labels=edge_labels, highlight=target).source
    return source, {name: ids[node] for name, node in network.nodes.items()}


def test_teaching_network_shows_every_name_value_and_gradient() -> None:
    forward, de_dw5, de_dw1 = closed_form_numbers()
    source, ids = teaching_source(edge_labels=True)
    shown, cells = numbers_of(source), boxes(source)
    for name, node_id in ids.items():
        assert cells[node_id][0] == name
    for name, value in forward.items():
        assert shown[ids[name]][0] == pytest.approx(value, rel=1e-12)
    assert shown[ids["E_total"]][1] == 1.0
    gradients = dict(zip([f"w{k}" for k in range(1, 9)], closed_form.gradients(), strict=True))
    for name, gradient in gradients.items():
        assert shown[ids[name]][1] == pytest.approx(gradient, rel=1e-12)
    assert (shown[ids["w5"]][1], shown[ids["w1"]][1]) == pytest.approx((de_dw5, de_dw1), rel=1e-12)
    sigmoid_slope = re.search(r"∂a_o1/∂o1 = ([-.e\d]+)", source)
    assert sigmoid_slope is not None
    assert float(sigmoid_slope.group(1)) == pytest.approx(forward["a_o1"] * (1 - forward["a_o1"]), rel=1e-12)


def test_highlight_w5_states_the_chain_rule_product() -> None:
    forward, de_dw5, _ = closed_form_numbers()
    source, _ = teaching_source(highlight="w5")
    assert "∂E_total/∂w5 = ∂E_total/∂E1 × ∂E1/∂a_o1 × ∂a_o1/∂o1 × ∂o1/∂w5" in source
    factors = [float(x) for x in re.findall(r"= (1 × [-.e\d ×]+)<br", source)[0].split(" × ")]
    a_o1, t1 = forward["a_o1"], DEFAULT_TARGETS[0]
    expected = [1.0, a_o1 - t1, a_o1 * (1 - a_o1), forward["a_h1"]]
    assert factors == pytest.approx(expected, rel=1e-12)
    assert title_numbers(source)[-1] == pytest.approx(de_dw5, rel=1e-12)


def test_highlight_w1_sums_its_two_paths() -> None:
    _, _, de_dw1 = closed_form_numbers()
    source, ids = teaching_source(highlight="w1")
    assert "the sum over 2 paths" in source
    assert "∂E_total/∂E1 × ∂E1/∂a_o1" in source and "∂E_total/∂E2 × ∂E2/∂a_o2" in source
    *paths, total = title_numbers(source)
    assert total == pytest.approx(de_dw1, rel=1e-12)
    assert sum(paths) == pytest.approx(total, rel=1e-12)
    red_boxes = set(re.findall(r'^\t(n\d+) \[label=<<table [^>]*color="#d62728"', source, re.MULTILINE))
    on_path = {"E_total", "E1", "E2", "a_o1", "a_o2", "o1", "o2", "a_h1", "h1", "w1"}
    assert {ids[name] for name in on_path} <= red_boxes
    assert not {ids[name] for name in ids.keys() - on_path} & red_boxes


# ---- large graphs ----


def test_a_large_graph_is_refused_with_a_message_saying_what_to_do() -> None:
    loss = mlp_loss((2, 16, 16, 1))
    count = len(topological_order(loss))
    with pytest.raises(ValueError, match=rf"has {count} nodes, more than max_nodes=400.*group=model"):
        draw(loss)
    assert len(boxes(draw(loss, max_nodes=None).source)) == count


def grouped_boxes(source: str) -> list[str]:
    """The first cell of each box (a name, or "data …" when unnamed)."""
    return [cells[0] for cells in boxes(source).values()]


def test_grouping_by_the_model_gives_one_box_per_neuron_and_leaves_the_loss_alone() -> None:
    model, score, loss = micrograd_mlp()
    source = draw(loss, group=model).source
    names = grouped_boxes(source)
    assert names.count("relu neuron (8 nodes)") == 16  # 2 weights, 2 products, bias, 2 sums, relu
    assert names.count("relu neuron (50 nodes)") == 16  # 16 weights and products, bias, 16 sums, relu
    assert names.count("linear neuron (49 nodes)") == 1  # the linear output: no activation node
    assert {"x1", "x2"} <= set(names)
    loss_nodes = topological_order(loss)[-3:]  # 1.0·s, 1 − that, relu: drawn as they are
    assert [node.op for node in loss_nodes] == ["*", "-", "relu"]
    assert len(boxes(source)) == 2 + 33 + 3
    assert len(re.findall(r"^\tn\d+op \[label=<relu>", source, re.MULTILINE)) == 1  # the loss's
    drawn = set(re.findall(r"^\t(n\d+(?:op)?) -> (n\d+(?:op)?)$", source, re.MULTILINE))
    assert len(drawn) == 2 * 16 + 16 * 16 + 16 + 2 * 3  # the layers, then s → * → − → relu (op nodes)
    shown = numbers_of(draw(loss, group=model, precision=EXACT).source)
    out_box = names.index("linear neuron (49 nodes)")
    assert shown[f"n{out_box}"] == (score.data, score.grad)  # a box shows its output's data and grad


def test_grouping_does_not_read_activation_names_from_op_names(monkeypatch: pytest.MonkeyPatch) -> None:
    softplus = scalar_op("softplus", lambda x: math.log1p(math.exp(x)), lambda x: 1.0 / (1.0 + math.exp(-x)))
    monkeypatch.setitem(ACTIVATIONS, "softplus", softplus)
    model = nn.MLP(2, [3, 1], activation="softplus", output_activation="linear", rng=0)
    (out,) = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    names = grouped_boxes(draw(out, group=model).source)
    assert names == ["x1", "x2", *["softplus neuron (8 nodes)"] * 3, "linear neuron (10 nodes)"]


def test_grouping_keeps_a_weight_used_elsewhere_visible() -> None:
    model = nn.MLP(2, [2, 1], activation="tanh", rng=0)
    xs = [Value(0.5, "x1"), Value(-1.0, "x2")]
    w = model.layers[0].neurons[0].w[0]
    w.label = "w"
    (out,) = model(xs)
    penalty = out + 0.01 * w**2  # w is used outside its neuron: it stays a box of its own
    names = grouped_boxes(draw(penalty, group=model).source)
    assert "w" in names
    assert names.count("tanh neuron (7 nodes)") == 1 and names.count("tanh neuron (8 nodes)") == 2


def test_any_object_with_graph_groups_can_group_and_stray_nodes_are_ignored() -> None:
    a, b = Value(1.0, "a"), Value(2.0, "b")
    c = (a + b) * a
    stranger = Value(5.0, "stranger")

    class Sums:
        def graph_groups(self, order: Sequence[Value]) -> list[tuple[str, Value, list[Value]]]:
            sums = [("sum", n, [n, *n.children, stranger]) for n in order if n.op == "+"]
            return [*sums, ("not in the graph", stranger, [stranger])]

    names = grouped_boxes(draw(c, group=Sums()).source)
    assert names == ["a", "sum (2 nodes)", "data 3"]  # a is used outside the sum: its own box


def test_grouping_the_teaching_network_names_each_neuron_after_its_output() -> None:
    network = teaching_network()
    network.loss.backward()
    names = grouped_boxes(draw(network.loss, group=network.model).source)
    neurons = [f"{name}: sigmoid neuron (6 nodes)" for name in ("a_h1", "a_h2", "a_o1", "a_o2")]
    assert set(neurons) <= set(names)
    assert {"i1", "i2", "E1", "E2", "E_total"} <= set(names)
    assert not {"w1", "h1", "o1"} & set(names)  # inside their neurons


def test_grouping_is_refused_with_edge_options_and_checks_its_limits() -> None:
    model, _, loss = micrograd_mlp()
    with pytest.raises(ValueError, match="group"):
        draw(loss, group=model, edge_labels=True)
    with pytest.raises(TypeError, match=r"graph_groups.*got bool: True"):
        draw(loss, group=True)  # type: ignore[arg-type]  # the old group_neurons=True
    message = r"has 38 boxes, more than max_nodes=10; pass max_nodes=38 \(or None\)"
    with pytest.raises(ValueError, match=message):
        draw(loss, group=model, max_nodes=10)


def test_long_labels_are_truncated_with_an_ellipsis() -> None:
    x = Value(1.5, "x" * 100_000)
    y = x * x
    y.label = '"' * 100_000  # escaped, each is 6 characters: &quot;
    source = draw(y, edge_labels=True, highlight=x).source
    assert boxes(source)["n0"][0] == "x" * 99 + "…"
    assert boxes(source)["n1"][0] == '"' * 99 + "…"
    texts = re.split(r"<[^<>]*>", source)  # Graphviz refuses a text over 16,384 bytes
    assert max(len(text.encode()) for text in texts) < 16_384


def test_a_chain_rule_title_longer_than_graphviz_takes_is_cut() -> None:
    x = node = Value(1.0, "&" * 100)  # 100 named factors of ~1,000 escaped characters each
    for i in range(100):
        node = node * 1.0
        node.label = f"{i:03}" + "&" * 97
    title = re.search(r"label=<(.*)> labeljust", draw(node, highlight=x).source)
    assert title is not None
    lines = title.group(1).split('<br align="left"/>')
    assert lines[0].endswith("…") and max(len(line.encode()) for line in lines) < 16_384
    assert not re.search(r"&[a-z]*…", lines[0])  # never an entity cut in two


# ---- every formula can be read back from the picture: constants and negation ----


def op_labels(source: str) -> list[str]:
    """The label of each op node, in order (HTML kept: <sup> marks an exponent)."""
    return re.findall(r"^\tn\d+op \[label=<(.*)> (?:fontsize|height|margin|shape)", source, re.MULTILINE)


def test_constant_operands_are_drawn_in_their_op() -> None:
    network = teaching_network()
    source = draw(network.loss).source
    labels = op_labels(source)
    for t, a in (("0.01", "a_o1"), ("0.99", "a_o2")):  # E = ½(t − a)²: t, ½ and the exponent 2
        assert f"{t} − {a}" in labels
    assert labels.count("□<sup>2</sup>") == 2
    assert labels.count("0.5 × □") == 2


@pytest.mark.parametrize(
    ("make", "label"),
    [
        (lambda x: -x, "−x"),
        (lambda x: x - 3.0, "x − 3"),
        (lambda x: 3.0 - x, "3 − x"),
        (lambda x: x * 0.5, "x × 0.5"),
        (lambda x: 2.0 / x, "2 ÷ x"),
        (lambda x: x**3, "x<sup>3</sup>"),
        (lambda x: 2.0**x, "2<sup>x</sup>"),
        (lambda x: x + x, "+"),
        (lambda x: x.exp(), "exp"),
    ],
)
def test_each_op_shows_its_operands_in_order(make: Callable[[Value], Value], label: str) -> None:
    x = Value(1.5, "x")
    assert op_labels(draw(make(x)).source) == [label]


def test_negation_is_not_drawn_as_a_subtraction_or_a_product() -> None:
    x, y = Value(1.0, "x"), Value(2.0, "y")
    labels = op_labels(draw(-(x - y) * y).source)
    assert labels == ["−", "−□", "×"]  # x − y, its negation, the product
