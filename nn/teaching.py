"""The course's teaching network, built from `nn` layers, with the spreadsheet's names.

Two inputs, two sigmoid hidden units, two sigmoid outputs, no biases::

    h1 = w1·i1 + w2·i2    h2 = w3·i1 + w4·i2    a_h = σ(h)
    o1 = w5·a_h1 + w6·a_h2    o2 = w7·a_h1 + w8·a_h2    a_o = σ(o)
    E1 = ½(t1 − a_o1)²    E2 = ½(t2 − a_o2)²    E_total = E1 + E2

Every node carries the spreadsheet's name as its label, so a drawn graph reads like the
sheet. The lessons (`chainrule.sweep`) train it; `chainrule.closed_form` computes the same
numbers from the chain-rule formulas, without the engine.
"""

from __future__ import annotations

from collections.abc import Sequence

from autograd import Value
from autograd.validation import check_count, finite_floats
from nn.init import Constant
from nn.losses import half_squared_errors
from nn.module import MLP

__all__ = [
    "DEFAULT_INPUTS",
    "DEFAULT_TARGETS",
    "DEFAULT_WEIGHTS",
    "FORWARD_NAMES",
    "INPUT_NAMES",
    "WEIGHT_NAMES",
    "TeachingNetwork",
    "teaching_network",
]

DEFAULT_INPUTS = (0.05, 0.1)
DEFAULT_WEIGHTS = (0.15, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.55)
DEFAULT_TARGETS = (0.01, 0.99)

INPUT_NAMES = ("i1", "i2")
WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
FORWARD_NAMES = ("h1", "h2", "a_h1", "a_h2", "o1", "o2", "a_o1", "a_o2", "E1", "E2", "E_total")


class TeachingNetwork:
    """The network after its forward pass (backward not called).

    `nodes` maps each spreadsheet name (i1, i2, w1…w8, h1, …, E_total) to its Value, whose
    label is that name; `loss` is E_total; `weights` are w1…w8 in order; `model` is the
    2-2-2 `MLP` holding the weights.
    """

    def __init__(self, model: MLP, nodes: dict[str, Value]) -> None:
        self.model = model
        self.nodes = nodes
        self.loss = nodes["E_total"]
        self.weights = tuple(nodes[name] for name in WEIGHT_NAMES)

    def __repr__(self) -> str:
        weights = ", ".join(repr(w.data) for w in self.weights)
        return f"TeachingNetwork(E_total={self.loss.data!r}, weights=({weights}))"


def teaching_network(
    inputs: Sequence[float | Value] = DEFAULT_INPUTS,
    weights: Sequence[float | Value] = DEFAULT_WEIGHTS,
    targets: Sequence[float] = DEFAULT_TARGETS,
    biases: Sequence[float | Value] | None = None,
) -> TeachingNetwork:
    """The network with these numbers, forward pass done.

    Values given as inputs or weights become the graph's i1, i2 and w1…w8 nodes (and are
    relabelled so), which makes E_total a function of them, e.g. for `gradcheck`.
    `biases=(b1, b2)` adds Matt Mazur's biases (his post uses 0.35, 0.60): b1 shared by both
    hidden neurons, b2 by both outputs, nodes `b1` and `b2` of the graph; the sheet has none.
    """
    return _forward(_model(weights, biases), inputs, targets)


def _model(weights: Sequence[float | Value], biases: Sequence[float | Value] | None = None) -> MLP:
    """The 2-2-2 sigmoid MLP holding these weights (w1, w2 feed h1, and so on), without biases
    unless given (one per layer, shared by its neurons)."""
    check_count(weights, 8, "weights")
    if biases is not None:
        check_count(biases, 2, "biases")
    model = MLP(2, [2, 2], activation="sigmoid", bias=biases is not None, init=Constant(0.0))  # set below
    slots = [(neuron, j) for layer in model.layers for neuron in layer.neurons for j in range(2)]
    for (neuron, j), w in zip(slots, weights, strict=True):
        neuron.w[j] = w if isinstance(w, Value) else Value(w)
    if biases is not None:
        for layer, b in zip(model.layers, biases, strict=True):
            shared = b if isinstance(b, Value) else Value(b)
            for neuron in layer.neurons:
                neuron.b = shared
    return model


def _forward(model: MLP, inputs: Sequence[float | Value], targets: Sequence[float]) -> TeachingNetwork:
    check_count(inputs, 2, "inputs")
    targets = finite_floats(targets, 2, "targets")
    i1, i2 = (x if isinstance(x, Value) else Value(x) for x in inputs)
    # layer by layer, each neuron in two steps: its weighted sum (h, o) is a node of the sheet too
    hidden, output = (layer.neurons for layer in model.layers)
    h1, h2 = (neuron.weighted_sum([i1, i2]) for neuron in hidden)
    a_h1, a_h2 = (neuron.activate(h) for neuron, h in zip(hidden, (h1, h2), strict=True))
    o1, o2 = (neuron.weighted_sum([a_h1, a_h2]) for neuron in output)
    a_o1, a_o2 = (neuron.activate(o) for neuron, o in zip(output, (o1, o2), strict=True))
    e1, e2 = half_squared_errors([a_o1, a_o2], targets)
    e_total = e1 + e2
    nodes = dict(zip(INPUT_NAMES, (i1, i2), strict=True))
    nodes.update(
        zip(WEIGHT_NAMES, (w for layer in model.layers for n in layer.neurons for w in n.w), strict=True)
    )
    hidden_bias, output_bias = hidden[0].b, output[0].b
    if hidden_bias is not None and output_bias is not None:
        nodes.update(b1=hidden_bias, b2=output_bias)
    nodes.update(zip(FORWARD_NAMES, (h1, h2, a_h1, a_h2, o1, o2, a_o1, a_o2, e1, e2, e_total), strict=True))
    for name, node in nodes.items():
        node.label = name
    return TeachingNetwork(model, nodes)
