"""The package's exceptions: one base class, so callers can catch all of ours at once.

Each subclass also derives from the built-in exception that fits, so code written
for tiktoken (which raises ``ValueError`` and ``KeyError``) keeps working.
"""

from __future__ import annotations


class Gpt2BpeError(Exception):
    """Base class of every error gpt2bpe raises on purpose.

    >>> issubclass(VocabularyError, Gpt2BpeError) and issubclass(VocabularyError, ValueError)
    True
    """


class VocabularyError(Gpt2BpeError, ValueError):
    """A malformed ``encoder.json`` or ``vocab.bpe``; the message names the file (and line)."""


class DisallowedSpecialTokenError(Gpt2BpeError, ValueError):
    """``encode`` met text that spells a special token it was not allowed to encode."""


class UnknownTokenError(Gpt2BpeError, KeyError):
    """A token id or token text that is not in the vocabulary.

    It is a ``KeyError``, as in tiktoken, but prints its message without quotes.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
