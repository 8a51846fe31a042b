"""`Module` and the layers built from `Value`s: `Neuron`, `Layer`, `MLP`.

Weights come from an initialiser (`nn.init`) and a generator: the library's own by default
(`nn.manual_seed` resets it), or a seed or `random.Random` passed as `rng`; biases start at
0.0. The weighted sum is ``w1·x1 + w2·x2 + … (+ b)``, built without a leading 0 so that a
drawn graph shows exactly the terms of the formula.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple

from autograd import Value, weighted_sum
from autograd.engine import set_data_all
from autograd.validation import check_choice, check_flag, check_int, check_number, is_number
from nn.init import Initializer, XavierUniform, as_rng

__all__ = ["ACTIVATIONS", "MLP", "IncompatibleKeys", "Layer", "Module", "Neuron"]

ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "relu": Value.relu,
    "linear": lambda x: x,
}

_DEFAULT_INIT = XavierUniform()


class IncompatibleKeys(NamedTuple):
    """What `Module.load_state_dict` did not match (PyTorch's `_IncompatibleKeys`)."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Something with parameters, found in its attributes as PyTorch registers them.

    `named_parameters()` walks the attributes in the order they were set: a `Value` is a
    parameter, a `Module` or a list or tuple (nested too) is searched, anything else is not a
    parameter. So a `Neuron`'s are ``w.0, w.1, …, b`` and an MLP's ``layers.0.neurons.1.w.0``.

    As in PyTorch, a subclass writes `forward` and is called: ``model(x)`` is
    ``model.forward(x)``; its repr lists the modules it holds and their parameter counts.
    """

    _frozen = False  # set on the instance by requires_grad_ (a bool attribute: never a parameter)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """What calling the module computes: a subclass defines it."""
        raise NotImplementedError(f"{type(self).__name__} defines no forward(): write one to call it")

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(dotted name, parameter) pairs; a Value reachable twice is listed once."""
        found: list[tuple[str, Value]] = []
        _collect("", self, found, set())
        return found

    def parameters(self) -> list[Value]:
        return [p for _, p in self.named_parameters()]

    # ---- freezing (PyTorch's requires_grad_, fastai's freeze over layer groups) ----

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Freeze (False) or unfreeze (True) every parameter of this module and its children:
        `nn.train.fit` and `nn.lr_find` give a frozen parameter no gradient and no update.
        (A plain `backward()` still computes its gradient: the engine's nodes carry no flag,
        which would cost every node of every graph memory.) Returns the module, as PyTorch."""
        frozen = not check_flag(requires_grad, "requires_grad")
        for module in _modules(self):
            module._frozen = frozen
        return self

    def frozen_parameters(self) -> list[Value]:
        """The parameters frozen by `requires_grad_(False)` or `freeze()`, in `parameters()` order."""
        frozen: list[tuple[str, Value]] = []
        _collect("", self, frozen, set(), only_frozen=True)
        ids = {id(p) for _, p in frozen}
        return [p for p in self.parameters() if id(p) in ids]

    def layer_groups(self) -> list[Module]:
        """The parts that `freeze` and discriminative learning rates treat as one, from the
        input to the output (fastai's layer groups): the whole module by default, an MLP's
        layers (so its last layer is the head)."""
        return [self]

    def freeze_to(self, n: int) -> None:
        """Freeze the first `n` layer groups and unfreeze the rest (fastai's `freeze_to`;
        a negative `n` counts from the end)."""
        groups = self.layer_groups()
        n = check_int(n, "n", min_value=-len(groups), max_value=len(groups))
        cut = n % len(groups) if n < 0 else n
        for i, group in enumerate(groups):
            group.requires_grad_(i >= cut)

    def freeze(self) -> None:
        """Freeze every layer group but the last (the head): fastai's `freeze()`, to train a
        new head on a pretrained body."""
        self.freeze_to(-1)

    def unfreeze(self) -> None:
        """Unfreeze every parameter (fastai's `unfreeze()`)."""
        self.requires_grad_(True)

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """Each parameter's data by its name (PyTorch's layout; `nn.save_json` writes it)."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state_dict: Mapping[str, object], strict: bool = True) -> IncompatibleKeys:
        """Set the parameters' data from `state_dict` (name to number). With `strict` (the
        default) it must name exactly this module's parameters; otherwise the names it shares
        with them are loaded and the rest reported. Returns the names missing from it and the
        ones it has that this module does not (PyTorch's `missing_keys`, `unexpected_keys`).
        Checks all first: on an error nothing changes."""
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"state_dict must be a dict of name to number, got {type(state_dict).__name__}")
        own = dict(self.named_parameters())
        missing = [name for name in own if name not in state_dict]
        unexpected = [name for name in state_dict if name not in own]
        if check_flag(strict, "strict") and (missing or unexpected):
            raise ValueError(
                f"state_dict does not fit {self!r}: missing {_some(missing)}, unexpected {_some(unexpected)}"
                " (strict=False loads the names that match)"
            )
        values = {
            name: check_number(x, f"state_dict[{name!r}]") for name, x in state_dict.items() if name in own
        }
        set_data_all([own[name] for name in values], list(values.values()))
        return IncompatibleKeys(missing, unexpected)

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
        """PyTorch's layout: one line per module held (by attribute name, a list's by index),
        each with its parameter count, then the total."""
        children = []
        for name, attribute in vars(self).items():
            if isinstance(attribute, Module):
                children.append((name, attribute))
            elif isinstance(attribute, (list, tuple)):
                children += [(f"{name}.{i}", m) for i, m in enumerate(attribute) if isinstance(m, Module)]
        if not children:
            return f"{type(self).__name__}()"
        lines = [f"  ({name}): {module!r}  # {_count(module)}" for name, module in children]
        return "\n".join([f"{type(self).__name__}(", *lines, f")  # {_count(self)}"])


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
        rng: random.Random | int | None = None,
        fan_out: int = 1,
    ) -> None:
        self.nin = check_int(nin, "nin", min_value=1)
        self.activation = check_choice(activation, "activation", ACTIVATIONS)
        if not isinstance(init, Initializer):
            raise TypeError(f"init must be an nn.init.Initializer, got {type(init).__name__}: {init!r}")
        fan_out = check_int(fan_out, "fan_out", min_value=1)
        rng = as_rng(rng)
        self.w = [Value(init(self.nin, fan_out, rng)) for _ in range(self.nin)]
        self.b = Value(0.0) if check_flag(bias, "bias") else None

    def __call__(self, x: Sequence[Value | float]) -> Value:
        return self.activate(self.weighted_sum(x))

    def weighted_sum(self, x: Sequence[Value | float]) -> Value:
        """w1·x1 + w2·x2 + … (+ b): the neuron before its activation."""
        return self._weighted_sum(_inputs(x, self.nin, self))

    def _weighted_sum(self, x: Sequence[Value | float]) -> Value:  # x already checked
        return weighted_sum(self.w, x, self.b)  # (one step of a tape when traced)

    def activate(self, weighted_sum: Value) -> Value:
        return ACTIVATIONS[self.activation](weighted_sum)

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
        rng: random.Random | int | None = None,
    ) -> None:
        nout = check_int(nout, "nout", min_value=1)
        rng = as_rng(rng)  # one generator for the whole layer: its neurons draw different weights
        self.neurons = [
            Neuron(nin, activation=activation, bias=bias, init=init, rng=rng, fan_out=nout)
            for _ in range(nout)
        ]

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        return self._forward(_inputs(x, self.neurons[0].nin, self))

    def _forward(self, x: Sequence[Value | float]) -> list[Value]:  # x already checked
        return [n.activate(n._weighted_sum(x)) for n in self.neurons]

    def __repr__(self) -> str:
        first = self.neurons[0]
        return (
            f"Layer({first.nin}, {len(self.neurons)}, activation={first.activation!r}, "
            f"bias={first.b is not None})"
        )


class MLP(Module):
    """Layers of the given `sizes` after `nin` inputs; the last uses `output_activation`
    (default None: the same as `activation`)."""

    def __init__(
        self,
        nin: int,
        sizes: Sequence[int],
        *,
        activation: str = "sigmoid",
        output_activation: str | None = None,
        bias: bool = True,
        init: Initializer = _DEFAULT_INIT,
        rng: random.Random | int | None = None,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
            raise TypeError(f"sizes must be a list of layer widths, got {type(sizes).__name__}: {sizes!r}")
        if not sizes:
            raise ValueError(f"sizes must name at least one layer width, got {sizes!r}")
        widths = [check_int(nin, "nin", min_value=1)]
        widths += [check_int(n, f"sizes[{i}]", min_value=1) for i, n in enumerate(sizes)]
        check_choice(activation, "activation", ACTIVATIONS)
        if output_activation is not None:
            check_choice(output_activation, "output_activation (None: the same as activation)", ACTIVATIONS)
        check_flag(bias, "bias")
        rng = as_rng(rng)
        activations = [activation] * (len(sizes) - 1) + [output_activation or activation]
        self.layers = [
            Layer(widths[i], widths[i + 1], activation=act, bias=bias, init=init, rng=rng)
            for i, act in enumerate(activations)
        ]

    def layer_groups(self) -> list[Module]:
        """Its layers, first to last: `freeze()` leaves only the last (the head) to train."""
        return list(self.layers)

    def __call__(self, x: Sequence[Value | float]) -> list[Value]:
        out = self.layers[0]._forward(_inputs(x, self.layers[0].neurons[0].nin, self))
        for layer in self.layers[1:]:
            out = layer._forward(out)
        return out

    def __repr__(self) -> str:
        first, last = self.layers[0].neurons[0], self.layers[-1].neurons[0]
        sizes = [len(layer.neurons) for layer in self.layers]
        output = f", output_activation={last.activation!r}" if last.activation != first.activation else ""
        return (
            f"MLP({first.nin}, {sizes}, activation={first.activation!r}{output}, bias={first.b is not None})"
        )


def _count(module: Module) -> str:
    n = len(module.parameters())
    return f"{n:,} parameter{'s' * (n != 1)}"


def _inputs(x: object, nin: int, owner: Module) -> Sequence[Value | float]:
    """`x` if it is a list (or tuple) of `nin` numbers or Values; else an error saying what to pass."""
    if isinstance(x, Value) or is_number(x):
        fix = f"[{x!r}]" if nin == 1 else f"a list of {nin}"
        raise TypeError(
            f"{owner!r} takes a list of {nin} inputs, got one {type(x).__name__}: {x!r}; pass {fix}"
        )
    if isinstance(x, (str, bytes)) or not isinstance(x, Sequence):
        why = " (a set has no order: pass a list)" if isinstance(x, (set, frozenset)) else ""
        raise TypeError(
            f"{owner!r} takes a list of {nin} inputs (numbers or Values), got {type(x).__name__}: {x!r}{why}"
        )
    if len(x) != nin:
        raise ValueError(f"{owner!r} expects {nin} inputs, got {len(x)}: {x!r}")
    for i, xi in enumerate(x):
        if not (isinstance(xi, Value) or is_number(xi)):
            raise TypeError(f"input {i} must be a number or a Value, got {type(xi).__name__}: {xi!r}")
    return x


def _is_term(node: Value, parameter: Value) -> bool:
    """`node` is `parameter` (the bias) or `parameter * x` (a weight's product)."""
    return node is parameter or (node.op == "*" and bool(node.children) and node.children[0] is parameter)


def _collect(
    prefix: str,
    obj: object,
    found: list[tuple[str, Value]],
    seen: set[int],
    only_frozen: bool = False,
    frozen: bool = False,
) -> None:
    """The parameters under `obj` (with `only_frozen`, those whose nearest module is frozen)."""
    if isinstance(obj, Value):
        if id(obj) not in seen:
            seen.add(id(obj))
            if frozen or not only_frozen:
                found.append((prefix, obj))
        return
    if isinstance(obj, Module):
        frozen = obj._frozen
        children: list[tuple[str, object]] = list(vars(obj).items())
    elif isinstance(obj, (list, tuple)):
        children = [(str(i), item) for i, item in enumerate(obj)]
    else:
        return
    for name, child in children:
        _collect(f"{prefix}.{name}" if prefix else name, child, found, seen, only_frozen, frozen)


def _modules(root: Module) -> list[Module]:
    """`root` and every module held in its attributes (in lists and tuples too), once each."""
    found: dict[int, Module] = {}
    stack: list[object] = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, Module):
            if id(obj) not in found:
                found[id(obj)] = obj
                stack.extend(vars(obj).values())
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
    return list(found.values())


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return f"[{shown}]" if names else "none"
