"""Token files for training: nanoGPT's ``.bin``, llm.c's shards, NumPy's ``.npy``.

Every layout holds uint16 ids, little-endian:

- ``nanogpt``: ``train.bin`` and ``val.bin``, the raw ids, as nanoGPT's
  ``np.memmap(path, dtype=np.uint16)`` reads them;
- ``llmc``: ``NAME_val_000000.bin``, then ``NAME_train_000001.bin``, ... of
  ``shard_tokens`` ids each (the last one shorter), each behind llm.c's header
  of 256 int32 (magic 20240520, version 1, number of ids, zeros), as llm.c's
  ``write_datafile`` writes them;
- ``npy``: ``train.npy`` and ``val.npy``, 1-D uint16 arrays as ``np.save``
  writes them.

A file is written under a temporary name (``.NAME.part``) and renamed when it
is complete, so a file with its final name is always whole; :meth:`TokenFiles.abort`
removes the unfinished ones.
"""

from __future__ import annotations

import os
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any, BinaryIO

FORMATS = ("nanogpt", "llmc", "npy")
LLMC_MAGIC = 20240520
LLMC_VERSION = 1
LLMC_HEADER_INTS = 256
#: The .npy header of a 1-D uint16 array is this long for any length below 10**40.
NPY_HEADER_BYTES = 128


def llmc_header(n_tokens: int) -> bytes:
    """llm.c's shard header: 256 little-endian int32, magic, version, count, zeros.

    >>> import struct
    >>> struct.unpack("<3i", llmc_header(5)[:12]), len(llmc_header(5))
    ((20240520, 1, 5), 1024)
    """
    header = array("i", [LLMC_MAGIC, LLMC_VERSION, n_tokens] + [0] * (LLMC_HEADER_INTS - 3))
    return _little_endian(header)


def npy_header(n_tokens: int) -> bytes:
    """The header ``np.save`` writes for a 1-D ``uint16`` array of ``n_tokens`` ids.

    >>> len(npy_header(338025)), npy_header(3)[10:].rstrip()
    (128, b"{'descr': '<u2', 'fortran_order': False, 'shape': (3,), }")
    """
    text = f"{{'descr': '<u2', 'fortran_order': False, 'shape': ({n_tokens},), }}"
    padded = text + " " * (NPY_HEADER_BYTES - 10 - len(text) - 1) + "\n"
    header = b"\x93NUMPY\x01\x00" + len(padded).to_bytes(2, "little") + padded.encode("latin-1")
    if len(header) != NPY_HEADER_BYTES:
        raise ValueError(f"{n_tokens:,} ids do not fit a .npy header of {NPY_HEADER_BYTES} bytes")
    return header


_LITTLE = sys.byteorder == "little"


def _little_endian(values: array[int]) -> bytes:
    if sys.byteorder == "big":
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


class _Part:
    """One output file, written under a temporary name until :meth:`commit`."""

    def __init__(self, path: Path, header: bytes = b"") -> None:
        self.path = path
        self.part = path.with_name(f".{path.name}.part")
        self.tokens = 0
        self._file: BinaryIO = open(self.part, "wb")  # closed by commit() or abort()
        self._file.write(header)

    def write(self, ids: array[int]) -> None:
        self._file.write(ids if _LITTLE else _little_endian(ids))
        self.tokens += len(ids)

    def commit(self, header: bytes = b"") -> None:
        if header:
            self._file.seek(0)
            self._file.write(header)
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.replace(self.part, self.path)

    def abort(self) -> None:
        self._file.close()
        self.part.unlink(missing_ok=True)


class TokenFiles:
    """The token stream in, split into val (the first ``val_tokens``) and train files.

    Used as a context manager, it finishes the files on success and removes the
    unfinished one on an error; that is how a job elsewhere (on a Dask cluster,
    say) writes the layout ``prepare`` writes.

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> splits = TokenFiles(out, "nanogpt", val_tokens=2)
    >>> splits.add([1, 2, 3]); splits.add([4]); splits.close()
    >>> (out / "val.bin").read_bytes(), (out / "train.bin").read_bytes()
    (b'\\x01\\x00\\x02\\x00', b'\\x03\\x00\\x04\\x00')
    >>> splits.tokens, splits.documents, sorted(splits.files)
    ({'val': 2, 'train': 2}, {'val': 1, 'train': 1}, ['train.bin', 'val.bin'])
    """

    def __init__(
        self,
        out_dir: Path,
        format: str,
        *,
        val_tokens: int = 0,
        shard_tokens: int = 10**8,
        name: str = "data",
        max_id: int = 50256,
        on_file: Callable[[int, int], None] | None = None,
    ) -> None:
        if format not in FORMATS:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
        if max_id >= 1 << 16:
            raise ValueError(f"ids up to {max_id} do not fit the uint16 of the {format} layout")
        if shard_tokens < 1 or val_tokens < 0:
            raise ValueError("shard_tokens must be >= 1 and val_tokens >= 0")
        if format == "llmc" and max(shard_tokens, val_tokens) >= 1 << 31:
            raise ValueError(
                "llm.c's header counts a shard's ids in an int32: shard_tokens and val_tokens < 2**31"
            )
        self.out_dir, self.format, self.name = out_dir, format, name
        self.val_tokens, self.shard_tokens = val_tokens, shard_tokens
        self.tokens = {"val": 0, "train": 0}
        self.documents = {"val": 0, "train": 0}
        self.files: dict[str, int] = {}  # finished file name -> ids in it
        self._open: _Part | None = None
        self._split = "val" if val_tokens > 0 else "train"
        self._shard = 0 if self._split == "val" else 1
        #: Called after each finished file with the document it ended in (its
        #: index in the add_many call) and how many of that document's ids are
        #: written: where a resumed run starts again.
        self.on_file = on_file
        self._not_begun = {"val": 0, "train": 0}

    def add(self, ids: Sequence[int], *, skip: int = 0) -> None:
        """Append one document's ids (end-of-text included) to the stream.

        ``skip`` > 0 resumes a document whose first ``skip`` ids are already in
        finished files (and which was counted then).
        """
        self.add_many([ids], skip=skip)

    def add_many(self, documents: Sequence[Sequence[int]], *, skip: int = 0) -> None:
        """Append several documents' ids at once (``skip`` applies to the first).

        The work is a few C-level joins and one write a file, however many
        documents: ``on_file(index, written)`` tells, for each file finished,
        which of these documents it ended in and how many of its ids were written.
        """
        arrays = [
            ids if isinstance(ids, array) and ids.typecode == "H" else array("H", ids) for ids in documents
        ]
        if not arrays:
            return
        starts = list(accumulate(map(len, arrays), initial=0))  # offsets in the batch
        n = len(arrays)
        first = 1 if skip else 0  # a resumed document was counted before
        # A document counts in the split where its first id lands: in val when
        # its offset in the batch is below `limit`.
        limit = self.val_tokens - (self.tokens["val"] + self.tokens["train"] - skip)
        val_end = max(first, bisect_left(starts, limit, first, n))
        self.documents["val"] += val_end - first
        self.documents["train"] += n - val_end
        flat = array("H")
        flat.frombytes(b"".join(arrays))
        done = skip
        try:
            while done < len(flat):
                room = self._room()
                head = flat[done : done + room]
                self._part().write(head)
                self.tokens[self._split] += len(head)
                done += len(head)
                if len(head) == room:
                    self._finish()
                    if self.on_file is not None:
                        # For state(): the documents after this point are counted
                        # above but not begun yet.
                        later = bisect_left(starts, done, first, n)
                        val_later = max(0, val_end - later)
                        self._not_begun = {"val": val_later, "train": n - later - val_later}
                        index = bisect_right(starts, done - 1) - 1  # the document of the last id written
                        self.on_file(index, done - starts[index])
        finally:
            self._not_begun = {"val": 0, "train": 0}

    def __enter__(self) -> TokenFiles:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()

    def state(self) -> dict[str, object]:
        """The counts and finished files, for :meth:`restore` in a resumed run."""
        return {
            "tokens": dict(self.tokens),
            "documents": {split: n - self._not_begun[split] for split, n in self.documents.items()},
            "files": dict(self.files),
            "split": self._split,
            "shard": self._shard,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Go on from :meth:`state`, checking that its finished files are whole."""
        for name, tokens in state["files"].items():
            header = (
                0
                if self.format == "nanogpt"
                else LLMC_HEADER_INTS * 4
                if self.format == "llmc"
                else NPY_HEADER_BYTES
            )
            path = self.out_dir / name
            if not path.is_file() or path.stat().st_size != header + 2 * tokens:
                raise ValueError(f"{path}: missing or not the size the interrupted run wrote; start afresh")
        self.tokens = dict(state["tokens"])
        self.documents = dict(state["documents"])
        self.files = dict(state["files"])
        self._split = state["split"]
        self._shard = state["shard"]

    def close(self) -> None:
        """Finish the open file; a val split that never filled and the train split
        are written even when short or empty, so that the layout is whole."""
        if self._split == "val":
            self._part()
            self._finish()
        if self._open is not None:
            self._finish()
        if not self._has_train():
            self._part()
            self._finish()

    def abort(self) -> None:
        """Remove the unfinished file; finished ones stay (they are complete)."""
        if self._open is not None:
            self._open.abort()
            self._open = None

    def _has_train(self) -> bool:
        return any(name.startswith(self._train_prefix()) for name in self.files)

    def _train_prefix(self) -> str:
        return f"{self.name}_train_" if self.format == "llmc" else "train."

    def _room(self) -> int:
        if self._split == "val":
            return self.val_tokens - self.tokens["val"]
        if self.format == "llmc":
            return self.shard_tokens - (self._open.tokens if self._open is not None else 0)
        return sys.maxsize

    def _filename(self) -> str:
        if self.format == "llmc":
            return f"{self.name}_{self._split}_{self._shard:06d}.bin"
        return f"{self._split}.{'npy' if self.format == 'npy' else 'bin'}"

    def _part(self) -> _Part:
        if self._open is None:
            header = {"nanogpt": b"", "llmc": llmc_header(0), "npy": npy_header(0)}[self.format]
            self._open = _Part(self.out_dir / self._filename(), header)
        return self._open

    def _finish(self) -> None:
        part = self._part()
        header = {"nanogpt": b"", "llmc": llmc_header(part.tokens), "npy": npy_header(part.tokens)}
        part.commit(header[self.format])
        self.files[part.path.name] = part.tokens
        self._open = None
        if self._split == "val":
            self._split = "train"
        self._shard += 1
