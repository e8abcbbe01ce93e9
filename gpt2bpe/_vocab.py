"""Reading and validating GPT-2's two tokenizer files.

- ``encoder.json``: a JSON object, token (in GPT-2's byte alphabet) -> id, the ids
  being 0..n-1.  Entries that are neither a single byte nor the result of a merge
  are special tokens (GPT-2 has one, ``<|endoftext|>``).
- ``vocab.bpe``: a ``#version`` header line, then one merge rule ``left right``
  per line, most important first.

Every problem raises :class:`~gpt2bpe.VocabularyError` naming the file, and for
``vocab.bpe`` the line, so that a user can go and look.

OpenAI's own two files are recognised by their SHA-256 and loaded without the
checks (a test runs the checks on them): hashing both takes about a
millisecond, checking them a hundred times that.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE, UNICODE_TO_BYTE, bytes_to_unicode, to_bytes
from gpt2bpe._errors import VocabularyError

StrPath = str | os.PathLike[str]

#: The SHA-256 of OpenAI's GPT-2 files, as ``shared/gpt2/SHA256SUMS`` lists them.
GPT2_SHA256 = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}


class Vocabulary:
    """The checked contents of the two files.

    ``tokens`` maps each ordinary token (GPT-2 alphabet) to its id and
    ``specials`` each special token's text to its id.  ``merge_ranks`` is what
    the merge applier orders pairs by: the token ids themselves when they grow
    with the rules' order, as in GPT-2 and in tiktoken, which saves a table.
    ``ranks`` (each merged token -> the 0-based position of its rule) and
    ``merges`` (the rules in order) are built when first asked for.
    """

    def __init__(
        self,
        tokens: dict[str, int],
        specials: dict[str, int],
        *,
        ranks: dict[str, int] | None = None,
        merges: list[tuple[str, str]] | None = None,
        read_merges: Callable[[], list[tuple[str, str]]] | None = None,
        ids_follow_ranks: bool,
    ) -> None:
        self.tokens = tokens
        self.specials = specials
        self._read_merges = read_merges
        if merges is not None:
            self.__dict__["merges"] = merges
        if ranks is not None:
            self.__dict__["ranks"] = ranks
        self.merge_ranks: Mapping[str, int] = tokens if ids_follow_ranks else self.ranks

    @functools.cached_property
    def merges(self) -> list[tuple[str, str]]:
        """The rules in vocab.bpe's order, as ``(left, right)`` pairs."""
        assert self._read_merges is not None
        return self._read_merges()

    @functools.cached_property
    def ranks(self) -> dict[str, int]:
        """Each merged token -> the 0-based position of the rule that makes it."""
        return {left + right: rank for rank, (left, right) in enumerate(self.merges)}

    @property
    def n_merges(self) -> int:
        """The number of rules (50,000 for GPT-2)."""
        if "merges" in self.__dict__:
            return len(self.merges)
        return len(self.tokens) - len(BYTE_TO_UNICODE)


def _no_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


class _DuplicateKey(Exception):
    pass


def read_encoder_json(path: StrPath, raw: bytes | None = None) -> dict[str, int]:
    """Read ``encoder.json`` (or parse ``raw``, its bytes): token -> id, no key twice.

    Raises ``FileNotFoundError`` for a missing file and ``VocabularyError`` for a
    malformed one; :func:`build_vocabulary` checks the ids.
    """
    if raw is None:
        raw = Path(path).read_bytes()
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise VocabularyError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise VocabularyError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except _DuplicateKey as exc:
        raise VocabularyError(f"{path}: the token {exc.args[0]!r} appears twice") from None
    if not isinstance(data, dict):
        raise VocabularyError(f"{path}: expected a JSON object of token -> id, got {type(data).__name__}")
    return data


def read_vocab_bpe(path: StrPath, raw: bytes | None = None) -> list[tuple[str, str]]:
    """Read ``vocab.bpe`` (or parse ``raw``, its bytes): a header, then ``left right`` rules.

    A final newline is optional; blank or malformed lines are errors naming the line.
    """
    if raw is None:
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


def _check_ids(encoder: dict[str, int], encoder_file: StrPath) -> None:
    for token, token_id in encoder.items():
        if type(token) is not str:
            raise VocabularyError(f"{encoder_file}: the token {token!r} is not a string")
        if type(token_id) is not int:
            raise VocabularyError(f"{encoder_file}: the id of {token!r} is {token_id!r}, not an integer")
    ids = sorted(encoder.values())
    if ids != list(range(len(ids))):
        seen: set[int] = set()
        for token, token_id in encoder.items():
            if token_id in seen:
                raise VocabularyError(
                    f"{encoder_file}: id {token_id} is given to more than one token ({token!r} is one)"
                )
            seen.add(token_id)
        missing = next(i for i in range(len(ids)) if i not in seen)
        raise VocabularyError(
            f"{encoder_file}: ids must be 0 to {len(ids) - 1} with none missing; {missing} is missing"
        )


def _check_merges(merges: list[tuple[str, str]], vocab_file: StrPath) -> None:
    for rank, rule in enumerate(merges):
        if (
            not isinstance(rule, (tuple, list))
            or len(rule) != 2
            or not all(type(part) is str and part for part in rule)
        ):
            raise VocabularyError(
                f"{vocab_file}, line {rank + 2}: a rule is two non-empty strings, not {rule!r}"
            )
    try:
        to_bytes("".join(left + right for left, right in merges))
    except UnicodeEncodeError as exc:
        # Find the rule with the character outside the alphabet, to name its line.
        for rank, (left, right) in enumerate(merges):
            bad = [ch for ch in left + right if ch not in UNICODE_TO_BYTE]
            if bad:
                raise VocabularyError(
                    f"{vocab_file}, line {rank + 2}: {bad[0]!r} (U+{ord(bad[0]):04X}) in the rule "
                    f"{left + ' ' + right!r} is not in GPT-2's byte alphabet"
                ) from None
        raise AssertionError("unreachable") from exc


def looks_special(token: str) -> bool:
    """Special tokens are spelled ``<|...|>``, as GPT-2's ``<|endoftext|>`` is.

    >>> looks_special("<|endoftext|>"), looks_special("Ġgazed")
    (True, False)
    """
    return len(token) > 4 and token.startswith("<|") and token.endswith("|>")


def build_vocabulary(
    encoder: dict[str, int],
    merges: list[tuple[str, str]],
    *,
    encoder_file: StrPath = "encoder.json",
    vocab_file: StrPath = "vocab.bpe",
) -> Vocabulary:
    """Check the two files' contents, and that they agree; derive the encoder's tables.

    Every token must be one of the 256 single bytes, made by a rule, or a special
    token spelled ``<|...|>``: anything else means the files do not belong
    together (a truncated vocab.bpe, say), which must not load silently.

    >>> from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE
    >>> tokens = {ch: i for i, ch in enumerate(BYTE_TO_UNICODE)}
    >>> tokens.update({"hi": 256, "<|end|>": 257})
    >>> vocab = build_vocabulary(tokens, [("h", "i")])
    >>> vocab.ranks, vocab.specials
    ({'hi': 0}, {'<|end|>': 257})
    """
    _check_ids(encoder, encoder_file)
    _check_merges(merges, vocab_file)
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
    unmade = []
    for token, token_id in encoder.items():
        if token in ranks or (len(token) == 1 and token in UNICODE_TO_BYTE):
            tokens[token] = token_id
        elif looks_special(token):
            specials[token] = token_id
        else:
            unmade.append((token, token_id))
    if unmade:
        token, token_id = unmade[0]
        raise VocabularyError(
            f"{encoder_file}: {len(unmade)} token(s) are made by no rule of {vocab_file} and are not "
            f"special tokens (<|...|>), e.g. {token!r} (id {token_id}); is {vocab_file} truncated, "
            "or from another vocabulary?"
        )
    ordered = [tokens[token] for token in ranks]  # ranks is in rule order
    return Vocabulary(
        tokens,
        specials,
        ranks=ranks,
        merges=list(merges),
        ids_follow_ranks=all(map(int.__lt__, ordered, ordered[1:])),
    )


def load_vocabulary(encoder_json: StrPath, vocab_bpe: StrPath) -> Vocabulary:
    """Read both files; check them, unless they are OpenAI's GPT-2 files."""
    encoder_bytes = Path(encoder_json).read_bytes()
    vocab_bytes = Path(vocab_bpe).read_bytes()
    if (
        hashlib.sha256(encoder_bytes).hexdigest() == GPT2_SHA256["encoder.json"]
        and hashlib.sha256(vocab_bytes).hexdigest() == GPT2_SHA256["vocab.bpe"]
    ):
        return _gpt2_vocabulary(vocab_bytes.decode("utf-8"))
    return build_vocabulary(
        read_encoder_json(encoder_json, encoder_bytes),
        read_vocab_bpe(vocab_bpe, vocab_bytes),
        encoder_file=encoder_json,
        vocab_file=vocab_bpe,
    )


def _split_rules(vocab_text: str) -> list[list[str]]:
    return [line.split(" ") for line in vocab_text.split("\n")[1:-1]]


#: The single-byte tokens in the order of their ids in GPT-2's encoder.json
#: (printable bytes first, as ``bytes_to_unicode`` lists them).
_BYTE_TOKENS_BY_ID = list(bytes_to_unicode().values())


def _gpt2_vocabulary(vocab_text: str) -> Vocabulary:
    # OpenAI's files, known by their hashes: ids 0-255 are the single bytes in
    # bytes_to_unicode's order, id 256 + r is the token of rule r, and 50256 is
    # <|endoftext|> (tests/test_vocab_files.py proves it on the files).
    merged = vocab_text.replace(" ", "").split("\n")[1:-1]  # no header, nor "" after the last line
    ordinary = _BYTE_TOKENS_BY_ID + merged
    tokens = dict(zip(ordinary, range(len(ordinary)), strict=True))
    return Vocabulary(
        tokens,
        {"<|endoftext|>": len(tokens)},
        read_merges=lambda: [(left, right) for left, right in _split_rules(vocab_text)],
        ids_follow_ranks=True,
    )
