"""Probe vocabularies that make GPT-2's pre-tokenizer splits visible in token ids.

GPT-2's split pattern puts every character in one of four classes: letters
(``\\p{L}``), numbers (``\\p{N}``), whitespace (``\\s``) and everything else.
Token ids alone do not show where one pre-token piece ends, so each probe is a
tiny byte-level vocabulary whose only merges join one marker byte to any byte
next to it.  Encoding ``marker + c`` then yields the merged token exactly when
the marker and ``c`` share a piece, which happens for one class only:

    'a' + c  joined  <=>  c is a letter
    '1' + c  joined  <=>  c is a number
    '!' + c  joined  <=>  c is "other" (not whitespace, letter or number)
    c + ' '  joined  <=>  c is whitespace

Both the generator of ``gpt2bpe/_unicode_classes.py`` and the test that checks
it against tiktoken use these probes.  This is a dev tool (it needs tiktoken).
"""

from __future__ import annotations

from collections.abc import Iterator

from gpt2bpe._bytes_unicode import BYTE_TO_UNICODE

# Marker and side: (marker byte, True if the marker comes before the character).
PROBES: dict[str, tuple[int, bool]] = {
    "letter": (ord("a"), True),
    "number": (ord("1"), True),
    "other": (ord("!"), True),
    "space": (ord(" "), False),
}


def probe_merges(kind: str) -> list[tuple[str, str]]:
    """The merge rules of one probe, as vocab.bpe lines in GPT-2's alphabet.

    >>> probe_merges("letter")[0]
    ('a', 'Ā')
    """
    marker, before = PROBES[kind]
    m = BYTE_TO_UNICODE[marker]
    return [(m, BYTE_TO_UNICODE[b]) if before else (BYTE_TO_UNICODE[b], m) for b in range(256)]


def probe_encoder_json(kind: str) -> dict[str, int]:
    """The probe's encoder.json: 256 single bytes (ids 0-255) then its merges.

    >>> len(probe_encoder_json("space"))
    512
    """
    vocab = {BYTE_TO_UNICODE[b]: b for b in range(256)}
    for i, (left, right) in enumerate(probe_merges(kind)):
        vocab[left + right] = 256 + i
    return vocab


def probe_text(kind: str, ch: str) -> str:
    """The probe string for one character.

    >>> probe_text("letter", "é"), probe_text("space", "\\t")
    ('aé', '\\t ')
    """
    marker, before = PROBES[kind]
    return chr(marker) + ch if before else ch + chr(marker)


def joined(kind: str, ch: str, ids: list[int]) -> bool:
    """Whether the probe's marker shared a piece with ``ch``, read off its ids."""
    before = PROBES[kind][1]
    raw = ch.encode("utf-8")
    expected = 256 + (raw[0] if before else raw[-1])
    return (ids[0] if before else ids[-1]) == expected


def all_characters() -> Iterator[str]:
    """Every Unicode scalar value (surrogates excluded: encoders replace them first)."""
    for cp in range(0x110000):
        if not 0xD800 <= cp <= 0xDFFF:
            yield chr(cp)
