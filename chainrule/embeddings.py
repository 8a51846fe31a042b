"""Looking inside a fitted `EmbeddingDotBias`, as lesson 5 closes: which movies are liked
whoever watches them (the biases, beside each movie's mean rating), which ones to avoid, what
the factors separate (their principal components, drawn with titles, and the movies at both
ends of each), which movies are alike (cosine similarity), and the crosstab with each
prediction beside its rating.

numpy does the linear algebra; matplotlib is imported only by `factor_map_figure`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from autograd.validation import check_int
from nn.collab import EmbeddingDotBias
from nn.data import Ratings

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "component_ends",
    "crosstab_table",
    "factor_map_figure",
    "item_biases",
    "item_factors",
    "mean_ratings",
    "most_rated",
    "nearest_items",
    "principal_components",
]


def most_rated(ratings: Ratings, n: int | None = None) -> list[int]:
    """Item numbers by how many ratings they have, most first (ties by number); the first `n`.
    The lesson ranks only such items: a movie rated twice has a bias, but not a telling one."""
    counts = Counter(ratings.items)
    ranked = sorted(counts, key=lambda i: (-counts[i], i))
    return ranked if n is None else ranked[: check_int(n, "n", min_value=0)]


def item_biases(model: EmbeddingDotBias, items: Sequence[int] | None = None) -> list[tuple[int, float]]:
    """(item, learned bias) for `items` (default: all), highest bias first: the head is what
    everyone likes more than their factors say, the tail the lowest (on MovieLens, the lesson's
    movies to avoid; on the crosstab, whose biases are all positive, just the least liked)."""
    if model.item_bias is None:
        raise ValueError(f"{model!r} has no biases: build it with bias=True")
    table = model.item_bias.weight
    chosen = range(len(table)) if items is None else items
    return sorted(((i, table[i][0].data) for i in chosen), key=lambda pair: (-pair[1], pair[0]))


def mean_ratings(ratings: Ratings) -> dict[int, tuple[float, int]]:
    """Item number → (its mean rating, how many ratings): what a bias is compared with. A
    bias is what is left of a movie's ratings once the users' tastes and its factors are
    accounted for, so a popular movie among generous raters can have a high mean and a
    modest bias."""
    sums: dict[int, list[float]] = {}
    for item, rating in zip(ratings.items, ratings.ratings):
        sums.setdefault(item, []).append(rating)
    return {item: (math.fsum(rs) / len(rs), len(rs)) for item, rs in sums.items()}


def component_ends(
    model: EmbeddingDotBias, items: Sequence[int] | None = None, n_components: int = 3, n: int = 5
) -> list[tuple[float, list[tuple[int, float]], list[tuple[int, float]]]]:
    """Per principal axis of the factors of `items` (default: all; `principal_components`):
    (share of the variance, the `n` items furthest along it as (item, coordinate), highest
    first, and the `n` furthest the other way, lowest first). The lesson reads the axes by
    their ends: what the movies at one end share and those at the other lack."""
    chosen = list(range(model.item_factors.num)) if items is None else list(items)
    n = check_int(n, "n", min_value=0)
    coordinates, explained = principal_components(item_factors(model)[chosen], n_components)
    ends = []
    for axis in range(coordinates.shape[1]):
        order = sorted(range(len(chosen)), key=lambda j: (-coordinates[j, axis], chosen[j]))
        high = [(chosen[j], float(coordinates[j, axis])) for j in order[:n]]
        low = [(chosen[j], float(coordinates[j, axis])) for j in order[::-1][:n]]
        ends.append((float(explained[axis]), high, low))
    return ends


def item_factors(model: EmbeddingDotBias) -> np.ndarray:
    """The item factors as an (items × factors) float array."""
    return np.array([[w.data for w in row] for row in model.item_factors.weight])


def principal_components(factors: np.ndarray, n_components: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates, explained): each row of `factors` on its first `n_components` principal
    axes (numpy's SVD of the centred rows), and the share of variance each axis explains.
    Each axis points so that its largest coordinate is positive (an SVD fixes axes only up to
    sign), so a figure looks the same on every machine."""
    n_components = check_int(n_components, "n_components", min_value=1, max_value=min(factors.shape))
    centred = factors - factors.mean(axis=0)
    _, singular, axes = np.linalg.svd(centred, full_matrices=False)
    coordinates = centred @ axes[:n_components].T
    largest = np.abs(coordinates).argmax(axis=0)
    coordinates *= np.sign(coordinates[largest, range(n_components)])
    variance = singular**2
    explained = variance[:n_components] / variance.sum() if variance.sum() > 0 else np.zeros(n_components)
    return coordinates, explained


def nearest_items(model: EmbeddingDotBias, item: int, n: int = 5) -> list[tuple[int, float]]:
    """The `n` items whose factors point most nearly the way `item`'s do: (item, cosine
    similarity), most similar first, `item` itself left out."""
    factors = item_factors(model)
    item = model.item_factors.check_index(item)
    n = check_int(n, "n", min_value=0)
    norms = np.linalg.norm(factors, axis=1)
    if norms[item] == 0.0:
        raise ValueError(f"item {item} has all-zero factors: no direction to compare")
    with np.errstate(invalid="ignore", divide="ignore"):
        cosines = factors @ factors[item] / (norms * norms[item])
    ranked = sorted(
        (i for i in range(len(factors)) if i != item and norms[i] > 0.0), key=lambda i: (-cosines[i], i)
    )
    return [(i, float(cosines[i])) for i in ranked[:n]]


def crosstab_table(model: EmbeddingDotBias, ratings: Ratings) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of the crosstab: one row per user, one column per item, each cell
    ``rating → prediction`` (``· → prediction`` where the user gave no rating), the spreadsheet's
    view of the fit. The last column is the user's RMSE over the rated cells."""
    given = {(u, i): r for u, i, r in zip(ratings.users, ratings.items, ratings.ratings)}
    header = ["user", *(str(item_id) for item_id in ratings.item_ids), "RMSE"]
    rows = []
    for u, user_id in enumerate(ratings.user_ids):
        cells, squares = [], []
        for i in range(ratings.n_items):
            prediction = model.predict(u, i)
            rating = given.get((u, i))
            if rating is not None:
                squares.append((prediction - rating) ** 2)
            cells.append(f"{'·' if rating is None else f'{rating:g}'} → {prediction:.2f}")
        error = f"{math.sqrt(math.fsum(squares) / len(squares)):.3f}" if squares else "-"
        rows.append([str(user_id), *cells, error])
    return header, rows


def factor_map_figure(
    model: EmbeddingDotBias,
    ratings: Ratings,
    items: Sequence[int] | None = None,
    *,
    axes_shown: tuple[int, int] = (0, 1),
) -> Figure:
    """The items' factors on two of their principal axes (computed over `items`, default all),
    each point labelled with its title: movies close together are rated alike."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    chosen = list(range(ratings.n_items)) if items is None else list(items)
    first, second = axes_shown
    coordinates, explained = principal_components(item_factors(model)[chosen], max(first, second) + 1)
    figure = Figure(figsize=(9.0, 7.0), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x, y = coordinates[:, first], coordinates[:, second]
    axes.scatter(x, y, s=12, color="tab:blue")
    for item, xi, yi in zip(chosen, x, y):
        axes.annotate(ratings.title(item), (xi, yi), fontsize=7, xytext=(3, 2), textcoords="offset points")
    axes.set_xlabel(f"principal component {first + 1} ({explained[first]:.0%} of the variance)")
    axes.set_ylabel(f"principal component {second + 1} ({explained[second]:.0%} of the variance)")
    axes.set_title(f"Movie factors of {model!r}")
    axes.grid(alpha=0.3)
    return figure
