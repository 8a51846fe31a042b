import json
import math
import random
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nn
from autograd import Value, gradcheck
from autograd.errors import StaleGraphError
from nn import MLP, Embedding, EmbeddingDotBias, Layer, Module, Neuron, load_json, save_json
from nn.data import Dataset, shuffled, train_valid_split
from nn.init import Constant, HeNormal, Normal, Uniform, XavierUniform, default_generator
from nn.losses import l2_loss
from nn.optim import SGD, Adam


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
        (lambda: Neuron(2, rng=1.5), TypeError, "1.5"),  # type: ignore[arg-type]
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


# ---- names, state dicts, JSON ----


def test_named_parameters_use_pytorch_style_dotted_names() -> None:
    model = MLP(2, [3, 1], rng=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == [
        "layers.0.neurons.0.w.0",
        "layers.0.neurons.0.w.1",
        "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0",
    ]
    assert names[-1] == "layers.1.neurons.0.b"
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert [name for name, _ in Neuron(2, bias=False).named_parameters()] == ["w.0", "w.1"]


def test_a_value_held_twice_is_one_parameter() -> None:
    class Tied(Module):
        def __init__(self) -> None:
            self.a = Value(1.0)
            self.pair = [self.a, Value(2.0)]

    assert [name for name, _ in Tied().named_parameters()] == ["a", "pair.1"]


def test_state_dict_round_trips_through_json(tmp_path: Path) -> None:
    model, other = MLP(2, [3, 1], rng=1), MLP(2, [3, 1], rng=2)
    path = tmp_path / "model.json"
    save_json(model.state_dict(), path)
    other.load_state_dict(load_json(path))
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]  # bit for bit
    assert json.loads(path.read_text())["layers.1.neurons.0.b"] == 0.0


def test_load_state_dict_checks_names_and_numbers_before_changing_anything() -> None:
    model = MLP(2, [2, 1], rng=0)
    before = model.state_dict()
    state = dict(before)
    del state["layers.0.neurons.0.w.0"]
    state["layers.9.w"] = 1.0
    with pytest.raises(
        ValueError, match=r"missing \[layers\.0\.neurons\.0\.w\.0\], unexpected \[layers\.9\.w\]"
    ):
        model.load_state_dict(state)
    state = {**before, "layers.0.neurons.0.w.0": 0.5, "layers.1.neurons.0.b": [1.0, 2.0]}  # type: ignore[dict-item]
    with pytest.raises(TypeError, match=r"state_dict\['layers\.1\.neurons\.0\.b'\] must be a real number"):
        model.load_state_dict(state)
    with pytest.raises(ValueError, match="finite"):
        model.load_state_dict({**before, "layers.1.neurons.0.b": math.inf})
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="dict"):
        model.load_state_dict([1.0])  # type: ignore[arg-type]


def test_load_state_dict_not_strict_loads_what_matches_and_reports_the_rest() -> None:
    """Loading a 2→2→1 network's weights into a 2→2→2 one: the shared names load (PyTorch's
    strict=False, e.g. to keep a trained body and a new head)."""
    small, large = MLP(2, [2, 1], rng=0), MLP(2, [2, 2], rng=1)
    state = {**small.state_dict(), "extra": "not even a number"}
    with pytest.raises(ValueError, match="strict=False"):
        large.load_state_dict(state)
    result = large.load_state_dict(state, strict=False)
    assert result.missing_keys == [n for n in large.state_dict() if n.startswith("layers.1.neurons.1.")]
    assert result.unexpected_keys == ["extra"]
    loaded = large.state_dict()
    assert all(loaded[n] == x for n, x in small.state_dict().items())
    assert small.load_state_dict(small.state_dict()) == ([], [])
    with pytest.raises(TypeError, match="strict"):
        small.load_state_dict(small.state_dict(), strict="no")  # type: ignore[arg-type]


def test_loading_a_state_dict_makes_old_graphs_stale() -> None:
    model = MLP(1, [1], rng=0)
    loss = model([1.0])[0]
    model.load_state_dict(dict.fromkeys(model.state_dict(), 0.25))
    with pytest.raises(StaleGraphError):
        loss.backward()


def test_save_json_refuses_what_json_cannot_hold_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "keep.json"
    path.write_text("old")
    with pytest.raises(ValueError, match="cannot be saved as JSON"):
        save_json({"w": math.nan}, path)
    with pytest.raises(ValueError, match="cannot be saved as JSON"):
        save_json({"w": Value(1.0)}, path)
    assert path.read_text() == "old"
    path.write_text('{"w": NaN}')
    with pytest.raises(ValueError, match=r"keep\.json"):
        load_json(path)


def test_an_optimizer_state_saves_as_json_too(tmp_path: Path) -> None:
    model = MLP(2, [2, 1], rng=0)
    opt = Adam(model.parameters(), lr=0.01)
    l2_loss(model([0.5, -0.5]), [1.0]).backward()
    opt.step()
    save_json(opt.state_dict(), tmp_path / "opt.json")
    twin = Adam(MLP(2, [2, 1], rng=0).parameters())
    twin.load_state_dict(load_json(tmp_path / "opt.json"))
    assert twin.state_dict() == opt.state_dict()


# ---- the library's generator (issue: default initialisation repeated itself) ----


def test_default_models_differ_from_one_another() -> None:
    neurons = [Neuron(2) for _ in range(4)]
    assert len({tuple(p.data for p in n.w) for n in neurons}) == 4
    assert MLP(2, [3, 1]).state_dict() != MLP(2, [3, 1]).state_dict()


def test_manual_seed_makes_a_script_reproducible() -> None:
    def script() -> list[dict[str, float]]:
        nn.manual_seed(123)
        return [MLP(2, [3, 1]).state_dict(), Layer(2, 2).state_dict()]

    first = script()
    assert script() == first
    nn.manual_seed(124)
    assert MLP(2, [3, 1]).state_dict() != first[0]


def test_every_random_default_of_nn_follows_manual_seed() -> None:
    data = Dataset(np.arange(40.0).reshape(20, 2), np.arange(20) % 2, (1, 2), "toy")

    def draws() -> list[object]:
        train, valid = train_valid_split(data)
        tables = [Embedding(3, 2).state_dict(), EmbeddingDotBias(2, 3, 4).state_dict()]
        return [*tables, shuffled(data).labels.tolist(), train.images.tolist(), valid.images.tolist()]

    nn.manual_seed(7)
    first = draws()
    assert draws() != first  # each draw moves the generator on
    nn.manual_seed(7)
    assert draws() == first


def test_negative_seeds_are_their_own_seeds() -> None:
    assert MLP(2, [2], rng=-1).state_dict() != MLP(2, [2], rng=1).state_dict()
    nn.manual_seed(-1)
    minus = MLP(2, [2]).state_dict()
    nn.manual_seed(1)
    assert MLP(2, [2]).state_dict() != minus


def test_an_explicit_rng_leaves_the_library_generator_alone() -> None:
    nn.manual_seed(5)
    expected = default_generator().random()
    nn.manual_seed(5)
    MLP(2, [3, 1], rng=0)
    MLP(2, [3, 1], rng=random.Random(3))
    assert default_generator().random() == expected


# ---- common mistakes get a message naming the argument and the fix ----


@pytest.mark.parametrize(
    ("call", "error", "shown"),
    [
        (lambda m: m(1.0), TypeError, "takes a list of 2 inputs, got one float: 1.0"),
        (lambda m: m("ab"), TypeError, "got str: 'ab'"),
        (lambda m: m({0.5, 1.0}), TypeError, "a set has no order: pass a list"),
        (lambda m: m([0.5, "x"]), TypeError, "input 1 must be a number or a Value, got str: 'x'"),
        (lambda m: m([0.5]), ValueError, "expects 2 inputs, got 1"),
        (lambda m: m.layers[0](3), TypeError, "got one int: 3"),
        (lambda m: m.layers[0].neurons[0](Value(1.0)), TypeError, "got one Value"),
    ],
)
def test_model_inputs_of_the_wrong_kind_say_what_to_pass(call, error, shown) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        call(MLP(2, [3, 1], rng=0))


def test_one_input_model_suggests_the_list() -> None:
    with pytest.raises(TypeError, match=re.escape("pass [1.0]")):
        MLP(1, [1], rng=0)(1.0)  # type: ignore[arg-type]


def test_numpy_numbers_are_inputs_sizes_and_seeds() -> None:
    model = MLP(np.int64(2), [np.int64(3), 1], rng=np.int64(4))  # type: ignore[arg-type, list-item]
    assert model.state_dict() == MLP(2, [3, 1], rng=4).state_dict()
    assert model([np.float32(0.5), np.float64(-1.0)])[0].data == pytest.approx(  # type: ignore[list-item]
        model([0.5, -1.0])[0].data, rel=1e-15
    )


@pytest.mark.parametrize(
    ("make", "error", "shown"),
    [
        (lambda: MLP(2, [3, 1], output_activation=""), ValueError, "output_activation"),
        (lambda: MLP(2, [3, 1], bias="no"), TypeError, "bias must be True or False, got str: 'no'"),  # type: ignore[arg-type]
        (lambda: Neuron(2, bias="no"), TypeError, "bias must be True or False"),  # type: ignore[arg-type]
        (lambda: MLP(2, 3), TypeError, "sizes must be a list of layer widths, got int: 3"),  # type: ignore[arg-type]
        (lambda: MLP(2, [3.0, 1]), TypeError, "sizes[0] must be an int, got float: 3.0"),  # type: ignore[list-item]
        (lambda: Uniform(-1e308, 1e308), ValueError, "high − low is too large"),
        (lambda: Normal(1e308), ValueError, "std is too large"),
        (lambda: XavierUniform(gain=1e308), ValueError, "gain is too large"),
    ],
)
def test_silently_accepted_arguments_are_refused_where_written(make, error, shown) -> None:
    with pytest.raises(error, match=re.escape(shown)):
        make()


def test_loss_of_one_output_says_to_pass_the_list() -> None:
    out = MLP(2, [1], rng=0)([0.5, 0.5])
    with pytest.raises(TypeError, match=re.escape("got one Value")):
        l2_loss(out[0], [0.5])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=re.escape("targets must be a list of numbers, got one float: 0.5; write [0.5]")
    ):
        l2_loss(out, 0.5)  # type: ignore[arg-type]


def test_a_subclass_writes_forward_and_is_called_as_in_pytorch() -> None:
    class TwoLayers(nn.Module):
        def __init__(self) -> None:
            self.lin1 = nn.Layer(3, 2, activation="linear", rng=0)
            self.lin2 = nn.Layer(2, 1, activation="linear", rng=0)

        def forward(self, x):
            return self.lin2([h.relu() for h in self.lin1(x)])

    model = TwoLayers()
    x = [0.5, -1.0, 2.0]
    bias = [n.b.data if n.b is not None else 0.0 for n in [*model.lin1.neurons, *model.lin2.neurons]]
    hidden = [
        max(0.0, sum(w.data * xi for w, xi in zip(n.w, x)) + b) for n, b in zip(model.lin1.neurons, bias)
    ]
    out = model.lin2.neurons[0]
    expected = sum(w.data * h for w, h in zip(out.w, hidden)) + bias[2]
    assert model(x)[0].data == pytest.approx(expected, rel=1e-15)
    # the repr: each child with its parameter count (3·2 + 2 = 8, 2 + 1 = 3), then the total
    assert repr(model) == (
        "TwoLayers(\n"
        "  (lin1): Layer(3, 2, activation='linear', bias=True)  # 8 parameters\n"
        "  (lin2): Layer(2, 1, activation='linear', bias=True)  # 3 parameters\n"
        ")  # 11 parameters"
    )


def test_a_module_without_forward_says_so() -> None:
    class Empty(nn.Module):
        pass

    assert repr(Empty()) == "Empty()"
    with pytest.raises(NotImplementedError, match="Empty defines no forward"):
        Empty()([1.0])
