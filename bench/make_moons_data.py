"""Write bench/moons.csv: micrograd demo's 100 points, so timed processes never import scikit-learn.

Run once (needs the bench extras): .venv/bin/python bench/make_moons_data.py
Labels are -1/+1 as the SVM loss wants them. Floats are written with repr, so reading
them back gives the very same numbers.
"""

import csv
from pathlib import Path

from sklearn.datasets import make_moons  # type: ignore[import-untyped]

MOONS_CSV = Path(__file__).resolve().parent / "moons.csv"


def main() -> None:
    points, labels = make_moons(n_samples=100, noise=0.1, random_state=1)
    with MOONS_CSV.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["x1", "x2", "y"])
        for (x1, x2), label in zip(points.tolist(), labels.tolist(), strict=True):
            writer.writerow([repr(x1), repr(x2), "1" if label == 1 else "-1"])


if __name__ == "__main__":
    main()
