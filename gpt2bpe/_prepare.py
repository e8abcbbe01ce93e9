"""Tokenizing a dataset into training files: the job behind ``gpt2bpe prepare``.

Documents are read in order (``_documents``), encoded in batches with
``encode_ordinary`` (in worker processes with ``workers > 1``), given the
end-of-text id before or after each, and streamed into the split files of a
layout (``_token_files``).  Only one batch of documents and its ids are held
at a time, whatever the size of the dataset.  ``meta.json``, written last,
describes the run; the token files are renamed into place only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
from array import array
from collections.abc import Generator, Iterator, Sequence
from pathlib import Path
from typing import Any

from gpt2bpe._documents import BadLines, DatasetError, documents, kind
from gpt2bpe._encoder import Encoder, bundled_encoder
from gpt2bpe._progress import Progress
from gpt2bpe._token_files import FORMATS, TokenFiles
from gpt2bpe._vocab import StrPath

EOT_PLACES = ("prepend", "append", "none")
#: Where an interrupted run says how far it got.
STATE_FILE = ".prepare-state.json"
#: Entries in each cache of the encoder prepare makes (see prepare()).
PREPARE_CACHE_SIZE = 1 << 17
#: A batch holds documents up to about this many characters (and at least one).
BATCH_CHARS = 4 << 20


def prepare(
    inputs: Sequence[StrPath],
    out_dir: StrPath,
    *,
    format: str = "nanogpt",
    text_field: str = "text",
    eot: str = "prepend",
    val_tokens: int = 0,
    shard_tokens: int = 10**8,
    workers: int | None = None,
    name: str | None = None,
    skip_bad: bool = False,
    encoder: Encoder | None = None,
    progress: bool | None = None,
    resume: bool = False,
    cache_size: int = PREPARE_CACHE_SIZE,
) -> dict[str, Any]:
    """Tokenize ``inputs`` into ``out_dir`` in a training layout; return what ``meta.json`` says.

    ``format`` is ``nanogpt``, ``llmc`` or ``npy`` (see ``_token_files``); ``eot``
    puts the end-of-text id before each document (``prepend``, llm.c's way),
    after it (``append``, nanoGPT's openwebtext) or nowhere; the first
    ``val_tokens`` ids of the stream go to the validation split.  ``workers``
    defaults to every core; the files are the same for any number.
    ``progress`` shows documents, tokens and MB/s on standard error (by
    default when it is a terminal).

    ``out_dir`` must not hold a prepared dataset already.  After each finished
    file, ``.prepare-state.json`` records where the run is; ``resume=True``
    continues an interrupted run from its last finished file (same inputs, same
    options), and the files come out byte for byte as an uninterrupted run's.

    Without ``encoder``, the bundled GPT-2 encoder is used with caches of
    ``cache_size`` entries in each process (a dataset mixes more words than one
    text: 2**17 by default, about 110 MB a process when full, against the
    library's 2**16).

    >>> import tempfile
    >>> out = Path(tempfile.mkdtemp())
    >>> (out / "a.txt").write_text("Hello world")
    11
    >>> prepare([out / "a.txt"], out / "data", workers=1)["tokens"]
    {'val': 0, 'train': 3}
    >>> from array import array
    >>> array("H", (out / "data" / "train.bin").read_bytes()).tolist()  # little-endian machines
    [50256, 15496, 995]
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format!r}")
    if eot not in EOT_PLACES:
        raise ValueError(f"eot must be one of {', '.join(EOT_PLACES)}, not {eot!r}")
    paths = [os.fspath(path) for path in inputs]
    if not paths:
        raise ValueError("prepare() needs at least one input")
    for path in paths:
        kind(path)  # refuse an unknown kind before any work
        if path != "-" and not Path(path).is_file():
            raise FileNotFoundError(f"{path}: no such file")
    own_encoder = encoder is None
    encoder = encoder if encoder is not None else bundled_encoder(cache_size=cache_size)
    eot_id = encoder._special_tokens.get("<|endoftext|>")
    if eot != "none" and eot_id is None:
        raise ValueError(f"the vocabulary {encoder.name!r} has no <|endoftext|> token; pass eot='none'")
    out = Path(out_dir)
    name = name or (Path(paths[0]).name.split(".")[0] if paths[0] != "-" else "stdin")
    vocabulary = _vocabulary_hashes(encoder)
    options: dict[str, Any] = {
        "format": format,
        "text_field": text_field,
        "eot": eot,
        "eot_id": eot_id if eot != "none" else None,
        "val_tokens": val_tokens,
        "shard_tokens": shard_tokens if format == "llmc" else None,
        "name": name if format == "llmc" else None,
        "skip_bad": skip_bad,
        "vocabulary": vocabulary,
    }
    inputs_now = [_stat(path) for path in paths]
    state = _load_state(out, options, inputs_now) if resume else None
    if state is None:
        _check_empty(out)
    out.mkdir(parents=True, exist_ok=True)
    splits = TokenFiles(
        out,
        format,
        val_tokens=val_tokens,
        shard_tokens=shard_tokens,
        name=name,
        max_id=encoder.max_token_value,
    )
    bad = BadLines() if skip_bad else None
    start = (0, 0, 0)  # input, document, ids of it already written
    if state is not None:
        splits.restore(state["splits"])
        # Reading the inputs up to there again counts their bad lines again.
        start = tuple(state["position"])
    current: list[tuple[int, int]] = []  # where each document of the batch being written is from

    def save_state(position: list[int]) -> None:
        saved = {"options": options, "inputs": inputs_now, "position": position, "splits": splits.state()}
        _write_atomically(out / STATE_FILE, json.dumps(saved, ensure_ascii=False))

    splits.on_file = lambda index, written: save_state([*current[index], written])
    if state is None:  # a state from the start: an interrupted run can always be resumed
        save_state([0, 0, 0])
    eot_ids = array("H", [eot_id or 0])
    shown = Progress(enabled=progress)
    stream = _encoded(encoder, workers, _batches(paths, text_field, bad, start[:2]))
    try:
        for where, batch, encoded in stream:
            if eot == "prepend":
                encoded = [eot_ids + ids for ids in encoded]
            elif eot == "append":
                encoded = [ids + eot_ids for ids in encoded]
            current[:] = where
            splits.add_many(encoded, skip=start[2] if where[0] == start[:2] else 0)
            if shown.enabled:
                text_bytes = sum(len(doc.encode("utf-8", "surrogatepass")) for doc in batch)
                shown.update(documents=len(batch), tokens=sum(map(len, encoded)), text_bytes=text_bytes)
        splits.close()
    except BaseException:
        splits.abort()
        if not splits.files:  # nothing finished: nothing to resume, nothing left behind
            (out / STATE_FILE).unlink(missing_ok=True)
        raise
    finally:
        stream.close()  # now, not when the traceback lets go of it: the pool must be in step
        shown.close()
        if own_encoder:
            encoder.close()
    meta = {
        "inputs": [_describe(path) for path in paths],
        "format": format,
        "files": splits.files,
        "documents": splits.documents,
        "tokens": splits.tokens,
        "bad_lines": {"count": bad.count, "examples": bad.examples} if bad is not None else None,
        "options": {key: value for key, value in options.items() if key not in ("format", "vocabulary")},
        "vocabulary": {"name": encoder.name, "n_vocab": encoder.n_vocab, **vocabulary},
        "resumed": state is not None,
    }
    _write_atomically(out / "meta.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    (out / STATE_FILE).unlink(missing_ok=True)
    return meta


def _stat(path: str) -> dict[str, Any]:
    if path == "-":
        return {"path": "-"}
    info = Path(path).stat()
    return {"path": path, "bytes": info.st_size, "mtime_ns": info.st_mtime_ns}


def _check_empty(out: Path) -> None:
    if not out.exists():
        return
    taken = [
        p.name for p in out.iterdir() if p.name in ("meta.json", STATE_FILE) or p.suffix in (".bin", ".npy")
    ]
    if taken:
        raise FileExistsError(
            f"{out} already holds {', '.join(sorted(taken)[:3])}: choose an empty directory, "
            "or resume an interrupted run (--resume)"
        )


def _load_state(out: Path, options: dict[str, Any], inputs: list[dict[str, Any]]) -> dict[str, Any] | None:
    # None: no file was finished before the interruption, so start afresh.
    path = out / STATE_FILE
    if not path.is_file():
        if (out / "meta.json").is_file():
            raise ValueError(f"{out}: no interrupted run to resume (it finished: meta.json is there)")
        return None
    state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if state["options"] != options:
        changed = sorted(key for key in options if state["options"].get(key) != options[key])
        raise ValueError(
            f"{out}: cannot resume with other options than the first run's ({', '.join(changed)})"
        )
    if state["inputs"] != inputs:
        raise ValueError(f"{out}: cannot resume: the inputs are not the first run's, or have changed since")
    if any(entry["path"] == "-" for entry in inputs):
        raise ValueError("cannot resume a run that read standard input")
    for leftover in out.glob(".*.part"):
        leftover.unlink()
    return state


def _encoded(
    encoder: Encoder, workers: int | None, batches: Iterator[tuple[list[tuple[int, int]], list[str]]]
) -> Generator[tuple[list[tuple[int, int]], list[str], list[array[int]]], None, None]:
    """Each batch with its ids.  With workers, the next batch is sent before this
    one's ids are handed on, so the workers encode while the caller writes and reads."""
    pool = encoder._worker_pool(workers)
    if pool is None:
        for where, batch in batches:
            yield where, batch, [array("H", ids) for ids in encoder.encode_ordinary_batch(batch)]
        return
    pending = None
    pool.lock.acquire()  # other threads that share the encoder wait for this run
    try:
        for where, batch in batches:
            sent = pool.submit("encode_ordinary", batch, {})
            if pending is not None:
                yield pending[0], pending[1], pool.collect(pending[2])
            pending = (where, batch, sent)
        if pending is not None:
            yield pending[0], pending[1], pool.collect(pending[2])
    finally:
        if pool._pending:  # stopped early: batches still out would be out of step
            encoder.close()
        pool.lock.release()


def _batches(
    paths: list[str], text_field: str, bad: BadLines | None, start: tuple[int, ...] = (0, 0)
) -> Iterator[tuple[list[tuple[int, int]], list[str]]]:
    """Batches of documents with where each is (input, document), from ``start`` on."""
    where: list[tuple[int, int]] = []
    batch: list[str] = []
    size = 0
    for index, path in enumerate(paths):
        if index < start[0]:
            if bad is not None:  # a resumed run: count the bad lines it passes over again
                for _ in documents(path, text_field=text_field, bad=bad):
                    pass
            continue
        for number, document in enumerate(documents(path, text_field=text_field, bad=bad)):
            if (index, number) < start:
                continue
            where.append((index, number))
            batch.append(document)
            size += len(document)
            if size >= BATCH_CHARS:
                yield where, batch
                where, batch, size = [], [], 0
    if batch:
        yield where, batch


def _describe(path: str) -> dict[str, Any]:
    if path == "-":
        return {"path": "-"}
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return {"path": path, "bytes": Path(path).stat().st_size, "sha256": digest.hexdigest()}


def _vocabulary_hashes(encoder: Encoder) -> dict[str, str]:
    # The ids depend on the vocabulary alone: hash its tables, in id order.
    tokens = sorted(encoder._tokens.items(), key=lambda item: item[1])
    digest = hashlib.sha256("\n".join(token for token, _ in tokens).encode("utf-8"))
    return {"tokens_sha256": digest.hexdigest()}


def _write_atomically(path: Path, text: str) -> None:
    part = path.with_name(f".{path.name}.part")
    part.write_text(text, encoding="utf-8")
    os.replace(part, path)


__all__ = ["DatasetError", "prepare"]
