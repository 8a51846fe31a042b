"""Ratings readers (MovieLens 100K, ml-latest, crosstab), the split and the synthetic ratings."""

from pathlib import Path

import pytest

from autograd.errors import ChainruleError
from nn.data import (
    DataFileError,
    MalformedFileError,
    Ratings,
    read_crosstab,
    read_movielens_100k,
    read_movielens_latest,
    read_ratings,
    split_ratings,
    synthetic_ratings,
)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _triples(r: Ratings) -> list[tuple[int, int, float]]:
    return [(r.user_ids[u], r.item_ids[i], x) for u, i, x in zip(r.users, r.items, r.ratings)]


def test_movielens_100k_reads_ratings_and_latin1_titles(tmp_path):
    _write(tmp_path / "u.data", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t242\t1\t878887116\n")
    _write(tmp_path / "u.item", "242|Kolya (1996)|24-Jan-1997||url|0|0\n302|L.A. Confidential (1997)|x\n")
    for path in (tmp_path, tmp_path / "u.data"):
        r = read_movielens_100k(path)
        assert _triples(r) == [(196, 242, 3.0), (186, 302, 3.0), (22, 242, 1.0)]
        assert r.user_ids == (22, 186, 196) and r.item_ids == (242, 302)
        assert r.title(0) == "Kolya (1996)" and r.title(1) == "L.A. Confidential (1997)"


def test_movielens_100k_titles_are_latin1(tmp_path):
    _write(tmp_path / "u.data", "1\t7\t4\t0\n")
    _write(tmp_path / "u.item", "7|Misérables, Les (1995)|x\n", "latin-1")
    assert read_movielens_100k(tmp_path).title(0) == "Misérables, Les (1995)"


def test_without_titles_an_item_is_named_by_its_id(tmp_path):
    r = read_movielens_100k(_write(tmp_path / "u.data", "1\t7\t4\t0\n"))
    assert r.titles == {} and r.title(0) == "item 7"


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("1\t2\t3\t4\n1\t2\t3\n", 2, "expected 4 tab-separated fields"),
        ("1\t2\t3\t4\nx\t2\t3\t4\n", 2, "user id 'x' is not a whole number"),
        ("1\t2\t3\t4\n\n5\t2.5\t3\t4\n", 3, "item id '2.5' is not a whole number"),
        ("1\t2\tgood\t4\n", 1, "rating 'good' is not a number"),
        ("1\t2\tnan\t4\n", 1, "rating 'nan' is not a finite number"),
        ("1\t2\t3\tnoon\n", 1, "timestamp 'noon' is not a whole number"),
        ("1\t2\t3\t4\n1\t2\t5\t6\n", 2, "user 1 already rated item 2 on line 1"),
        ("\n", 1, "no ratings"),
    ],
)
def test_movielens_100k_malformed_lines_name_file_line_and_reason(tmp_path, text, line, reason):
    path = _write(tmp_path / "u.data", text)
    with pytest.raises(MalformedFileError) as info:
        read_movielens_100k(path)
    assert info.value.path == str(path) and info.value.line == line and reason in info.value.reason
    assert str(info.value).startswith(f"{path}:{line}: ")
    assert all(isinstance(info.value, kind) for kind in (ValueError, ChainruleError, DataFileError))


def test_a_malformed_titles_line_is_reported_too(tmp_path):
    _write(tmp_path / "u.data", "1\t7\t4\t0\n")
    _write(tmp_path / "u.item", "7|A\nseven\n")
    with pytest.raises(MalformedFileError, match=r"u\.item:2: expected \|-separated fields"):
        read_movielens_100k(tmp_path)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"u\.data"):
        read_movielens_100k(tmp_path)


def test_movielens_latest_reads_csvs_with_quoted_titles(tmp_path):
    _write(tmp_path / "ratings.csv", "userId,movieId,rating,timestamp\n1,1,4.0,96498\n2,3,0.5,9\n1,3,5,1\n")
    _write(
        tmp_path / "movies.csv",
        'movieId,title,genres\n1,Toy Story (1995),Animation\n3,"Grumpier Old Men, The (1995)",Comedy\n',
    )
    for path in (tmp_path, tmp_path / "ratings.csv"):
        r = read_movielens_latest(path)
        assert _triples(r) == [(1, 1, 4.0), (2, 3, 0.5), (1, 3, 5.0)]
        assert [r.title(i) for i in range(r.n_items)] == ["Toy Story (1995)", "Grumpier Old Men, The (1995)"]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("user,movie,rating\n1,2,3\n", 1, "expected a header userId,movieId,rating"),
        ("userId,movieId,rating,timestamp\n1,2\n", 2, "got 2 fields"),
        ("userId,movieId,rating,timestamp\n1,2,3,4\n\n1,x,3,4\n", 4, "item id 'x' is not a whole number"),
        ("userId,movieId,rating,timestamp\n1,2,inf,4\n", 2, "rating 'inf' is not a finite number"),
    ],
)
def test_movielens_latest_malformed_lines(tmp_path, text, line, reason):
    path = _write(tmp_path / "ratings.csv", text)
    with pytest.raises(MalformedFileError) as info:
        read_movielens_latest(path)
    assert (info.value.path, info.value.line) == (str(path), line) and reason in info.value.reason


def test_crosstab_reads_blanks_as_missing(tmp_path):
    path = _write(tmp_path / "x.csv", "user,27,49\n14,3,\n29,4.5,1\n")
    r = read_crosstab(path)
    assert _triples(r) == [(14, 27, 3.0), (29, 27, 4.5), (29, 49, 1.0)]
    assert read_ratings(path, "crosstab") == r


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("", 1, "the file is empty"),
        ("user\n", 1, "expected a header"),
        ("user,27,x\n", 1, "item id 'x' is not a whole number"),
        ("user,27,27\n", 1, "item id 27 appears twice"),
        ("user,27,49\n14,3\n", 2, "expected 3 fields like the header, got 2"),
        ("user,27,49\n14,3,4\n14,1,1\n", 3, "user id 14 appears twice"),
        ("user,27,49\n14,3,four\n", 2, "rating 'four' is not a number"),
        ('user,27\n14,"3\n', 2, "not valid CSV"),
        ("user,27,49\n14,,\n", 1, "no ratings"),
    ],
)
def test_crosstab_malformed_lines(tmp_path, text, line, reason):
    path = _write(tmp_path / "x.csv", text)
    with pytest.raises(MalformedFileError) as info:
        read_crosstab(path)
    assert (info.value.path, info.value.line) == (str(path), line) and reason in info.value.reason


def test_read_ratings_refuses_an_unknown_format(tmp_path):
    with pytest.raises(ValueError, match="file_format must be one of 'ml-100k', 'ml-latest', 'crosstab'"):
        read_ratings(tmp_path, "xlsx")


def test_ratings_check_their_numbers():
    with pytest.raises(ValueError, match="one entry per rating"):
        Ratings(users=(0,), items=(), ratings=(1.0,), user_ids=(5,), item_ids=(6,))
    with pytest.raises(ValueError, match="items must be numbers from 0 to 0, got 1"):
        Ratings(users=(0,), items=(1,), ratings=(1.0,), user_ids=(5,), item_ids=(6,))


def test_split_is_seeded_disjoint_and_complete():
    ratings = synthetic_ratings(20, 30, seed=1).ratings
    train, valid = split_ratings(ratings, 0.2, seed=3)
    assert (train, valid) == split_ratings(ratings, 0.2, seed=3)
    assert split_ratings(ratings, 0.2, seed=4) != (train, valid)
    assert len(valid) == round(0.2 * len(ratings)) and len(train) + len(valid) == len(ratings)
    assert sorted(_triples(train) + _triples(valid)) == sorted(_triples(ratings))
    assert train.user_ids == valid.user_ids == ratings.user_ids  # the same embedding rows
    assert split_ratings(ratings, 0.0)[0] == ratings


@pytest.mark.parametrize(("pct", "error"), [(1.0, ValueError), (-0.1, ValueError), ("0.2", TypeError)])
def test_split_refuses_bad_fractions(pct, error):
    with pytest.raises(error, match="valid_pct"):
        split_ratings(synthetic_ratings(3, 3).ratings, pct)


def test_synthetic_ratings_follow_the_planted_formula():
    planted = synthetic_ratings(6, 8, 2, density=0.7, noise=0.0, seed=5)
    r = planted.ratings
    assert r == synthetic_ratings(6, 8, 2, density=0.7, noise=0.0, seed=5).ratings
    assert 0 < len(r) < 6 * 8 and set(r.users) == set(range(6))
    for u, i, x in zip(r.users, r.items, r.ratings):
        dot = sum(a * b for a, b in zip(planted.user_factors[u], planted.item_factors[i]))
        assert x == pytest.approx(planted.mean + planted.user_bias[u] + planted.item_bias[i] + dot, abs=1e-12)


def test_synthetic_ratings_check_their_arguments():
    with pytest.raises(ValueError, match="density"):
        synthetic_ratings(3, 3, density=0.0)
    with pytest.raises(TypeError, match="n_users"):
        synthetic_ratings(3.0, 3)  # type: ignore[arg-type]
