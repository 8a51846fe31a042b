"""The public hypothesis strategies draw what they promise and reject bad arguments."""

import math
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis.errors import InvalidArgument

from autograd import Value, gradcheck, numerical_gradient
from autograd.strategies import OPS, Graph, graphs, values


@given(v=values(-2.5, 3.0))
def test_values_are_leaves_within_bounds(v: Value) -> None:
    assert isinstance(v, Value) and -2.5 <= v.data <= 3.0 and v.children == ()


@given(v=values(0.0, 1.0, exclude_min=True, label="p"))
def test_values_pass_exclusions_and_labels(v: Value) -> None:
    assert 0.0 < v.data <= 1.0 and v.label == "p"


@given(g=graphs(1, 4, max_ops=10))
@settings(max_examples=200)
def test_drawn_graphs_are_differentiable_at_their_inputs(g: Graph) -> None:
    assert 1 <= len(g.inputs) <= 4 and len(g.steps) <= 10
    root = g(*(Value(x) for x in g.inputs))
    assert math.isfinite(root.data)
    assert gradcheck(g, g.inputs)


@given(g=graphs(2, 2, max_ops=6, ops=["*", "+"]))
def test_ops_restricts_the_drawn_ops(g: Graph) -> None:
    assert {op for op, _ in g.steps} <= {"*", "+", "tanh"}  # tanh: the fallback outside a domain


def test_every_op_is_drawn() -> None:
    seen: set[str] = set()

    @given(g=graphs(1, 3, max_ops=8))
    @settings(max_examples=300, database=None)
    def collect(g: Graph) -> None:
        seen.update(op for op, _ in g.steps)

    collect()
    assert seen == set(OPS)


@given(g=graphs(2, 3, max_ops=6))
def test_graphs_check_other_gradient_code(g: Graph) -> None:
    # what a user does: compare their gradient code (here finite differences) with backward()
    leaves = [Value(x) for x in g.inputs]
    g(*leaves).backward()
    for leaf, numerical in zip(leaves, numerical_gradient(g, g.inputs)):
        assert math.isclose(leaf.grad, numerical, rel_tol=1e-5, abs_tol=1e-6)


@given(g=graphs(1, 2, max_ops=0))
def test_max_ops_zero_draws_bare_leaves(g: Graph) -> None:
    leaves = [Value(x) for x in g.inputs]
    assert g.steps == () and g(*leaves) is leaves[-1]


def test_strategy_reprs_read_as_the_public_calls() -> None:
    assert repr(graphs(1, 2, ops=["+"])).startswith(
        "graphs(min_leaves=1, max_leaves=2, max_ops=8, ops=('+',)"
    )
    assert (
        repr(values(0.0, 1.0))
        == "floats(min_value=0.0, max_value=1.0, allow_nan=False, allow_infinity=False).map(Value)"
    )


def test_graph_repr_shows_the_formula() -> None:
    g = Graph(inputs=(1.0, 2.0), steps=(("*", (("node", 0), ("node", 1))), ("log", (("node", 2),))))
    assert repr(g) == "Graph(inputs=(1.0, 2.0), root='log((x0 * x1))')"
    assert g(Value(1.0), Value(2.0)).data == math.log(2.0)
    with pytest.raises(TypeError, match="takes 2 leaves, got 1"):
        g(Value(1.0))


@pytest.mark.parametrize(
    ("strategy", "kwargs", "message"),
    [
        (values, {"min_value": math.nan}, "min_value=nan"),
        (values, {"max_value": "1"}, "max_value='1'"),
        (values, {"min_value": 2.0, "max_value": 1.0}, "min_value=2.0 must be <= max_value=1.0"),
        (values, {"label": 1}, "label=1"),
        (graphs, {"min_leaves": 0}, "min_leaves=0"),
        (graphs, {"min_leaves": 3, "max_leaves": 2}, "min_leaves=3 must be <= max_leaves=2"),
        (graphs, {"max_ops": -1}, "max_ops=-1"),
        (graphs, {"max_ops": 1.5}, "max_ops=1.5"),
        (graphs, {"ops": ["tan"]}, "ops=\\['tan'\\]"),
        (graphs, {"ops": []}, "ops=\\[\\]"),
        (graphs, {"ops": "exp"}, "ops='exp'"),
        (graphs, {"min_value": 1.0, "max_value": 1.0}, "min_value=1.0 must be < max_value=1.0"),
        (graphs, {"max_value": 1e6}, "max_value=1000000.0"),
    ],
)
def test_invalid_arguments(strategy, kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        strategy(**kwargs).example()


def test_importing_the_core_imports_neither_hypothesis_nor_graphviz() -> None:
    heavy = "{'hypothesis', 'graphviz', 'PIL', 'matplotlib'}"
    code = f"import sys, autograd, nn; print(sorted({heavy} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
