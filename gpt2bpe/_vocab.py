"""Reading and validating GPT-2's two tokenizer files.

- ``encoder.json``: a JSON object, token (in GPT-2's byte alphabet) -> id, the ids
  being 0..n-1.  Entries that are neither a single byte nor the result of a merge
  are special tokens (GPT-2 has one, ``<|endoftext|>``).
- ``vocab.bpe``: a ``#version`` header line, then one merge rule ``left right``
  per line, most important first.

Every problem raises :class:`~gpt2bpe.VocabularyError` naming the file, and for
``vocab.bpe`` the line, so that a user can go and look.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE, UNICODE_TO_BYTE
from gpt2bpe._errors import VocabularyError

StrPath = str | os.PathLike[str]


@dataclass(frozen=True)
class Vocabulary:
    """The checked contents of the two files.

    ``tokens`` maps each ordinary token (GPT-2 alphabet) to its id, ``specials``
    each special token's text to its id, ``ranks`` each merged token to the
    0-based line of its rule among vocab.bpe's merges, and ``merges`` keeps the
    rules in order.
    """

    tokens: dict[str, int]
    specials: dict[str, int]
    ranks: dict[str, int]
    merges: list[tuple[str, str]]


def read_encoder_json(path: StrPath) -> dict[str, int]:
    """Read ``encoder.json`` and check that it maps strings to the ids 0..n-1.

    Raises ``FileNotFoundError`` for a missing file and ``VocabularyError`` for a
    malformed one.
    """
    raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise VocabularyError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise VocabularyError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a JSON object of token -> id, got {type(data).__name__}")
    for token, token_id in data.items():
        if type(token_id) is not int:
            raise VocabularyError(f"{path}: the id of {token!r} is {token_id!r}, not an integer")
    ids = sorted(data.values())
    if ids != list(range(len(ids))):
        seen: set[int] = set()
        for token, token_id in data.items():
            if token_id in seen:
                raise VocabularyError(
                    f"{path}: id {token_id} is given to more than one token ({token!r} is one)"
                )
            seen.add(token_id)
        missing = next(i for i in range(len(ids)) if i not in seen)
        raise VocabularyError(
            f"{path}: ids must be 0 to {len(ids) - 1} with none missing; {missing} is missing"
        )
    return data


def read_vocab_bpe(path: StrPath) -> list[tuple[str, str]]:
    """Read ``vocab.bpe``: the header line, then one ``left right`` rule per line.

    A final newline is optional; blank or malformed lines are errors naming the line.
    """
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        number = raw[: exc.start].count(b"\n") + 1
        raise VocabularyError(f"{path}, line {number}: not UTF-8") from None
    if "\r" in text:
        number = text[: text.index("\r")].count("\n") + 1
        raise VocabularyError(
            f"{path}, line {number}: has a carriage return (Windows line endings?); "
            "vocab.bpe lines end with \\n only"
        )
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or not lines[0].startswith("#version"):
        first = repr(lines[0][:40]) if lines else "an empty file"
        raise VocabularyError(f"{path}, line 1: expected a '#version: 0.2' header, found {first}")
    merges = []
    for number, line in enumerate(lines[1:], start=2):
        parts = line.split(" ")
        if len(parts) != 2 or not parts[0] or not parts[1]:
            raise VocabularyError(
                f"{path}, line {number}: expected two symbols separated by one space, found {line[:60]!r}"
            )
        merges.append((parts[0], parts[1]))
    return merges


def build_vocabulary(
    encoder: dict[str, int],
    merges: list[tuple[str, str]],
    *,
    encoder_file: StrPath = "encoder.json",
    vocab_file: StrPath = "vocab.bpe",
) -> Vocabulary:
    """Check that the two files agree and derive the tables the encoder needs.

    >>> from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE
    >>> tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    >>> tokens.update({"hi": 256, "<|end|>": 257})
    >>> vocab = build_vocabulary(tokens, [("h", "i")])
    >>> vocab.ranks, vocab.specials
    ({'hi': 0}, {'<|end|>': 257})
    """
    missing = [ch for ch in BYTE_TO_UNICODE if ch not in encoder]
    if missing:
        raise VocabularyError(
            f"{encoder_file}: lacks {len(missing)} of the 256 single-byte tokens, e.g. "
            f"{missing[0]!r} (byte 0x{UNICODE_TO_BYTE[missing[0]]:02x})"
        )
    ranks: dict[str, int] = {}
    for rank, (left, right) in enumerate(merges):
        line = rank + 2
        for part in (left, right):
            if part not in encoder:
                raise VocabularyError(
                    f"{vocab_file}, line {line}: {part!r} (in the rule {left + ' ' + right!r}) "
                    f"is not a token of {encoder_file}"
                )
        merged = left + right
        if merged not in encoder:
            raise VocabularyError(
                f"{vocab_file}, line {line}: the rule {left + ' ' + right!r} makes {merged!r}, "
                f"which is not in {encoder_file}"
            )
        if merged in ranks:
            raise VocabularyError(
                f"{vocab_file}, line {line}: {merged!r} is already made by the rule "
                f"on line {ranks[merged] + 2}"
            )
        ranks[merged] = rank
    tokens = {}
    specials = {}
    for token, token_id in encoder.items():
        if token in ranks or (len(token) == 1 and token in UNICODE_TO_BYTE):
            tokens[token] = token_id
        else:
            specials[token] = token_id
    return Vocabulary(tokens=tokens, specials=specials, ranks=ranks, merges=list(merges))


def load_vocabulary(encoder_json: StrPath, vocab_bpe: StrPath) -> Vocabulary:
    """Read and check both files."""
    return build_vocabulary(
        read_encoder_json(encoder_json),
        read_vocab_bpe(vocab_bpe),
        encoder_file=encoder_json,
        vocab_file=vocab_bpe,
    )
