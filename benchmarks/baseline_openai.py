"""The baseline peer: GPT-2's encoder algorithm as OpenAI published it, re-written plainly.

OpenAI's ``src/encoder.py`` (the gpt-2 repository) is the reference the GPT-2
files were made for.  Its algorithm, restated here in our own words:

1. Map every byte to a printable character (``bytes_to_unicode``), so that
   vocab.bpe can be a text file of space-separated pairs.
2. Split the text with the ``regex`` pattern below.
3. For each piece, start from its characters and repeatedly merge the bigram
   whose rule comes first in vocab.bpe (``bpe_ranks``), every occurrence of it
   at once, left to right, until no bigram of the word has a rule.
4. Remember each piece's result in a plain ``dict``, forever.

The cache is unbounded on purpose: that is the behaviour being compared.  Only
``clear_cache`` is added, so that a benchmark can measure a cold cache.  This
file is a benchmark peer, not part of the package.

>>> from gpt2bpe import bundled_path
>>> base = OpenAIBaseline(bundled_path("encoder.json"), bundled_path("vocab.bpe"))
>>> base.encode("Hello world")
[15496, 995]
"""

from __future__ import annotations

import json
import os
from itertools import pairwise
from pathlib import Path

import regex

#: GPT-2's split pattern, as OpenAI's encoder.py spells it.
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte alphabet: each byte value -> one printable character.

    Bytes that print as themselves (other than the space) keep their character;
    the other 68 bytes take the characters from U+0100 on, in byte order.

    >>> table = bytes_to_unicode()
    >>> table[ord("A")], table[ord(" ")], table[ord("\\n")]
    ('A', 'Ġ', 'Ċ')
    """
    kept = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    table = {b: chr(b) for b in kept}
    moved = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + moved)
            moved += 1
    return table


def get_pairs(word: tuple[str, ...]) -> set[tuple[str, str]]:
    """The set of neighbouring symbol pairs of a word.

    >>> sorted(get_pairs(("h", "e", "l", "l", "o")))
    [('e', 'l'), ('h', 'e'), ('l', 'l'), ('l', 'o')]
    """
    return set(pairwise(word))


def _read_merges(vocab_bpe: str | os.PathLike[str]) -> list[tuple[str, str]]:
    # The original cuts off the first and the last line by position; this keeps
    # the same rules but does not depend on a trailing newline.
    lines = Path(vocab_bpe).read_text(encoding="utf-8").splitlines()
    if lines and lines[0].startswith("#version"):
        lines = lines[1:]
    merges = []
    for line in lines:
        if line:
            left, right = line.split()
            merges.append((left, right))
    return merges


class OpenAIBaseline:
    """OpenAI's GPT-2 encoder algorithm with its unbounded per-piece dict cache.

    Only encoding is implemented; ids are compared with tiktoken's by the benchmark.
    """

    def __init__(self, encoder_json: str | os.PathLike[str], vocab_bpe: str | os.PathLike[str]) -> None:
        """Load ``encoder.json`` (token -> id) and ``vocab.bpe`` (ranked merge rules)."""
        with open(encoder_json, encoding="utf-8") as f:
            self.encoder: dict[str, int] = json.load(f)
        merges = _read_merges(vocab_bpe)
        self.bpe_ranks: dict[tuple[str, str], int] = {pair: rank for rank, pair in enumerate(merges)}
        self.byte_encoder = bytes_to_unicode()
        self.cache: dict[str, str] = {}
        self.pat = regex.compile(PATTERN)

    def clear_cache(self) -> None:
        """Forget every cached piece (the original never does)."""
        self.cache.clear()

    def bpe(self, token: str) -> str:
        """Merge one piece (in the byte alphabet); the tokens come back joined by spaces.

        The byte alphabet has no space character, so the space is a safe separator.
        """
        cached = self.cache.get(token)
        if cached is not None:
            return cached
        word = tuple(token)
        pairs = get_pairs(word)
        if not pairs:
            return token
        ranks = self.bpe_ranks
        infinity = float("inf")
        while True:
            # The bigram whose rule comes first; stop when no bigram has a rule.
            bigram = min(pairs, key=lambda pair: ranks.get(pair, infinity))
            if bigram not in ranks:
                break
            first, second = bigram
            merged: list[str] = []
            i = 0
            while i < len(word):
                # Jump to the next occurrence of the bigram's first symbol.
                try:
                    j = word.index(first, i)
                except ValueError:
                    merged.extend(word[i:])
                    break
                merged.extend(word[i:j])
                i = j
                if i < len(word) - 1 and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = tuple(merged)
            if len(word) == 1:
                break
            pairs = get_pairs(word)
        result = " ".join(word)
        self.cache[token] = result
        return result

    def encode(self, text: str) -> list[int]:
        """The ids of ``text`` (special tokens are not recognized: ordinary text only)."""
        ids: list[int] = []
        for piece in self.pat.findall(text):
            symbols = "".join(self.byte_encoder[b] for b in piece.encode("utf-8"))
            ids.extend(self.encoder[token] for token in self.bpe(symbols).split(" "))
        return ids
