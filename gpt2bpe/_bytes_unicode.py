"""GPT-2's byte-to-unicode table: every byte gets a printable stand-in character.

``vocab.bpe`` and ``encoder.json`` are written in this alphabet, so that a token
such as ``b" the"`` appears as ``"Ġthe"`` (the space byte 0x20 is shown as ``Ġ``).
Printable Latin-1 bytes stand for themselves; the other 68 bytes (controls,
space, DEL, NBSP, soft hyphen) map in order to U+0100 onwards.

The conversions use the ``charmap`` codec, so a whole piece is converted in one C
call rather than a character at a time.
"""

from __future__ import annotations

import codecs

from gpt2bpe._errors import Gpt2BpeError


def bytes_to_unicode() -> dict[int, str]:
    """The table as OpenAI's ``encoder.py`` builds it: byte value -> character.

    >>> table = bytes_to_unicode()
    >>> table[ord("A")], table[ord(" ")], table[ord("\\n")]
    ('A', 'Ġ', 'Ċ')
    """
    printable = [
        *range(ord("!"), ord("~") + 1),
        *range(ord("¡"), ord("¬") + 1),
        *range(ord("®"), ord("ÿ") + 1),
    ]
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


#: The 256 stand-in characters, indexed by byte value.
BYTE_TO_UNICODE: str = "".join(bytes_to_unicode()[b] for b in range(256))
#: Character -> byte value, the inverse of ``BYTE_TO_UNICODE``.
UNICODE_TO_BYTE: dict[str, int] = {ch: b for b, ch in enumerate(BYTE_TO_UNICODE)}

_ENCODING_MAP = codecs.charmap_build(BYTE_TO_UNICODE)


def to_symbols(raw: bytes) -> str:
    """Bytes as a string in GPT-2's alphabet, one character per byte.

    >>> to_symbols(" héllo".encode())
    'ĠhÃ©llo'
    """
    return codecs.charmap_decode(raw, "strict", BYTE_TO_UNICODE)[0]


def to_bytes(symbols: str) -> bytes:
    """The inverse of :func:`to_symbols`.

    Raises ``UnicodeEncodeError`` for a character outside the alphabet; use
    :func:`symbols_to_bytes` for a message that names the offending character.

    >>> to_bytes("ĠhÃ©llo").decode()
    ' héllo'
    """
    return codecs.charmap_encode(symbols, "strict", _ENCODING_MAP)[0]


def symbols_to_bytes(symbols: str) -> bytes:
    """Like :func:`to_bytes`, with a readable error for characters outside the alphabet.

    >>> symbols_to_bytes("Ġ!")
    b' !'
    """
    try:
        return to_bytes(symbols)
    except UnicodeEncodeError as exc:
        bad = symbols[exc.start]
        raise Gpt2BpeError(
            f"{symbols!r} has {bad!r} (U+{ord(bad):04X}), which is not in GPT-2's byte alphabet"
        ) from None
