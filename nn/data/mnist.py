"""Real MNIST from files the user has: the IDX files, the lesson's `mnist.pkl.gz`, or a CSV.

`load_mnist(path)` reads whichever `path` is and returns its parts by name, every image a row
of 784 pixels scaled to [0, 1] (the IDX and CSV files hold 0 … 255, divided by 255; the
pickle's pixels are already in [0, 1]):

- a directory holding ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (each may end
  in ``.gz``), and ``t10k-…`` the same: {"train": 60,000 images, "test": 10,000}
  (an IDX file's own path stands for its directory);
- the lesson's ``mnist.pkl.gz`` (a gzipped pickle of three (images, labels) pairs):
  {"train": 50,000, "valid": 10,000, "test": 10,000};
- a CSV file (gzipped or not) whose rows are a label then 784 pixels, with or without a header
  row: {"train": every row}.

A file that is not what it should be, or is cut short, raises `DataFileError` naming it.
The pickle is read with an unpickler that builds numpy arrays and nothing else, so a
hostile file cannot run code.
"""

from __future__ import annotations

import gzip
import io
import math
import pickle
import struct
import zlib
from pathlib import Path
from typing import Any, ClassVar, NoReturn

import numpy as np
from numpy.typing import NDArray

from autograd.errors import ChainruleError
from nn.data._dataset import Dataset

__all__ = ["DataFileError", "load_mnist", "read_idx"]

_SIDE = 28
_PIXELS = _SIDE * _SIDE
_IDX_NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


class DataFileError(ChainruleError, ValueError):
    """A data file that cannot be read as what it should be; the message names the file."""


def load_mnist(path: str | Path) -> dict[str, Dataset]:
    """The MNIST parts stored at `path` (see the module docstring), by name."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{str(path)!r}: no such file or directory")
    if path.is_dir():
        return _load_idx_directory(path)
    raw = _read_bytes(path)
    if raw[:3] == b"\0\0\x08":
        return _load_idx_directory(path.parent)
    if raw[:1] == b"\x80":  # pickle protocol 2 and later
        return _load_pickle(raw, path)
    return {"train": _parse_csv(raw, path)}


def read_idx(path: str | Path) -> NDArray[np.uint8]:
    """The array of unsigned bytes in one IDX file (gzipped or not), with its stored shape."""
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise DataFileError(
            f"{str(path)!r} is not an IDX file of unsigned bytes: it starts with {raw[:4].hex()!r}, "
            "expected '000008' and the number of dimensions"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataFileError(
            f"{str(path)!r} is truncated: its header needs {header} bytes, the file has {len(raw)}"
        )
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = header + math.prod(shape)
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "longer than its header says"
        raise DataFileError(
            f"{str(path)!r} is {what}: shape {shape} needs {expected} bytes, the file has {len(raw)}"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(shape)


def _load_idx_directory(directory: Path) -> dict[str, Dataset]:
    parts: dict[str, Dataset] = {}
    for part, (images_name, labels_name) in _IDX_NAMES.items():
        images_path, labels_path = _find(directory, images_name), _find(directory, labels_name)
        if images_path is None or labels_path is None:
            if part == "train":
                missing = images_name if images_path is None else labels_name
                raise DataFileError(
                    f"{str(directory)!r} holds no {missing}[.gz]: MNIST's IDX files are "
                    f"{', '.join(n for pair in _IDX_NAMES.values() for n in pair)} (each may end in .gz)"
                )
            continue
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or images.shape[1:] != (_SIDE, _SIDE):
            raise DataFileError(
                f"{str(images_path)!r} holds an array of shape {images.shape}, not n×28×28 images"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise DataFileError(
                f"{str(labels_path)!r} holds {labels.shape} labels for the {len(images)} images of "
                f"{str(images_path)!r}"
            )
        parts[part] = _dataset(images.reshape(len(images), _PIXELS) / 255.0, labels, labels_path, part)
    return parts


def _find(directory: Path, name: str) -> Path | None:
    for candidate in (directory / name, directory / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    return None


class _ArraysOnly(pickle.Unpickler):
    """Unpickles numpy arrays and plain containers; refuses any other class or function."""

    _ALLOWED: ClassVar[set[tuple[str, str]]] = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # how protocol 2 stores an array's bytes (harmless: str → bytes)
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only numpy arrays are expected")
        return super().find_class(module, name)


def _load_pickle(raw: bytes, path: Path) -> dict[str, Dataset]:
    try:
        loaded = _ArraysOnly(io.BytesIO(raw), encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
        raise DataFileError(f"{str(path)!r} is not a readable MNIST pickle: {error}") from None
    shape_error = DataFileError(
        f"{str(path)!r} is a pickle, but not the lesson's mnist.pkl.gz: expected three "
        "(images, labels) pairs of n×784 pixels and n labels"
    )
    if not isinstance(loaded, tuple) or len(loaded) != 3:
        raise shape_error
    parts: dict[str, Dataset] = {}
    for part, pair in zip(("train", "valid", "test"), loaded):
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(a, np.ndarray) for a in pair)):
            raise shape_error
        images, labels = pair
        if images.ndim != 2 or images.shape[1] != _PIXELS or labels.shape != (len(images),):
            raise shape_error
        parts[part] = _dataset(images, labels, path, part)
    return parts


def _parse_csv(raw: bytes, path: Path) -> Dataset:
    try:
        lines = raw.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise DataFileError(
            f"{str(path)!r} is not an MNIST file: not IDX, not a pickle, not a CSV of a label and 784 pixels"
        ) from None
    first = 1 if lines and not lines[0].split(",")[0].strip().isdigit() else 0  # a header row
    rows = [line for line in lines[first:] if line.strip()]
    if not rows:
        raise DataFileError(f"{str(path)!r} holds no rows of a label and 784 pixels")
    try:
        table = np.loadtxt(rows, delimiter=",", dtype=np.int64, ndmin=2)
    except ValueError:
        table = None
    if table is None or table.shape[1] != _PIXELS + 1:
        _raise_bad_row(rows, path, first)
    pixels = table[:, 1:]
    if pixels.min() < 0 or pixels.max() > 255:
        raise DataFileError(f"{str(path)!r} has pixels outside 0 … 255 ({pixels.min()} … {pixels.max()})")
    return _dataset(pixels / 255.0, table[:, 0], path, "train")


def _raise_bad_row(rows: list[str], path: Path, skipped: int) -> NoReturn:
    for number, row in enumerate(rows, start=1 + skipped):
        fields = row.split(",")
        if len(fields) != _PIXELS + 1:
            raise DataFileError(
                f"{str(path)!r}, line {number}: {len(fields)} fields, expected a label and {_PIXELS} pixels"
                + (" (is the file cut short?)" if number == len(rows) + skipped else "")
            )
        for field in fields:
            if not field.strip().lstrip("-").isdigit():
                raise DataFileError(f"{str(path)!r}, line {number}: {field.strip()!r} is not a whole number")
    raise DataFileError(f"{str(path)!r} cannot be read as a CSV of a label and {_PIXELS} pixels")


def _dataset(images: NDArray[Any], labels: NDArray[Any], path: Path, part: str) -> Dataset:
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DataFileError(f"{str(path)!r} has labels outside 0 … 9 ({labels.min()} … {labels.max()})")
    return Dataset(np.asarray(images, dtype=np.float64), labels, (_SIDE, _SIDE), f"mnist {part}")


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed if it is gzipped (by its content, whatever its name)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise DataFileError(f"cannot read {str(path)!r}: {error.strerror or error}") from None
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise DataFileError(f"{str(path)!r} is a damaged or truncated gzip file: {error}") from None
