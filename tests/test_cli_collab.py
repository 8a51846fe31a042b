"""`chainrule collab` through its real entry point, the saved model, and the fit settings."""

import io
import json
import math

import numpy as np
import pytest
from PIL import Image

from chainrule.cli import main
from chainrule.collab import (
    CROSSTAB,
    SOLVER_RMSE,
    FitSettings,
    lesson_ratings,
    predictions,
    rmse,
    solver_model,
    start_fit,
)
from chainrule.collab_io import load_model, save_model
from chainrule.embeddings import item_biases
from nn.collab import EmbeddingDotBias
from nn.init import Uniform
from tests.helpers import one_line_error


def _epoch_lines(out: str) -> list[list[str]]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["epoch"]) + 1
    rows = []
    for line in lines[start:]:
        if not line.strip() or not line.split()[0].isdigit():
            break
        rows.append(line.split())
    return rows


@pytest.mark.parametrize(("flag", "sheet"), [("--bias", "bias"), ("--no-bias", "dotprod")])
def test_the_default_fit_reaches_the_sheets_solver(capsys, flag, sheet):
    assert main(["collab", flag]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("Ratings(206 ratings, 15 users, 15 items): 206 to train on, 0 held out\n")
    rows = _epoch_lines(out)
    assert [int(r[0]) for r in rows] == [1, *range(50, 601, 50)]  # every 50th full-batch epoch
    assert all(r[2] == "-" for r in rows)  # nothing held out
    final = float(rows[-1][1])
    assert final <= SOLVER_RMSE[sheet]
    assert f"the sheet's Solver ({sheet} sheet): {SOLVER_RMSE[sheet]:.4f}" in out
    assert ("highest bias" in out) == (sheet == "bias")


def test_movies_are_ranked_by_the_models_biases(capsys):
    assert main(["collab", "--epochs", "50", "--top", "3"]) == 0
    out = capsys.readouterr().out
    best = out.split("highest bias")[1].split("lowest bias")[0].splitlines()[2:5]
    worst = out.split("lowest bias")[1].split("principal axis")[0].splitlines()[2:5]
    assert all(line.split()[3] == "item" for line in best + worst)  # the crosstab has no titles
    top_bias = [float(line.split()[0]) for line in best]
    low_bias = [float(line.split()[0]) for line in worst]
    assert top_bias == sorted(top_bias, reverse=True) and low_bias == sorted(low_bias)
    assert top_bias[-1] >= low_bias[-1]
    # the crosstab's biases are all positive: its lowest are not "the movies to avoid"
    assert "the movies to avoid" not in out and "every bias is positive" in out
    # each movie's mean rating and count beside its bias, from the crosstab itself
    ratings = lesson_ratings()
    for line in best + worst:
        _, mean, count, _, item_id = line.split()
        given = [r for i, r in zip(ratings.items, ratings.ratings) if ratings.item_ids[i] == int(item_id)]
        assert (float(mean), int(count)) == (round(sum(given) / len(given), 2), len(given))


def test_a_held_out_share_prints_validation_rmse(capsys):
    assert main(["collab", "--valid-pct", "0.2", "--epochs", "3", "--batch-size", "32", "--lr", "0.05"]) == 0
    out = capsys.readouterr().out
    assert "165 to train on, 41 held out" in out and "batches of 32" in out
    rows = _epoch_lines(out)
    assert [r[0] for r in rows] == ["1", "2", "3"] and all(float(r[2]) > 0 for r in rows)


def test_movielens_files_read_with_titles(tmp_path, capsys):
    lines = [f"{u}\t{i}\t{1 + (u * i) % 5}\t0" for u in range(1, 9) for i in range(1, 7)]
    (tmp_path / "u.data").write_text("\n".join(lines) + "\n")
    (tmp_path / "u.item").write_bytes("".join(f"{i}|Film {i} é|x\n" for i in range(1, 7)).encode("latin-1"))
    args = ["collab", "--ratings", str(tmp_path), "--epochs", "2", "--batch-size", "16", "--top", "2"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Ratings(48 ratings, 8 users, 6 items, 6 titles)" in out and "y_range=(0.0, 5.5)" in out
    assert "Film" in out and "é" in out and len(_epoch_lines(out)) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--y-range", "5,1"], "--y-range: LO must be below HI"),
        (["--y-range", "1"], "--y-range: expected 2 comma-separated numbers"),
        (["--factors", "0"], "--factors: must be >= 1"),
        (["--valid-pct", "1"], "--valid-pct: must be below 1"),
        (["--lr", "-1"], "--lr: must be > 0"),
        (["--batch-size", "some"], "--batch-size: 'some' is not a whole number"),
        (["--format", "ml-100k"], "--format ml-100k needs --ratings PATH"),
        (["--ratings", "/nonexistent/u.data"], "--ratings: no such file"),
    ],
)
def test_bad_arguments_are_one_line_errors(capsys, args, message):
    assert main(["collab", *args]) == 2
    assert message in one_line_error(capsys, "collab")


def test_a_malformed_ratings_file_names_its_line(tmp_path, capsys):
    path = tmp_path / "u.data"
    path.write_text("1\t2\t3\t4\n1\t2\n")
    assert main(["collab", "--ratings", str(path)]) == 2
    assert f"{path}:2: expected 4 tab-separated fields" in capsys.readouterr().err


def test_plot_and_save_write_their_files(tmp_path, capsys):
    plot, saved = tmp_path / "map.png", tmp_path / "model.json"
    assert main(["collab", "--epochs", "20", "--plot", str(plot), "--save", str(saved)]) == 0
    out = capsys.readouterr().out
    assert f"wrote {plot}" in out and f"wrote {saved}" in out
    assert Image.open(plot).format == "PNG"
    model, ids = load_model(saved.open())
    ratings = lesson_ratings()
    assert ids.item_ids == ratings.item_ids and model.user_bias is not None
    final = float(_epoch_lines(out)[-1][1])
    assert rmse(model, ratings) == pytest.approx(final, abs=5e-5)


def test_a_saved_model_reads_back_bit_for_bit():
    model = solver_model("bias")
    ratings = lesson_ratings()
    text = io.StringIO()
    save_model(model, ratings, text)
    loaded, ids = load_model(io.StringIO(text.getvalue()))
    assert [p.data for p in loaded.parameters()] == [p.data for p in model.parameters()]
    assert (ids.user_ids, ids.item_ids, loaded.y_range) == (ratings.user_ids, ratings.item_ids, None)
    assert json.loads(text.getvalue())["format"] == "chainrule.collab/1"
    with pytest.raises(ValueError, match="not a saved collab model"):
        load_model(io.StringIO('{"format": "other"}'))


def test_vectorised_predictions_are_the_models():
    model = EmbeddingDotBias(3, 4, 5, y_range=(0.5, 5.0), init=Uniform(-1, 1), rng=3)
    users, items = [0, 3, 2, 1, 3], [4, 0, 2, 2, 1]
    by_one = [model.predict(u, i) for u, i in zip(users, items)]
    assert list(predictions(model, users, items)) == pytest.approx(by_one, rel=1e-14)


def test_start_fit_splits_builds_and_trains():
    fit = start_fit(lesson_ratings(), FitSettings(epochs=3, valid_pct=0.25, seed=1))
    assert (len(fit.train), len(fit.valid or ())) == (154, 52)
    records = list(fit.epochs)
    assert [r.epoch for r in records] == [1, 2, 3] and all(not math.isnan(r.valid_rmse) for r in records)
    assert CROSSTAB.factors == 5 and CROSSTAB.valid_pct == 0.0
    assert item_biases(fit.model)  # biases by default


def test_the_dynamic_engine_prints_the_same_fit(capsys):
    runs = []
    for engine in ("tape", "dynamic"):
        assert main(["collab", "--epochs", "4", "--batch-size", "50", "--mode", engine, "--top", "0"]) == 0
        runs.append([row[:3] for row in _epoch_lines(capsys.readouterr().out)])
    assert runs[0] == runs[1] and len(runs[0]) == 4


def test_ml_latest_csvs_are_recognised_by_name(tmp_path, capsys):
    rows = [f"{u},{i},{0.5 + (u + i) % 10 / 2},0" for u in range(1, 7) for i in range(1, 6)]
    (tmp_path / "ratings.csv").write_text("userId,movieId,rating,timestamp\n" + "\n".join(rows) + "\n")
    (tmp_path / "movies.csv").write_text(
        "movieId,title,genres\n" + "".join(f'{i},"Film, {i}",Drama\n' for i in range(1, 6))
    )
    assert main(["collab", "--ratings", str(tmp_path), "--epochs", "1", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "Ratings(30 ratings, 6 users, 5 items, 5 titles)" in out and "Film, " in out


def test_movielens_that_is_not_there_says_where_it_comes_from(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collab", "--ratings", str(tmp_path / "ml-100k")]) == 2
    err = one_line_error(capsys, "collab")
    assert "no such file or folder" in err and "https://grouplens.org/datasets/movielens/" in err


def test_a_diverging_fit_names_the_optimizer_epoch_and_step(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["collab", "--optimizer", "sgd", "--lr", "1e4"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1  # no numpy warning before it
    assert "SGD at lr 1e+04 diverged in epoch 5, step 1 of 1: **: overflow at" in err


def test_the_movies_at_both_ends_of_each_principal_axis(capsys):
    assert main(["collab", "--epochs", "50", "--top", "3"]) == 0
    out = capsys.readouterr().out
    fit = start_fit(lesson_ratings(), FitSettings(epochs=50))
    for _ in fit.epochs:
        pass
    ratings = lesson_ratings()
    # an independent principal-component analysis: the covariance's eigenvectors
    factors = np.array([[w.data for w in row] for row in fit.model.item_factors.weight])
    centred = factors - factors.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    for axis in range(3):
        direction = vectors[:, ::-1][:, axis]
        along = centred @ direction
        along *= np.sign(along[np.abs(along).argmax()])  # the sign the command shows: largest end +
        block = out.split(f"principal axis {axis + 1} of the movie factors, ")[1].split("\n\n")[0]
        share = values[::-1][axis] / values.sum()
        assert block.startswith(f"{share:.0%} of their variance")
        lines = block.splitlines()[2:]
        high = [ratings.item_ids.index(int(line.split()[-1])) for line in lines[:3]]
        low = [ratings.item_ids.index(int(line.split()[-1])) for line in lines[4:7]]
        assert high == list(np.argsort(-along)[:3]) and low == list(np.argsort(along)[:3])
        assert [float(line.split()[0]) for line in lines[:3]] == pytest.approx(
            np.sort(along)[::-1][:3], abs=5e-4
        )
