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

A file that is not what it should be, or is cut short, raises `DataFileError` naming it;
so do pixels that are not finite numbers in the range of their format. Files are read as
streams: an IDX file stops at the size its header gives (a gzip file inflating to more is
refused there). The pickle is read with an unpickler that builds numpy arrays and nothing
else, each from the file's own bytes, so a hostile file can neither run code nor make numpy
allocate an array it does not hold.
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import math
import pickle
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, ClassVar, NoReturn

import numpy as np
from numpy.typing import NDArray

from autograd.errors import ChainruleError
from nn.data._dataset import Dataset

__all__ = ["DataFileError", "load_mnist", "read_idx"]

_SIDE = 28
_MAX_DIMENSIONS = 64  # numpy's limit (NPY_MAXDIMS)
_CHUNK = 1 << 24  # bytes read at a time
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
    with _opened(path) as stream:
        start = stream.peek(3)[:3]
        if start[:1] == b"\x80":  # pickle protocol 2 and later
            return _load_pickle(stream, path)
        if start != b"\0\0\x08":
            return {"train": _parse_csv(stream.read(), path)}
    return _load_idx_directory(path.parent)  # an IDX file stands for its directory


def read_idx(path: str | Path) -> NDArray[np.uint8]:
    """The array of unsigned bytes in one IDX file (gzipped or not), with its stored shape.

    The file is read as a stream up to the size its header gives, and one byte more: a gzip
    file inflating to more than that (a gzip bomb) is refused at that byte, not inflated whole."""
    path = Path(path)
    with _opened(path) as stream:
        start = _read_up_to(stream, 4)
        if len(start) < 4 or start[:2] != b"\0\0" or start[2] != 0x08:
            raise DataFileError(
                f"{str(path)!r} is not an IDX file of unsigned bytes: it starts with {start.hex()!r}, "
                "expected '000008' and the number of dimensions"
            )
        ndim = start[3]
        header = 4 + 4 * ndim
        if ndim > _MAX_DIMENSIONS:
            raise DataFileError(
                f"{str(path)!r} claims {ndim} dimensions: numpy holds at most {_MAX_DIMENSIONS}"
            )
        sizes = _read_up_to(stream, 4 * ndim)
        if len(sizes) < 4 * ndim:
            raise DataFileError(
                f"{str(path)!r} is truncated: its header needs {header} bytes, the file has {4 + len(sizes)}"
            )
        shape = struct.unpack(f">{ndim}I", sizes)
        expected = header + math.prod(shape)
        data = _read_up_to(stream, expected - header + 1)  # one byte more: is there more?
    if len(data) != expected - header:
        what, has = (
            ("truncated", f"{header + len(data)}")
            if len(data) < expected - header
            else ("longer than its header says", "more")
        )
        raise DataFileError(
            f"{str(path)!r} is {what}: shape {shape} needs {expected} bytes, the file has {has}"
        )
    return np.frombuffer(data, dtype=np.uint8).reshape(shape)


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
    """Unpickles numpy arrays and plain containers; refuses any other class or function.

    An array is rebuilt as numpy pickles it: `_reconstruct(ndarray, (0,), ...)` makes it
    empty, then its state fills it from the file's own bytes. So `_reconstruct` is given only
    an empty shape, and `ndarray` is never called: a pickle of a few bytes cannot make numpy
    allocate an array of 10¹³ elements."""

    _RECONSTRUCT: ClassVar[set[tuple[str, str]]] = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
    }
    _ALLOWED: ClassVar[set[tuple[str, str]]] = {
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # how protocol 2 stores an array's bytes (harmless: str → bytes)
    }

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self._RECONSTRUCT:
            return _reconstruct_empty
        if (module, name) == ("numpy", "ndarray"):
            return _NDARRAY
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"refusing to load {module}.{name}: only numpy arrays are expected")
        return super().find_class(module, name)


class _NdarrayName:
    """What a pickle's ``numpy.ndarray`` stands for: the class `_reconstruct` rebuilds, never called."""

    def __call__(self, *args: object) -> NoReturn:
        raise pickle.UnpicklingError(f"refusing to call numpy.ndarray{args!r}: arrays are rebuilt from bytes")

    def __repr__(self) -> str:
        return "numpy.ndarray"


_NDARRAY = _NdarrayName()


def _reconstruct_empty(subtype: object, shape: object, dtype: object) -> NDArray[Any]:
    if subtype is not _NDARRAY or not isinstance(shape, tuple) or shape != (0,):
        raise pickle.UnpicklingError(
            f"refusing to build an array by _reconstruct({subtype!r}, {shape!r}, ...): numpy's pickles "
            "rebuild an empty one, (0,), and fill it from the file's bytes"
        )
    return np.empty(0, dtype=np.dtype(dtype))  # type: ignore[call-overload]


class _ChunkedReads:
    """A stream whose `read(n)` reads `n` bytes a chunk at a time, stopping at the end: what
    the unpickler reads from, so a length the pickle claims costs memory only as the bytes
    arrive (a buffered stream would allocate `n` bytes first)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def read(self, size: int = -1) -> bytes:
        return self.stream.read() if size < 0 else bytes(_read_up_to(self.stream, size))

    def readline(self) -> bytes:
        return self.stream.readline(_CHUNK)

    def __repr__(self) -> str:
        return f"_ChunkedReads({self.stream!r})"


def _load_pickle(stream: IO[bytes], path: Path) -> dict[str, Dataset]:
    try:
        loaded = _ArraysOnly(_ChunkedReads(stream), encoding="latin1").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as error:
        raise DataFileError(f"{str(path)!r} is not a readable MNIST pickle: {error}") from None
    except MemoryError:  # an opcode's length allocated before any byte is read (BINBYTES8)
        raise DataFileError(
            f"{str(path)!r} is not a readable MNIST pickle: it asks for more memory than there is"
        ) from None
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
        parts[part] = _dataset(_checked_pixels(images, 1, path), labels, path, part)
    return parts


def _checked_pixels(pixels: NDArray[Any], top: int, path: Path) -> NDArray[Any]:
    """`pixels` if they are numbers from 0 to `top` (255 in the IDX and CSV files, 1 in the
    pickle, already scaled), else a DataFileError: a NaN or an unscaled pixel would train
    silently wrong, or fail later with a traceback."""
    if pixels.dtype.kind not in "iuf":
        raise DataFileError(f"{str(path)!r} has pixels of type {pixels.dtype}, not numbers")
    if pixels.size and not np.isfinite(pixels).all():
        raise DataFileError(f"{str(path)!r} has pixels that are not finite numbers (NaN or infinity)")
    if pixels.size and (pixels.min() < 0 or pixels.max() > top):
        hint = " (are they unscaled, 0 … 255?)" if top == 1 and pixels.max() > 1 else ""
        raise DataFileError(
            f"{str(path)!r} has pixels outside 0 … {top} ({pixels.min()} … {pixels.max()}){hint}"
        )
    return pixels


def _parse_csv(raw: bytes, path: Path) -> Dataset:
    try:
        lines = raw.removeprefix(codecs.BOM_UTF8).decode("ascii").splitlines()  # a BOM: saved by Excel
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
    pixels = _checked_pixels(table[:, 1:], 255, path)
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


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[io.BufferedReader[Any]]:
    """The file as a stream of its bytes, decompressed as they are read if it is gzipped (by
    its content, whatever its name); an error reading or inflating it, a DataFileError."""
    try:
        with open(path, "rb") as file:
            if file.peek(2)[:2] != b"\x1f\x8b":
                yield file
                return
            try:
                with gzip.GzipFile(fileobj=file) as inflated, io.BufferedReader(inflated) as stream:
                    yield stream
            except (OSError, EOFError, zlib.error) as error:
                raise DataFileError(f"{str(path)!r} is a damaged or truncated gzip file: {error}") from None
    except OSError as error:
        raise DataFileError(f"cannot read {str(path)!r}: {error.strerror or error}") from None


def _read_up_to(stream: IO[bytes], size: int) -> bytearray:
    """At most `size` bytes of `stream`, fewer at its end; read a chunk at a time, so a size a
    header claims costs memory only as the bytes arrive."""
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(min(size - len(data), _CHUNK))
        if not chunk:
            break
        data += chunk
    return data
