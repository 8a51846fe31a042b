"""Data files built to break the readers (issue 24, items 14-20): each is refused with the
reader's own error naming the file (and the line), before it costs memory, or read as the
trusted library reads it (a UTF-8 BOM, as pandas)."""

from __future__ import annotations

import gzip
import pickle
import struct
import tracemalloc
import zlib
from pathlib import Path

import numpy as np
import pytest

from chainrule.cli._common import CLIError, parse_count
from nn.data import (
    DataFileError,
    MalformedFileError,
    load_mnist,
    read_crosstab,
    read_idx,
    read_movielens_100k,
    read_movielens_latest,
)
from tests.test_nn_data import csv_text, fake_mnist, idx_bytes

BOM = b"\xef\xbb\xbf"


# ---- 14: a gzip bomb ----


def gzip_bomb(head: bytes, zeros: int) -> bytes:
    """`head` then `zeros` zero bytes, gzipped a megabyte at a time (never all in memory)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
    parts = [squeeze.compress(head)]
    block = bytes(1 << 20)
    for _ in range(zeros >> 20):
        parts.append(squeeze.compress(block))
    return b"".join(parts) + squeeze.flush()


def test_a_gzip_bomb_is_refused_at_the_size_its_header_gives(tmp_path: Path) -> None:
    images, _ = fake_mnist(6, 1)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip_bomb(idx_bytes(images), 64 << 20))  # 64 KB inflating to 64 MB
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    try:
        with pytest.raises(DataFileError, match=r"ubyte\.gz' is longer than its header says"):
            read_idx(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 << 20  # the header's 4,720 bytes and buffers, not the 64 MB


def test_a_gzipped_idx_file_still_reads_whole(tmp_path: Path) -> None:
    images, _ = fake_mnist(6, 1)
    path = tmp_path / "a.idx.gz"
    path.write_bytes(gzip.compress(idx_bytes(images)))
    np.testing.assert_array_equal(read_idx(path), images)


# ---- 15, 16: the lesson's pickle ----


def write_pickle(path: Path, images: np.ndarray) -> Path:
    pair = (images, np.arange(len(images)) % 10)
    path.write_bytes(gzip.compress(pickle.dumps((pair, pair, pair), protocol=2)))
    return path


@pytest.mark.parametrize(
    ("pixel", "message"),
    [
        (np.nan, r"pixels that are not finite numbers \(NaN or infinity\)"),
        (np.inf, "pixels that are not finite"),
        (255.0, r"pixels outside 0 … 1 \(0\.\d+ … 255\.0\) \(are they unscaled, 0 … 255\?\)"),
        (-0.5, r"pixels outside 0 … 1 \(-0\.5 … 0\.\d+\)"),
    ],
)
def test_the_pickles_pixels_are_checked_as_the_csv_readers_are(
    tmp_path: Path, pixel: float, message: str
) -> None:
    images = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    images[1, 7] = pixel
    with pytest.raises(DataFileError, match=r"mnist\.pkl\.gz' has " + message):
        load_mnist(write_pickle(tmp_path / "mnist.pkl.gz", images))
    # the reference: the CSV reader refuses a pixel out of its range (0 … 255) the same way
    text = csv_text(np.full((1, 784), 256), np.array([3]), header=False)
    (tmp_path / "mnist.csv").write_text(text)
    with pytest.raises(DataFileError, match=r"mnist\.csv' has pixels outside 0 … 255"):
        load_mnist(tmp_path / "mnist.csv")


def test_the_pickles_pixels_in_range_load(tmp_path: Path) -> None:
    images = np.random.default_rng(0).random((3, 784), dtype=np.float32)
    images[0, :2] = (0.0, 1.0)
    parts = load_mnist(write_pickle(tmp_path / "mnist.pkl.gz", images))
    np.testing.assert_array_equal(parts["valid"].images, images.astype(np.float64))


class _Reconstruct:
    """numpy's own `_reconstruct`, asked for an array of 10¹³ bytes (10 TB)."""

    def __reduce__(self) -> tuple[object, ...]:
        reconstruct = np.empty(0).__reduce__()[0]  # as numpy pickles an array: _reconstruct
        return (reconstruct, (np.ndarray, (10**13,), b"b"))


class _CallNdarray:
    def __reduce__(self) -> tuple[object, ...]:
        return (np.ndarray, ((10**13,),))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            pickle.dumps(_Reconstruct(), protocol=2),
            r"refusing to build an array by _reconstruct\(numpy\.ndarray, ",
        ),
        (pickle.dumps(_CallNdarray(), protocol=2), r"refusing to call numpy\.ndarray"),
        (
            b"\x80\x04\x8e" + struct.pack("<Q", 10**13) + b"abc",
            "it asks for more memory than there is",
        ),  # BINBYTES8
    ],
)
def test_a_pickle_asking_for_10_to_the_13_bytes_is_refused_before_allocating(
    tmp_path: Path, payload: bytes, message: str
) -> None:
    assert len(payload) < 130
    path = tmp_path / "bomb.pkl"
    path.write_bytes(payload)
    with pytest.raises(DataFileError, match=r"bomb\.pkl' is not a readable MNIST pickle: " + message):
        load_mnist(path)


# ---- 18: IDX dimensions ----


def test_an_idx_file_of_65_dimensions_is_a_data_file_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.idx"
    path.write_bytes(bytes([0, 0, 8, 65]) + struct.pack(">65I", *[1] * 65) + b"\0")
    with pytest.raises(DataFileError, match=r"deep\.idx' claims 65 dimensions: numpy holds at most 64"):
        read_idx(path)
    path.write_bytes(bytes([0, 0, 8, 64]) + struct.pack(">64I", *[1] * 64) + b"\7")
    assert read_idx(path).shape == (1,) * 64  # numpy's limit itself is fine


# ---- 17, 19, 20: the ratings files ----


def test_a_latin1_byte_in_a_utf8_ratings_file_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "u.data").write_bytes(b"1\t2\t3\t4\n\n1\t3\t4\t5 caf\xe9\n")
    with pytest.raises(MalformedFileError, match=r"u\.data:3: byte 0xe9 is not UTF-8 text") as caught:
        read_movielens_100k(tmp_path)
    assert caught.value.line == 3
    latest = tmp_path / "latest"
    latest.mkdir()
    (latest / "ratings.csv").write_text("userId,movieId,rating,timestamp\n1,2,3,4\n")
    (latest / "movies.csv").write_bytes(b"movieId,title,genres\n2,Caf\xe9 (1999),Drama\n")
    with pytest.raises(MalformedFileError, match=r"movies\.csv:2: byte 0xe9 is not UTF-8 text"):
        read_movielens_latest(latest)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1_0\t2\t3\t4\n", "user id '1_0' is not a whole number"),
        ("1\u0661\t2\t3\t4\n", "user id '1\u0661' is not a whole number"),  # an Arabic-Indic one
        ("1\t\u0662\t3\t4\n", "item id '\u0662' is not a whole number"),
        ("1\t2\t4_5\t4\n", "rating '4_5' is not a number"),
        ("1\t2\t\u0664\t4\n", "rating '\u0664' is not a number"),
        ("1\t2\t1e400\t4\n", r"rating '1e400' is not a finite number \(beyond"),
    ],
)
def test_numbers_in_python_syntax_but_not_decimal_are_refused(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "u.data").write_text(text, encoding="utf-8")
    with pytest.raises(MalformedFileError, match=r"u\.data:1: " + message):
        read_movielens_100k(tmp_path)
    field = next(f for f in text.split("\t") if not f.isascii() or "_" in f or "e" in f)
    with pytest.raises(CLIError):  # the reference: the command's own parser refuses the same text
        parse_count(field, "--n")


def test_a_utf8_bom_is_read_as_pandas_reads_it(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    text = "userId,movieId,rating,timestamp\n1,2,3.5,4\n7,2,5,4\n"
    (tmp_path / "ratings.csv").write_bytes(BOM + text.encode())
    frame = pandas.read_csv(tmp_path / "ratings.csv")  # pandas skips the BOM
    ratings = read_movielens_latest(tmp_path)
    assert list(frame.columns[:3]) == ["userId", "movieId", "rating"]
    triples = [
        (ratings.user_ids[u], ratings.item_ids[i], x)
        for u, i, x in zip(ratings.users, ratings.items, ratings.ratings)
    ]
    assert triples == list(frame[["userId", "movieId", "rating"]].itertuples(index=False, name=None))


def test_a_utf8_bom_is_read_in_every_text_format(tmp_path: Path) -> None:
    (tmp_path / "u.data").write_bytes(BOM + b"1\t2\t3\t4\n")
    assert read_movielens_100k(tmp_path).user_ids == (1,)
    (tmp_path / "crosstab.csv").write_bytes(BOM + b"user,27,49\n14,3,4\n")
    assert read_crosstab(tmp_path / "crosstab.csv").item_ids == (27, 49)
    images, labels = fake_mnist(2, 3)
    (tmp_path / "mnist.csv").write_bytes(BOM + csv_text(images, labels, header=True).encode())
    (part,) = load_mnist(tmp_path / "mnist.csv").values()
    np.testing.assert_array_equal(part.images, images.reshape(2, 784) / 255.0)
