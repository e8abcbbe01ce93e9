"""Reading a dataset's documents: ``.txt`` files, JSON Lines, standard input.

- ``name.txt``: the whole file is one document;
- ``name.jsonl`` or ``name.jsonl.gz``: one JSON object a line, its text under a
  field (``text`` by default); blank lines are skipped;
- ``name.parquet``: one document a row, its text in a column (``text`` by
  default); needs pyarrow (``pip install gpt2bpe[parquet]``);
- ``-``: standard input, read as one ``.txt`` document.

A bad line (not JSON, not an object, no such field, not a string) raises
:class:`DatasetError` naming the file and the line, unless the caller counts
bad lines instead (``skip_bad``).
"""

from __future__ import annotations

import gzip
import io
import json
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gpt2bpe._errors import Gpt2BpeError

#: What ``documents`` reads, by the end of the file's name.
SUFFIXES = (".txt", ".jsonl", ".jsonl.gz", ".parquet")


class DatasetError(Gpt2BpeError, ValueError):
    """An input that cannot be read as documents; the message names the file and line."""


@dataclass
class BadLines:
    """The bad lines skipped so far: a count per input, and the first few places."""

    count: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, where: str) -> None:
        """Count one bad line."""
        self.count += 1
        if len(self.examples) < 5:
            self.examples.append(where)


def kind(path: str) -> str:
    """Which reader a path needs: 'txt', 'jsonl', 'jsonl.gz' or 'stdin'.

    >>> kind("data/train.jsonl.gz"), kind("-")
    ('jsonl.gz', 'stdin')
    """
    if path == "-":
        return "stdin"
    for suffix in SUFFIXES:
        if path.endswith(suffix):
            return suffix[1:]
    raise DatasetError(f"{path}: cannot tell how to read it; give a {', '.join(SUFFIXES)} file, or '-'")


def documents(path: str, *, text_field: str = "text", bad: BadLines | None = None) -> Iterator[str]:
    """The documents of one input, in order.

    With ``bad``, bad JSON Lines are counted there and skipped; without, the
    first one raises :class:`DatasetError`.
    """
    how = kind(path)
    if how == "stdin":
        yield _stdin_text()
    elif how == "txt":
        yield _decode(Path(path).read_bytes(), path)
    elif how == "parquet":
        yield from _parquet_texts(path, text_field, bad)
    else:
        opener = gzip.open if how == "jsonl.gz" else open
        with opener(path, "rb") as raw:
            lines = _readable(raw, path)
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    yield _json_text(line, text_field)
                except ValueError as exc:
                    where = f"{path}, line {number}: {exc}"
                    if bad is None:
                        raise DatasetError(where) from None
                    bad.add(where)


def _readable(raw: Iterator[bytes], path: str) -> Iterator[bytes]:
    # A damaged or mislabelled .gz fails while it is read, from deep in gzip:
    # say which file, and where, rather than gzip's bare message.
    number = 0
    try:
        for number, line in enumerate(raw, start=1):  # noqa: B007 (number is for the message)
            yield line
    except (EOFError, OSError, zlib.error) as exc:
        raise DatasetError(
            f"{path}, line {number + 1}: cannot read it ({exc}); is the file damaged?"
        ) from None


def _parquet_texts(path: str, text_field: str, bad: BadLines | None) -> Iterator[str]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DatasetError(
            f"{path}: reading Parquet needs pyarrow (pip install 'gpt2bpe[parquet]')"
        ) from None
    try:
        table = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow's errors have no common base worth naming
        raise DatasetError(f"{path}: not a Parquet file ({exc})") from None
    if text_field not in table.schema_arrow.names:
        names = ", ".join(map(repr, table.schema_arrow.names[:8]))
        raise DatasetError(f"{path}: no column {text_field!r} (columns: {names})")
    row = 0
    for batch in table.iter_batches(columns=[text_field], batch_size=4096):
        for text in batch.column(0).to_pylist():
            row += 1
            if isinstance(text, str):
                yield text
                continue
            where = f"{path}, row {row}: the column {text_field!r} is {type(text).__name__}, not a string"
            if bad is None:
                raise DatasetError(where)
            bad.add(where)


def _json_text(line: bytes, text_field: str) -> str:
    try:
        record = json.loads(line.decode("utf-8"))  # a str skips json's guessing of the encoding
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 (byte {exc.start} of the line)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc})") from None
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    if text_field not in record:
        raise ValueError(f"no field {text_field!r} (fields: {', '.join(map(repr, list(record)[:8]))})")
    text = record[text_field]
    if not isinstance(text, str):
        raise ValueError(f"the field {text_field!r} is {type(text).__name__}, not a string")
    return text


def _decode(raw: bytes, path: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}, line {line}: not UTF-8 (byte {exc.start})") from None


def _stdin_text() -> str:
    stream = sys.stdin.buffer if isinstance(sys.stdin, io.TextIOWrapper) else None
    if stream is None:
        return sys.stdin.read()
    return _decode(stream.read(), "standard input")
