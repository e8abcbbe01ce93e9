"""The pre-tokenizer: GPT-2's split pattern, which cuts text into pieces before BPE.

GPT-2 splits text with::

    's|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+

BPE then runs inside each piece, never across two.  Here the pattern runs on the
standard library's ``re`` engine with the classes ``\\p{L}``, ``\\p{N}`` and ``\\s``
spelled out as code point ranges from ``_unicode_classes`` (data generated from
tiktoken), so the split, and therefore every id, is the same whatever version of
Python or of the ``regex`` package is installed.
"""

from __future__ import annotations

import bisect
import re

from gpt2bpe import _unicode_classes


def _parse(ranges: str) -> list[tuple[int, int]]:
    """Space-separated hex ranges as pairs: '41-5a b5' -> [(0x41, 0x5a), (0xb5, 0xb5)]."""
    out = []
    for item in ranges.split():
        first, _, last = item.partition("-")
        out.append((int(first, 16), int(last or first, 16)))
    return out


def _class_body(ranges: list[tuple[int, int]]) -> str:
    """A ``[...]`` body for the ranges below U+10000: [(0x41, 0x5a)] -> '\\u0041-\\u005a'."""
    return "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges if b <= 0xFFFF)


_LETTER = _parse(_unicode_classes.LETTER)
_NUMBER = _parse(_unicode_classes.NUMBER)
_SPACE = _parse(_unicode_classes.SPACE)
assert all(b <= 0xFFFF or a > 0xFFFF for a, b in _LETTER + _NUMBER + _SPACE)
assert all(b <= 0xFFFF for _, b in _SPACE)
_L, _N, _S = _class_body(_LETTER), _class_body(_NUMBER), _class_body(_SPACE)

#: GPT-2's pattern in ``re`` syntax with explicit classes, written possessively as
#: tiktoken writes it (the same pieces; the engine just never backtracks into them).
#: The classes hold only code points below U+10000: ``re`` checks those with one
#: table lookup but tests ranges above it one by one, which made splitting 4x
#: slower.  ``split`` handles astral characters by substitution instead.
PATTERN: str = (
    f"'(?:[sdmt]|ll|ve|re)| ?[{_L}]++| ?[{_N}]++| ?[^{_S}{_L}{_N}]++|[{_S}]++$|[{_S}]+(?![^{_S}])|[{_S}]"
)

_findall = re.compile(PATTERN).findall

#: Where a space is followed by a character that is not whitespace, a piece
#: always starts (the space leads it), whatever comes before or after: the
#: pieces around it never reach across.  So text can be cut there into "chunks",
#: each of which splits on its own exactly as it does inside the text.  A chunk
#: (a word with its punctuation, say) is a bigger unit to cache than a piece and
#: ``re.split`` cuts 2-3x faster than the full pattern splits.
CUT_PATTERN: str = f" (?=[^{_S}])"

_cut = re.compile(CUT_PATTERN).split
# Where no space is followed by whitespace (nor ends the text), every space is
# a cut, and str.split, a third faster than the pattern, cuts the same.
_space_before_whitespace = re.compile(f" [{_S}]").search
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")

# The pattern looks only at each character's class and at a few ASCII literals
# (' s d m t l v e r and the space), so an astral character can be replaced by a
# BMP character of the same class without moving any piece boundary.
_STAND_IN = {"letter": "\u00aa", "number": "\u00b2", "other": "\u00a6"}
_ASTRAL_CLASSES = sorted(
    [(a, b, "letter") for a, b in _LETTER if a > 0xFFFF]
    + [(a, b, "number") for a, b in _NUMBER if a > 0xFFFF]
)
_ASTRAL_STARTS = [a for a, _, _ in _ASTRAL_CLASSES]


def _stand_in(match: re.Match[str]) -> str:
    cp = ord(match.group())
    i = bisect.bisect_right(_ASTRAL_STARTS, cp) - 1
    if i >= 0 and cp <= _ASTRAL_CLASSES[i][1]:
        return _STAND_IN[_ASTRAL_CLASSES[i][2]]
    return _STAND_IN["other"]


def split(text: str) -> list[str]:
    """GPT-2's pre-tokenization of ``text``: pieces that concatenate back to it.

    >>> split("Hello world, it's 2024!")
    ['Hello', ' world', ',', ' it', "'s", ' 2024', '!']
    >>> split("a  b\\n\\n")
    ['a', ' ', ' b', '\\n\\n']
    """
    if text.isascii() or _ASTRAL.search(text) is None:
        return _findall(text)
    pieces = _findall(_ASTRAL.sub(_stand_in, text))
    out = []
    start = 0
    for piece in pieces:
        end = start + len(piece)
        out.append(text[start:end])
        start = end
    return out


def chunks(text: str) -> list[str]:
    """``text`` cut before every space that leads a piece; the spaces are dropped.

    Every chunk but the first stands for a space and itself, and splits into
    the same pieces on its own as it does in ``text``.

    >>> text = "Hello world,  it's\\n 2024!"
    >>> chunks(text)
    ['Hello', 'world, ', "it's\\n", '2024!']
    >>> [piece for chunk in chunks(text) for piece in split(" " + chunk)] == split(" " + text)
    True
    """
    if text.endswith(" ") or _space_before_whitespace(text) is not None:
        return _cut(text)
    return text.split(" ")
