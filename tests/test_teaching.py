"""The teaching network's graph: the spreadsheet's nodes, names and numbers."""

import math
import re

import pytest

from autograd import Value, topological_order
from chainrule import closed_form
from nn.teaching import (
    DEFAULT_INPUTS,
    DEFAULT_TARGETS,
    DEFAULT_WEIGHTS,
    TeachingNetwork,
    teaching_network,
)

NAMES = [
    "i1", "i2", "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "h1", "h2", "a_h1", "a_h2",
    "o1", "o2", "a_o1", "a_o2", "E1", "E2", "E_total",
]  # fmt: skip


def test_defaults_are_the_course_numbers() -> None:
    assert DEFAULT_INPUTS == (0.05, 0.1)
    assert DEFAULT_WEIGHTS == (0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55)
    assert DEFAULT_TARGETS == (0.01, 0.99)


def test_every_node_has_its_spreadsheet_name() -> None:
    net = teaching_network()
    assert sorted(net.nodes) == sorted(NAMES)
    assert all(node.label == name for name, node in net.nodes.items())
    assert net.loss is net.nodes["E_total"]
    assert net.weights == tuple(net.nodes[f"w{k}"] for k in range(1, 9))
    assert net.model.parameters() == list(net.weights)


def test_the_graph_holds_the_named_nodes_and_only_a_few_clear_helpers() -> None:
    net = teaching_network()
    order = topological_order(net.loss)
    named = [n for n in order if n.label]
    assert {n.label for n in named} == set(NAMES) and len(named) == len(NAMES)
    helpers = sorted(n.op for n in order if not n.label)
    # eight products w·x, and per error ½(t − a)² its difference t − a and the square
    assert helpers == sorted(["*"] * 8 + ["-", "**"] * 2)


def test_the_graph_has_the_spreadsheet_structure() -> None:
    n = teaching_network().nodes

    def products(total: Value) -> list[tuple[Value, ...]]:
        assert total.op == "+"
        assert all(c.op == "*" for c in total.children)
        return [c.children for c in total.children]

    assert products(n["h1"]) == [(n["w1"], n["i1"]), (n["w2"], n["i2"])]
    assert products(n["h2"]) == [(n["w3"], n["i1"]), (n["w4"], n["i2"])]
    assert products(n["o1"]) == [(n["w5"], n["a_h1"]), (n["w6"], n["a_h2"])]
    assert products(n["o2"]) == [(n["w7"], n["a_h1"]), (n["w8"], n["a_h2"])]
    for a, h in (("a_h1", "h1"), ("a_h2", "h2"), ("a_o1", "o1"), ("a_o2", "o2")):
        assert (n[a].op, n[a].children) == ("sigmoid", (n[h],))
    assert n["E_total"].op == "+" and n["E_total"].children == (n["E1"], n["E2"])
    for e, a in (("E1", "a_o1"), ("E2", "a_o2")):
        (square,) = n[e].children  # ½·square
        (difference,) = square.children  # difference²
        assert (n[e].op, n[e].local_grads) == ("*", (0.5,))
        assert (square.op, difference.op, difference.children) == ("**", "-", (n[a],))


def test_forward_numbers_match_the_closed_form_and_backward_is_not_called() -> None:
    net = teaching_network()
    expected = closed_form.forward()
    for name, x in expected.items():
        assert math.isclose(net.nodes[name].data, x, rel_tol=1e-15), name
    assert all(node.grad == 0.0 for node in topological_order(net.loss))
    assert net.loss.data == pytest.approx(0.2425198573, abs=1e-10)


def test_other_numbers() -> None:
    inputs, weights, targets = (1.0, -0.5), (0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8), (0.3, 0.6)
    net = teaching_network(inputs, weights, targets)
    assert net.nodes["E_total"].data == pytest.approx(
        closed_form.forward(inputs, weights, targets)["E_total"], rel=1e-15
    )
    assert [w.data for w in net.weights] == list(weights)


def test_given_values_become_the_graph_leaves() -> None:
    ws = [Value(w) for w in DEFAULT_WEIGHTS]
    i1 = Value(0.05)
    net = teaching_network(inputs=[i1, 0.1], weights=ws)
    assert net.weights == tuple(ws) and net.nodes["i1"] is i1
    assert [w.label for w in ws] == [f"w{k}" for k in range(1, 9)]


def test_repr() -> None:
    text = repr(teaching_network())
    assert text.startswith("TeachingNetwork(E_total=0.2425198573")
    assert "weights=(0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55)" in text
    assert isinstance(teaching_network(), TeachingNetwork)


@pytest.mark.parametrize(
    ("kwargs", "error", "shown"),
    [
        ({"weights": (0.1,) * 7}, ValueError, "weights must hold 8 numbers, got 7"),
        ({"inputs": (0.1, 0.2, 0.3)}, ValueError, "inputs must hold 2 numbers, got 3"),
        ({"targets": (0.5,)}, ValueError, "targets must hold 2 numbers, got 1"),
        ({"targets": (0.5, math.nan)}, ValueError, "nan"),
        ({"weights": (0.1,) * 7 + ("x",)}, TypeError, "'x'"),
        ({"inputs": (0.1, math.inf)}, ValueError, "inf"),
        ({"weights": "0.1,0.2"}, TypeError, "weights must be a list or tuple, got str: '0.1,0.2'"),
    ],
)
def test_bad_numbers(kwargs: dict[str, object], error: type[Exception], shown: str) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        teaching_network(**kwargs)  # type: ignore[arg-type]
