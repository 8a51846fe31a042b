"""What several test files share: reading a drawn graph's DOT source, small graphs to draw, and
the shape of a failed command's output."""

from __future__ import annotations

import html
import random
import re
from pathlib import Path

import pytest

import nn
from autograd import Value

DOCS = Path(__file__).resolve().parent.parent / "docs"
README_PICTURE = ["graph", "--highlight", "w5", "--edge-labels"]  # the README's picture

EXACT = 17  # digits that round-trip a float: the source then holds the exact numbers

NODE = re.compile(r"^\t(n\d+) \[label=<(<table.*</table>)> shape=plain\]$", re.MULTILINE)
EDGE = re.compile(r"^\t(n\d+) -> (n\d+op)(?: \[(.*)\])?$", re.MULTILINE)
CELL = re.compile(r"<td[^>]*>(.*?)</td>")
TAG = re.compile(r"<[^>]+>")


def boxes(source: str) -> dict[str, list[str]]:
    """Node id → the texts of its cells (name, "data …", "grad …"), unescaped."""
    return {
        node: [html.unescape(TAG.sub("", cell)) for cell in CELL.findall(label)]
        for node, label in NODE.findall(source)
    }


def edges(source: str) -> list[tuple[str, str, str]]:
    """(child id, op id, attributes) of each edge into an op node, in order."""
    return EDGE.findall(source)


def small_graph() -> tuple[Value, Value, Value]:
    """c = (a + a)·a + b: a is used three times, once twice by the same op."""
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = (a + a) * a + b
    c.label = "c"
    return a, b, c


def mlp_loss(sizes: tuple[int, ...], seed: int = 0) -> Value:
    """A tanh MLP written out with Values (no `nn`), its squared error, after backward."""
    rng = random.Random(seed)
    xs = [Value(rng.uniform(-1.0, 1.0), f"x{i}") for i in range(sizes[0])]
    for n_out in sizes[1:]:
        xs = [
            sum((Value(rng.uniform(-1.0, 1.0)) * x for x in xs), Value(rng.uniform(-1.0, 1.0))).tanh()
            for _ in range(n_out)
        ]
    loss = (xs[0] - 0.5) ** 2
    loss.backward()
    return loss


def micrograd_mlp(activation: str = "relu") -> tuple[nn.MLP, Value, Value]:
    """micrograd's demo network, 2-16-16-1 with a linear output, and its hinge loss
    (1 - y·s).relu() on one example, after backward: (model, score s, loss)."""
    model = nn.MLP(2, [16, 16, 1], activation=activation, output_activation="linear", rng=0)
    (score,) = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = (1.0 - 1.0 * score).relu()
    loss.backward()
    return model, score, loss


def one_line_error(capsys: pytest.CaptureFixture[str], command: str) -> str:
    """What a failed `chainrule COMMAND` printed: nothing on stdout, one line on stderr
    that starts `chainrule COMMAND: error: `; returns that line."""
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"chainrule {command}: error: ")
    return err
