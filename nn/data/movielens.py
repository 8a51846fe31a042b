"""Readers of the MovieLens files a user downloads, and of a ratings crosstab.

- `read_movielens_100k`: ``u.data`` (user, item, rating, timestamp, tab-separated) with titles
  from ``u.item`` (``|``-separated, latin-1) when it is beside it.
- `read_movielens_latest`: ``ratings.csv`` (``userId,movieId,rating,timestamp``) of
  ml-latest or ml-latest-small, with titles from ``movies.csv`` when it is beside it.
- `read_crosstab`: a CSV with one row per user and one column per item, blank where the
  user gave no rating, as the course's spreadsheet shows them.

Each takes the file or the folder holding it. The files are UTF-8, with or without the BOM
a spreadsheet program writes (``u.item`` is latin-1); ids are whole numbers and ratings
decimals in ASCII digits, as the `chainrule` command reads its options (never Python's
``1_0`` or Arabic-Indic digits). A line that cannot be read (a byte that is not UTF-8
included) is a `MalformedFileError` naming the file, the line number and the reason.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator
from pathlib import Path

from autograd.validation import WHOLE_NUMBER, check_choice, parse_decimal
from nn.data.mnist import DataFileError
from nn.data.ratings import Ratings

__all__ = [
    "FORMATS",
    "MalformedFileError",
    "read_crosstab",
    "read_movielens_100k",
    "read_movielens_latest",
    "read_ratings",
]

FORMATS = ("ml-100k", "ml-latest", "crosstab")


class MalformedFileError(DataFileError):
    """A line of a data file that cannot be read: the message names the file, the line number
    (from 1) and the reason, as ``path:line: reason``; the three are also attributes."""

    def __init__(self, path: str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


def read_ratings(path: str | Path, file_format: str) -> Ratings:
    """Read `path` in `file_format`, one of `FORMATS`."""
    readers = {"ml-100k": read_movielens_100k, "ml-latest": read_movielens_latest, "crosstab": read_crosstab}
    return readers[check_choice(file_format, "file_format", FORMATS)](path)


def read_movielens_100k(path: str | Path) -> Ratings:
    """MovieLens 100K: `path` is ``u.data`` or the folder holding it (``ml-100k``)."""
    data = _file_in(Path(path), "u.data")
    triples = []
    seen: dict[tuple[int, int], int] = {}
    for line_no, line in _lines(data, _UTF8):
        fields = line.split("\t")
        if len(fields) != 4:
            raise MalformedFileError(
                str(data),
                line_no,
                f"expected 4 tab-separated fields (user, item, rating, timestamp), "
                f"got {len(fields)}: {line!r}",
            )
        triple = _triple(data, line_no, fields[0], fields[1], fields[2], seen)
        _whole(data, line_no, fields[3], "timestamp")
        triples.append(triple)
    titles_file = data.with_name("u.item")
    titles = _titles_100k(titles_file) if titles_file.is_file() else {}
    return _ratings(data, triples, titles)


def read_movielens_latest(path: str | Path) -> Ratings:
    """ml-latest or ml-latest-small: `path` is ``ratings.csv`` or the folder holding it."""
    data = _file_in(Path(path), "ratings.csv")
    triples = []
    seen: dict[tuple[int, int], int] = {}
    rows = _csv_rows(data, ("userId", "movieId", "rating"))
    for line_no, row in rows:
        if len(row) < 3:
            raise MalformedFileError(
                str(data), line_no, f"expected userId,movieId,rating,timestamp, got {len(row)} fields: {row}"
            )
        triples.append(_triple(data, line_no, row[0], row[1], row[2], seen))
    titles_file = data.with_name("movies.csv")
    titles = {}
    if titles_file.is_file():
        for line_no, row in _csv_rows(titles_file, ("movieId", "title")):
            if len(row) < 2:
                raise MalformedFileError(
                    str(titles_file), line_no, f"expected movieId,title,genres, got {len(row)} fields: {row}"
                )
            titles[_whole(titles_file, line_no, row[0], "movieId")] = row[1]
    return _ratings(data, triples, titles)


def read_crosstab(path: str | Path) -> Ratings:
    """A CSV crosstab: a header ``user,<item id>,<item id>,…``, then one row per user,
    ``<user id>,<rating or blank>,…``."""
    data = Path(path)
    rows = list(_csv_rows(data, None))
    if not rows:
        raise MalformedFileError(str(data), 1, "the file is empty: expected a header user,<item id>,...")
    header_line, header = rows[0]
    if len(header) < 2:
        raise MalformedFileError(str(data), header_line, f"expected a header user,<item id>,..: {header}")
    item_ids: list[int] = []
    for text in header[1:]:
        item_ids.append(_new_id(data, header_line, text, "item id", item_ids))
    user_ids: list[int] = []
    triples = []
    for line_no, row in rows[1:]:
        if len(row) != len(header):
            raise MalformedFileError(
                str(data), line_no, f"expected {len(header)} fields like the header, got {len(row)}: {row!r}"
            )
        user = _new_id(data, line_no, row[0], "user id", user_ids)
        user_ids.append(user)
        for item, text in zip(item_ids, row[1:]):
            if text.strip():
                triples.append((user, item, _rating(data, line_no, text)))
    return _ratings(data, triples, {})


def _file_in(path: Path, name: str) -> Path:
    """`path`, or `path/name` when `path` is a folder."""
    if path.is_dir():
        path = path / name
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {str(path)!r}")
    return path


# UTF-8 with or without the byte-order mark a file saved by Excel starts with (pandas reads both)
_UTF8 = "utf-8-sig"


def _lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for the non-blank lines of `path`, without their line ends."""
    with path.open(encoding=encoding, newline="") as f, _decoded(path, encoding):
        for line_no, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if line.strip():
                yield line_no, line


@contextlib.contextmanager
def _decoded(path: Path, encoding: str) -> Iterator[None]:
    """A byte that is not `encoding` text, inside the block, as a MalformedFileError naming
    its line (found again in the bytes: the text is decoded ahead, a chunk at a time)."""
    try:
        yield
    except UnicodeDecodeError as error:
        for line_no, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
            try:
                raw.decode(encoding)
            except UnicodeDecodeError as at:
                byte = raw[at.start : at.start + 1].hex()
                reason = f"byte 0x{byte} is not {error.encoding.upper()} text"
                raise MalformedFileError(str(path), line_no, reason) from None
        raise  # pragma: no cover - a decoding error not on any one line


def _csv_rows(path: Path, header: tuple[str, ...] | None) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) for the non-blank rows of a UTF-8 CSV (a BOM skipped); with
    `header`, the first row must start with those column names and is skipped."""
    with path.open(encoding=_UTF8, newline="") as f, _decoded(path, _UTF8):
        reader = csv.reader(f, strict=True)
        try:
            for row in reader:
                if not any(cell.strip() for cell in row):
                    continue
                if header is not None:
                    if tuple(cell.strip() for cell in row[: len(header)]) != header:
                        raise MalformedFileError(
                            str(path), reader.line_num, f"expected a header {','.join(header)},..., got {row}"
                        )
                    header = None
                    continue
                yield reader.line_num, row
        except csv.Error as error:
            raise MalformedFileError(str(path), reader.line_num, f"not valid CSV: {error}") from None


def _triple(
    path: Path, line_no: int, user: str, item: str, rating: str, seen: dict[tuple[int, int], int]
) -> tuple[int, int, float]:
    triple = (_whole(path, line_no, user, "user id"), _whole(path, line_no, item, "item id"))
    if triple in seen:
        raise MalformedFileError(
            str(path), line_no, f"user {triple[0]} already rated item {triple[1]} on line {seen[triple]}"
        )
    seen[triple] = line_no
    return (*triple, _rating(path, line_no, rating))


def _whole(path: Path, line_no: int, text: str, what: str) -> int:
    """`text` as a whole number in ASCII digits (int() would also read "1_0" as 10, and an
    Arabic-Indic digit as a digit: `autograd.validation.WHOLE_NUMBER`, as the command's options)."""
    word = text.strip()
    if not WHOLE_NUMBER.fullmatch(word):
        raise MalformedFileError(str(path), line_no, f"{what} {text!r} is not a whole number")
    return int(word)


def _rating(path: Path, line_no: int, text: str) -> float:
    try:
        return parse_decimal(text)
    except ValueError as reason:
        raise MalformedFileError(str(path), line_no, f"rating {text!r} {reason}") from None


def _new_id(path: Path, line_no: int, text: str, what: str, earlier: list[int]) -> int:
    """`text` as a whole number that is not among the `earlier` ids of the crosstab."""
    new = _whole(path, line_no, text, what)
    if new in earlier:
        raise MalformedFileError(str(path), line_no, f"{what} {new} appears twice")
    return new


def _titles_100k(path: Path) -> dict[int, str]:
    titles = {}
    for line_no, line in _lines(path, "latin-1"):
        fields = line.split("|")
        if len(fields) < 2:
            raise MalformedFileError(
                str(path), line_no, f"expected |-separated fields (item id|title|...), got {line!r}"
            )
        titles[_whole(path, line_no, fields[0], "item id")] = fields[1]
    return titles


def _ratings(path: Path, triples: list[tuple[int, int, float]], titles: dict[int, str]) -> Ratings:
    if not triples:
        raise MalformedFileError(str(path), 1, "the file holds no ratings")
    return Ratings.from_triples(triples, titles)
