"""MovieLens 100K, random 80/20 split: validation RMSE and training time of `chainrule collab`'s
defaults for MovieLens files (`chainrule.collab.MOVIELENS`). Not run by the tests.

The data: the `recbole` 1.2.1 wheel on PyPI carries the 100K ratings and titles as
``dataset_example/ml-100k/ml-100k.inter`` and ``.item`` (tab-separated, with a header). This
script reads them itself; recbole is never imported nor a dependency::

    pip download recbole==1.2.1 --no-deps -d /tmp/recbole
    unzip -q /tmp/recbole/recbole-1.2.1-py3-none-any.whl 'recbole/dataset_example/ml-100k/*' -d /tmp/recbole
    python bench/collab_ml100k.py /tmp/recbole/recbole/dataset_example/ml-100k

(A folder with GroupLens's own ``u.data`` and ``u.item`` works too.)
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

from chainrule.collab import MOVIELENS, start_fit
from chainrule.embeddings import item_biases, most_rated
from nn.data import Ratings, read_movielens_100k


def read_recbole(folder: Path) -> Ratings:
    """The ratings of ``ml-100k.inter`` with the titles (and years) of ``ml-100k.item``."""
    with (folder / "ml-100k.inter").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))[1:]
    with (folder / "ml-100k.item").open(encoding="utf-8", newline="") as f:
        items = list(csv.reader(f, delimiter="\t"))[1:]
    titles = {int(row[0]): f"{row[1]} ({row[2]})" for row in items}
    return Ratings.from_triples(((int(u), int(i), float(r)) for u, i, r, _ in rows), titles)


def main(folder: Path) -> None:
    started = time.perf_counter()
    ratings = read_recbole(folder) if (folder / "ml-100k.inter").is_file() else read_movielens_100k(folder)
    print(f"{ratings}, read in {time.perf_counter() - started:.1f} s")
    print(MOVIELENS)
    fit = start_fit(ratings, MOVIELENS)
    training = 0.0
    for record in fit.epochs:
        training += record.seconds
        print(
            f"epoch {record.epoch}: train RMSE {record.train_rmse:.4f}, "
            f"valid RMSE {record.valid_rmse:.4f}, {record.seconds:.1f} s"
        )
    print(f"training: {training:.1f} s (target: valid RMSE <= 0.92 in <= 120 s)")
    ranked = item_biases(fit.model, most_rated(ratings, 1000))
    print("highest bias:", "; ".join(ratings.title(i) for i, _ in ranked[:5]))
    print("lowest bias:", "; ".join(ratings.title(i) for i, _ in ranked[::-1][:5]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
