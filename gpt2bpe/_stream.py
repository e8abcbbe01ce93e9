"""Streaming decode: ids in, text out as soon as it forms whole characters.

A character can be split across tokens (an emoji is often two or three of
them); decoding token by token would show U+FFFD for the halves.  The stream
keeps the unfinished bytes until the character is complete.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Iterable, Iterator


class StreamDecoder:
    """Decode ids incrementally, for text generation.

    >>> from gpt2bpe import get_encoder
    >>> stream = get_encoder().stream_decoder()
    >>> ids = get_encoder().encode("I ❤ you")  # '❤' is split across two tokens
    >>> ids
    [40, 43074, 97, 345]
    >>> [stream.feed(i) for i in ids]
    ['I', ' ', '❤', ' you']
    >>> stream.flush()
    ''
    """

    def __init__(self, token_bytes: Callable[[Iterable[int]], bytes], *, errors: str = "replace") -> None:
        self._token_bytes = token_bytes
        self._errors = errors
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors)

    def feed(self, tokens: int | Iterable[int]) -> str:
        """Take one id or several; return the text they complete (maybe '').

        Under ``errors="strict"`` bytes that cannot be UTF-8 raise
        ``UnicodeDecodeError``; the stream then drops what it held and goes on.
        """
        ids = (tokens,) if hasattr(tokens, "__index__") else tokens
        try:
            return self._utf8.decode(self._token_bytes(ids))  # type: ignore[arg-type]
        except UnicodeDecodeError:
            self._utf8.reset()
            raise

    def flush(self) -> str:
        """End the stream: return what is left (U+FFFD for an unfinished character
        under ``errors="replace"``, an error under "strict") and start afresh."""
        try:
            return self._utf8.decode(b"", final=True)
        finally:
            self._utf8.reset()

    def pending(self) -> bytes:
        """The bytes held back, waiting for the rest of a character."""
        return self._utf8.getstate()[0]

    def __repr__(self) -> str:
        return f"<StreamDecoder errors={self._errors!r} pending={self.pending()!r}>"


def iter_decode(
    token_bytes: Callable[[Iterable[int]], bytes], tokens: Iterable[int], *, errors: str = "replace"
) -> Iterator[str]:
    """Yield text for a stream of ids, never splitting a character; flushes at the end."""
    stream = StreamDecoder(token_bytes, errors=errors)
    for token in tokens:
        text = stream.feed(token)
        if text:
            yield text
    tail = stream.flush()
    if tail:
        yield tail
