import math
import random
import re
from collections.abc import Callable

import pytest

from autograd import Value, gradcheck
from nn import MLP, Layer, Module, Neuron
from nn.init import Constant, HeNormal, Uniform
from nn.losses import l2_loss
from nn.optim import SGD


def test_neuron_computes_its_activation_of_the_weighted_sum() -> None:
    n = Neuron(2, activation="tanh", init=Uniform(-1.0, 1.0), rng=3)
    n.b.data = 0.25  # type: ignore[union-attr]
    w1, w2 = (w.data for w in n.w)
    out = n([0.5, -2.0])
    assert out.data == pytest.approx(math.tanh(w1 * 0.5 + w2 * -2.0 + 0.25), rel=1e-15)


@pytest.mark.parametrize(
    ("activation", "f"),
    [
        ("sigmoid", lambda x: 1.0 / (1.0 + math.exp(-x))),
        ("tanh", math.tanh),
        ("relu", lambda x: max(x, 0.0)),
        ("linear", lambda x: x),
    ],
)
def test_each_activation(activation: str, f: Callable[[float], float]) -> None:
    n = Neuron(1, activation=activation, bias=False, init=Constant(0.5))
    for x in (-1.5, 2.0):
        assert n([x]).data == pytest.approx(f(0.5 * x), rel=1e-15)


def test_weighted_sum_has_no_leading_zero_node() -> None:
    i1, i2 = Value(1.0, "i1"), Value(2.0, "i2")
    h = Neuron(2, activation="linear", bias=False)([i1, i2])
    assert h.op == "+"
    assert [c.op for c in h.children] == ["*", "*"]
    assert [c.children[1] for c in h.children] == [i1, i2]


def test_layer_returns_a_list_whatever_its_size() -> None:
    assert isinstance(Layer(3, 1)([1.0, 2.0, 3.0]), list)
    assert len(Layer(3, 1)([1.0, 2.0, 3.0])) == 1
    assert len(Layer(3, 4)([1.0, 2.0, 3.0])) == 4
    assert len(MLP(3, [4, 1])([1.0, 2.0, 3.0])) == 1


def test_parameters_and_zero_grad() -> None:
    model = MLP(3, [4, 2])
    assert len(model.parameters()) == 4 * (3 + 1) + 2 * (4 + 1)
    assert len(MLP(3, [4, 2], bias=False).parameters()) == 4 * 3 + 2 * 4
    assert len({id(p) for p in model.parameters()}) == len(model.parameters())
    l2_loss(model([1.0, -1.0, 0.5]), [0.0, 1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())
    assert Module().parameters() == []


def test_output_activation() -> None:
    model = MLP(2, [3, 1], activation="relu", output_activation="linear")
    assert [layer.neurons[0].activation for layer in model.layers] == ["relu", "linear"]


def test_mlp_backward_matches_finite_differences_in_the_inputs() -> None:
    model = MLP(3, [4, 4, 1], activation="tanh", rng=1)
    assert gradcheck(lambda *x: model(list(x))[0], [0.3, -0.7, 1.1])


def test_same_seed_same_weights_different_seed_different_weights() -> None:
    def weights(rng: random.Random | int) -> list[float]:
        return [p.data for p in MLP(2, [3, 2], rng=rng).parameters()]

    assert weights(7) == weights(7)
    assert weights(7) == weights(random.Random(7))
    assert weights(7) != weights(8)
    # one generator for the whole model: its neurons do not repeat each other
    first_layer = MLP(2, [3, 2], rng=7).layers[0].neurons
    assert first_layer[0].w[0].data != first_layer[1].w[0].data


def test_global_random_is_left_alone() -> None:
    random.seed(123)
    expected = random.random()
    random.seed(123)
    MLP(4, [8, 8, 1], init=HeNormal(), rng=0)
    assert random.random() == expected


def _train_on_one_example(model: MLP, steps: int) -> None:
    optimizer = SGD(model.parameters(), lr=0.5)
    for _ in range(steps):
        optimizer.zero_grad()
        l2_loss(model([0.3, -0.8]), [0.9]).backward()
        optimizer.step()


def test_constant_weights_make_hidden_neurons_learn_the_same_thing() -> None:
    model = MLP(2, [3, 1], init=Constant(0.5), rng=0)
    _train_on_one_example(model, steps=20)
    hidden = [[p.data for p in n.parameters()] for n in model.layers[0].neurons]
    assert hidden[0] != [0.5, 0.5, 0.0]  # they did learn...
    assert hidden[0] == hidden[1] == hidden[2]  # ...but all the same thing: three copies of one neuron


def test_random_weights_break_the_symmetry() -> None:
    model = MLP(2, [3, 1], init=Uniform(-0.5, 0.5), rng=0)
    _train_on_one_example(model, steps=20)
    hidden = [tuple(p.data for p in n.parameters()) for n in model.layers[0].neurons]
    assert len(set(hidden)) == 3


def test_reprs() -> None:
    assert repr(Neuron(2, bias=False)) == "Neuron(2, activation='sigmoid', bias=False)"
    assert repr(Layer(2, 3, activation="tanh")) == "Layer(2, 3, activation='tanh', bias=True)"
    assert repr(MLP(2, [2, 2], bias=False)) == "MLP(2, [2, 2], activation='sigmoid', bias=False)"
    assert repr(MLP(2, [3, 1], activation="relu", output_activation="linear")) == (
        "MLP(2, [3, 1], activation='relu', output_activation='linear', bias=True)"
    )


@pytest.mark.parametrize(
    ("make", "error", "shown"),
    [
        (lambda: Neuron(0), ValueError, "0"),
        (lambda: Neuron(2.0), TypeError, "2.0"),  # type: ignore[arg-type]
        (lambda: Neuron(2, activation="softmax"), ValueError, "'softmax'"),
        (lambda: Neuron(2, init=lambda a, b, r: 0.0), TypeError, "init"),  # type: ignore[arg-type]
        (lambda: Neuron(2, rng=None), TypeError, "None"),  # type: ignore[arg-type]
        (lambda: Neuron(2, rng=True), TypeError, "True"),
        (lambda: Layer(2, 0), ValueError, "0"),
        (lambda: MLP(2, []), ValueError, "[]"),
        (lambda: MLP(2, [2, -1]), ValueError, "-1"),
        (lambda: Neuron(2)([1.0]), ValueError, "[1.0]"),
    ],
)
def test_bad_arguments(make: Callable[[], object], error: type[Exception], shown: str) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        make()
