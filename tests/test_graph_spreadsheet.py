"""`autograd.graph.to_xlsx`: a graph as a live sheet. Its formulas read here; LibreOffice
recalculates them and must give the engine's data and gradients (rel 1e-14: it returns 15
significant digits)."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest
from hypothesis import Phase, given, settings

from autograd import Value, gradients, scalar_op, topological_order
from autograd.graph.spreadsheet import MAX_NODES, leaf_names, to_xlsx
from autograd.strategies import OPS, Graph, graphs
from tests.libreoffice import needs_libreoffice, recalculate

REL = 1e-14


def close(sheet: object, engine: float, scale: float = 0.0) -> bool:
    """Within 1e-14 of `engine` relative to itself, or to `scale` (the largest number of its
    column): LibreOffice's SIN and COS are exact to an ulp of 1, not of their result, so next to
    a zero of cos (at x = 1.60035, cos = -0.0295) the relative difference reaches 1.5e-14."""
    return isinstance(sheet, float | int) and math.isclose(sheet, engine, rel_tol=REL, abs_tol=REL * scale)


def written(root: Value, tmp_path: Path, name: str = "graph.xlsx") -> openpyxl.worksheet.worksheet.Worksheet:
    to_xlsx(root, tmp_path / name)
    return openpyxl.load_workbook(tmp_path / name)["graph"]


def test_rows_hold_the_forward_and_backward_pass_as_formulas(tmp_path):
    x, y = Value(3.0, "x"), Value(-2.0, "w1")
    loss = -(x**2) * y + x
    loss.label = "loss"
    sheet = written(loss, tmp_path)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["node", "label", "op", "data", "gradient"]
    assert [r[1] or "" for r in rows[1:]] == [n.label for n in topological_order(loss)]
    assert rows[1][3] == 3.0 and rows[1][4].startswith("=")  # a leaf: a number, its gradient a formula
    power = next(r for r in rows if r[2] == "**")
    assert power[3] == "=(D2)^(2.0)"  # every operand parenthesised
    neg = next(r for r in rows if r[2] == "neg")
    assert neg[3] == f"=-(D{rows.index(power) + 1})"
    assert rows[-1][1] == "loss" and rows[-1][4] == "=1"
    assert rows[1][4].count("+") == 1  # x feeds ** and the last +: two terms


def test_leaves_get_defined_names_that_read_as_no_cell(tmp_path):
    a, b, c, d = Value(1.0, "w1"), Value(2.0, "rate"), Value(3.0), Value(4.0, "rate")
    to_xlsx(a * b + c * d, tmp_path / "g.xlsx")
    names = openpyxl.load_workbook(tmp_path / "g.xlsx").defined_names
    assert {n: names[n].attr_text for n in names} == {
        "_w1": "graph!$D$2",
        "rate": "graph!$D$3",
        "x_2": "graph!$D$5",
        "rate_2": "graph!$D$6",
    }
    assert leaf_names(topological_order(a + a)) == {a: "_w1"}


def test_refuses_an_op_without_a_formula_in_one_line(tmp_path):
    cube = scalar_op("cube", lambda x: x**3, lambda x: 3 * x**2)
    with pytest.raises(
        ValueError, match=r"^to_xlsx: the op 'cube' of Value\(data=8.0.*no spreadsheet formula"
    ):
        to_xlsx(cube(Value(2.0)) + 1, tmp_path / "g.xlsx")
    assert not (tmp_path / "g.xlsx").exists()
    my_exp = scalar_op("exp", lambda x: 2.0 * x, lambda x: 2.0)  # a built-in op's name, the user's function
    with pytest.raises(
        ValueError, match=r"^to_xlsx: the op 'exp' of Value\(data=4.0.*no spreadsheet formula"
    ):
        to_xlsx(my_exp(Value(2.0)), tmp_path / "g.xlsx")


def test_refuses_a_graph_too_large_for_a_sheet(tmp_path):
    x = Value(0.5)
    node = x
    for _ in range(MAX_NODES):
        node = node * 1.0
    with pytest.raises(
        ValueError, match=r"^to_xlsx: the graph has 100,0\d\d nodes; .* more than 100,000 rows"
    ):
        to_xlsx(node, tmp_path / "g.xlsx")


def test_refuses_a_float():
    with pytest.raises(TypeError, match="to_xlsx: root must be a Value"):
        to_xlsx(1.0, "g.xlsx")  # type: ignore[arg-type]


def compare(root: Value, recalculated: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    """What differs between the engine and LibreOffice's recalculated sheet, row by row."""
    grads = gradients(root)
    order = topological_order(root)
    data_scale, grad_scale = max(abs(n.data) for n in order), max(abs(g) for g in grads.values())
    wrong = []
    for r, node in enumerate(order, start=2):
        data, grad = recalculated[f"D{r}"].value, recalculated[f"E{r}"].value
        if not close(data, node.data, data_scale):
            wrong.append(f"D{r}: sheet {data!r}, engine {node.data!r}")
        if not close(grad, grads[node], grad_scale):
            wrong.append(f"E{r}: sheet {grad!r}, engine {grads[node]!r}")
    return wrong


@pytest.mark.parametrize("planted", ["tanh"])
def test_the_comparison_fails_on_a_planted_bug(tmp_path, planted):
    """The oracle's check can fail: a sheet whose tanh derivative is 1 - tanh (not 1 - tanh²)."""
    x = Value(0.7)
    root = x.tanh() * 2.0
    sheet = written(root, tmp_path)
    fake = openpyxl.Workbook().active
    for r, node in enumerate(topological_order(root), start=2):
        fake[f"D{r}"], fake[f"E{r}"] = node.data, gradients(root)[node]
    fake["E2"] = 2.0 * (1 - math.tanh(0.7))
    assert sheet["C3"].value == planted
    assert compare(root, fake) == [f"E2: sheet {2.0 * (1 - math.tanh(0.7))!r}, engine {gradients(root)[x]!r}"]


def fifty_graphs() -> list[Graph]:
    """50 graphs drawn by `autograd.strategies.graphs` (hypothesis's first example is the
    smallest, a lone leaf: a list of 50 drawn at once would be 50 leaves)."""
    drawn: list[Graph] = []

    @settings(max_examples=50, phases=[Phase.generate], database=None, deadline=None, derandomize=True)
    @given(graphs(1, 3, max_ops=10))
    def collect(g: Graph) -> None:
        drawn.append(g)

    collect()
    return drawn


def _per_op_graphs() -> list[Graph]:
    """One graph per op of the table, op(x0, x1) or op(x0) then tanh, so every op's formulas are
    met whatever hypothesis drew; the gradient passes through the op's local derivatives."""
    out = []
    for op in OPS:
        binary = op in ("+", "-", "*", "/", "**", "maximum")
        args = (("node", 0), ("node", 1)) if binary else (("node", 0),)
        tanh = ("tanh", (("node", 2 if binary else 1),))
        out.append(Graph((1.3, 0.7) if binary else (0.9,), ((op, args), tanh)))
    return out


def _build(x0: float) -> Value:
    x = Value(x0, "x")
    return (x.log() * x + x.sigmoid()).tanh()


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every workbook of this module written and recalculated by LibreOffice in one call:
    name → (the engine's root, LibreOffice's sheet)."""
    folder = tmp_path_factory.mktemp("graphs")
    drawn = fifty_graphs()
    assert len(drawn) == 50 and sum(len(g.steps) for g in drawn) > 100
    roots: dict[str, Value] = {}
    for k, g in enumerate([*drawn, *_per_op_graphs()]):
        roots[f"graph {k:02} {g!r}"] = g(*[Value(x, f"x{i}") for i, x in enumerate(g.inputs)])
    roots.update({name: root for name, (_, root) in _hard_cases().items()})
    files = {}
    for k, (name, root) in enumerate(roots.items()):
        files[name] = folder / f"f{k:03}.xlsx"
        to_xlsx(root, files[name])
    for name, new in (("moved", 1.75), ("outside", -1.0)):  # x changed in the file, from 0.6
        files[name] = folder / f"{name}.xlsx"
        to_xlsx(_build(0.6), files[name])
        book = openpyxl.load_workbook(files[name])
        book["graph"]["D2"] = new
        book.save(files[name])
    outs = recalculate(list(files.values()), folder)
    return {
        name: (roots.get(name), openpyxl.load_workbook(out, data_only=True)["graph"])
        for name, out in zip(files, outs, strict=True)
    }


@needs_libreoffice
def test_libreoffice_recalculates_random_graphs_to_the_engines_numbers(recalculated):
    """50 graphs from `autograd.strategies`, one per op of the table, and the hard cases."""
    wrong = {
        name: compare(root, sheet)
        for name, (root, sheet) in recalculated.items()
        if root is not None and compare(root, sheet)
    }
    assert len(recalculated) == 50 + len(OPS) + len(_hard_cases()) + 2 and wrong == {}


@needs_libreoffice
def test_a_changed_leaf_recomputes_both_passes_and_errors_map_to_the_engines(recalculated):
    """Change x in the file: LibreOffice's forward and backward pass equal the engine's at the
    new x; at x = -1, LN fails in the sheet (#VALUE! here, #NUM! in Excel) as log does in the engine."""
    assert compare(_build(1.75), recalculated["moved"][1]) == []
    assert compare(_build(0.6), recalculated["moved"][1]) != []  # the check can fail
    assert recalculated["outside"][1]["D3"].value in ("#VALUE!", "#NUM!")
    with pytest.raises(ValueError, match="log: argument must be > 0"):
        _build(-1.0)


def _hard_cases() -> dict[str, tuple[Value, Value]]:
    """Graphs where a naive formula loses digits: LN(1 + x) for log1p(1e-10) is off by 8e-8,
    softplus(-30) by 1e-3 (the op table writes ln(1 + x) as 2·ATANH(x/(2 + x))); and a subnormal
    constant, which LibreOffice does not read as a literal."""
    cases = {}
    for name, x0, f in (
        ("log1p_tiny", 1e-10, Value.log1p),
        ("softplus_far_left", -30.0, Value.softplus),
        ("tanh_far_right", 20.0, Value.tanh),
        ("sin", 3.0, Value.sin),
        ("cos", 3.0, Value.cos),
        ("subnormal_constant", 2.0, lambda v: (v * -1.1125369292536007e-308).tanh()),  # a literal LO rejects
    ):
        x = Value(x0, "x")
        cases[name] = (x, f(x) * 2.0)
    return cases
