"""The collaborative-filtering lesson: the bundled crosstab, the sheet's Solver factors, the
training loop, and looking inside the fitted weights."""

import math

import numpy as np
import pytest

from chainrule.collab import SOLVER_RMSE, lesson_ratings, rmse, solver_model, train_epochs
from chainrule.embeddings import (
    crosstab_table,
    factor_map_figure,
    item_biases,
    item_factors,
    most_rated,
    nearest_items,
    principal_components,
)
from nn.collab import EmbeddingDotBias
from nn.data import split_ratings, synthetic_ratings
from nn.init import Uniform
from nn.optim import SGD


def test_the_bundled_crosstab_is_the_sheets():
    r = lesson_ratings()
    assert (len(r), r.n_users, r.n_items) == (206, 15, 15)
    assert 15 * 15 - len(r) == 19  # blanks
    assert set(r.ratings) <= {1.0 + k / 2 for k in range(9)} and min(r.ratings) == 1 and max(r.ratings) == 5
    assert r.user_ids[:3] == (14, 29, 72) and r.item_ids[-3:] == (402, 417, 505)
    assert r.titles == {}


@pytest.mark.parametrize("sheet", ["dotprod", "bias"])
def test_the_solvers_factors_give_the_sheets_rmse(sheet):
    model = solver_model(sheet)
    assert (model.user_bias is not None) == (sheet == "bias")
    assert rmse(model, lesson_ratings()) == pytest.approx(SOLVER_RMSE[sheet], rel=1e-12)


def test_rmse_is_over_the_given_ratings_only():
    model = solver_model("dotprod")
    r = lesson_ratings()
    by_hand = [(model(u, i).data - x) ** 2 for u, i, x in zip(r.users, r.items, r.ratings)]
    assert rmse(model, r) == pytest.approx(math.sqrt(sum(by_hand) / 206), rel=1e-14)
    assert math.isnan(rmse(model, r.subset([])))


def test_one_full_batch_step_is_the_closed_form_gradient_step():
    r = lesson_ratings()
    model = EmbeddingDotBias(3, r.n_users, r.n_items, init=Uniform(0, 1), rng=4)
    u_ = np.array([[w.data for w in row] for row in model.user_factors.weight])
    v_ = item_factors(model)
    assert model.user_bias is not None and model.item_bias is not None
    bu = np.array([row[0].data for row in model.user_bias.weight])
    bi = np.array([row[0].data for row in model.item_bias.weight])
    users, items, y = np.array(r.users), np.array(r.items), np.array(r.ratings)
    # MSE = mean (u·v + bu + bi − y)²: ∂/∂u = (2/n) Σ err·v over the user's ratings, and so on
    err = (u_[users] * v_[items]).sum(axis=1) + bu[users] + bi[items] - y
    grad_u, grad_v = np.zeros_like(u_), np.zeros_like(v_)
    np.add.at(grad_u, users, 2 * err[:, None] * v_[items] / len(y))
    np.add.at(grad_v, items, 2 * err[:, None] * u_[users] / len(y))
    grad_bi = np.bincount(items, weights=2 * err / len(y), minlength=r.n_items)
    lr = 0.1
    (record,) = train_epochs(model, SGD(model.parameters(), lr=lr), r, epochs=1)
    np.testing.assert_allclose(item_factors(model), v_ - lr * grad_v, rtol=1e-12, atol=1e-15)
    new_u = np.array([[w.data for w in row] for row in model.user_factors.weight])
    np.testing.assert_allclose(new_u, u_ - lr * grad_u, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose([row[0].data for row in model.item_bias.weight], bi - lr * grad_bi, rtol=1e-12)
    assert record.epoch == 1 and record.train_rmse == rmse(model, r) and math.isnan(record.valid_rmse)


def _ranks(xs: list[float]) -> list[int]:
    order = sorted(range(len(xs)), key=lambda i: xs[i])
    ranks = [0] * len(xs)
    for rank, i in enumerate(order):
        ranks[i] = rank
    return ranks


def _spearman(xs: list[float], ys: list[float]) -> float:
    return float(np.corrcoef(_ranks(xs), _ranks(ys))[0, 1])


def test_learned_movie_biases_rank_like_the_planted_ones():
    planted = synthetic_ratings(30, 40, 3, density=0.5, noise=0.1, seed=0)
    train, valid = split_ratings(planted.ratings, 0.1, seed=0)
    model = EmbeddingDotBias(3, train.n_users, train.n_items, rng=1)
    records = list(
        train_epochs(model, SGD(model.parameters(), lr=0.05), train, valid, epochs=60, batch_size=32)
    )
    learned = [bias for _, bias in sorted(item_biases(model))]
    assert _spearman(learned, list(planted.item_bias)) >= 0.9
    assert records[-1].train_rmse < records[0].train_rmse and records[-1].valid_rmse < records[0].valid_rmse


def test_training_is_seeded():
    r = lesson_ratings()

    def run() -> list[float]:
        model = EmbeddingDotBias(2, r.n_users, r.n_items, rng=0)
        optimizer = SGD(model.parameters(), lr=0.1)
        records = list(train_epochs(model, optimizer, r, epochs=2, batch_size=50, seed=3))
        return [x.train_rmse for x in records]

    assert run() == run()


def test_item_biases_rank_highest_first():
    model = solver_model("bias")
    assert model.item_bias is not None
    biases = [row[0].data for row in model.item_bias.weight]
    ranked = item_biases(model)
    assert [i for i, _ in ranked] == sorted(range(15), key=lambda i: -biases[i])
    assert item_biases(model, [3, 0]) == sorted([(3, biases[3]), (0, biases[0])], key=lambda p: -p[1])
    with pytest.raises(ValueError, match="has no biases"):
        item_biases(solver_model("dotprod"))


def test_most_rated_counts_ratings():
    r = lesson_ratings()
    counts = [r.items.count(i) for i in range(15)]
    ranked = most_rated(r)
    assert [counts[i] for i in ranked] == sorted(counts, reverse=True) and most_rated(r, 2) == ranked[:2]


def test_principal_components_agree_with_the_covariance_eigenvectors():
    factors = item_factors(solver_model("dotprod"))
    coordinates, explained = principal_components(factors, 3)
    centred = factors - factors.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(np.cov(centred, rowvar=False))
    top = eigenvectors[:, ::-1][:, :3]
    np.testing.assert_allclose(np.abs(coordinates), np.abs(centred @ top), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(explained, eigenvalues[::-1][:3] / eigenvalues.sum(), rtol=1e-9)
    assert all(coordinates[np.abs(coordinates[:, k]).argmax(), k] > 0 for k in range(3))


def test_a_rank_one_table_has_one_component():
    factors = np.outer(np.arange(5.0), [1.0, 2.0])
    _, explained = principal_components(factors, 2)
    assert explained[0] == pytest.approx(1.0) and explained[1] == pytest.approx(0.0, abs=1e-20)
    with pytest.raises(ValueError, match="n_components"):
        principal_components(factors, 3)


def test_nearest_items_by_cosine():
    model = solver_model("dotprod")
    v_ = item_factors(model)
    cosine = [float(v_[i] @ v_[4] / np.linalg.norm(v_[i]) / np.linalg.norm(v_[4])) for i in range(15)]
    nearest = nearest_items(model, 4, n=3)
    expected = sorted((i for i in range(15) if i != 4), key=lambda i: -cosine[i])[:3]
    assert [i for i, _ in nearest] == expected
    assert [c for _, c in nearest] == pytest.approx([cosine[i] for i in expected], rel=1e-12)
    with pytest.raises(IndexError):
        nearest_items(model, 15)


def test_the_crosstab_shows_predictions_beside_ratings():
    model = solver_model("dotprod")
    r = lesson_ratings()
    header, rows = crosstab_table(model, r)
    assert header[0] == "user" and header[1] == "27" and header[-1] == "RMSE" and len(rows) == 15
    assert rows[0][1] == f"3 → {model.predict(0, 0):.2f}"  # user 14 gave movie 27 three stars
    assert rows[3][10].startswith("· → ")  # user 211 did not rate movie 179
    squares = [(model.predict(0, i) - x) ** 2 for u, i, x in zip(r.users, r.items, r.ratings) if u == 0]
    assert rows[0][-1] == f"{math.sqrt(sum(squares) / len(squares)):.3f}"


def test_the_factor_map_labels_every_item():
    r = lesson_ratings()
    figure = factor_map_figure(solver_model("dotprod"), r)
    labels = [text.get_text() for text in figure.axes[0].texts]
    assert labels == [r.title(i) for i in range(15)] and labels[0] == "item 27"
