"""nn.Embedding and the dot-product model nn.collab.EmbeddingDotBias."""

import math

import pytest

from autograd import Value, gradcheck
from nn import load_json, save_json
from nn.collab import EmbeddingDotBias
from nn.embedding import Embedding
from nn.init import Constant, Uniform


def test_a_row_is_the_tables_own_values():
    emb = Embedding(4, 3, init=Uniform(-1, 1), rng=2)
    row = emb(2)
    assert len(row) == 3 and all(a is b for a, b in zip(row, emb.weight[2]))
    row.append(Value(0.0))  # the lookup is a new list: the table keeps its shape
    assert len(emb.weight[2]) == 3
    assert emb.parameters() == [w for r in emb.weight for w in r] and len(emb.parameters()) == 12


def test_a_lookup_equals_the_one_hot_product():
    emb = Embedding(5, 2, init=Uniform(-1, 1), rng=0)
    one_hot = [0.0, 0.0, 0.0, 1.0, 0.0]
    by_matrix = [sum(one_hot[i] * emb.weight[i][k].data for i in range(5)) for k in range(2)]
    assert [v.data for v in emb(3)] == by_matrix


def test_weights_are_seeded_and_drawn_by_init():
    assert [p.data for p in Embedding(3, 2, rng=7).parameters()] == [
        p.data for p in Embedding(3, 2, rng=7).parameters()
    ]
    assert {p.data for p in Embedding(3, 2, init=Constant(0.5)).parameters()} == {0.5}
    stds = [p.data for p in Embedding(200, 10, rng=1).parameters()]
    assert 0.008 < math.sqrt(sum(x * x for x in stds) / len(stds)) < 0.012  # fastai's std 0.01


@pytest.mark.parametrize("index", [5, -1, 10**20])
def test_an_index_out_of_range_is_an_index_error(index):
    message = rf"index {index} is out of range for Embedding\(5, 2\): it has rows 0 to 4"
    with pytest.raises(IndexError, match=message):
        Embedding(5, 2)(index)


@pytest.mark.parametrize("index", [1.0, True, "1", None, Value(1.0)])
def test_a_non_integer_index_is_a_type_error(index):
    with pytest.raises(TypeError, match=r"Embedding\(5, 2\) is indexed by an int"):
        Embedding(5, 2)(index)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [((0, 2), ValueError, "num"), ((2, 0), ValueError, "dim"), ((2.0, 2), TypeError, "num")],
)
def test_bad_sizes(args, error, match):
    with pytest.raises(error, match=match):
        Embedding(*args)


def _by_hand(model: EmbeddingDotBias, u: int, i: int) -> float:
    x = sum(a.data * b.data for a, b in zip(model.user_factors.weight[u], model.item_factors.weight[i]))
    if model.user_bias is not None and model.item_bias is not None:
        x += model.user_bias.weight[u][0].data + model.item_bias.weight[i][0].data
    if model.y_range is not None:
        lo, hi = model.y_range
        x = lo + (hi - lo) / (1.0 + math.exp(-x))
    return x


@pytest.mark.parametrize("bias", [False, True])
@pytest.mark.parametrize("y_range", [None, (0.0, 5.5)])
def test_the_model_is_a_dot_product_plus_biases_squashed_into_y_range(bias, y_range):
    model = EmbeddingDotBias(3, 4, 6, bias=bias, y_range=y_range, init=Uniform(-1, 1), rng=3)
    assert len(model.parameters()) == 3 * (4 + 6) + (4 + 6 if bias else 0)
    for u, i in [(0, 0), (3, 5), (2, 1)]:
        assert model(u, i).data == pytest.approx(_by_hand(model, u, i), rel=1e-14)
        assert model.predict(u, i) == model(u, i).data  # the same float, without a graph


def test_gradients_of_one_rating_reach_only_its_rows():
    model = EmbeddingDotBias(2, 3, 3, y_range=(0.0, 5.5), init=Uniform(-1, 1), rng=1)
    loss = (model(1, 2) - 4.0) ** 2
    loss.backward()
    assert model.user_bias is not None and model.item_bias is not None
    bu, bi = model.user_bias.weight[1], model.item_bias.weight[2]
    touched = {id(p) for p in [*model.user_factors.weight[1], *model.item_factors.weight[2], *bu, *bi]}
    assert all((p.grad != 0.0) == (id(p) in touched) for p in model.parameters())
    u, v = model.user_factors.weight[1], model.item_factors.weight[2]

    def f(*w):
        x = w[0] * w[2] + w[1] * w[3] + bu[0].data + bi[0].data
        return (5.5 * x.sigmoid() - 4.0) ** 2

    assert gradcheck(f, [u[0].data, u[1].data, v[0].data, v[1].data])
    # ∂loss/∂u_k = 2(pred − 4)·5.5·σ'(x)·v_k, the chain rule by hand
    biases = bu[0].data + bi[0].data
    x = sum(a.data * b.data for a, b in zip(u, v)) + biases
    s = 1.0 / (1.0 + math.exp(-x))
    for k in range(2):
        assert u[k].grad == pytest.approx(2 * (5.5 * s - 4.0) * 5.5 * s * (1 - s) * v[k].data, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"y_range": (5.5, 0.0)}, ValueError, "low < high"),
        ({"y_range": (0.0,)}, ValueError, "y_range must hold 2"),
        ({"y_range": (0.0, math.inf)}, ValueError, "finite"),
        ({"bias": "no"}, TypeError, "bias must be True or False"),
    ],
)
def test_bad_model_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        EmbeddingDotBias(2, 3, 3, **kwargs)


def test_reprs():
    assert repr(Embedding(15, 5)) == "Embedding(15, 5)"
    assert repr(EmbeddingDotBias(5, 15, 15, y_range=(0, 5.5))) == (
        "EmbeddingDotBias(5, 15, 15, bias=True, y_range=(0.0, 5.5))"
    )


def test_the_models_weights_have_dotted_names_and_a_state_dict(tmp_path):
    model = EmbeddingDotBias(2, 3, 4, y_range=(0.0, 5.5), init=Uniform(-1, 1), rng=5)
    names = [name for name, _ in model.named_parameters()]
    assert names[:3] == ["user_factors.weight.0.0", "user_factors.weight.0.1", "user_factors.weight.1.0"]
    assert names[-1] == "item_bias.weight.3.0" and len(names) == len(set(names)) == 2 * 7 + 7
    assert [p for _, p in model.named_parameters()] == model.parameters()
    save_json(model.state_dict(), tmp_path / "model.json")
    other = EmbeddingDotBias(2, 3, 4, y_range=(0.0, 5.5), rng=6)
    other.load_state_dict(load_json(tmp_path / "model.json"))
    assert [p.data for p in other.parameters()] == [p.data for p in model.parameters()]
