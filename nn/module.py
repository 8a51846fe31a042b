"""`Module` and the layers built from `Value`s: `Neuron`, `Layer`, `MLP`.

Weights come from an explicit initialiser and a seeded `random.Random` (see `nn.init`);
biases start at 0.0. The weighted sum is ``w1·x1 + w2·x2 + … (+ b)``, built without a
leading 0 so that a drawn graph shows exactly the terms of the formula.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from autograd import Value
from nn.init import Initializer, XavierUniform, as_rng

__all__ = ["ACTIVATIONS", "MLP", "Layer", "Module", "Neuron"]

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": lambda x: x,
}

_DEFAULT_INIT = XavierUniform()


class Module:
    """Something with parameters: `parameters()` lists them, `zero_grad()` zeroes their grads."""

    def parameters(self) -> list[Value]:
        return []

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def graph_groups(self, order: Sequence[Value]) -> list[tuple[str, Value, list[Value]]]:
        """For `autograd.draw(root, group=module)`: each call of one of this module's neurons
        among the nodes `order`, as (name, output node, the nodes the call made). Searches
        the modules held in attributes or in lists of them; `Neuron` does the matching."""
        found = []
        for attribute in vars(self).values():
            for module in attribute if isinstance(attribute, (list, tuple)) else (attribute,):
                if isinstance(module, Module):
                    found += module.graph_groups(order)
        return found

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Neuron(Module):
    """activation(w·x + b) for `nin` inputs.

    `fan_out` is the width of the layer the neuron belongs to; only initialisers that
    scale with it (Xavier) use it.
    """

    def __init__(
        self,
        nin: int,
        *,
        activation: str = "sigmoid",
        bias: bool = True,
        init: Initializer = _DEFAULT_INIT,
        rng: random.Random | int = 0,
        fan_out: int = 1,
    ) -> None:
        self.nin = _positive_int(nin, "nin")
        self.activation = _check_activation(activation)
        if not isinstance(init, Initializer):
            raise TypeError(f"init must be an nn.init.Initializer, got {type(init).__name__}: {init!r}")
        fan_out = _positive_int(fan_out, "fan_out")
        rng = as_rng(rng)
        self.w = [Value(init(self.nin, fan_out, rng)) for _ in range(self.nin)]
        self.b = Value(0.0) if bias else None

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self.activate(self.weighted_sum(x))

    def weighted_sum(self, x: Sequence[Value | float]) -> Value:
        """w1·x1 + w2·x2 + … (+ b): the neuron before its activation."""
        if len(x) != self.nin:
            raise ValueError(f"{self!r} expects {self.nin} inputs, got {len(x)}: {x!r}")
        terms = [wi * xi for wi, xi in zip(self.w, x, strict=True)]
        if self.b is not None:
            terms.append(self.b)
        return sum(terms[1:], start=terms[0])

    def activate(self, weighted_sum: Value) -> Value:
        return ACTIVATIONS[self.activation](weighted_sum)

    def parameters(self) -> list[Value]:
        return [*self.w, self.b] if self.b is not None else list(self.w)

    def graph_groups(self, order: Sequence[Value]) -> list[tuple[str, Value, list[Value]]]:
        """Each node of `order` that a call of this neuron returned, with the nodes that call
        made: read back from `__call__`'s shape, its own weights and bias found by identity."""
        groups = []
        terms = self.parameters()  # w1·x1 + w2·x2 + … (+ b), summed left to right
        for out in order:
            node, made = out, [out]
            if self.activation != "linear":  # activation(weighted sum): one child
                if len(out.children) != 1:
                    continue
                node = out.children[0]
            for term in reversed(terms[1:]):
                if node.op != "+" or len(node.children) != 2 or not _is_term(node.children[1], term):
                    break
                made += (node, node.children[1])  # a sum and its last term; then the rest
                node = node.children[0]
            else:
                if _is_term(node, terms[0]):
                    made = list(dict.fromkeys([*made, node, *terms]))
                    groups.append((f"{self.activation} neuron", out, made))
        return groups

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation!r}, bias={self.b is not None})"


class Layer(Module):
    """`nout` neurons reading the same `nin` inputs; calling it always returns a list."""

    def __init__(
        self,
        nin: int,
        nout: int,
        *,
        activation: str = "sigmoid",
        bias: bool = True,
        init: Initializer = _DEFAULT_INIT,
        rng: random.Random | int = 0,
    ) -> None:
        nout = _positive_int(nout, "nout")
        rng = as_rng(rng)  # one generator for the whole layer: its neurons draw different weights
        self.neurons = [
            Neuron(nin, activation=activation, bias=bias, init=init, rng=rng, fan_out=nout)
            for _ in range(nout)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def parameters(self) -> list[Value]:
        return [p for n in self.neurons for p in n.parameters()]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return (
            f"Layer({first.nin}, {len(self.neurons)}, activation={first.activation!r}, "
            f"bias={first.b is not None})"
        )


class MLP(Module):
    """Layers of the given `sizes` after `nin` inputs; the last uses `output_activation`
    (default: `activation`)."""

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        *,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        bias: bool = True,
        init: Initializer = _DEFAULT_INIT,
        rng: random.Random | int = 0,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or not sizes:
            raise ValueError(f"sizes must be a non-empty sequence of layer widths, got {sizes!r}")
        rng = as_rng(rng)
        widths = [nin, *sizes]
        activations = [activation] * (len(sizes) - 1) + [output_activation or activation]
        self.layers = [
            Layer(widths[i], widths[i + 1], activation=act, bias=bias, init=init, rng=rng)
            for i, act in enumerate(activations)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        out = self.layers[0](x)
        for layer in self.layers[1:]:
            out = layer(out)
        return out

    def parameters(self) -> list[Value]:
        return [p for layer in self.layers for p in layer.parameters()]

    def __repr__(self) -> str:
        first, last = self.layers[0].neurons[0], self.layers[-1].neurons[0]
        sizes = [len(layer.neurons) for layer in self.layers]
        output = f", output_activation={last.activation!r}" if last.activation != first.activation else ""
        return (
            f"MLP({first.nin}, {sizes}, activation={first.activation!r}{output}, bias={first.b is not None})"
        )


def _is_term(node: Value, parameter: Value) -> bool:
    """`node` is `parameter` (the bias) or `parameter * x` (a weight's product)."""
    return node is parameter or (node.op == "*" and bool(node.children) and node.children[0] is parameter)


def _positive_int(n: int, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}: {n!r}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n!r}")
    return n


def _check_activation(name: str) -> str:
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return name
